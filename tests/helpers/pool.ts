import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LibvirtConnection, StorageVolRef } from '../../src/connection/internal.js';
import { buildStoragePoolXml, buildStorageVolumeXml } from '../../src/xml/index.js';
import { uniqueName } from './libvirt.js';

/** A dir storage pool in a fresh temp directory, defined and started; `remove()` undoes all of it. */
export interface TempPool {
  name: string;
  dir: string;
  remove: () => Promise<void>;
}

/** Create a temporary dir pool on `conn` (qemu:///system). */
export async function tempPool(conn: LibvirtConnection, prefix = 'pool'): Promise<TempPool> {
  const name = uniqueName(prefix);
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  chmodSync(dir, 0o755);
  const pool = await conn.storage.pools.define(buildStoragePoolXml({ type: 'dir', name, target: { path: dir } }));
  await conn.storage.pools.start(pool);
  return {
    name,
    dir,
    remove: async () => {
      await conn.storage.pools.stop(pool).catch(() => undefined);
      await conn.storage.pools.undefine(pool).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A volume made by {@link tempVolume}; the pool's `remove()` deletes it with the pool's directory. */
export interface TempVolume {
  name: string;
  /** The image file, for a domain's `<source file>` (e.g. `GuestXmlOptions.disks`). */
  path: string;
  ref: StorageVolRef;
}

/** Options of {@link tempVolume}. */
export interface TempVolumeOptions {
  /** @default 'qcow2' */
  format?: 'qcow2' | 'raw';
  /** Bytes. @default 16 MiB (the guest's data block is at 1 MiB) */
  capacity?: bigint;
  /** Name prefix (after `lvm-`). @default 'vol' */
  prefix?: string;
}

/** Make an empty (sparse, zero-reading) volume in a {@link TempPool}. */
export async function tempVolume(conn: LibvirtConnection, pool: TempPool, options: TempVolumeOptions = {}): Promise<TempVolume> {
  const format = options.format ?? 'qcow2';
  const name = `${uniqueName(options.prefix ?? 'vol')}.${format === 'qcow2' ? 'qcow2' : 'img'}`;
  const xml = buildStorageVolumeXml({ name, capacity: options.capacity ?? 16n * 1024n * 1024n, target: { format } });
  const ref = await conn.storage.volumes.create(pool.name, xml);
  return { name, path: await conn.storage.volumes.getPath(ref), ref };
}
