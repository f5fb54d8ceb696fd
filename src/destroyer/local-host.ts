/**
 * What the SDK can learn from the daemon's filesystem when it shares it (the
 * usual `qemu:///system` on the same machine): where symlinks really point,
 * the backing file a qcow2 image names in its header, whether a file exists.
 * libvirt's API answers none of these for paths outside its storage pools.
 *
 * Sharing is never assumed from the URI (a container may mount the daemon's
 * socket over a different filesystem): it is proven by a fingerprint of one
 * volume — the nanosecond change time and size libvirt reports for it must be
 * what `stat` sees at the same path here.
 *
 * @module
 */
import { open, realpath, stat } from 'node:fs/promises';
import type { CallOptions, LibvirtConnection, StorageVolRef } from '../connection/internal.js';
import { parseStorageVolumeXml } from '../xml/index.js';
import { resolveFrom } from './paths.js';
import { QCOW2_HEADER_BYTES, qcow2Backing } from './qcow2.js';

/** libvirt's `'seconds.nanoseconds'` as nanoseconds, or `undefined` when it is not one. */
function nanoseconds(time: string | undefined): bigint | undefined {
  const match = time === undefined ? null : /^(\d+)\.(\d{1,9})$/.exec(time);
  if (match === null) return undefined;
  return BigInt(match[1]!) * 1_000_000_000n + BigInt(match[2]!.padEnd(9, '0'));
}

/**
 * `true` when `volume`, as libvirt describes it, is the very file this process
 * sees at the same path: same change time to the nanosecond and same size.
 * `false` when it is not, or cannot be told (no path, no timestamps, no such
 * file here).
 */
export async function provesSharedFilesystem(connection: LibvirtConnection, volume: StorageVolRef, call: CallOptions): Promise<boolean> {
  const model = parseStorageVolumeXml(await connection.storage.volumes.getXml(volume, call));
  const path = model.target?.path;
  const ctime = nanoseconds(model.target?.timestamps?.ctime);
  if (path === undefined || ctime === undefined) return false;
  try {
    const here = await stat(path, { bigint: true });
    if (here.ctimeNs !== ctime) return false;
    // For a regular file libvirt's "physical" is its length; a block device's length is not in stat.
    return model.physical === undefined || !here.isFile() || here.size === model.physical;
  } catch {
    return false;
  }
}

/** The daemon's filesystem, read directly (only once {@link provesSharedFilesystem} said it is ours). */
export const localHost = {
  /** Where `path` really is (every symlink followed), or `null` when it does not exist or cannot be read. */
  async realpath(path: string): Promise<string | null> {
    try {
      return await realpath(path);
    } catch {
      return null;
    }
  },

  /** `true`/`false` when `path` does / does not exist (a dangling symlink exists); `null` when it cannot be told. */
  async exists(path: string): Promise<boolean | null> {
    try {
      await stat(path);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? false : null;
    }
  },

  /**
   * The backing file a qcow2 image at `path` names in its header, as an
   * absolute path (relative names are relative to the image's directory), or
   * `null` when it has none, is not qcow2, or cannot be read. Reads at most
   * 64 KiB and never writes.
   */
  async backingFile(path: string): Promise<string | null> {
    let handle;
    try {
      handle = await open(path, 'r');
      const header = Buffer.alloc(QCOW2_HEADER_BYTES);
      await handle.read(header, 0, QCOW2_HEADER_BYTES, 0);
      const at = qcow2Backing(header);
      if (at === null) return null;
      const name = Buffer.alloc(at.size);
      if ((await handle.read(name, 0, at.size, at.offset)).bytesRead < at.size) return null;
      // Taken as a path even when it looks like a protocol URL (`nbd://…`): a file
      // named `a:b` is possible, and one identity too many only keeps more.
      return resolveFrom(path, name.toString('utf8'));
    } catch {
      return null;
    } finally {
      await handle?.close().catch(() => undefined);
    }
  },
};

/** The daemon's filesystem as the usage scan sees it: {@link localHost} when shared, `null` when not. */
export type LocalHost = typeof localHost;
