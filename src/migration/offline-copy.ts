/**
 * The disks of a shut-off VM, copied by the SDK itself: libvirt's offline
 * migration (VIR_MIGRATE_OFFLINE) moves the definition only and refuses
 * NON_SHARED_*, and with no QEMU running there is no NBD to copy over. Each
 * disk's volume is read with the volume download stream on the source and
 * written with the upload stream into the volume made on the destination —
 * the volume's *file* as it is, so a qcow2 stays qcow2 (its clusters, its
 * header, its backing reference).
 *
 * `copy-all` and `copy-incremental` differ only for a disk with a backing
 * image: the file copied is the top layer either way, so `copy-all` (whole
 * disk) refuses such a disk, and `copy-incremental` (top layer) needs its
 * backing image at the same path on the destination already.
 *
 * Sparse: both streams are sparse (VIR_STORAGE_VOL_*_SPARSE_STREAM), so the
 * source file's holes travel as holes, and so do all-zero 64 KiB blocks of
 * its data; libvirt leaves them as holes in the destination file. A
 * mostly-empty raw disk stays mostly unallocated on the destination (and its
 * zeros never cross the wire); a qcow2 file, which holds only its allocated
 * clusters, copies the same either way. Each copy covers the whole file from
 * offset 0, which a sparse upload needs (libvirt truncates the destination
 * file at each hole, so it ends where the source file ends).
 *
 * With a `pool` whose directory is not the disk's, the copy goes there and
 * the definition the destination gets names it ({@link movedDefinition});
 * live migration cannot (QEMU's NBD target is the disk's own path).
 *
 * @module
 */
import type { CallOptions, LibvirtConnection } from '../connection/internal.js';
import { InvalidArgumentError, MigrationError, VirErrorCode, isLibvirtCode } from '../errors/index.js';
import type { Budget, ProgressFeed } from '../runtime/index.js';
import { type DomainModel, parseStorageVolumeXml } from '../xml/index.js';
import type { MigrationProgress } from './options.js';
import type { CopiedDisk, PlannedDisk } from './storage.js';

/** A disk to copy with the bytes its download sends (the file's length). */
export interface OfflineDisk {
  planned: PlannedDisk;
  bytes: number;
}

/**
 * Check the planned disks for an offline copy (before anything is made) and
 * size each download: the file's length (`<physical>`), for raw the capacity.
 * @throws InvalidArgumentError (`storage`) for a disk with a backing image under `copy-all`
 * @throws MigrationError (`destination-storage`) when `copy-incremental`'s backing image is not on the destination
 */
export async function checkOfflineCopy(
  source: LibvirtConnection,
  dest: LibvirtConnection,
  planned: readonly PlannedDisk[],
  storage: 'copy-all' | 'copy-incremental',
  call: () => CallOptions,
): Promise<OfflineDisk[]> {
  const disks: OfflineDisk[] = [];
  for (const p of planned) {
    const vol = parseStorageVolumeXml(await source.storage.volumes.getXml(p.source, call()));
    const backing = vol.backingStore?.path;
    if (backing !== undefined && storage === 'copy-all')
      throw new InvalidArgumentError(
        `storage: disk ${p.disk.target.dev} (${p.path}) has a backing image (${backing}); an offline copy moves the top layer only: use 'copy-incremental' with the backing image on the destination`,
        { path: 'storage' },
      );
    if (backing !== undefined && !(await hasVolume(dest, backing, call())))
      throw new MigrationError(
        { reason: 'destination-storage', sourceState: 'shutoff' },
        `the destination has no volume at ${backing}, the backing image of disk ${p.disk.target.dev}: copy-incremental needs it there`,
      );
    disks.push({ planned: p, bytes: Number(vol.physical ?? (p.format === 'raw' ? p.capacity : (vol.allocation ?? 0n))) });
  }
  return disks;
}

async function hasVolume(connection: LibvirtConnection, path: string, call: CallOptions): Promise<boolean> {
  try {
    await connection.storage.volumes.lookupByPath(path, call);
    return true;
  } catch (error) {
    if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_STORAGE_VOL)) return false;
    throw error;
  }
}

/**
 * Stream each disk's volume from the source into its destination volume (made
 * already), one disk after the other, reporting bytes on `feed`. The caller's
 * abort or the budget's end stops the copy at the next chunk (both streams are
 * aborted: the source untouched, the half-written volume for the caller to
 * delete).
 * @throws AbortError · TimeoutError from the budget · LibvirtError of a stream
 */
export async function copyDisks(
  source: LibvirtConnection,
  dest: LibvirtConnection,
  disks: readonly OfflineDisk[],
  budget: Budget,
  feed: ProgressFeed<MigrationProgress>,
): Promise<void> {
  const total = disks.reduce((sum, d) => sum + d.bytes, 0);
  const started = Date.now();
  let done = 0;
  const report = (processed: number): void => {
    // A file may have grown since it was sized: the total never reads below what was sent.
    const all = Math.max(total, processed);
    feed.push({
      dataTotal: all,
      dataProcessed: processed,
      dataRemaining: all - processed,
      memoryProcessed: 0,
      memoryRemaining: 0,
      memoryDirtyRate: 0,
      memoryIteration: 0,
      diskProcessed: processed,
      diskTotal: all,
      downtime: undefined,
      elapsedMs: Date.now() - started,
    });
  };
  // One signal for both: the caller's abort, or the budget's end.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  budget.signal?.addEventListener('abort', onAbort, { once: true });
  const left = budget.remaining();
  const timer = Number.isFinite(left) ? setTimeout(() => stop.abort(), left) : undefined;
  const stopped = (): Error =>
    budget.signal?.aborted === true ? budget.abortError('copying disks') : budget.timeoutError('copying disks');
  try {
    report(0);
    for (const { planned } of disks) {
      if (stop.signal.aborted) throw stopped();
      // The destination volume first: a download left open while a later step fails would fill our buffer and
      // pause the source connection's socket for every other call.
      const into = await dest.storage.volumes.lookupByPath(planned.path, { signal: stop.signal });
      const from = await source.storage.volumes.download(planned.source, { signal: stop.signal, sparse: true });
      // The download's reads take no signal: an abort or the budget's end aborts the stream itself, so a stalled
      // source cannot hold the copy past them. Its reads then reject (never a clean end), so the upload fails
      // instead of finishing a short copy.
      const abortDownload = (): void => void from.abort({ reason: stopped() }).catch(() => undefined);
      stop.signal.addEventListener('abort', abortDownload, { once: true });
      const base = done;
      try {
        const { bytes, holeBytes } = await dest.storage.volumes.upload(into, from.sparseChunks(), {
          signal: stop.signal,
          sparse: true,
          onProgress: (covered) => report(base + covered),
        });
        // Progress counts the file's length covered, holes included: that is what `bytes` sized.
        done += bytes + holeBytes;
      } catch (error) {
        await from.abort({ reason: error }).catch(() => undefined);
        throw stop.signal.aborted ? stopped() : error;
      } finally {
        stop.signal.removeEventListener('abort', abortDownload);
      }
      report(done);
    }
  } finally {
    clearTimeout(timer);
    budget.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The definition the destination gets when an offline copy went to another
 * path (a `pool` elsewhere): each moved disk's source and its ownership
 * record entry (pool, name, path, key) point at the destination volume. The
 * source's model is left as it is (its record decides what is deleted there).
 */
export function movedDefinition(model: DomainModel, copied: readonly CopiedDisk[], keys: ReadonlyMap<string, string>): DomainModel {
  const moved = structuredClone(model);
  const byPath = new Map(copied.filter((c) => c.path !== c.sourcePath).map((c) => [c.sourcePath, c]));
  for (const disk of moved.devices.disks ?? []) {
    const c = disk.source?.file === undefined ? undefined : byPath.get(disk.source.file);
    if (c !== undefined) disk.source!.file = c.path;
  }
  for (const volume of moved.metadata?.ownership?.volumes ?? []) {
    const c = volume.path === undefined ? undefined : byPath.get(volume.path);
    if (c !== undefined) Object.assign(volume, { pool: c.pool, name: c.name, path: c.path, key: keys.get(c.path) });
  }
  return moved;
}
