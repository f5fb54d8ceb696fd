/**
 * `deleteSnapshot`. Internal snapshots are dropped from the qcow2 files.
 * External ones: libvirt 9.0.0 merges the snapshot's overlay into the image
 * below it (a block commit run as a domain job) and removes the overlay
 * file itself; it keeps an external memory file. Seen on 9.0.0, running and
 * shut off. It refuses an external snapshot whose parent is internal
 * ("deleting external snapshot that has internal snapshot as parent not
 * supported", `VIR_ERR_OPERATION_UNSUPPORTED`) and one whose overlay the VM
 * no longer uses after a revert ("could not find base disk source in disk
 * source chain", `VIR_ERR_INVALID_ARG`): both become `UnsupportedError`.
 *
 * Afterwards the overlays libvirt removed leave the VM's ownership record,
 * and an owned memory file is deleted (with the destroyer's checks) and
 * leaves it too.
 *
 * @module
 */
import { LibvirtError, UnsupportedError, VirErrorCode, isLibvirtCode } from '../../connection/internal.js';
import { emptyReport, type VolumeRecord } from '../../destroyer/internal.js';
import { everyDefinition, forgetOwned } from '../../devices/internal.js';
import { type OwnedVolume, parseDomainXml } from '../../xml/index.js';
import type { DiskStateRun } from '../context.js';
import { readSnapshots } from './list.js';
import { findSnapshot, isExternal } from './lookup.js';
import type { DeleteSnapshotOptions, DeleteSnapshotResult, SnapshotInfo } from './options.js';

/** `virDomainSnapshotDeleteFlags`. */
export const SnapshotDeleteFlag = { CHILDREN: 1, METADATA_ONLY: 2, CHILDREN_ONLY: 4 } as const;

function descendants(all: readonly SnapshotInfo[], name: string): string[] {
  const byName = new Map(all.map((s) => [s.name, s]));
  const out: string[] = [];
  const visit = (n: string): void => {
    for (const child of byName.get(n)?.children ?? []) {
      out.push(child);
      visit(child);
    }
  };
  visit(name);
  return out;
}

function refusal(error: unknown, name: string): unknown {
  if (!isLibvirtCode(error, VirErrorCode.VIR_ERR_OPERATION_UNSUPPORTED, VirErrorCode.VIR_ERR_INVALID_ARG)) return error;
  return new UnsupportedError(
    `libvirt cannot delete external snapshot ${JSON.stringify(name)}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error, ...(error instanceof LibvirtError ? { remote: error } : {}) },
  );
}

/** Delete a snapshot (`SnapshotManager.delete`). */
export async function deleteSnapshot(run: DiskStateRun, request: DeleteSnapshotOptions & { name: string }): Promise<DeleteSnapshotResult> {
  const started = Date.now();
  const { connection } = run.ctx;
  const { ref, parsed } = await findSnapshot(run, request.name);
  const all = await readSnapshots(run.ctx, run.ref, run.budget);
  const doomed = new Set([request.name, ...(request.children === true ? descendants(all, request.name) : [])]);
  const gone = all.filter((s) => doomed.has(s.name));
  const overlays = gone.flatMap((s) => s.disks.filter((d) => d.mode === 'external' && d.file !== undefined).map((d) => d.file as string));
  const memoryFiles = gone.flatMap((s) => (s.memoryFile === undefined ? [] : [s.memoryFile]));
  try {
    await connection.domains.snapshots.delete(ref, {
      ...run.budget.call(),
      flags: request.children === true ? SnapshotDeleteFlag.CHILDREN : 0,
    });
  } catch (error) {
    throw isExternal(parsed) || request.children === true ? refusal(error, request.name) : error;
  }

  const [state, persistent] = await Promise.all([
    connection.domains.getState(run.ref, run.budget.call()),
    connection.domains.isPersistent(run.ref, run.budget.call()),
  ]);
  const definitions = everyDefinition(state.state !== 'shutoff', persistent);
  const record = parseDomainXml(await connection.domains.getXml(run.ref, run.budget.call())).metadata?.ownership;
  const owned = (path: string): OwnedVolume | undefined => record?.volumes.find((v) => v.path === path);

  const committed: string[] = [];
  for (const path of overlays) {
    if (!(await removed(run, path, owned(path)))) continue;
    committed.push(path);
    const volume = owned(path);
    if (volume !== undefined) await forgetOwned(run, definitions, volume, run.budget.call());
  }
  const filesDeleted: string[] = [];
  for (const path of memoryFiles) {
    const volume = owned(path);
    if (volume === undefined) continue; // not the SDK's: never deleted
    const report = emptyReport();
    const volumeRecord: VolumeRecord = { ...volume, owned: true };
    await run.ctx.volumes.delete(run.ref, [volumeRecord], () => run.budget.call(), report);
    if (report.volumesDeleted.length + report.volumesAlreadyGone.length === 0) continue;
    filesDeleted.push(path);
    await forgetOwned(run, definitions, volume, run.budget.call());
  }
  return {
    change: 'deleteSnapshot',
    domain: run.ref,
    deleted: gone.map((s) => s.name),
    committed,
    filesDeleted,
    elapsedMs: Date.now() - started,
  };
}

/**
 * Whether libvirt removed the overlay at `path`. It deletes the file behind
 * the pool's back: the pool is refreshed first, then the path looked up.
 */
async function removed(run: DiskStateRun, path: string, volume: OwnedVolume | undefined): Promise<boolean> {
  const { storage } = run.ctx.connection;
  if (volume?.pool !== undefined) await storage.pools.refresh(volume.pool, run.budget.call()).catch(() => undefined);
  try {
    await storage.volumes.lookupByPath(path, run.budget.call());
    return false;
  } catch (error) {
    if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_STORAGE_VOL)) return true;
    throw error;
  }
}
