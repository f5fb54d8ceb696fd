/**
 * Secrets never appear in logs, errors or event payloads.
 *
 * A capturing logger (every level) is given to the facade and to the
 * connections. Then: a create with a cloud-init plain password and password
 * hash, SSH keys (and a private key written into the guest), and a VNC
 * password, on qemu:///system, successful and failing (validation, libvirt's
 * schema check, an upload the driver cannot do); a TLS connection with an
 * inline, passphrase-protected key that fails (wrong CA, wrong passphrase,
 * refused port); an ssh transport failure with a key file. Every log line,
 * every error (message, stack, the whole `cause` chain, `JSON.stringify`,
 * `util.inspect` with hidden properties) and every event payload received
 * during the create is searched for each secret.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../src/connection/internal.js';
import { LibvirtConnection, LibvirtManager, LibvirtManagerError, type Logger, type VmSpec, getRollbackReport } from '../../../src/index.js';
import { QEMU_URI, TEST_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';
import { openssl, selfSigned, selfSignedServer } from '../../helpers/certs.js';
import { type TestTlsServer, startTlsServer } from '../../helpers/tls.js';
import { sshKeyPair } from '../../reliability/common.js';
import { URI_PASSWORDS, URI_PASSWORD_HALVES } from '../../reliability/corpus.js';

/** Every typed event type libvirt 9.0 can register: NIC_MAC_CHANGE (id 27) is libvirt 11.x ("unsupported event ID 27"). */
const DAEMON_EVENT_TYPES = Object.keys(EVENT_TYPES).filter((t) => t !== 'domain.nic-mac-change');

// ---- the secrets ----------------------------------------------------------------------------------

const PLAIN_PASSWORD = 'Plain-Pa55word-7f3a9c<&>';
const PASSWORD_HASH = '$6$saltsalt$Qq1Yq9Xc3rY0qkZ6gYtM5YcV8oJ3yQm0C3y1c5Zr5vX9p8g0f2bQm3nHk1eTz7uWl4sDa6jR2iP0oN9bL8vK7';
/** VNC passwords are at most 8 characters (QEMU's limit, enforced by libvirt). */
const VNC_PASSWORD = 'v<S3cr&t';
const TLS_PASSPHRASE = 'tls-passphrase-4b1d';
const ssh = sshKeyPair('secrets-test');
/** A private key written into the guest by cloud-init (`write_files`). */
const WRITTEN_KEY = sshKeyPair('written').privateKeyPem;

/** Substrings that must never show up: each secret, and each line of key material. */
function needles(secret: string): string[] {
  const lines = secret
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length >= 16 && !l.startsWith('-----'));
  return secret.includes('\n') ? lines : [secret];
}

const SECRETS: Record<string, string[]> = {
  plainPassword: needles(PLAIN_PASSWORD),
  passwordHash: needles(PASSWORD_HASH),
  vncPassword: needles(VNC_PASSWORD),
  sshPrivateKey: needles(ssh.privateKeyPem),
  writtenKey: needles(WRITTEN_KEY),
  // Seed content is secret as a whole: not even the public key is logged.
  sshPublicKeyBlob: [ssh.publicKey.split(' ')[1]!],
  tlsPassphrase: [TLS_PASSPHRASE],
};

/** Which secret (if any) occurs in `text`. */
function leaks(text: string, also: Record<string, string[]> = {}): string[] {
  const found: string[] = [];
  for (const [name, list] of Object.entries({ ...SECRETS, ...also })) if (list.some((n) => text.includes(n))) found.push(name);
  return found;
}

// ---- where secrets could go ---------------------------------------------------------------------------

const logLines: string[] = [];
const levels = ['debug', 'info', 'warn', 'error'] as const;
const logger: Logger = Object.fromEntries(
  levels.map((level) => [
    level,
    (fields: Record<string, unknown>, message: string) =>
      logLines.push(`${level} ${message} ${stringify(fields)} ${inspect(fields, { depth: null, showHidden: true })}`),
  ]),
) as Logger;

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch (error) {
    return `<unserialisable: ${String(error)}>`;
  }
}

/** Everything an error shows: message, stack, every cause, enumerable or not, JSON and inspect output. */
function errorText(error: unknown): string {
  const parts: string[] = [inspect(error, { depth: null, showHidden: true }), stringify(error)];
  const seen = new Set<unknown>();
  const walk = (e: unknown): void => {
    if (e === null || e === undefined || seen.has(e)) return;
    seen.add(e);
    if (typeof e !== 'object') {
      parts.push(String(e));
      return;
    }
    const err = e as { message?: unknown; stack?: unknown; cause?: unknown };
    parts.push(String(err.message ?? ''), String(err.stack ?? ''), stringify(e));
    for (const key of Object.getOwnPropertyNames(e)) {
      const v = (e as Record<string, unknown>)[key];
      if (typeof v === 'string') parts.push(v);
      else if (typeof v === 'object') walk(v);
    }
    walk(err.cause);
  };
  walk(error);
  const report = getRollbackReport(error);
  if (report !== undefined) {
    parts.push(stringify(report));
    for (const f of report.failed) walk(f.error);
  }
  return parts.join('\n');
}

function expectNoLeak(what: string, text: string, also: Record<string, string[]> = {}): void {
  expect(leaks(text, also), `${what} leaks`).toEqual([]);
}

const SPEC_SECRETS = (name: string, pool: string): VmSpec => ({
  name,
  memory: '64MiB',
  virtType: 'qemu',
  disks: [{ kind: 'new', pool, size: '1MiB', format: 'raw' }],
  graphics: { type: 'vnc', password: VNC_PASSWORD },
  cloudInit: {
    user: { name: 'ops', plainPassword: PLAIN_PASSWORD, sshAuthorizedKeys: [ssh.publicKey] },
    config: { writeFiles: [{ path: '/root/.ssh/id_ed25519', content: WRITTEN_KEY, permissions: '0600' }] },
  },
  defaultDevices: { guestAgent: false, rng: false, memballoon: false },
});

// ---- VM creation: success and failures --------------------------------------------------------------

describe('secrets during VM creation', () => {
  let manager: LibvirtManager;
  let pool: TempPool;
  const names: string[] = [];

  beforeAll(async () => {
    manager = await LibvirtManager.connect(QEMU_URI, { logger });
    pool = await tempPool(manager.connection, 'secrets');
  });

  afterAll(async () => {
    for (const name of names) {
      virshQuiet(QEMU_URI, 'destroy', name);
      virshQuiet(QEMU_URI, 'undefine', name);
    }
    await pool?.remove();
    await manager?.close();
  });

  it('a create and a destroy with every kind of secret: no log line, event or registry change carries one', async () => {
    const name = uniqueName('secrets');
    names.push(name);
    const events: unknown[] = [];
    const types = [...DAEMON_EVENT_TYPES, 'domain.graphics', 'domain.tunable', 'domain.job_completed'];
    const subscription = manager.events({ types });
    await subscription.ready;
    const collecting = (async () => {
      for await (const event of subscription) events.push(event);
    })().catch(() => undefined);
    const changes: unknown[] = [];
    const changeFeed = manager.vms.changes();
    const collectingChanges = (async () => {
      for await (const change of changeFeed) changes.push(change);
    })().catch(() => undefined);
    const linesBefore = logLines.length;

    const progress: unknown[] = [];
    const { domain, created } = await manager.createVm(SPEC_SECRETS(name, pool.name), { onProgress: (p) => progress.push(p) });
    expect(created.seed).toBeDefined();
    const report = await manager.destroyVm(domain, { storage: 'owned', stop: 'force' });
    expect(report.complete).toBe(true);

    // The second create: the password hash.
    const hashName = uniqueName('secrets-hash');
    names.push(hashName);
    const second = await manager.createVm({
      ...SPEC_SECRETS(hashName, pool.name),
      cloudInit: { user: { name: 'ops', passwordHash: PASSWORD_HASH } },
    });
    expect((await manager.destroyVm(second.domain, { storage: 'owned', stop: 'force' })).complete).toBe(true);

    await new Promise((r) => setTimeout(r, 200)); // let the last events arrive
    await subscription.return();
    changeFeed.return?.();
    await collecting;
    await collectingChanges;

    const lines = logLines.slice(linesBefore);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('debug'))).toBe(true);
    expectNoLeak('log lines', lines.join('\n'));
    expect(events.length).toBeGreaterThan(0);
    expectNoLeak('event payloads', events.map((e) => `${stringify(e)} ${inspect(e, { depth: null, showHidden: true })}`).join('\n'));
    expectNoLeak('registry changes', changes.map((c) => inspect(c, { depth: null })).join('\n'));
    expectNoLeak('progress events', stringify(progress));
    expectNoLeak('the destroy report', inspect(report, { depth: null, showHidden: true }));
  });

  it.each([
    [
      'an invalid VNC password (NUL)',
      (name: string, p: string) => ({ ...SPEC_SECRETS(name, p), graphics: { type: 'vnc', password: `${VNC_PASSWORD}\0` } }),
    ],
    [
      'an invalid plain password (NUL)',
      (name: string, p: string) => ({
        ...SPEC_SECRETS(name, p),
        cloudInit: { user: { name: 'ops', plainPassword: `${PLAIN_PASSWORD}\0` } },
      }),
    ],
    [
      'an invalid password hash',
      (name: string, p: string) => ({ ...SPEC_SECRETS(name, p), cloudInit: { user: { name: 'ops', passwordHash: `${PASSWORD_HASH}\n` } } }),
    ],
    [
      'a private key where a public key belongs',
      (name: string, p: string) => ({ ...SPEC_SECRETS(name, p), cloudInit: { sshAuthorizedKeys: [ssh.privateKeyPem] } }),
    ],
    [
      'a write_files entry with a bad path',
      (name: string, p: string) => ({
        ...SPEC_SECRETS(name, p),
        cloudInit: { config: { writeFiles: [{ path: 'relative', content: WRITTEN_KEY }] } },
      }),
    ],
    [
      'raw user-data with a NUL next to a password',
      (name: string, p: string) => ({ ...SPEC_SECRETS(name, p), cloudInit: { userData: `#cloud-config\npassword: ${PLAIN_PASSWORD}\0` } }),
    ],
    ['a pool that does not exist', (name: string) => SPEC_SECRETS(name, 'no-such-pool-secrets')],
  ] as const)('a create refused for %s: the error carries no secret', async (_, build) => {
    const name = uniqueName('secrets-bad');
    const linesBefore = logLines.length;
    const error = await manager.createVm(build(name, pool.name) as VmSpec).then(
      () => new Error('created'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LibvirtManagerError);
    expectNoLeak('the error', errorText(error));
    expectNoLeak('log lines', logLines.slice(linesBefore).join('\n'));
  });

  it('libvirt refuses the XML at define (schema): rolled back, and neither the error nor the logs quote the XML', async () => {
    const name = uniqueName('secrets-schema');
    names.push(name);
    const linesBefore = logLines.length;
    const spec: VmSpec = { ...SPEC_SECRETS(name, pool.name), overrides: { devicesXml: ['<not-a-libvirt-device secret="no"/>'] } };
    const error = await manager.createVm(spec).then(
      () => new Error('created'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LibvirtManagerError);
    expect(getRollbackReport(error)?.complete).toBe(true);
    expectNoLeak('the error', errorText(error));
    expectNoLeak('log lines', logLines.slice(linesBefore).join('\n'));
  });

  it('a create that fails mid-way (the test driver cannot upload the seed): the rolled-back error carries no secret', async () => {
    const test = await LibvirtManager.connect(TEST_URI, { logger });
    try {
      const linesBefore = logLines.length;
      const spec: VmSpec = { ...SPEC_SECRETS(uniqueName('secrets-upload'), 'default-pool'), virtType: 'test' };
      const error = await test.createVm(spec).then(
        () => new Error('created'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LibvirtManagerError);
      expect(getRollbackReport(error)?.undone.length).toBeGreaterThan(0);
      expectNoLeak('the error', errorText(error));
      expectNoLeak('log lines', logLines.slice(linesBefore).join('\n'));
    } finally {
      await test.close();
    }
  });
});

// ---- libvirt secret values (conn.secrets) ---------------------------------------------------------------

describe('libvirt secret values', () => {
  const VALUE = 'Secret-Value-5e1f<&>\u00e9';
  const also = { secretValue: [VALUE, Buffer.from(VALUE).toString('base64')] };
  let conn: LibvirtConnection;
  const made: string[] = [];

  beforeAll(async () => {
    conn = await LibvirtConnection.connect(QEMU_URI, { logger });
  });

  afterAll(async () => {
    for (const uuid of made) virshQuiet(QEMU_URI, 'secret-undefine', uuid);
    await conn?.close();
  });

  it('set, get, value-changed events, refusals and failures: the value shows up only where it was asked for', async () => {
    const events: unknown[] = [];
    const subscription = conn.events({ types: ['secret.lifecycle', 'secret.value-changed'] });
    await subscription.ready;
    const collecting = (async () => {
      for await (const e of subscription) events.push(e);
    })();
    const errors: unknown[] = [];
    const ref = await conn.secrets.define({ description: 'lvm reliability', usage: { type: 'ceph', id: uniqueName('secret') } });
    made.push(ref.uuid);
    await conn.secrets.setValue(ref, VALUE);
    expect((await conn.secrets.getValue(ref)).toString('utf8')).toBe(VALUE);
    // Refused before sending (too long), and refused by libvirt (a private secret read back, a secret gone).
    errors.push(await conn.secrets.setValue(ref, VALUE.repeat(10_000)).catch((e: unknown) => e));
    const priv = await conn.secrets.define({ private: true, usage: { type: 'ceph', id: uniqueName('secret') } });
    made.push(priv.uuid);
    await conn.secrets.setValue(priv, VALUE);
    errors.push(await conn.secrets.getValue(priv).catch((e: unknown) => e));
    await conn.secrets.undefine(ref);
    errors.push(await conn.secrets.setValue(ref, VALUE).catch((e: unknown) => e));
    await conn.secrets.undefine(priv);
    subscription.end();
    await collecting;
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    for (const e of errors) expectNoLeak('a secrets error', errorText(e), also);
    expect(events.some((e) => (e as { type: string }).type === 'secret.value-changed')).toBe(true);
    expectNoLeak('secret events', stringify(events), also);
    expectNoLeak('the logs', logLines.join('\n'), also);
  });
});

// ---- transports: TLS key material and ssh keys ----------------------------------------------------------

// ---- the guest agent: passwords and file contents -----------------------------------------------------

describe('secrets through the guest agent', () => {
  const GUEST_PASSWORD = 'Guest-Pa55-ae41<&>';
  const FILE_SECRET = 'file-secret-9c2e77d1f0b5';
  const also = { guestPassword: [GUEST_PASSWORD], fileSecret: [FILE_SECRET] };
  const name = uniqueName('secrets-agent');

  afterAll(() => virshQuiet(QEMU_URI, 'undefine', name));

  it('setUserPassword, exec stdin and file content, succeeding and failing: no log line, error or event carries them', async () => {
    const lines = logLines.length;
    const errors: unknown[] = [];
    const events: unknown[] = [];
    const test = await LibvirtManager.connect(TEST_URI, { logger });
    const qemu = await LibvirtManager.connect(QEMU_URI, { logger });
    try {
      const subscription = qemu.events({ types: DAEMON_EVENT_TYPES });
      await subscription.ready;
      const collecting = (async () => {
        for await (const event of subscription) events.push(event);
      })().catch(() => undefined);
      // The test driver takes the password (it has the call, not an agent).
      await test.agent.setUserPassword('test', 'root', GUEST_PASSWORD);
      await test.agent.setUserPassword('test', 'root', `${GUEST_PASSWORD}\nsecond line`).catch((e: unknown) => errors.push(e));
      await test.agent.exec('test', ['/bin/sh'], { input: FILE_SECRET }).catch((e: unknown) => errors.push(e));
      await pipeline(Readable.from([Buffer.from(FILE_SECRET)]), test.agent.writeFile('test', '/root/secret')).catch((e: unknown) =>
        errors.push(e),
      );
      // A real QEMU domain without an agent (defined, not running): libvirt refuses, the SDK explains.
      await qemu.connection.domains.control.define(
        `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>`,
      );
      await qemu.agent.setUserPassword(name, 'root', GUEST_PASSWORD).catch((e: unknown) => errors.push(e));
      await qemu.agent.exec(name, ['/bin/sh'], { input: FILE_SECRET }).catch((e: unknown) => errors.push(e));
      await subscription.return();
      await collecting;
    } finally {
      await test.close();
      await qemu.close();
    }
    expect(errors).toHaveLength(5);
    for (const error of errors) {
      expect(error).toBeInstanceOf(LibvirtManagerError);
      expectNoLeak('an agent error', errorText(error), also);
    }
    expectNoLeak('agent events', stringify(events), also);
    expectNoLeak('agent log lines', logLines.slice(lines).join('\n'), also);
  });
});

describe('secrets of transports', () => {
  let dir: string;
  let tls: TestTlsServer;
  let port: number;
  let clientKey: string;
  let clientCert: string;
  let wrongCa: string;
  let keyFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lvm-secrets-'));
    selfSignedServer(dir);
    selfSigned(dir, 'other', '/CN=other CA');
    // The client's key, encrypted with a passphrase, and its certificate.
    openssl(
      dir,
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-aes-256-cbc',
      '-pass',
      `pass:${TLS_PASSPHRASE}`,
      '-out',
      'client.key',
    );
    openssl(
      dir,
      'req',
      '-new',
      '-x509',
      '-key',
      'client.key',
      '-passin',
      `pass:${TLS_PASSPHRASE}`,
      '-out',
      'client.pem',
      '-days',
      '2',
      '-subj',
      '/CN=client',
    );
    clientKey = readFileSync(join(dir, 'client.key'), 'utf8');
    clientCert = readFileSync(join(dir, 'client.pem'), 'utf8');
    wrongCa = readFileSync(join(dir, 'other.pem'), 'utf8');
    keyFile = join(dir, 'id_ed25519');
    writeFileSync(keyFile, ssh.privateKeyPem);
    chmodSync(keyFile, 0o600);
    tls = await startTlsServer(dir, null);
    port = tls.port;
  });

  afterAll(async () => {
    await tls.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tlsSecrets = (): Record<string, string[]> => ({ tlsKey: needles(clientKey) });

  it.each([
    [
      'a server the CA did not sign',
      () => ({ ca: wrongCa, key: clientKey, cert: clientCert, passphrase: TLS_PASSPHRASE }),
      (p: number) => p,
    ],
    [
      'a wrong passphrase',
      () => ({ ca: wrongCa, key: clientKey, cert: clientCert, passphrase: `${TLS_PASSPHRASE}-wrong` }),
      (p: number) => p,
    ],
    ['a refused port', () => ({ ca: wrongCa, key: clientKey, cert: clientCert, passphrase: TLS_PASSPHRASE }), () => 1],
  ])('a TLS connection with an inline encrypted key fails (%s): no key material in the error or the logs', async (_, options, portOf) => {
    const linesBefore = logLines.length;
    const error = await LibvirtConnection.connect(`qemu+tls://127.0.0.1:${portOf(port)}/system`, {
      tls: options(),
      logger,
      reconnect: false,
    }).then(
      (c) => (void c.close(), new Error('connected')),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LibvirtManagerError);
    expectNoLeak('the error', errorText(error), tlsSecrets());
    expect(errorText(error)).not.toContain(`${TLS_PASSPHRASE}-wrong`);
    expectNoLeak('log lines', logLines.slice(linesBefore).join('\n'), tlsSecrets());
  });

  it('the facade with the same TLS options fails the same way, and its logs stay clean', async () => {
    const linesBefore = logLines.length;
    const error = await LibvirtManager.connect(`qemu+tls://127.0.0.1:${port}/system`, {
      tls: { ca: wrongCa, key: clientKey, cert: clientCert, passphrase: TLS_PASSPHRASE },
      logger,
      reconnect: false,
      connectTimeout: 10_000,
    }).then(
      (m) => (void m.close(), new Error('connected')),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LibvirtManagerError);
    expectNoLeak('the error', errorText(error), tlsSecrets());
    expectNoLeak('log lines', logLines.slice(linesBefore).join('\n'), tlsSecrets());
  });

  it('an ssh transport failure with a key file: the key never appears', async () => {
    const linesBefore = logLines.length;
    const uri = `qemu+ssh://nobody@127.0.0.1:1/system?keyfile=${encodeURIComponent(keyFile)}&no_tty=1&no_verify=1`;
    const error = await LibvirtConnection.connect(uri, { logger, reconnect: false, connectTimeout: 15_000 }).then(
      (c) => (void c.close(), new Error('connected')),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LibvirtManagerError);
    expectNoLeak('the error', errorText(error));
    expectNoLeak('log lines', logLines.slice(linesBefore).join('\n'));
  });

  it('a URI with a password: neither the connection, its errors nor its logs repeat it', async () => {
    const linesBefore = logLines.length;
    const password = 'uri-Pa55-9d2e';
    const error = await LibvirtConnection.connect(`qemu+tcp://admin:${password}@127.0.0.1:1/system`, { logger, reconnect: false }).then(
      (c) => (void c.close(), new Error('connected')),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LibvirtManagerError);
    expectNoLeak('the error', errorText(error), { uriPassword: [password] });
    expectNoLeak('log lines', logLines.slice(linesBefore).join('\n'), { uriPassword: [password] });
  });

  it.each(Object.entries(URI_PASSWORDS))(
    'a URI password with %s: the connection, its errors and its logs never repeat any of it',
    async (_, password) => {
      const halves = { uriPassword: [...URI_PASSWORD_HALVES] };
      for (const uri of [
        `qemu+tcp://admin:${password}@127.0.0.1:1/system`,
        `qemu+ssh://admin:${password}@127.0.0.1:1/system?no_tty=1&no_verify=1`,
      ]) {
        const linesBefore = logLines.length;
        // Built without dialing: what `conn.uri` shows (or the refusal of a URI a parser would split).
        let conn: LibvirtConnection | undefined;
        try {
          conn = new LibvirtConnection(uri, { logger, reconnect: false });
          expectNoLeak('conn.uri', conn.uri, halves);
          expect(conn.uri).toMatch(/^qemu\+(tcp|ssh):\/\/admin@127\.0\.0\.1:1\/system/);
        } catch (error) {
          expectNoLeak('the refusal', errorText(error), halves);
        } finally {
          await conn?.close();
        }
        for (const open of [
          () => LibvirtConnection.connect(uri, { logger, reconnect: false, connectTimeout: 15_000 }),
          () => LibvirtManager.connect(uri, { logger, reconnect: false, connectTimeout: 15_000 }),
        ]) {
          const error = await open().then(
            (c) => (void c.close(), new Error('connected')),
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(LibvirtManagerError);
          expectNoLeak('the error', errorText(error), halves);
        }
        expectNoLeak('log lines', logLines.slice(linesBefore).join('\n'), halves);
      }
    },
  );

  it('the detector itself finds a planted secret, deep in a cause chain or a log line', () => {
    const planted = new LibvirtManagerError('ERR_LIBVIRT_INTERNAL', 'outer', {
      cause: new Error('inner', { cause: { detail: `x${PLAIN_PASSWORD}x` } }),
    });
    expect(leaks(errorText(planted))).toEqual(['plainPassword']);
    expect(leaks(`info ${stringify({ key: ssh.privateKeyPem })}`)).toContain('sshPrivateKey');
  });

  it('a TLS connection with the inline encrypted key that opens, then loses its link (logged at error level): no key material', async () => {
    // TLS in front of the real libvirtd; the client trusts nothing (no_verify=1) but presents its key and certificate.
    const proxy = await startTlsServer(dir, '/run/libvirt/libvirt-sock');
    const proxyPort = proxy.port;
    const linesBefore = logLines.length;
    try {
      const conn = await LibvirtConnection.connect(`test+tls://127.0.0.1:${proxyPort}/default?no_verify=1`, {
        tls: { key: clientKey, cert: clientCert, passphrase: TLS_PASSPHRASE },
        logger,
        reconnect: false,
        keepalive: false,
      });
      expect((await conn.host.getLibVersion()).major).toBeGreaterThan(0);
      const closed = new Promise((resolve) => conn.once('close', resolve));
      for (const socket of proxy.sockets) socket.destroy();
      await closed;
      const error = await conn.host.getLibVersion().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LibvirtManagerError);
      expectNoLeak('the error', errorText(error), tlsSecrets());
    } finally {
      await proxy.close();
    }
    const lines = logLines.slice(linesBefore);
    expect(lines.some((l) => l.startsWith('error'))).toBe(true);
    expectNoLeak('log lines', lines.join('\n'), tlsSecrets());
  });

  it('the capturing logger did receive lines at every level across the file', () => {
    for (const level of levels)
      expect(
        logLines.some((l) => l.startsWith(level)),
        level,
      ).toBe(true);
  });
});
