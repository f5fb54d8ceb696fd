import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LibvirtConnection } from '../../src/connection/internal.js';
import { buildStoragePoolXml } from '../../src/xml/index.js';
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
