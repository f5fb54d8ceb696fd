/**
 * TLS and SASL against the real thing: libvirtd's TLS listener
 * (127.0.0.1:16514, set up by scripts/setup-libvirt.sh) verifies client
 * certificates, as production hosts do, and then asks for SASL (Cyrus SASL,
 * `auth_tls = "sasl"`), with a user this file adds to libvirt's sasldb with
 * `saslpasswd2` (and removes afterwards). SCRAM-SHA-256 by default, SCRAM-SHA-1
 * and PLAIN when asked; wrong passwords and unknown users are typed errors
 * that never quote the password; no client certificate is a typed refusal.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, LibvirtConnection, TransportError } from '../../../src/connection/internal.js';
import { LibvirtManager } from '../../../src/index.js';
import { openRpcLink } from '../../../src/rpc/index.js';
import { signalLibvirtd, sleep, startLibvirtd, uniqueName } from '../../helpers/libvirt.js';

const PKI = '/etc/libvirt-manager/pki';
const SASL_DB = '/etc/libvirt/passwd.db';
const user = uniqueName('sasl').replace(/[^a-z0-9-]/g, '');
const password = `pw-${randomBytes(9).toString('base64url')}`;
/** CA, client certificate and key, given in code (most tests) or found through `?pkipath=` (one test). */
let tls: { ca: string; cert: string; key: string };

const saslpasswd = (...args: string[]): void =>
  void execFileSync('saslpasswd2', ['-a', 'libvirt', '-f', SASL_DB, ...args], { input: password, stdio: ['pipe', 'ignore', 'pipe'] });

beforeAll(() => {
  const read = (file: string): string => readFileSync(`${PKI}/${file}`, 'utf8');
  tls = { ca: read('cacert.pem'), cert: read('clientcert.pem'), key: read('clientkey.pem') };
  saslpasswd('-p', '-c', user);
});

afterAll(() => {
  saslpasswd('-d', user);
});

const uri = (driver = 'test', path = 'default'): string => `${driver}+tls://${user}@127.0.0.1/${path}`;

/** Everything an error carries, to look for the password in. */
const everything = (error: unknown): string =>
  `${String(error)} ${inspect(error, { depth: null, showHidden: true })} ${JSON.stringify(error)}`;

describe('SASL over TLS, against libvirtd with Cyrus SASL', () => {
  it('SCRAM-SHA-256 by default; the user comes from the URI and the password from a function', async () => {
    const link = await openRpcLink(uri(), { transport: { tls }, sasl: { password: () => password } });
    try {
      expect(link.handshake).toMatchObject({ auth: 'sasl', saslMechanism: 'SCRAM-SHA-256' });
    } finally {
      link.client.destroy();
    }
  });

  it.each(['SCRAM-SHA-1', 'PLAIN'] as const)('%s when it is the one allowed', async (mechanism) => {
    const link = await openRpcLink(uri(), { transport: { tls }, sasl: { username: user, password, mechanisms: [mechanism] } });
    try {
      expect(link.handshake.saslMechanism).toBe(mechanism);
    } finally {
      link.client.destroy();
    }
  });

  it('a LibvirtConnection works end to end on the QEMU driver', async () => {
    await using conn = await LibvirtConnection.connect(uri('qemu', 'system'), { tls, sasl: { password }, reconnect: false });
    expect((await conn.host.getLibVersion()).major).toBeGreaterThanOrEqual(9);
    expect(Array.isArray(await conn.domains.list())).toBe(true);
  });

  it('reconnects after libvirtd restarts, asking the password function again', async () => {
    let asked = 0;
    await using conn = await LibvirtConnection.connect(uri(), {
      tls,
      sasl: {
        password: () => {
          asked++;
          return password;
        },
      },
      reconnect: { initialDelay: 100, maxDelay: 1000 },
    });
    expect(asked).toBe(1);
    const reconnected = new Promise<void>((resolve) => conn.once('reconnected', () => resolve()));
    signalLibvirtd('SIGKILL');
    await sleep(300);
    startLibvirtd();
    await reconnected;
    expect(asked).toBeGreaterThanOrEqual(2);
    expect((await conn.host.getLibVersion()).major).toBeGreaterThanOrEqual(9);
  }, 120_000);

  it('and so does the facade', async () => {
    await using manager = await LibvirtManager.connect(uri(), { tls, sasl: { password } });
    expect(manager.listVms().some((vm) => vm.domain.name === 'test')).toBe(true);
  });

  it('a wrong password is an AuthError that names the user and never the password, in the error or the logs', async () => {
    const wrong = `${password}-wrong`;
    const lines: string[] = [];
    const capture = (level: string) => (fields: unknown, message: string) =>
      void lines.push(`${level} ${message} ${inspect(fields, { depth: null })}`);
    const logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
    const error = await LibvirtConnection.connect(uri(), { tls, sasl: { password: wrong }, reconnect: false, logger }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain(user);
    expect(everything(error)).not.toContain(wrong);
    expect(everything(error)).not.toContain(password);
    await using conn = await LibvirtConnection.connect(uri(), { tls, sasl: { password }, reconnect: false, logger });
    await conn.host.getLibVersion();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(password);
  });

  it('so is an unknown user, with SCRAM and with PLAIN', async () => {
    for (const mechanisms of [['SCRAM-SHA-256'], ['PLAIN']] as const) {
      const error = await LibvirtConnection.connect(uri(), {
        tls,
        sasl: { username: `${user}-nobody`, password, mechanisms },
        reconnect: false,
      }).catch((e: unknown) => e);
      expect(error, mechanisms[0]).toBeInstanceOf(AuthError);
      expect(everything(error)).not.toContain(password);
    }
  });

  it('without credentials: an AuthError that says what to pass', async () => {
    const error = await LibvirtConnection.connect(uri(), { tls, reconnect: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/sasl: \{ username, password \}/);
  });

  it("TLS still verifies the daemon: without our CA the listener's certificate is refused before SASL starts", async () => {
    const error = await LibvirtConnection.connect(uri(), {
      sasl: { password },
      reconnect: false,
      tls: { ...tls, ca: readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8') },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/was rejected/);
  });

  it('the credentials can come from ?pkipath= (cacert.pem, clientcert.pem, clientkey.pem), as with virsh', async () => {
    await using conn = await LibvirtConnection.connect(`${uri()}?pkipath=${PKI}`, { sasl: { password }, reconnect: false });
    expect((await conn.host.getLibVersion()).major).toBeGreaterThanOrEqual(9);
  });

  it('without a client certificate, libvirtd closes the link after the TLS handshake: a TransportError that says so', async () => {
    const error = await LibvirtConnection.connect(uri(), { tls: { ca: tls.ca }, sasl: { password }, reconnect: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/without confirming it|refused us/);
  });
});
