import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../../src/errors/index.js';
import { type TransportOptions, createDialer, parseLibvirtUri } from '../../../src/rpc/transport/index.js';
import { AUTH_LIST_REPLY, authListRoundTrip } from './helpers.js';

/**
 * A private sshd on 127.0.0.1 (random port, temporary host key, temporary
 * authorized key) in front of the real libvirtd. The client side uses its own
 * ssh_config via -F, so ~/.ssh is never read or written.
 */
const SSHD = '/usr/sbin/sshd';
let dir: string;
let port: number;
let sshd: ChildProcess;
let sshdLog = '';
const user = userInfo().username;

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port: p } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return p;
}

async function waitForListener(p: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: p });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not start: ${sshdLog}`);
}

beforeAll(async () => {
  if (!existsSync(SSHD)) throw new Error('sshd missing: apt-get install openssh-server (see scripts/setup-libvirt.sh)');
  dir = mkdtempSync(join(tmpdir(), 'lvm-ssh-it-'));
  const keygen = (file: string): void => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'libvirt-manager-test', '-f', join(dir, file)]);
  };
  keygen('hostkey');
  keygen('id');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id.pub')));
  port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'hostkey')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'PidFile none',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const hostPub = readFileSync(join(dir, 'hostkey.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  writeFileSync(join(dir, 'empty_known_hosts'), '');
  // Client config: only our key, no agent, no global known_hosts, never prompt.
  writeFileSync(
    join(dir, 'ssh_config'),
    ['Host *', '  IdentitiesOnly yes', '  IdentityAgent none', '  GlobalKnownHostsFile /dev/null', '  LogLevel ERROR', ''].join('\n'),
  );
  // sshd refuses to start without its privilege-separation directory.
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  sshd.stderr?.on('data', (d: Buffer) => {
    sshdLog = (sshdLog + d.toString()).slice(-4000);
  });
  await waitForListener(port, Date.now() + 10_000);
});

afterAll(async () => {
  if (sshd !== undefined && sshd.exitCode === null) {
    sshd.kill('SIGTERM');
    await once(sshd, 'exit');
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function sshUri(query: string, knownHosts = 'known_hosts'): string {
  return (
    `qemu+ssh://${user}@127.0.0.1:${port}/system?keyfile=${join(dir, 'id')}` +
    `&known_hosts=${join(dir, knownHosts)}&known_hosts_verify=normal&no_tty=1${query}`
  );
}

function options(extra: TransportOptions = {}): TransportOptions {
  return { ssh: { extraArgs: ['-F', join(dir, 'ssh_config')] }, ...extra };
}

describe('ssh transport through a real sshd to the real libvirtd', () => {
  it.each([
    ['virt-ssh-helper', '&proxy=native'],
    ['nc -U fallback', '&proxy=netcat'],
    ['auto (virt-ssh-helper when present)', ''],
  ])('reaches libvirtd through %s', async (_label, query) => {
    const stream = await createDialer(parseLibvirtUri(sshUri(query)), options())({ timeout: 10_000 });
    try {
      expect(await authListRoundTrip(stream, 20_000)).toMatchObject(AUTH_LIST_REPLY);
    } finally {
      stream.destroy();
    }
  });

  it('read-only connections go through virt-ssh-helper -r', async () => {
    const stream = await createDialer(parseLibvirtUri(sshUri('&proxy=native')), options({ readonly: true }))({});
    try {
      expect(await authListRoundTrip(stream, 20_000)).toMatchObject(AUTH_LIST_REPLY);
    } finally {
      stream.destroy();
    }
  });

  it('read-only connections reach the -ro socket through nc', async () => {
    const stream = await createDialer(parseLibvirtUri(sshUri('&proxy=netcat')), options({ readonly: true }))({});
    try {
      expect(await authListRoundTrip(stream, 20_000)).toMatchObject(AUTH_LIST_REPLY);
    } finally {
      stream.destroy();
    }
  });

  it('an unknown host key is refused, with ssh’s own words in the error', async () => {
    const stream = await createDialer(parseLibvirtUri(sshUri('', 'empty_known_hosts')), options())({});
    stream.resume();
    stream.write(Buffer.alloc(0));
    const [err] = (await once(stream, 'error')) as [Error];
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toContain('exited with status 255');
    expect(err.message).toMatch(/Host key verification failed|No .* host key is known/);
  });

  it('a socket nobody listens on is reported with nc’s message', async () => {
    const stream = await createDialer(parseLibvirtUri(sshUri('&socket=/run/libvirt/no-such-sock')), options())({});
    stream.resume();
    stream.write(Buffer.alloc(0));
    const [err] = (await once(stream, 'error')) as [Error];
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toMatch(/ssh to 127\.0\.0\.1 exited with status 1/);
    expect(err.message).toContain('no-such-sock');
  });
});
