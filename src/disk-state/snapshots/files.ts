/**
 * The files an external snapshot needs, made by the SDK as volumes of the
 * disk's own pool (so teardown can delete them through the pool, and they
 * are recorded as the VM's): a qcow2 overlay per disk, backed by the disk's
 * current image, and the memory state's file. libvirt is then told to reuse
 * them (`VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT`). libvirt 9.0 cannot name an
 * overlay for a pool-volume disk itself ("cannot generate external snapshot
 * name for disk … without source"), and a file it made on its own would
 * belong to no pool.
 *
 * @module
 */
import {
  AlreadyExistsError,
  type CallOptions,
  InvalidArgumentError,
  type StorageVolRef,
  UnsupportedError,
  VirErrorCode,
  isLibvirtCode,
} from '../../connection/internal.js';
import { CompensationLog, makeVolume } from '../../creator/internal.js';
import { deleteVolumeRef } from '../../destroyer/internal.js';
import { type DiskDevice, type OwnedVolume, buildStorageVolumeXml, validateVolumeName } from '../../xml/index.js';
import type { DiskStateRun } from '../context.js';
import type { SnapshotFile } from './options.js';

/** A file made for the snapshot, with what undoes it. */
export interface MadeFile {
  file: SnapshotFile & { pool: string; name: string };
  ref: StorageVolRef;
  owned: OwnedVolume;
}

/** The pool volume behind a disk's current image, or an `UnsupportedError` saying why there is none. */
async function volumeOf(run: DiskStateRun, disk: DiskDevice, call: CallOptions): Promise<{ ref: StorageVolRef; path: string }> {
  const volumes = run.ctx.connection.storage.volumes;
  const source = disk.source;
  try {
    if (disk.type === 'volume' && source?.pool !== undefined && source.volume !== undefined) {
      const ref = await volumes.lookup(source.pool, source.volume, call);
      return { ref, path: await volumes.getPath(ref, call) };
    }
    const path = source?.file ?? source?.dev;
    if (path !== undefined) return { ref: await volumes.lookupByPath(path, call), path };
  } catch (error) {
    if (!isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_STORAGE_VOL, VirErrorCode.VIR_ERR_NO_STORAGE_POOL)) throw error;
  }
  throw new UnsupportedError(
    `disk ${disk.target.dev}'s image is not a volume of a storage pool: the SDK makes external snapshot overlays as volumes of the disk's pool (define a pool for its directory, or take an internal snapshot)`,
  );
}

/** A volume name made of parts, checked as libvirt will. */
function volumeName(parts: string, path: string): string {
  try {
    validateVolumeName(parts);
  } catch (error) {
    throw new InvalidArgumentError(`the snapshot's files would be named ${JSON.stringify(parts)}, which a pool cannot hold`, {
      path,
      cause: error,
    });
  }
  return parts;
}

async function refuseTaken(run: DiskStateRun, pool: string, name: string, call: CallOptions): Promise<void> {
  try {
    await run.ctx.connection.storage.volumes.lookup(pool, name, call);
  } catch (error) {
    if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_STORAGE_VOL)) return;
    throw error;
  }
  throw new AlreadyExistsError(
    'volume',
    `${pool}/${name}`,
    `pool ${pool} already has a volume ${name}: the snapshot's file would take its place`,
  );
}

/** What to make: one overlay per external disk, and the memory file. Looked up (and checked free) before anything is made. */
export interface FilePlan {
  overlays: { disk: DiskDevice; pool: string; name: string; xml: string }[];
  memory: { pool: string; name: string; xml: string } | undefined;
}

/**
 * Plan the files: each overlay in its disk's pool, named
 * `<vm>-<target>.<snapshot>.qcow2`, as large as the image it covers; the
 * memory file `<vm>.<snapshot>.mem` in the first disk's pool.
 * @throws UnsupportedError for a disk outside any pool · AlreadyExistsError for a name taken · InvalidArgumentError for a name a pool cannot hold
 */
export async function planFiles(run: DiskStateRun, disks: readonly DiskDevice[], snapshot: string, memory: boolean): Promise<FilePlan> {
  const plan: FilePlan = { overlays: [], memory: undefined };
  const vm = run.ref.name;
  for (const disk of disks) {
    const { ref, path } = await volumeOf(run, disk, run.budget.call());
    const info = await run.ctx.connection.storage.volumes.getInfo(ref, run.budget.call());
    const name = volumeName(`${vm}-${disk.target.dev}.${snapshot}.qcow2`, 'name');
    await refuseTaken(run, ref.pool, name, run.budget.call());
    const xml = buildStorageVolumeXml({
      name,
      capacity: info.capacity,
      target: { format: 'qcow2' },
      backingStore: { path, format: disk.driver?.type ?? 'raw' },
    });
    plan.overlays.push({ disk, pool: ref.pool, name, xml });
  }
  const first = plan.overlays[0];
  if (memory && first !== undefined) {
    const name = volumeName(`${vm}.${snapshot}.mem`, 'name');
    await refuseTaken(run, first.pool, name, run.budget.call());
    plan.memory = { pool: first.pool, name, xml: buildStorageVolumeXml({ name, capacity: 0n, target: { format: 'raw' } }) };
  }
  return plan;
}

/** Make the planned files; on a failure, what was made is deleted before the error is thrown. */
export async function makeFiles(run: DiskStateRun, plan: FilePlan, rollback: CallOptions): Promise<MadeFile[]> {
  const made: MadeFile[] = [];
  // The creator's makeVolume: a create cut short (aborted, timed out, link lost) may still have made the volume,
  // and its rollback then finds it by name and deletes it.
  const log = new CompensationLog();
  const make = async (of: string, role: string, pool: string, name: string, xml: string, format: string): Promise<void> => {
    const volume = { step: `volume:${pool}/${name}`, specPath: of, role, pool, name, predictedPath: name, format, xml, writes: 0n };
    const { path, key } = await makeVolume(run.ctx.connection, log, volume, { call: run.budget.call(), rollback });
    const ref: StorageVolRef = { pool, name, key: key ?? path };
    made.push({ file: { of, path, pool, name, owned: true }, ref, owned: { role, pool, name, path, format, key: ref.key } });
  };
  try {
    for (const o of plan.overlays) await make(o.disk.target.dev, 'overlay', o.pool, o.name, o.xml, 'qcow2');
    if (plan.memory !== undefined) await make('memory', 'memory', plan.memory.pool, plan.memory.name, plan.memory.xml, 'raw');
  } catch (error) {
    await log.rollback();
    throw error;
  }
  return made;
}

/** Delete files made for a snapshot that did not happen (already gone is fine). */
export async function removeFiles(run: DiskStateRun, made: readonly MadeFile[], rollback: CallOptions): Promise<void> {
  for (const m of made) await deleteVolumeRef(run.ctx.connection, m.ref, rollback).catch(() => false);
}
