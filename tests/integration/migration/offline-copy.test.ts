/**
 * Offline migration with copied storage between two test hosts (scripts/test-hosts.sh): a shut-off VM's qcow2 data
 * volume is streamed by the SDK (download on the source → upload on the destination), then its definition moves.
 * No guest boots: the marker is written into the volume with qemu-io and read back the same way on the other host.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError, type LibvirtConnection } from '../../../src/connection/index.js';
import { AFFECT_CONFIG, recordOwned } from '../../../src/devices/internal.js';
import { MigrationError, MigrationManager, type MigrationProgress } from '../../../src/migration/index.js';
import { parseOwnership } from '../../../src/xml/index.js';
import { uniqueName } from '../../helpers/libvirt.js';
import { POOL, cleanup, outside, connectPair, type HostPair } from './helpers.js';

let a: LibvirtConnection;
let b: LibvirtConnection;
let hosts: HostPair | undefined;
let made: { name: string; diskPath: string } | undefined;

beforeAll(async () => {
  hosts = await connectPair(2, { pools: true });
  ({ a, b } = hosts);
}, 120_000);

afterEach(async () => {
  if (made !== undefined) await cleanup([a, b], { ...made, vm: undefined as never, manifest: undefined as never, logPath: '' });
  made = undefined;
});

afterAll(async () => {
  await hosts?.close();
});

const qemuIo = (path: string, command: string): string =>
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', command, path], { encoding: 'utf8' });

const domainXml = (name: string, diskPath: string): string =>
  `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='q35'>hvm</type></os>` +
  `<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${diskPath}'/><target dev='vdb' bus='virtio'/></disk></devices></domain>`;

/** A shut-off persistent VM on host 2 with a 64 MiB qcow2 volume holding `dataMiB` MiB of 0x5a, recorded as the SDK's. */
async function shutOffVm(prefix: string, dataMiB: number): Promise<{ name: string; diskPath: string }> {
  const name = uniqueName(prefix);
  const vol = await a.storage.volumes.create(
    POOL,
    `<volume><name>${name}.qcow2</name><capacity unit='MiB'>64</capacity><target><format type='qcow2'/></target></volume>`,
  );
  const diskPath = await a.storage.volumes.getPath(vol);
  made = { name, diskPath };
  qemuIo(outside(2, diskPath), `write -P 0x5a 1M ${dataMiB}M`);
  const vm = await a.domains.control.define(domainXml(name, diskPath));
  await recordOwned(
    { ctx: { connection: a, logger: undefined }, ref: vm },
    [AFFECT_CONFIG],
    { role: 'disk', pool: POOL, name: `${name}.qcow2`, path: diskPath, format: 'qcow2', key: vol.key },
    {},
  );
  return made;
}

describe('offline migration with copied storage', () => {
  it('moves a shut-off VM with its qcow2 volume: the destination reads the marker, the source keeps nothing', async () => {
    const { name, diskPath } = await shutOffVm('moc', 4);
    const reports: MigrationProgress[] = [];
    const started = Date.now();
    const result = await new MigrationManager(a).migrate(name, {
      to: b,
      storage: 'copy-all',
      live: false,
      onProgress: (p) => reports.push(p),
    });
    const last = reports.at(-1)!;
    console.log(
      `offline copy-all: ${Date.now() - started} ms (copy ${last.elapsedMs} ms), ${reports.length} progress reports, ${last.dataProcessed} bytes`,
    );
    expect(result.live).toBe(false);
    expect(result.copiedDisks.map((d) => [d.target, d.path, d.format])).toEqual([['vdb', diskPath, 'qcow2']]);
    expect(last.dataProcessed).toBeGreaterThan(4 * 1024 * 1024);
    expect(last.dataProcessed).toBe(last.dataTotal);
    // The source: no domain, no owned volume left.
    expect(await a.domains.exists(name)).toBe(false);
    expect(result.sourceVolumesDeleted.map((v) => v.path)).toEqual([diskPath]);
    expect(existsSync(outside(2, diskPath))).toBe(false);
    // The destination: defined, shut off, the volume recorded as the VM's, still qcow2, holding the marker.
    expect((await b.domains.getState(name)).state).toBe('shutoff');
    expect(await b.domains.isPersistent(name)).toBe(true);
    expect(parseOwnership(await b.domains.getXml(name))?.volumes.map((v) => v.path)).toContain(diskPath);
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', outside(3, diskPath)], { encoding: 'utf8' })) as {
      format: string;
      'virtual-size': number;
    };
    expect(info).toMatchObject({ format: 'qcow2', 'virtual-size': 64 * 1024 * 1024 });
    expect(qemuIo(outside(3, diskPath), 'read -P 0x5a 1M 4M')).not.toMatch(/Pattern verification failed/);
    expect(qemuIo(outside(3, diskPath), 'read -P 0x00 0 1M')).not.toMatch(/Pattern verification failed/);
  }, 60_000);

  it('a mostly-empty raw disk stays sparse on the destination (sparse download → sparse upload)', async () => {
    const MiB = 1024 * 1024;
    const name = uniqueName('mor');
    const vol = await a.storage.volumes.create(
      POOL,
      `<volume><name>${name}.img</name><capacity unit='MiB'>64</capacity><allocation>0</allocation><target><format type='raw'/></target></volume>`,
    );
    const diskPath = await a.storage.volumes.getPath(vol);
    made = { name, diskPath };
    // 1 MiB of data at 0 and at 60 MiB; plain uploads at an offset leave the rest a hole.
    const data = (seed: number): Buffer => Buffer.alloc(MiB, seed);
    await a.storage.volumes.upload(vol, data(0x11), { offset: 0, length: MiB });
    await a.storage.volumes.upload(vol, data(0x22), { offset: 60 * MiB, length: MiB });
    const before = await a.storage.volumes.getInfo(vol);
    const vm = await a.domains.control.define(domainXml(name, diskPath).replace("type='qcow2'", "type='raw'"));
    await recordOwned(
      { ctx: { connection: a, logger: undefined }, ref: vm },
      [AFFECT_CONFIG],
      { role: 'disk', pool: POOL, name: `${name}.img`, path: diskPath, format: 'raw', key: vol.key },
      {},
    );
    const reports: MigrationProgress[] = [];
    const started = Date.now();
    const result = await new MigrationManager(a).migrate(name, { to: b, storage: 'copy-all', onProgress: (p) => reports.push(p) });
    expect(result.copiedDisks.map((d) => [d.path, d.format])).toEqual([[diskPath, 'raw']]);
    const copy = await b.storage.volumes.lookupByPath(diskPath);
    const after = await b.storage.volumes.getInfo(copy);
    const du = execFileSync('du', ['--block-size=1', outside(3, diskPath)], { encoding: 'utf8' }).split('\t')[0];
    console.log(
      `offline raw copy: ${Date.now() - started} ms; source allocation ${before.allocation}, destination allocation ${after.allocation} (du ${du}), capacity ${after.capacity}; last progress ${reports.at(-1)?.dataProcessed}/${reports.at(-1)?.dataTotal}`,
    );
    expect(after.capacity).toBe(64n * BigInt(MiB));
    expect(Number(after.allocation)).toBeLessThan(8 * MiB);
    expect(Number(du)).toBeLessThan(8 * MiB);
    expect(reports.at(-1)?.dataProcessed).toBe(64 * MiB);
    // The bytes match: data at both places, zeros between.
    const chunks: Buffer[] = [];
    for await (const chunk of await b.storage.volumes.download(copy)) chunks.push(chunk);
    const all = Buffer.concat(chunks);
    const want = Buffer.alloc(64 * MiB);
    data(0x11).copy(want, 0);
    data(0x22).copy(want, 60 * MiB);
    expect(all.equals(want)).toBe(true);
  }, 60_000);

  it('managed, into a pool elsewhere (options.pool): the definition and its record name the new path', async () => {
    const { name, diskPath } = await shutOffVm('mom', 2);
    const pool = 'lvm-mig-moved';
    const dir = '/var/lib/libvirt/lvm-mig-moved';
    const movedPath = `${dir}/${name}.qcow2`;
    if ((await b.storage.pools.lookup(pool).catch(() => undefined)) === undefined)
      await b.storage.pools.define(`<pool type='dir'><name>${pool}</name><target><path>${dir}</path></target></pool>`);
    if (!(await b.storage.pools.isActive(pool))) {
      await b.storage.pools.build(pool);
      await b.storage.pools.start(pool);
    }
    try {
      const result = await new MigrationManager(a).migrate(name, { to: b, mode: 'managed', storage: 'copy-all', pool });
      expect(result.copiedDisks.map((d) => [d.path, d.sourcePath, d.pool])).toEqual([[movedPath, diskPath, pool]]);
      expect(result.sourceVolumesDeleted.map((v) => v.path)).toEqual([diskPath]);
      expect(existsSync(outside(2, diskPath))).toBe(false);
      const xml = await b.domains.getXml(name);
      expect(xml).toContain(`<source file='${movedPath}'`);
      expect(xml).not.toContain(diskPath);
      expect(parseOwnership(xml)?.volumes.map((v) => [v.pool, v.path])).toEqual([[pool, movedPath]]);
      expect(qemuIo(outside(3, movedPath), 'read -P 0x5a 1M 2M')).not.toMatch(/Pattern verification failed/);
    } finally {
      await b.domains.control.undefine(name).catch(() => undefined);
      const vol = await b.storage.volumes.lookupByPath(movedPath).catch(() => undefined);
      if (vol !== undefined) await b.storage.volumes.delete(vol);
      await b.storage.pools.stop(pool).catch(() => undefined);
      await b.storage.pools.deleteStorage(pool).catch(() => undefined);
      await b.storage.pools.undefine(pool).catch(() => undefined);
    }
  }, 60_000);

  it('an aborted copy leaves nothing on the destination; the VM and its volume stay on the source', async () => {
    const { name, diskPath } = await shutOffVm('moa', 48);
    const controller = new AbortController();
    let processed = 0;
    const error = await new MigrationManager(a)
      .migrate(name, {
        to: b,
        storage: 'copy-all',
        signal: controller.signal,
        onProgress: (p) => {
          processed = p.dataProcessed;
          if (p.dataProcessed > 0) controller.abort();
        },
      })
      .catch((e: unknown) => e);
    console.log(`offline abort: ${processed} bytes sent when aborted`);
    expect(error).toBeInstanceOf(AbortError);
    expect(processed).toBeGreaterThan(0);
    expect(processed).toBeLessThan(48 * 1024 * 1024);
    expect(await b.domains.exists(name)).toBe(false);
    expect(await b.storage.volumes.lookupByPath(diskPath).catch(() => undefined)).toBeUndefined();
    expect(existsSync(outside(3, diskPath))).toBe(false);
    expect((await a.domains.getState(name)).state).toBe('shutoff');
    expect(qemuIo(outside(2, diskPath), 'read -P 0x5a 1M 48M')).not.toMatch(/Pattern verification failed/);
  }, 60_000);

  it('a disk with a backing image: copy-all refuses it, copy-incremental needs the image on the destination', async () => {
    const name = uniqueName('mob');
    const qcow2 = (vol: string, backing = ''): string =>
      `<volume><name>${vol}</name><capacity unit='MiB'>64</capacity><target><format type='qcow2'/></target>${backing}</volume>`;
    const base = await a.storage.volumes.create(POOL, qcow2(`${name}-base.qcow2`));
    const basePath = await a.storage.volumes.getPath(base);
    const top = await a.storage.volumes.create(
      POOL,
      qcow2(`${name}.qcow2`, `<backingStore><path>${basePath}</path><format type='qcow2'/></backingStore>`),
    );
    const diskPath = await a.storage.volumes.getPath(top);
    made = { name, diskPath };
    const vm = await a.domains.control.define(domainXml(name, diskPath));
    await recordOwned(
      { ctx: { connection: a, logger: undefined }, ref: vm },
      [AFFECT_CONFIG],
      { role: 'disk', pool: POOL, name: `${name}.qcow2`, path: diskPath, format: 'qcow2', key: top.key },
      {},
    );
    const migration = new MigrationManager(a);
    try {
      const all = await migration.migrate(name, { to: b, storage: 'copy-all' }).catch((e: unknown) => e);
      expect(all).toBeInstanceOf(InvalidArgumentError);
      const missing = await migration.migrate(name, { to: b, storage: 'copy-incremental' }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(MigrationError);
      expect((missing as MigrationError).reason).toBe('destination-storage');
      expect(await b.domains.exists(name)).toBe(false);
      expect(await b.storage.volumes.lookupByPath(diskPath).catch(() => undefined)).toBeUndefined();
      // The base image there (as a template every host has): the top layer moves and names it.
      await b.storage.volumes.create(POOL, qcow2(`${name}-base.qcow2`));
      const result = await migration.migrate(name, { to: b, storage: 'copy-incremental' });
      expect(result.copiedDisks.map((d) => d.path)).toEqual([diskPath]);
      const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', outside(3, diskPath)], { encoding: 'utf8' })) as {
        format: string;
        'backing-filename'?: string;
      };
      expect(info).toMatchObject({ format: 'qcow2', 'backing-filename': basePath });
      expect(existsSync(outside(2, diskPath))).toBe(false);
      expect(existsSync(outside(2, basePath))).toBe(true);
    } finally {
      for (const conn of [a, b]) {
        const vol = await conn.storage.volumes.lookupByPath(basePath).catch(() => undefined);
        if (vol !== undefined) await conn.storage.volumes.delete(vol).catch(() => undefined);
      }
    }
  }, 60_000);

  it('a disk that is no pool volume: InvalidArgumentError before anything is made', async () => {
    const name = uniqueName('mon');
    const diskPath = `/var/lib/libvirt/${name}.qcow2`;
    await a.domains.control.define(domainXml(name, diskPath));
    made = { name, diskPath };
    const error = await new MigrationManager(a).migrate(name, { to: b, storage: 'copy-all' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(String(error)).toMatch(/not a volume of a storage pool/);
    expect(await b.domains.exists(name)).toBe(false);
    expect((await a.domains.getState(name)).state).toBe('shutoff');
  }, 60_000);
});
