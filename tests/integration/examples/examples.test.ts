import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { buildStorageVolumeXml } from '../../../src/xml/index.js';
import { TSX, runExample } from '../../helpers/examples.js';
import { ensureTestGuest, guestDomainXml, logDir, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, ROOT, TEST_URI, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { tempPool } from '../../helpers/pool.js';

const run = promisify(execFile);

/** Run an example the way a user would (on the test driver unless `uri` says otherwise). */
function example(file: string, args: string[] = [], uri = TEST_URI): Promise<string> {
  return runExample(file, args, uri);
}

// The test driver forgets everything when its last connection closes: hold one
// open so what one example defines is there for the next.
let holder: LibvirtConnection;
beforeAll(async () => {
  holder = await LibvirtConnection.connect(TEST_URI);
});
afterAll(async () => {
  await holder.close();
});

describe('examples run against the test driver', () => {
  const name = uniqueName('example');

  it('list', async () => {
    expect(await example('list.ts')).toMatch(/test\s+running/);
  });

  it('define → start → shutdown → start → destroy → undefine (virsh equivalents)', async () => {
    expect(await example('define.ts', [name])).toContain(`Domain '${name}' defined`);
    expect(virsh(TEST_URI, 'domstate', name).trim()).toBe('shut off');
    expect(await example('start.ts', [name])).toContain('started (running/booted');
    expect(await example('shutdown.ts', [name])).toContain('is shutoff');
    expect(await example('start.ts', [name])).toContain('started');
    expect(await example('destroy.ts', [name])).toContain('destroyed');
    expect(await example('undefine.ts', [name])).toContain('has been undefined');
    expect(await example('undefine.ts', [name])).toContain('nothing to do');
  });

  it('otel-tracing: one line per operation and per RPC call', async () => {
    const out = await example('otel-tracing.ts', [uniqueName('otel')]);
    expect(out).toMatch(/^create lvm-otel-\S+ [\d.]+ ms$/m);
    expect(out).toMatch(/^start lvm-otel-\S+ [\d.]+ ms$/m);
    expect(out).toMatch(/^ {2}DOMAIN_DEFINE_XML_FLAGS #\d+ \d+→\d+ B [\d.]+ ms$/m);
  });

  it('events', async () => {
    expect(await example('events.ts', ['1'])).toContain('done (0 events dropped)');
  });

  it('screenshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvm-shot-'));
    try {
      const out = await example('screenshot.ts', ['test', join(dir, 'test')]);
      expect(out).toMatch(/saved \d+ bytes \(image\/png\)/);
      expect(readFileSync(join(dir, 'test.png')).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('snapshot', async () => {
    const out = await example('snapshot.ts', ['test', 'example-snap']);
    expect(out).toContain('Domain snapshot example-snap created');
    expect(out).toContain('deleted');
  });

  it('snapshot-create-as → snapshot-revert → snapshot-delete (a test-driver VM with a qcow2 disk: internal)', async () => {
    const vm = uniqueName('exsnap');
    await holder.domains.control.define(
      `<domain type='test'><name>${vm}</name><memory>65536</memory><os><type>hvm</type></os><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/guest/${vm}.qcow2'/><target dev='vda'/></disk></devices></domain>`,
    );
    try {
      const created = await example('snapshot-create-as.ts', [vm, 'ex1']);
      expect(created).toContain('Domain snapshot ex1 created (internal, memory: no)');
      expect(created).toMatch(/^ex1 \* {2}internal/m);
      expect(await example('snapshot-revert.ts', [vm, 'ex1'])).toMatch(new RegExp(`Domain ${vm} reverted to snapshot ex1: now shutoff`));
      expect(await example('snapshot-delete.ts', [vm, 'ex1'])).toContain('Domain snapshot ex1 deleted');
    } finally {
      await holder.domains.control.undefine(vm, { flags: 2 /* SNAPSHOTS_METADATA */ }).catch(() => undefined);
    }
  });

  it('full lifecycle with await using', async () => {
    const out = await example('full-lifecycle.ts');
    expect(out).toContain('refused as expected');
    expect(out).toContain('destroyed: complete=true, deleted 1 volume(s)');
  });

  it('setmem and setvcpus (the test driver changes memory and vCPUs)', async () => {
    expect(await example('setmem.ts', ['test', '1GiB'])).toMatch(
      /Memory of test set to 1073741824 bytes \(live \+ config\); maximum 8589934592/,
    );
    expect(await example('setvcpus.ts', ['test', '1'])).toContain('test has 1 vCPU(s) of at most 2');
    // Put the shared test domain back as the other examples expect it.
    await example('setmem.ts', ['test', '2GiB']);
    await example('setvcpus.ts', ['test', '2']);
  });

  it('the demo (npm run demo) runs end to end and leaves nothing behind', async () => {
    const { stdout } = await run('node', [join(ROOT, 'scripts/demo.mjs')], {
      cwd: ROOT,
      env: { ...process.env, LIBVIRT_URI: TEST_URI, LIBVIRT_MANAGER_SKIP_SETUP: '1' },
      timeout: 120_000,
    });
    expect(stdout).toMatch(/destroying → gone/);
    expect(stdout).toMatch(/exists: false/);
    expect(stdout).not.toMatch(/exists: true/);
  });
});

describe('vol-upload runs against qemu:///system (the test driver cannot upload)', () => {
  it('uploads a file into a volume and the bytes arrive', async () => {
    await using conn = await LibvirtConnection.connect(QEMU_URI);
    const pool = await tempPool(conn, 'upload');
    const dir = mkdtempSync(join(tmpdir(), 'lvm-upload-'));
    try {
      const data = Buffer.alloc(3 * 1024 * 1024 + 123, 0x5a);
      const file = join(dir, 'data.bin');
      writeFileSync(file, data);
      const volName = `${uniqueName('up')}.raw`;
      await conn.storage.volumes.create(
        pool.name,
        buildStorageVolumeXml({ name: volName, capacity: BigInt(data.length), target: { format: 'raw' } }),
      );
      const out = await example('vol-upload.ts', [pool.name, volName, file], QEMU_URI);
      expect(out).toContain(`uploaded ${data.length} bytes`);
      expect(out).toContain('100%');
      expect(readFileSync(join(pool.dir, volName)).equals(data)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await pool.remove();
    }
  });
});

describe('console runs against qemu:///system (the test driver has no consoles)', () => {
  it('types stdin into the guest and prints its answer; the console closes when stdin ends', async () => {
    const guest = ensureTestGuest();
    const logs = logDir('lvm-example-console-');
    const name = uniqueName('console');
    virshQuiet(QEMU_URI, 'destroy', name);
    await using conn = await LibvirtConnection.connect(QEMU_URI);
    await conn.domains.control.createTransient(guestDomainXml(guest, { name, logPath: logs.path(name), variant: 'noacpi' }));
    try {
      await waitForSerial(logs.path(name), guest.readyMarker, 60_000);
      const child = spawn(TSX, [join(ROOT, 'examples', 'console.ts'), name, 'serial0'], {
        cwd: ROOT,
        env: { ...process.env, LIBVIRT_URI: QEMU_URI },
      });
      let stdout = '';
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const answer = `${guest.echoMarkerPrefix}from-example`;
      const answered = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer; stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)}`)),
          60_000,
        );
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('latin1');
          if (stdout.includes(answer)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      let typed = false;
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // Type once, when the example is connected.
        if (!typed && stderr.includes('Connected to')) {
          typed = true;
          child.stdin.write('from-example\n');
        }
      });
      await answered;
      child.stdin.end();
      expect(await exited).toBe(0);
      expect(stderr).toContain('Console closed.');
    } finally {
      virshQuiet(QEMU_URI, 'destroy', name);
      logs.remove();
    }
  });
});

describe('device examples run against qemu:///system (the test driver cannot hot-plug)', () => {
  it('attach-disk → blockresize → detach-disk --delete, attach-interface → detach, change-media (virsh equivalents)', async () => {
    const guest = ensureTestGuest();
    const logs = logDir('lvm-example-devices-');
    const name = uniqueName('devices');
    await using conn = await LibvirtConnection.connect(QEMU_URI);
    const pool = await tempPool(conn, 'exdev');
    const network = uniqueName('exnet');
    await conn.networks.createTransient(`<network><name>${network}</name></network>`);
    try {
      await conn.domains.control.createTransient(
        guestDomainXml(guest, { name, logPath: logs.path(name), variant: 'noacpi', hotplugPorts: 3, cdrom: {} }),
      );
      await waitForSerial(logs.path(name), guest.readyMarker, 120_000);
      const attached = await example('attach-disk.ts', [name, pool.name, '32MiB'], QEMU_URI);
      expect(attached).toContain(`Disk vda (virtio) attached to ${name} live`);
      expect(attached).toContain(`new volume ${pool.name}/${name}-vda.qcow2`);
      expect(await example('blockresize.ts', [name, 'vda', '64MiB'], QEMU_URI)).toContain(
        `Disk vda of ${name}: 33554432 → 67108864 bytes (live)`,
      );
      const detached = await example('detach-disk.ts', [name, 'vda', '--delete'], QEMU_URI);
      expect(detached).toContain(`Disk vda detached from ${name}`);
      expect(detached).toContain(`volume ${pool.name}/${name}-vda.qcow2 deleted`);
      const nic = await example('attach-interface.ts', [name, network], QEMU_URI);
      const mac = /Interface (\S+) /.exec(nic)?.[1];
      expect(mac).toMatch(/^52:54:00:/);
      expect(await example('attach-interface.ts', [name, '--detach', mac!], QEMU_URI)).toContain(`Interface ${mac} detached from ${name}`);
      const iso = `${uniqueName('iso')}.iso`;
      await conn.storage.volumes.create(
        pool.name,
        buildStorageVolumeXml({ name: iso, capacity: 1024n * 1024n, target: { format: 'raw' } }),
      );
      expect(await example('change-media.ts', [name, 'sda', `${pool.name}/${iso}`], QEMU_URI)).toContain(`inserted into sda`);
      expect(await example('change-media.ts', [name, 'sda', '--eject'], QEMU_URI)).toContain('Medium ejected from sda');
    } finally {
      virshQuiet(QEMU_URI, 'destroy', name);
      await conn.networks.stop(network).catch(() => undefined);
      await pool.remove();
      logs.remove();
    }
  });
});

describe('guest agent examples', () => {
  it('domfsfreeze and set-user-password on the test driver (it keeps a count of frozen filesystems and takes passwords)', async () => {
    const frozen = await example('domfsfreeze.ts', ['test']);
    expect(frozen).toContain('Froze 2 filesystem(s) of test');
    expect(frozen).toContain('Thawed the filesystems of test');
    // The password comes on stdin, never in argv.
    const child = spawn(TSX, [join(ROOT, 'examples/set-user-password.ts'), 'test', 'root'], {
      cwd: ROOT,
      env: { ...process.env, LIBVIRT_URI: TEST_URI },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end('Example-Pa55\n');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toContain('Password of root in test set');
  });

  it('guest-agent-command (exec and raw JSON) and guestinfo on a real guest with qemu-ga', async () => {
    const guest = ensureTestGuest();
    const logs = logDir('lvm-example-agent-');
    const name = uniqueName('exagent');
    try {
      await using conn = await LibvirtConnection.connect(QEMU_URI);
      await conn.domains.control.createTransient(guestDomainXml(guest, { name, logPath: logs.path(name), variant: 'noacpi', agent: true }));
      await waitForSerial(logs.path(name), guest.agentMarker, 120_000);
      const exec = await example('guest-agent-command.ts', [name, 'exec', '/bin/sh', '-c', 'echo hello from the guest; exit 4'], QEMU_URI);
      expect(exec).toContain('hello from the guest');
      expect(exec).toContain('exit code 4');
      expect(await example('guest-agent-command.ts', [name, 'guest-get-timezone'], QEMU_URI)).toContain('"zone":"UTC"');
      const info = await example('guestinfo.ts', [name], QEMU_URI);
      expect(info).toMatch(/kernel \d+\.\d+\.\d+-\S+ \(x86_64\)/);
      expect(info).toContain(`interface: lo 127.0.0.1/8 ${guest.agentAddress}/32`);
    } finally {
      virshQuiet(QEMU_URI, 'destroy', name);
      logs.remove();
    }
  });
});
