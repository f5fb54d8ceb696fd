/**
 * Reverting a snapshot keeps the SDK's ownership record (real TCG guests,
 * libvirt 9.0.0, QEMU 7.2 here). libvirt puts back the definition saved with
 * the snapshot, `<metadata>` included: the volumes the SDK made after the
 * snapshot (an attached disk, a later snapshot's overlay) would leave the
 * record, and teardown would leave them in the pool. The SDK writes them back
 * after the revert, except the ones that are gone.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainRef, type LibvirtConnection } from '../../../src/connection/internal.js';
import { LibvirtManager } from '../../../src/index.js';
import { parseOwnership } from '../../../src/xml/index.js';
import { type GuestManifest, ensureTestGuest, guestVmSpec, logDir, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';

/** Bounds for a busy 2-core machine running TCG guests; each wait ends as soon as its marker comes. */
const BOOT = 120_000;

let manifest: GuestManifest;
let manager: LibvirtManager;
let conn: LibvirtConnection;
let pool: TempPool;
const logs = logDir('lvm-snap-revert-');
const domains = new Set<string>();

beforeAll(async () => {
  manifest = ensureTestGuest();
  manager = await LibvirtManager.connect(QEMU_URI);
  conn = manager.connection;
  pool = await tempPool(conn, 'snap-revert');
}, 300_000);

afterAll(async () => {
  for (const name of domains) {
    virshQuiet(QEMU_URI, 'destroy', name);
    virshQuiet(QEMU_URI, 'undefine', name, '--snapshots-metadata');
  }
  await pool.remove();
  logs.remove();
  await manager.close();
});

/** The pool's volumes named after `name` (the SDK names a VM's volumes after it). */
async function volumesOf(name: string): Promise<string[]> {
  return (await conn.storage.volumes.list(pool.name))
    .map((v) => v.name)
    .filter((v) => v.startsWith(name))
    .sort();
}

/** The paths in the ownership record of the live and of the persistent definition. */
async function recorded(domain: DomainRef): Promise<{ live: string[]; config: string[] }> {
  const paths = async (inactive: boolean): Promise<string[]> =>
    (parseOwnership(await conn.domains.getXml(domain, { inactive }))?.volumes ?? []).map((v) => v.path ?? '').sort();
  return { live: await paths(false), config: await paths(true) };
}

/** The paths the record of each definition marks as left by a revert. */
async function leftBy(domain: DomainRef): Promise<{ live: string[]; config: string[] }> {
  const paths = async (inactive: boolean): Promise<string[]> =>
    (parseOwnership(await conn.domains.getXml(domain, { inactive }))?.volumes ?? [])
      .filter((v) => v.leftBy === 'revert')
      .map((v) => v.path ?? '')
      .sort();
  return { live: await paths(false), config: await paths(true) };
}

/** A VM the SDK creates (its disk `vda` a new volume of the temp pool), booted. */
async function createGuest(prefix: string): Promise<{ name: string; domain: DomainRef; disk: string }> {
  const name = uniqueName(prefix);
  domains.add(name);
  const log = logs.path(name);
  const created = await manager.createVm(
    guestVmSpec(manifest, name, 'noacpi', {
      disks: [{ kind: 'new', pool: pool.name, size: '64MiB', format: 'qcow2' }],
      serialConsole: { logFile: log },
      start: true,
    }),
  );
  await waitForSerial(log, manifest.readyMarker, BOOT);
  const [disk] = (await recorded(created.domain)).config;
  return { name, domain: created.domain, disk: disk! };
}

async function destroyOwned(name: string, domain: DomainRef): Promise<string[]> {
  const report = await manager.destroyVm(domain, { storage: 'owned', stop: 'force' });
  domains.delete(name);
  expect(report.errors).toEqual([]);
  expect(report.complete).toBe(true);
  return report.volumesDeleted.map((v) => v.path ?? '').sort();
}

describe('revert keeps the record of what the SDK made after the snapshot', () => {
  it('a disk attached after the snapshot stays owned (live and persistent), and teardown deletes it', async () => {
    const { name, domain, disk } = await createGuest('revert-attach');
    const s1 = await manager.createSnapshot(domain, { name: 's1' });
    expect(s1.snapshot).toMatchObject({ kind: 'internal', state: 'running' });
    const vdb = await manager.attachDisk(domain, { kind: 'new', pool: pool.name, size: '16MiB' });
    const b = vdb.path!;
    expect(await recorded(domain)).toEqual({ live: [disk, b].sort(), config: [disk, b].sort() });

    const reverted = await manager.revertSnapshot(domain, 's1');
    expect(reverted.state).toBe('running');
    console.info(`revert after an attach (the record written back) took ${reverted.elapsedMs} ms`);
    // The disk left the VM with the revert; its volume is still the VM's, marked as left by the revert.
    expect(await recorded(domain)).toEqual({ live: [disk, b].sort(), config: [disk, b].sort() });
    expect(await leftBy(domain)).toEqual({ live: [b], config: [b] });

    expect(await destroyOwned(name, domain)).toEqual([disk, b].sort());
    expect(existsSync(b)).toBe(false);
    expect(await volumesOf(name)).toEqual([]);
  });

  it("external snapshots' overlays stay owned after reverting to the internal snapshot before them (one deleted meanwhile is not put back), and teardown deletes them", async () => {
    const { name, domain, disk } = await createGuest('revert-overlay');
    await manager.createSnapshot(domain, { name: 's1', disks: 'internal' });
    const s2 = await manager.createSnapshot(domain, { name: 's2', disks: 'external', memory: false });
    const s3 = await manager.createSnapshot(domain, { name: 's3', disks: 'external', memory: false });
    const [o2, o3] = [s2, s3].map((s) => s.files.find((f) => f.of === 'vda')!);
    expect([o2!.owned, o3!.owned]).toEqual([true, true]);
    const all = [disk, o2!.path, o3!.path].sort();
    expect(await recorded(domain)).toEqual({ live: all, config: all });
    // Gone behind the SDK's back (QEMU keeps its open file): its record must not come back.
    await conn.storage.volumes.delete(await conn.storage.volumes.lookupByPath(o3!.path));

    const reverted = await manager.revertSnapshot(domain, 's1');
    console.info(`revert below two external snapshots (the record written back) took ${reverted.elapsedMs} ms`);
    // The disk points at its own image again; the remaining overlay is no longer attached but still the VM's.
    const kept = [disk, o2!.path].sort();
    expect(await recorded(domain)).toEqual({ live: kept, config: kept });
    expect(await leftBy(domain)).toEqual({ live: [o2!.path], config: [o2!.path] });

    expect(await destroyOwned(name, domain)).toEqual(kept);
    expect(existsSync(o2!.path)).toBe(false);
    expect(await volumesOf(name)).toEqual([]);
  });
});
