/**
 * The disks of a migration with copied storage: libvirt copies a disk over
 * NBD only into a volume that exists on the destination (or a pool there whose
 * target is the disk's directory), so the SDK makes each one first, in the
 * destination pool with the source disk's directory (or the pool the caller
 * names), with the same name, format and size, every disk checked before the
 * first is made. Each is a step of a compensation log: a failed migration
 * deletes them again.
 *
 * @module
 */
import { posix } from 'node:path';
import type { CallOptions, LibvirtConnection, StorageVolRef } from '../connection/internal.js';
import { type CompensationLog, makeVolume } from '../creator/internal.js';
import { InvalidArgumentError, MigrationError, VirErrorCode, isLibvirtCode } from '../errors/index.js';
import { CALL_CAP_MS } from '../runtime/index.js';
import { type DiskDevice, type DomainModel, buildStorageVolumeXml, parseStoragePoolXml } from '../xml/index.js';

/** A disk the migration copies and the volume made for it on the destination. */
export interface CopiedDisk {
  target: string;
  /** The volume's path on the destination. */
  path: string;
  /** The disk's path on the source: `path`, unless an offline migration put the copy in a `pool` elsewhere. */
  sourcePath: string;
  format: string;
  capacity: bigint;
  /** Destination pool and volume name. */
  pool: string;
  name: string;
}

/** The disks libvirt copies with NON_SHARED_*: writable file disks (read-only media and shareable disks stay where they are). */
export function copiedDisks(model: DomainModel): DiskDevice[] {
  return (model.devices.disks ?? []).filter(
    (d) => (d.device ?? 'disk') === 'disk' && d.readonly !== true && d.shareable !== true && d.source?.file !== undefined,
  );
}

/** The running pool of `connection` whose target path is `dir`, if any. */
async function poolAt(connection: LibvirtConnection, dir: string, call: CallOptions): Promise<string | undefined> {
  for (const pool of await connection.storage.pools.list(call)) {
    if (!(await connection.storage.pools.isActive(pool, call))) continue;
    const path = parseStoragePoolXml(await connection.storage.pools.getXml(pool, call)).target?.path;
    if (path !== undefined && posix.normalize(path) === posix.normalize(dir)) return pool.name;
  }
  return undefined;
}

/** The target directory of the destination pool `pool`. */
async function poolDir(connection: LibvirtConnection, pool: string, call: CallOptions): Promise<string> {
  try {
    const dir = parseStoragePoolXml(await connection.storage.pools.getXml(pool, call)).target?.path;
    if (dir !== undefined) return dir;
  } catch (error) {
    if (!isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_STORAGE_POOL)) throw error;
    throw storageError(`the destination has no storage pool ${pool}`);
  }
  throw storageError(`the destination pool ${pool} has no target directory`);
}

async function existing(connection: LibvirtConnection, path: string, call: CallOptions): Promise<StorageVolRef | undefined> {
  try {
    return await connection.storage.volumes.lookupByPath(path, call);
  } catch (error) {
    if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_STORAGE_VOL)) return undefined;
    throw error;
  }
}

/** A disk to copy, checked: its source volume, and the destination pool and path its copy gets. */
export interface PlannedDisk {
  disk: DiskDevice;
  /** The source volume (the disk's file, a volume of a pool on the source). */
  source: StorageVolRef;
  sourcePath: string;
  /** Where the copy goes: the source's path, or (offline, `pool` given) that pool's directory. */
  path: string;
  format: string;
  capacity: bigint;
  pool: string;
  name: string;
}

const storageError = (message: string): MigrationError =>
  new MigrationError({ reason: 'destination-storage', sourceState: undefined }, message);

/**
 * Check every copied disk before anything is made: its file is a volume of a
 * pool on the source (its size comes from there), the destination has a pool
 * for it, and its path is free there. With `samePath` (live: QEMU's NBD
 * target is the disk's own path) the copy keeps the source's path; without
 * (offline) a named `pool` puts it in that pool's directory instead.
 * @throws InvalidArgumentError for a disk whose file is no pool volume on the source
 * @throws MigrationError (`destination-storage`) when no pool fits or the path is taken
 */
export async function planDestinationVolumes(
  source: LibvirtConnection,
  dest: LibvirtConnection,
  model: DomainModel,
  pool: string | undefined,
  call: () => CallOptions,
  samePath = true,
): Promise<PlannedDisk[]> {
  const planned: PlannedDisk[] = [];
  const moveTo = samePath || pool === undefined ? undefined : await poolDir(dest, pool, call());
  for (const disk of copiedDisks(model)) {
    const sourcePath = disk.source!.file!;
    const path = moveTo === undefined ? sourcePath : posix.join(moveTo, posix.basename(sourcePath));
    const vol = await existing(source, sourcePath, call());
    if (vol === undefined)
      throw new InvalidArgumentError(
        `disk ${disk.target.dev} (${sourcePath}) is not a volume of a storage pool on the source: the SDK copies pool volumes only (refresh or define the pool)`,
        { path: 'vm' },
      );
    const info = await source.storage.volumes.getInfo(vol, call());
    const dir = posix.dirname(sourcePath);
    const destPool = pool ?? (await poolAt(dest, dir, call()));
    if (destPool === undefined)
      throw storageError(`the destination has no running storage pool at ${dir} for disk ${disk.target.dev}: name one with options.pool`);
    if ((await existing(dest, path, call())) !== undefined)
      throw storageError(
        `the destination already has a volume at ${path} (disk ${disk.target.dev}); the SDK does not overwrite what it did not make`,
      );
    const format = disk.driver?.type ?? 'raw';
    planned.push({ disk, source: vol, sourcePath, path, format, capacity: info.capacity, pool: destPool, name: posix.basename(path) });
  }
  return planned;
}

/**
 * Make, on the destination, one volume per planned disk (the planned path,
 * the source's format and capacity), each logged in `log` with its undo.
 * @throws MigrationError (`destination-storage`) when the pool put a volume elsewhere; what was made is in `log`
 */
export async function makePlannedVolumes(
  dest: LibvirtConnection,
  planned: readonly PlannedDisk[],
  log: CompensationLog,
  call: () => CallOptions,
): Promise<CopiedDisk[]> {
  const made: CopiedDisk[] = [];
  for (const { disk, sourcePath, path, format, capacity, pool, name } of planned) {
    // Allocation 0: without it libvirt allocates the whole capacity up front (allocation defaults to capacity),
    // and a copy's holes — a sparse offline upload's, or what NBD never writes — would stay allocated.
    const xml = buildStorageVolumeXml({ name, capacity, allocation: 0n, target: { format: format as never } });
    const volume = await makeVolume(
      dest,
      log,
      {
        step: `volume:${disk.target.dev}`,
        specPath: disk.target.dev,
        role: 'disk',
        pool,
        name,
        predictedPath: path,
        format,
        xml,
        writes: 0n,
      },
      // The undo must run after the caller's abort too: its own time, no signal.
      { call: call(), rollback: { timeout: CALL_CAP_MS } },
    );
    if (volume.path !== path)
      throw storageError(
        `the destination pool ${pool} put disk ${disk.target.dev} at ${volume.path}, not ${path}: copied storage needs the same path`,
      );
    made.push({ target: disk.target.dev, path, sourcePath, format, capacity, pool, name });
  }
  return made;
}

/**
 * Plan ({@link planDestinationVolumes}: every check before anything is made)
 * and make the destination volumes of the copied disks.
 * @throws as {@link planDestinationVolumes} and {@link makePlannedVolumes}
 */
export async function makeDestinationVolumes(
  source: LibvirtConnection,
  dest: LibvirtConnection,
  model: DomainModel,
  pool: string | undefined,
  log: CompensationLog,
  call: () => CallOptions,
): Promise<CopiedDisk[]> {
  return makePlannedVolumes(dest, await planDestinationVolumes(source, dest, model, pool, call), log, call);
}
