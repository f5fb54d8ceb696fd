/**
 * Teardown compares storage by identity, not by path string, and never
 * believes an ownership record on its own (issue 13, items 1, 2 and the
 * "already gone" report). On qemu:///system with a temporary dir pool, and
 * (for the part that needs no files) the test driver.
 *
 * A sentinel volume owned by VM A is also used by VM B, spelled each way a
 * domain can spell it; destroying A under every storage policy must leave it.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainRef, LibvirtConnection } from '../../../src/connection/internal.js';
import { type StoragePolicy, VmDestroyer } from '../../../src/destroyer/internal.js';
import { VmLifecycleManager } from '../../../src/lifecycle/internal.js';
import { type DiskDevice, type Ownership, buildDomainXml, buildStorageVolumeXml } from '../../../src/xml/index.js';
import { QEMU_URI, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';

let conn: LibvirtConnection;
let destroyer: VmDestroyer;
let pool: TempPool;
let outside: string; // a directory no storage pool holds
const domains = new Set<string>();

beforeAll(async () => {
  conn = await LibvirtConnection.connect(QEMU_URI);
  destroyer = new VmDestroyer(conn, new VmLifecycleManager(conn));
  pool = await tempPool(conn, 'ident');
  outside = mkdtempSync(join(tmpdir(), 'lvm-outside-'));
}, 60_000);

afterAll(async () => {
  for (const name of domains) {
    virshQuiet(QEMU_URI, 'destroy', name);
    virshQuiet(QEMU_URI, 'undefine', name);
  }
  await conn.storage.pools.start(pool.name).catch(() => undefined);
  await pool.remove();
  rmSync(outside, { recursive: true, force: true });
  await conn.close();
});

/** A volume in the temp pool; returns its path and key. */
async function volume(
  prefix: string,
  options: { format?: 'qcow2' | 'raw'; backing?: string; backingFormat?: string } = {},
): Promise<{ path: string; key: string; name: string }> {
  const format = options.format ?? 'qcow2';
  const name = `${uniqueName(prefix)}.${format}`;
  const ref = await conn.storage.volumes.create(
    pool.name,
    buildStorageVolumeXml({
      name,
      capacity: 8n * 1024n * 1024n,
      target: { format },
      ...(options.backing === undefined ? {} : { backingStore: { path: options.backing, format: options.backingFormat ?? 'qcow2' } }),
    }),
  );
  return { path: await conn.storage.volumes.getPath(ref), key: ref.key, name };
}

const fileDisk = (path: string, dev: string, format = 'qcow2'): DiskDevice => ({
  type: 'file',
  device: 'disk',
  driver: { name: 'qemu', type: format },
  source: { file: path },
  target: { dev, bus: 'virtio' },
});

/** Define a shut-off QEMU domain; `ownership` is written as given (its domain UUID defaults to the domain's own). */
async function defineVm(
  prefix: string,
  disks: DiskDevice[],
  ownership?: Partial<Ownership> & { volumes: Ownership['volumes'] },
): Promise<DomainRef> {
  const name = uniqueName(prefix);
  domains.add(name);
  const uuid = randomUUID();
  const record: Ownership | undefined =
    ownership === undefined ? undefined : { createdAt: new Date().toISOString(), sdkVersion: '0.2.0', domainUuid: uuid, ...ownership };
  return conn.domains.control.define(
    buildDomainXml({
      type: 'qemu',
      name,
      uuid,
      memory: 64n * 1024n * 1024n,
      os: { type: 'hvm', arch: 'x86_64', machine: 'q35' },
      devices: { disks },
      ...(record === undefined ? {} : { metadata: { ownership: record } }),
    }),
  );
}

const exists = (name: string): boolean =>
  virsh(QEMU_URI, 'list', '--all', '--name')
    .split('\n')
    .map((s) => s.trim())
    .includes(name);

describe('a sentinel volume used by a second VM, spelled every way', () => {
  const spellings: [string, (sentinel: { path: string; name: string }) => Promise<DiskDevice>][] = [
    [
      'as a pool volume (type volume)',
      async (s) => ({
        type: 'volume',
        device: 'disk',
        driver: { name: 'qemu', type: 'qcow2' },
        source: { pool: pool.name, volume: s.name },
        target: { dev: 'vda', bus: 'virtio' },
      }),
    ],
    ['with doubled slashes', async (s) => fileDisk(`/${s.path.replace(/\//g, '//')}`, 'vda')],
    ['with /./ segments', async (s) => fileDisk(s.path.replace(/\//g, '/./').replace(/^\/\.\//, '/'), 'vda')],
    [
      'with a .. segment',
      async (s) =>
        fileDisk(
          join(pool.dir, '..', basename(pool.dir), basename(s.path)).replace(
            `/${basename(pool.dir)}/`,
            `/${basename(pool.dir)}/../${basename(pool.dir)}/`,
          ),
          'vda',
        ),
    ],
    [
      'through a symlink outside every pool',
      async (s) => {
        const link = join(outside, `${uniqueName('link')}.qcow2`);
        symlinkSync(s.path, link);
        return fileDisk(link, 'vda');
      },
    ],
    ['as the backing file of an overlay in a pool', async (s) => fileDisk((await volume('overlay', { backing: s.path })).path, 'vda')],
    [
      'as the relative backing file of an overlay outside every pool (read from its qcow2 header)',
      async (s) => {
        const overlay = join(outside, `${uniqueName('ov')}.qcow2`);
        execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', relative(outside, s.path), overlay]);
        return fileDisk(overlay, 'vda');
      },
    ],
  ];

  const policies: StoragePolicy[] = ['owned', 'all-safe', 'none'];

  for (const [spelling, diskOf] of spellings) {
    it(`survives the teardown of its owner under every policy when the other VM names it ${spelling}`, async () => {
      const sentinel = await volume('sentinel');
      const user = await defineVm('user', [await diskOf(sentinel)]);
      for (const storage of policies) {
        const owner = await defineVm('owner', [fileDisk(sentinel.path, 'vda')], {
          volumes: [{ role: 'disk', pool: pool.name, name: sentinel.name, path: sentinel.path, key: sentinel.key }],
        });
        const report = await destroyer.destroy(owner, { storage });
        expect(report, storage).toMatchObject({ complete: true, undefined: true, volumesDeleted: [] });
        expect(existsSync(sentinel.path), `${storage}: the sentinel was deleted`).toBe(true);
        const kept = report.volumesKept.find((k) => k.volume.path === sentinel.path);
        if (storage === 'none') expect(kept?.reason).toBe('policy-none');
        else expect(kept, storage).toMatchObject({ reason: 'in-use', detail: `used by ${user.name}` });
      }
      await destroyer.destroy(user, { storage: 'none' });
      expect(existsSync(sentinel.path)).toBe(true);
    });
  }

  it('its owner deletes it once nobody else uses it (the check does not keep everything)', async () => {
    const sentinel = await volume('alone');
    const owner = await defineVm('owner', [fileDisk(sentinel.path, 'vda')], {
      volumes: [{ role: 'disk', pool: pool.name, name: sentinel.name, path: sentinel.path, key: sentinel.key }],
    });
    const report = await destroyer.destroy(owner);
    expect(report).toMatchObject({ complete: true, volumesKept: [] });
    expect(report.volumesDeleted.map((v) => v.path)).toEqual([sentinel.path]);
    expect(existsSync(sentinel.path)).toBe(false);
  });

  it("'all-safe' keeps a disk of the VM's own that backs another of its disks, however it is spelled", async () => {
    const base = await volume('own-base');
    const overlay = join(outside, `${uniqueName('own-ov')}.qcow2`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base.path, overlay]);
    const vm = await defineVm('self', [fileDisk(overlay, 'vda'), fileDisk(`/${base.path.replace(/\//g, '//')}`, 'vdb')]);
    const report = await destroyer.destroy(vm, { storage: 'all-safe' });
    expect(report.complete).toBe(true);
    expect(existsSync(base.path)).toBe(true);
    expect(report.volumesKept).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'backing-image' })]));
  });
});

describe('an ownership record alone never makes a volume deletable', () => {
  it('a record written by hand (virsh define) naming a volume the VM does not use: the volume stays, kept with the reason', async () => {
    const victim = await volume('victim');
    // An old-style record (no key, no domain UUID), and a new-style one with a key: neither is enough for a detached disk.
    for (const record of [
      { volumes: [{ role: 'disk', pool: pool.name, name: victim.name, path: victim.path }], domainUuid: undefined },
      { volumes: [{ role: 'disk', pool: pool.name, name: victim.name, path: victim.path, key: victim.key }] },
    ]) {
      const forged = await defineVm('forged', [], record as Ownership);
      for (const storage of ['owned', 'all-safe'] as const) {
        const vm = exists(forged.name) ? forged : await defineVm('forged', [], record as Ownership);
        const report = await destroyer.destroy(vm, { storage });
        expect(report).toMatchObject({ complete: true, volumesDeleted: [] });
        expect(report.volumesKept).toEqual([
          expect.objectContaining({ reason: 'ownership-unverified', volume: expect.objectContaining({ path: victim.path }) }),
        ]);
        expect(existsSync(victim.path)).toBe(true);
      }
    }
  });

  it("a record copied with another domain's XML (its UUID is not this domain's): nothing in it is deleted", async () => {
    const attached = await volume('copied-attached');
    const detached = await volume('copied-detached');
    const vm = await defineVm('copied', [fileDisk(attached.path, 'vda')], {
      domainUuid: randomUUID(),
      volumes: [
        { role: 'disk', pool: pool.name, name: attached.name, path: attached.path, key: attached.key },
        { role: 'disk', pool: pool.name, name: detached.name, path: detached.path, key: detached.key },
      ],
    });
    const report = await destroyer.destroy(vm);
    expect(report).toMatchObject({ complete: true, volumesDeleted: [] });
    expect(report.volumesKept.map((k) => k.reason)).toEqual(['ownership-unverified', 'ownership-unverified']);
    expect(existsSync(attached.path) && existsSync(detached.path)).toBe(true);
  });

  it('a forged detached cloud-init seed (right key, own UUID) whose content is not the seed the SDK made is kept', async () => {
    const victim = await volume('seed-victim', { format: 'raw' });
    const vm = await defineVm('forged-seed', [], {
      volumes: [],
      cloudInit: { pool: pool.name, name: victim.name, path: victim.path, key: victim.key, contentHash: `sha256:${'0'.repeat(64)}` },
    });
    const report = await destroyer.destroy(vm);
    expect(report).toMatchObject({ complete: true, volumesDeleted: [] });
    expect(report.volumesKept).toEqual([
      expect.objectContaining({ reason: 'ownership-unverified', detail: expect.stringMatching(/content/) }),
    ]);
    expect(existsSync(victim.path)).toBe(true);
  });
});

describe('"already gone" is reported only when it is true', () => {
  it('an owned volume in a stopped pool is an error (retry once the pool runs), not "already gone"', async () => {
    const own = await volume('inactive');
    const vm = await defineVm('inactive', [fileDisk(own.path, 'vda')], {
      volumes: [{ role: 'disk', pool: pool.name, name: own.name, path: own.path, key: own.key }],
    });
    await conn.storage.pools.stop(pool.name);
    let report;
    try {
      report = await destroyer.destroy(vm);
    } finally {
      await conn.storage.pools.start(pool.name);
    }
    expect(report).toMatchObject({ complete: false, undefined: false, volumesAlreadyGone: [] });
    expect(report.volumesLeft.map((v) => v.path)).toEqual([own.path]);
    expect(report.errors.map((e) => [e.step, e.error.code])).toEqual([['delete-volume', 55]]);
    expect(existsSync(own.path)).toBe(true);
    expect(exists(vm.name)).toBe(true);
    // The pool runs again: the retry finishes.
    const again = await destroyer.destroy(vm);
    expect(again).toMatchObject({ complete: true, undefined: true });
    expect(again.volumesDeleted.map((v) => v.path)).toEqual([own.path]);
    expect(existsSync(own.path)).toBe(false);
  });

  it('a recorded file that exists outside every pool is kept as unmanaged (with where it is), not "already gone"', async () => {
    const stray = join(outside, `${uniqueName('stray')}.qcow2`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', stray, '8M']);
    const vm = await defineVm('stray', [fileDisk(stray, 'vda')], { volumes: [{ role: 'disk', path: stray }] });
    const report = await destroyer.destroy(vm);
    expect(report).toMatchObject({ complete: true, volumesAlreadyGone: [] });
    expect(report.volumesKept).toEqual([expect.objectContaining({ reason: 'unmanaged', detail: expect.stringContaining(stray) })]);
    expect(existsSync(stray)).toBe(true);
  });

  it('an owned volume whose pool was undefined (its files left behind) is kept as unmanaged, not "already gone"', async () => {
    const doomed = await tempPool(conn, 'doomed');
    try {
      const name = `${uniqueName('orphan')}.qcow2`;
      const ref = await conn.storage.volumes.create(
        doomed.name,
        buildStorageVolumeXml({ name, capacity: 8n * 1024n * 1024n, target: { format: 'qcow2' } }),
      );
      const path = await conn.storage.volumes.getPath(ref);
      const vm = await defineVm('orphan', [fileDisk(path, 'vda')], {
        volumes: [{ role: 'disk', pool: doomed.name, name, path, key: ref.key }],
      });
      await conn.storage.pools.stop(doomed.name);
      await conn.storage.pools.undefine(doomed.name);
      const report = await destroyer.destroy(vm);
      expect(report).toMatchObject({ volumesAlreadyGone: [], volumesDeleted: [] });
      expect(report.volumesKept).toEqual([expect.objectContaining({ reason: 'unmanaged', detail: expect.stringContaining(path) })]);
      expect(existsSync(path)).toBe(true);
    } finally {
      await doomed.remove();
    }
  });

  it('a volume really gone from its running pool is "already gone"', async () => {
    const own = await volume('gone');
    const vm = await defineVm('gone', [], {
      volumes: [],
      cloudInit: { pool: pool.name, name: own.name, path: own.path, key: own.key, contentHash: `sha256:${'0'.repeat(64)}` },
    });
    await conn.storage.volumes.delete(await conn.storage.volumes.lookup(pool.name, own.name));
    const report = await destroyer.destroy(vm);
    expect(report).toMatchObject({ complete: true, undefined: true, volumesKept: [] });
    expect(report.volumesAlreadyGone.map((v) => v.path)).toEqual([own.path]);
  });
});
