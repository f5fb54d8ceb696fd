/**
 * The whole life of a VM, printing every state change the registry sees.
 *
 *   npm run demo                                  libvirt's test driver (no real VM, runs anywhere)
 *   LIBVIRT_URI=qemu:///system npm run demo       a real (TCG) guest: overlay disk on a base image,
 *                                                 cloud-init seed, boot, a line typed on its console
 *                                                 and its answer, its guest agent and the address it
 *                                                 reports, pause, resume with the guest clock synced,
 *                                                 graceful shutdown, destroy — and proof that nothing
 *                                                 is left
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibvirtManager, type VmSpec } from 'libvirt-manager';
import { buildStoragePoolXml } from 'libvirt-manager/xml';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const real = !uri.startsWith('test');
const name = `demo-${randomBytes(3).toString('hex')}`;
const step = (text: string): void => console.log(`\n▶ ${text}`);
const ok = (text: string): void => console.log(`  ✔ ${text}`);

console.log(`libvirt-manager demo on ${uri}`);
await using manager = await LibvirtManager.connect(uri);
const { connection: conn } = manager;
ok(`connected: libvirt ${(await conn.host.getLibVersion()).text}, driver ${await conn.host.getType()}`);

// Print every change of our VM's state, as the registry's state machine sees it.
const changes = manager.vms.changes();
const printer = (async () => {
  for await (const change of changes) {
    if (change.current.domain.name !== name) continue;
    const from = change.previous === null ? '∅' : change.previous.state;
    const why = change.event ?? change.cause;
    console.log(`    [state] ${from} → ${change.current.state}${change.current.reason ? ` (${change.current.reason})` : ''} ← ${why}`);
  }
})();

const { spec, cleanupPool, serialLog, readyMarker } = real ? await realGuestSpec() : testDriverSpec();

try {
  step(`create ${name}`);
  const created = await manager.createVm(spec);
  ok(
    `defined ${created.domain.name} with ${created.created.volumes.length} new volume(s)${created.created.seed ? ' and a cloud-init seed' : ''}`,
  );

  step('start');
  const started = await manager.startVm(name);
  ok(`${started.state} (${started.reason}), confirmed by ${started.confirmedBy} in ${started.elapsedMs} ms`);
  if (!real) {
    step('wait for its IP address');
    const { addresses, source } = await manager.lifecycle.waitForAddresses(name, { timeout: 30_000 });
    ok(`${addresses.join(', ')} (from ${source})`);
  }
  if (serialLog !== undefined && readyMarker !== undefined) {
    const text = await waitFor(serialLog, readyMarker, 90_000);
    const seed = /LIBVIRT_MANAGER_SEED instance-id=\S+/.exec(text);
    ok(`guest booted: "${readyMarker}" on the serial console${seed ? `, saw its cloud-init seed (${seed[0].split(' ')[1]})` : ''}`);

    step('talk to the guest on its console');
    const line = `hello from libvirt-manager ${randomBytes(2).toString('hex')}`;
    const answer = await converse(name, line, 30_000);
    ok(`typed "${line}"; the guest answered "${answer}"`);

    step('wait for its guest agent');
    const agent = await manager.lifecycle.waitForAgent(name, { timeout: 60_000 });
    const { addresses } = await manager.lifecycle.waitForAddresses(name, { sources: ['agent'], timeout: 30_000 });
    ok(`qemu-ga connected (${agent.elapsedMs} ms); it reports ${addresses.join(', ')}`);
  }

  step('pause');
  ok(`${(await manager.pauseVm(name)).state}`);
  step('resume');
  const resumed = await manager.resumeVm(name, { syncTime: real });
  const clock =
    resumed.timeSync === undefined
      ? ''
      : resumed.timeSync.synced
        ? "; guest clock set to the host's"
        : `; guest clock not set: ${resumed.timeSync.error.message}`;
  ok(`${resumed.state}${clock}`);

  step('graceful shutdown');
  const stopped = await manager.shutdownVm(name, { timeout: 60_000 });
  ok(`${stopped.state} (${stopped.reason})${stopped.escalated ? ' — forced off after the timeout' : ''}, ${stopped.requests} request(s)`);

  step("destroy with storage: 'owned'");
  const report = await manager.destroyVm(name, { storage: 'owned' });
  ok(
    `undefined: ${report.undefined}; deleted ${report.volumesDeleted.length} volume(s); kept ${report.volumesKept.length}; complete: ${report.complete}`,
  );

  step('nothing left');
  ok(`domain ${name} exists: ${await conn.domains.exists(name)}`);
  for (const volume of [...created.created.volumes, ...(created.created.seed ? [created.created.seed] : [])]) {
    const left = await conn.storage.volumes.lookup(volume.pool, volume.name).then(
      () => true,
      () => false,
    );
    ok(`volume ${volume.pool}/${volume.name} exists: ${left}`);
  }
} finally {
  await cleanupPool?.();
}
await new Promise((resolve) => setTimeout(resolve, 200)); // let the last state changes print
changes.return?.();
await printer;
console.log('\ndone.');

/** The test driver: a VM with one new volume in the driver's in-memory pool. */
function testDriverSpec(): { spec: VmSpec; cleanupPool?: () => Promise<void>; serialLog?: string; readyMarker?: string } {
  return {
    spec: {
      name,
      memory: '512MiB',
      vcpus: 1,
      virtType: 'test',
      disks: [{ kind: 'new', pool: 'default-pool', size: '1GiB' }],
      // The test driver's own network; its running domains report an address per interface.
      networks: [{ network: 'default' }],
    },
  };
}

/** qemu:///system: the tiny test guest with an overlay on its base image and a cloud-init seed. */
async function realGuestSpec(): Promise<{ spec: VmSpec; cleanupPool: () => Promise<void>; serialLog: string; readyMarker: string }> {
  const cache = join(process.env.LIBVIRT_MANAGER_CACHE ?? join(process.env.HOME ?? '/root', '.cache/libvirt-manager'), 'test-guest');
  const manifest = JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8')) as Record<string, string>;
  const poolName = 'libvirt-manager-demo';
  const dir = `/var/lib/libvirt/images/${poolName}`;
  let madePool = false;
  if (!(await conn.storage.pools.list()).some((p) => p.name === poolName)) {
    mkdirSync(dir, { recursive: true });
    const pool = await conn.storage.pools.define(buildStoragePoolXml({ type: 'dir', name: poolName, target: { path: dir } }));
    await conn.storage.pools.start(pool);
    madePool = true;
    ok(`made storage pool ${poolName} at ${dir}`);
  }
  const serialLog = join(tmpdir(), `${name}.serial.log`);
  return {
    spec: {
      name,
      memory: '256MiB',
      vcpus: 1,
      virtType: 'qemu',
      boot: { kernel: manifest['kernel']!, initrd: manifest['initrdAcpi']!, cmdline: manifest['cmdline']! },
      disks: [
        { kind: 'overlay', pool: poolName, base: manifest['baseImage'] ?? join(cache, 'base.qcow2'), baseFormat: 'qcow2', size: '64MiB' },
      ],
      cloudInit: { hostname: name },
      serialConsole: { logFile: serialLog },
      defaultDevices: { memballoon: false },
    },
    serialLog,
    readyMarker: manifest['readyMarker']!,
    cleanupPool: async () => {
      rmSync(serialLog, { force: true });
      if (!madePool) return;
      await conn.storage.pools.stop(poolName).catch(() => undefined);
      await conn.storage.pools.undefine(poolName).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      ok(`removed the demo's storage pool ${poolName}`);
    },
  };
}

/** Type `line` on the VM's console and return the guest's answer (the tiny guest echoes each line it reads). */
async function converse(vm: string, line: string, timeoutMs: number): Promise<string> {
  const tty = await conn.domains.openConsole(vm);
  try {
    const answered = new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`no answer on the console within ${timeoutMs} ms`)), timeoutMs);
      tty.on('error', reject);
      tty.on('data', (chunk: Buffer) => {
        output += chunk.toString('latin1');
        const match = new RegExp(`LIBVIRT_MANAGER_ECHO ${line}`).exec(output);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[0]);
        }
      });
    });
    tty.write(`${line}\n`);
    return await answered;
  } finally {
    tty.end();
  }
}

async function waitFor(path: string, marker: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = existsSync(path) ? readFileSync(path, 'latin1') : '';
    if (text.includes(marker)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${marker} did not appear on the serial console within ${timeoutMs} ms`);
}
