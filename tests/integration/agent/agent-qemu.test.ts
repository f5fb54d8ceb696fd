/**
 * The guest agent API on a real TCG guest running qemu-ga 7.2 (the test
 * guest's initramfs, busybox for the commands): exec with stdin, stdout,
 * stderr, exit codes and a timeout that kills; a 1 MiB file written and read
 * back; a password set through chpasswd (the guest has none: the test
 * installs a small one with the API itself) and checked in /etc/shadow;
 * guest info naming the guest's kernel; a freeze of an ext2 filesystem on a
 * hot-plugged disk, thawed on dispose and by the watchdog.
 *
 * Run alone: `flock /tmp/lvm-qemu.lock npx vitest run tests/integration/agent/agent-qemu.test.ts`.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentManager, type FrozenFilesystems, GuestAgentError, GuestExecError } from '../../../src/agent/index.js';
import { TimeoutError } from '../../../src/errors/index.js';
import { type RunningGuest, startTransientGuest, waitForSerial } from '../../helpers/guest.js';
import { uniqueName } from '../../helpers/libvirt.js';

const TEST_MS = 180_000;
let g: RunningGuest;
let agent: AgentManager;
/** A directory QEMU can reach for the hot-plugged disk (libvirt gives the file to QEMU's user). */
const diskDir = mkdtempSync(join(tmpdir(), 'lvm-agentdisk-'));
const disk = join(diskDir, `${uniqueName('agentdisk')}.raw`);

/** Run a shell line in the guest; fails the test unless it exits 0. */
async function sh(line: string, input?: string): Promise<string> {
  const r = await agent.exec(g.vm, ['/bin/sh', '-c', line], { check: true, ...(input === undefined ? {} : { input }) });
  return r.stdout.toString();
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  chmodSync(diskDir, 0o755);
  g = await startTransientGuest('agentapi', { agent: true, hotplugPorts: 1 });
  await waitForSerial(g.logPath, g.guest.agentMarker, 60_000);
  agent = new AgentManager(g.conn, { pollInterval: 200 });
  // qemu-ga answers about 1 s after its marker: wait for it on the agent lifecycle event, as users would.
  await agent.command(g.vm, 'guest-ping', undefined, { waitForAgent: true, timeout: 60_000 });
}, TEST_MS);

afterAll(async () => {
  await g?.stop();
  rmSync(diskDir, { recursive: true, force: true });
});

describe('exec', () => {
  it(
    'passes stdin and environment, returns stdout, stderr and a non-zero exit code',
    async () => {
      const r = await agent.exec(g.vm, ['/bin/sh', '-c', 'cat; echo "to stderr $GREETING" >&2; exit 3'], {
        input: 'from stdin\n',
        env: { GREETING: 'hello', PATH: '/bin:/sbin' },
      });
      expect(r).toMatchObject({ exitCode: 3, signal: undefined, stdoutTruncated: false, stderrTruncated: false });
      expect(r.stdout.toString()).toBe('from stdin\n');
      expect(r.stderr.toString()).toBe('to stderr hello\n');
    },
    TEST_MS,
  );

  it(
    'check: true makes a non-zero exit a GuestExecError with the exit code and stderr',
    async () => {
      const failed = agent.exec(g.vm, ['/bin/sh', '-c', 'echo nope >&2; exit 7'], { check: true });
      await expect(failed).rejects.toBeInstanceOf(GuestExecError);
      await expect(failed).rejects.toMatchObject({ exitCode: 7, path: '/bin/sh', killed: false });
      expect((await failed.catch((e: GuestExecError) => e)).stderr.toString()).toBe('nope\n');
    },
    TEST_MS,
  );

  it(
    'a missing program is the agent refusing the command, with its message',
    async () => {
      const e = await agent.exec(g.vm, ['/bin/lvm-no-such-program']).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(GuestAgentError);
      expect(e).toMatchObject({ reason: 'command-failed', command: 'guest-exec' });
      expect((e as GuestAgentError).agentMessage).toContain('/bin/lvm-no-such-program');
    },
    TEST_MS,
  );

  it(
    'a command that outlives its timeout is killed in the guest',
    async () => {
      const e = await agent
        .exec(g.vm, ['/bin/sh', '-c', 'echo $$ > /tmp/lvm-sleeper; exec sleep 600'], { timeout: 4_000 })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TimeoutError);
      expect((e as Error).message).toMatch(/killed pid \d+ in the guest/);
      const pid = (await sh('cat /tmp/lvm-sleeper')).trim();
      // `kill -0` fails for a process that no longer exists (its zombie was reaped by qemu-ga's status read).
      const probe = await agent.exec(g.vm, ['/bin/sh', '-c', `kill -0 ${pid}`]);
      expect(probe.exitCode).not.toBe(0);
    },
    TEST_MS,
  );

  it(
    'an unknown agent command is "unsupported-command" (not in guest-info\'s list)',
    async () => {
      expect((await agent.supportedCommands(g.vm)).has('guest-exec')).toBe(true);
      await expect(agent.command(g.vm, 'guest-lvm-bogus')).rejects.toMatchObject({
        reason: 'unsupported-command',
        command: 'guest-lvm-bogus',
      });
    },
    TEST_MS,
  );
});

describe('execStream', () => {
  it(
    'streams stdout while the command still runs, then stderr and the exit code; removes its files',
    async () => {
      const p = await agent.execStream(g.vm, ['/bin/sh', '-c', 'echo first; sleep 3; echo second >&2; echo third; exit 5']);
      let exitedYet = false;
      void p.exited.then(() => (exitedYet = true));
      const stdout: Buffer[] = [];
      const stderr = readAll(p.stderr);
      const firstChunk = new Promise<string>((resolve) => p.stdout.once('data', (d: Buffer) => resolve(d.toString())));
      p.stdout.on('data', (d: Buffer) => stdout.push(d));
      expect(await firstChunk).toBe('first\n');
      // The first line came while the command was still sleeping: streamed, not handed over at exit.
      expect(exitedYet).toBe(false);
      expect(await p.exited).toEqual({ exitCode: 5, signal: undefined });
      await new Promise((resolve) => p.stdout.once('end', resolve));
      expect(Buffer.concat(stdout).toString()).toBe('first\nthird\n');
      expect((await stderr).toString()).toBe('second\n');
      await p.finished;
      expect((await sh('ls /tmp | grep -c lvm-exec- || true')).trim()).toBe('0');
    },
    TEST_MS,
  );

  it(
    'a streamed command past its timeout is killed; the streams fail and its files are removed',
    async () => {
      const p = await agent.execStream(g.vm, ['/bin/sh', '-c', 'echo started; exec sleep 600'], { timeout: 4_000 });
      const out = readAll(p.stdout);
      const err = readAll(p.stderr);
      await expect(p.exited).rejects.toBeInstanceOf(TimeoutError);
      await expect(out).rejects.toBeInstanceOf(TimeoutError);
      await expect(err).rejects.toBeInstanceOf(TimeoutError);
      await p.finished;
      expect((await sh('ps | grep -c "[s]leep 600" || true')).trim()).toBe('0');
      expect((await sh('ls /tmp | grep -c lvm-exec- || true')).trim()).toBe('0');
    },
    TEST_MS,
  );
});

describe('files', () => {
  it(
    'writes 1 MiB and reads it back byte-identical, in chunks',
    async () => {
      const data = randomBytes(1024 * 1024);
      await pipeline(
        Readable.from([data.subarray(0, 300_000), data.subarray(300_000)]),
        agent.writeFile(g.vm, '/tmp/lvm-blob', { chunkSize: 128 * 1024 }),
      );
      expect((await sh('wc -c < /tmp/lvm-blob')).trim()).toBe(String(data.length));
      const back = await readAll(agent.readFile(g.vm, '/tmp/lvm-blob', { chunkSize: 100_000 }));
      expect(back.equals(data)).toBe(true);
      expect((await sh('md5sum /tmp/lvm-blob')).split(' ')[0]).toBe(execFileSync('md5sum', { input: data }).toString().split(' ')[0]);
    },
    TEST_MS,
  );

  it(
    'a file larger than maxBytes fails the stream; a missing file is the agent refusing the open',
    async () => {
      await expect(readAll(agent.readFile(g.vm, '/tmp/lvm-blob', { maxBytes: 1000, chunkSize: 4096 }))).rejects.toBeInstanceOf(RangeError);
      await expect(readAll(agent.readFile(g.vm, '/tmp/lvm-missing'))).rejects.toMatchObject({
        reason: 'command-failed',
        command: 'guest-file-open',
      });
    },
    TEST_MS,
  );
});

describe('setUserPassword', () => {
  const password = `Lvm-${randomBytes(6).toString('hex')}`;

  it(
    "fails with the agent's reason while the guest has no chpasswd, then sets the hash /etc/shadow holds",
    async () => {
      await sh(
        'printf "root:x:0:0:root:/root:/bin/sh\\n" > /etc/passwd; printf "root:*:19000:0:99999:7:::\\n" > /etc/shadow; rm -f /bin/chpasswd',
      );
      const missing = await agent.setUserPassword(g.vm, 'root', password).catch((x: unknown) => x);
      expect(missing).toMatchObject({ reason: 'command-failed', command: 'guest-set-user-password' });
      expect(JSON.stringify(missing) + String(missing) + (missing as Error).stack).not.toContain(password);
      // Busybox has no chpasswd: install one that does what qemu-ga expects of it (stdin "user:password", -e = hashed).
      const chpasswd = [
        '#!/bin/sh',
        'IFS= read -r line',
        'user=${line%%:*}; pass=${line#*:}',
        'if [ "$1" = -e ]; then hash=$pass; else hash=$(mkpasswd -m sha512 "$pass"); fi',
        'sed -i "s|^$user:[^:]*:|$user:$hash:|" /etc/shadow',
        '',
      ].join('\n');
      await pipeline(Readable.from([Buffer.from(chpasswd)]), agent.writeFile(g.vm, '/bin/chpasswd'));
      await sh('chmod 755 /bin/chpasswd');
      await agent.setUserPassword(g.vm, 'root', password);
      const hash = (await sh('cut -d: -f2 /etc/shadow')).trim();
      expect(hash).toMatch(/^\$6\$/);
      const salt = hash.split('$')[2] ?? '';
      // The guest's crypt of the password with the same salt gives the same hash.
      expect((await sh(`read -r p; mkpasswd -m sha512 -S '${salt}' "$p"`, `${password}\n`)).trim()).toBe(hash);
    },
    TEST_MS,
  );
});

describe('getGuestInfo', () => {
  it(
    'names the kernel the guest runs, and reads its interfaces and timezone',
    async () => {
      const info = await agent.getGuestInfo(g.vm);
      expect(info.os?.kernelRelease).toBe(g.guest.kernelVersion);
      expect(info.os?.machine).toBe('x86_64');
      expect(info.timezone).toEqual({ name: 'UTC', offsetSeconds: 0 });
      expect(info.interfaces?.find((i) => i.name === 'lo')?.addresses.map((a) => a.address)).toContain(g.guest.agentAddress);
      expect((await agent.getGuestInfo(g.vm, { types: ['os'] })).timezone).toBeUndefined();
    },
    TEST_MS,
  );
});

describe('freeze', () => {
  beforeAll(async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', disk, '16M']);
    execFileSync('virsh', ['-c', 'qemu:///system', 'attach-disk', g.vm.name, disk, 'vda', '--live', '--targetbus', 'virtio'], {
      stdio: 'pipe',
    });
    // Bounded in the guest: the hot-plugged disk appears within a few seconds under TCG.
    await sh(
      'i=0; until [ -b /dev/vda ]; do i=$((i+1)); [ $i -gt 300 ] && exit 1; usleep 100000; done; mke2fs -q /dev/vda && mkdir -p /mnt/lvm && mount -t ext2 /dev/vda /mnt/lvm',
    );
  }, TEST_MS);

  it(
    "a frozen filesystem blocks the guest's writes until dispose thaws it",
    async () => {
      // Started before the freeze: the write comes 3 s later, while frozen, and reports how long it was blocked.
      await agent.exec(g.vm, [
        '/bin/sh',
        '-c',
        '(sleep 3; a=$(date +%s); echo data > /mnt/lvm/probe; b=$(date +%s); echo "LVM_AGENT_WROTE $((b-a))" > /dev/console) > /dev/null 2>&1 &',
      ]);
      let frozen: FrozenFilesystems | undefined;
      {
        await using f = await agent.freeze(g.vm, { mountpoints: ['/mnt/lvm'] });
        frozen = f;
        expect(f.frozen).toBe(1);
        expect(await agent.command(g.vm, 'guest-fsfreeze-status')).toBe('frozen');
        // While frozen, qemu-ga disables every other command (its guest-info list says enabled: false).
        await expect(agent.exec(g.vm, ['/bin/true'])).rejects.toMatchObject({ reason: 'unsupported-command', command: 'guest-exec' });
        // Hold the freeze past the writer's start (3 s) by a margin, then leave the block.
        await new Promise((resolve) => setTimeout(resolve, 7_000));
      }
      expect(frozen.state).toBe('thawed');
      expect(frozen.trigger).toBe('dispose');
      const line = await waitForSerial(g.logPath, 'LVM_AGENT_WROTE', 60_000);
      const blocked = Number(/LVM_AGENT_WROTE (\d+)/.exec(line)?.[1]);
      expect(blocked).toBeGreaterThanOrEqual(2);
      expect(await sh('cat /mnt/lvm/probe')).toBe('data\n');
    },
    TEST_MS,
  );

  it(
    'the watchdog thaws a freeze the caller forgot',
    async () => {
      const f = await agent.freeze(g.vm, { mountpoints: ['/mnt/lvm'], watchdog: 2_000 });
      expect(f.frozen).toBe(1);
      const deadline = Date.now() + 60_000;
      while ((await agent.command(g.vm, 'guest-fsfreeze-status')) !== 'thawed') {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(f.trigger).toBe('watchdog');
      expect(f.state).toBe('thawed');
      await f[Symbol.asyncDispose](); // idempotent
    },
    TEST_MS,
  );
});
