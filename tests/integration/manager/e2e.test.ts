import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtManager } from '../../../src/index.js';
import { ensureTestGuest, type GuestManifest, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';

let manager: LibvirtManager;
let pool: TempPool;
let manifest: GuestManifest & { baseImage?: string };
const name = uniqueName('e2e');
const serialLog = join(tmpdir(), `${name}.serial.log`);

beforeAll(async () => {
  manifest = ensureTestGuest();
  manager = await LibvirtManager.connect(QEMU_URI);
  pool = await tempPool(manager.connection, 'e2e');
}, 300_000);

afterAll(async () => {
  virshQuiet(QEMU_URI, 'destroy', name);
  virshQuiet(QEMU_URI, 'undefine', name);
  rmSync(serialLog, { force: true });
  await pool.remove();
  await manager.close();
});

describe('LibvirtManager end to end on qemu:///system', () => {
  it('create (overlay + cloud-init) → start → pause → resume → graceful shutdown → destroy owned → nothing left', async () => {
    const base = manifest.baseImage ?? join(manifest.kernel, '../base.qcow2');
    const { domain, created } = await manager.createVm({
      name,
      memory: '256MiB',
      vcpus: 1,
      virtType: 'qemu',
      boot: { kernel: manifest.kernel, initrd: manifest.initrdAcpi, cmdline: manifest.cmdline },
      disks: [{ kind: 'overlay', pool: pool.name, base, baseFormat: 'qcow2', size: '64MiB' }],
      cloudInit: { hostname: name },
      serialConsole: { logFile: serialLog },
    });
    const volumes = [...created.volumes, ...(created.seed ? [created.seed] : [])];
    expect(volumes).toHaveLength(2);
    expect(manager.getVm(domain)).toBeDefined();

    await manager.startVm(domain);
    expect(manager.getVm(domain)?.state).toBe('running');
    const console = await waitForSerial(serialLog, manifest.readyMarker, 90_000);
    expect(console).toContain(`LIBVIRT_MANAGER_SEED instance-id=${created.seed?.instanceId}`);

    expect((await manager.pauseVm(domain)).state).toBe('paused');
    expect(manager.getVm(domain)?.state).toBe('paused');
    expect((await manager.resumeVm(domain)).state).toBe('running');

    const stopped = await manager.shutdownVm(domain, { timeout: 60_000, onTimeout: 'throw' });
    expect(stopped).toMatchObject({ state: 'shutoff', escalated: false });
    expect(manager.getVm(domain)?.state).toBe('shutoff');

    const report = await manager.destroyVm(domain, { storage: 'owned' });
    expect(report).toMatchObject({ complete: true, undefined: true });
    expect(report.volumesDeleted).toHaveLength(2);

    // virsh agrees: no domain, none of its volumes; the base image is untouched.
    expect(virsh(QEMU_URI, 'list', '--all', '--name')).not.toContain(name);
    virsh(QEMU_URI, 'pool-refresh', pool.name);
    const listed = virsh(QEMU_URI, 'vol-list', pool.name);
    for (const v of volumes) expect(listed).not.toContain(v.name);
    expect(existsSync(base)).toBe(true);
    expect(readFileSync(base).length).toBeGreaterThan(0);
    await expect.poll(() => manager.getVm(domain)).toBeUndefined();
  });
});
