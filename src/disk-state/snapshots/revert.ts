/**
 * `revertSnapshot`: libvirt reverts internal snapshots; external ones only
 * from 9.7.0 — before, the SDK refuses with an `UnsupportedError` naming
 * the version rather than sending what the daemon refuses ("unsupported
 * configuration: revert to external snapshot not supported yet",
 * `VIR_ERR_CONFIG_UNSUPPORTED`, seen on 9.0.0).
 *
 * @module
 */
import { UnsupportedError, VirErrorCode, isLibvirtCode, LibvirtError } from '../../connection/internal.js';
import type { DiskStateRun } from '../context.js';
import { findSnapshot, isExternal } from './lookup.js';
import type { RevertSnapshotOptions, RevertSnapshotResult } from './options.js';

/** `virDomainSnapshotRevertFlags`. */
export const SnapshotRevertFlag = { RUNNING: 1, PAUSED: 2, FORCE: 4 } as const;

/** The first libvirt that reverts external snapshots (`major * 1e6 + minor * 1e3 + micro`). */
export const EXTERNAL_REVERT_SINCE = { number: 9_007_000, text: '9.7.0' } as const;

/** Revert to a snapshot (`SnapshotManager.revert`). */
export async function revertSnapshot(run: DiskStateRun, request: RevertSnapshotOptions & { name: string }): Promise<RevertSnapshotResult> {
  const started = Date.now();
  const { connection } = run.ctx;
  const { ref, parsed } = await findSnapshot(run, request.name);
  if (isExternal(parsed)) {
    const version = await connection.host.getLibVersion(run.budget.call());
    if (version.number < EXTERNAL_REVERT_SINCE.number)
      throw new UnsupportedError(
        `cannot revert VM ${JSON.stringify(run.ref.name)} to snapshot ${JSON.stringify(request.name)}: it is external, and libvirt ${version.text} reverts external snapshots only from ${EXTERNAL_REVERT_SINCE.text}`,
      );
  }
  const flags =
    (request.running === true ? SnapshotRevertFlag.RUNNING : 0) |
    (request.paused === true ? SnapshotRevertFlag.PAUSED : 0) |
    (request.force === true ? SnapshotRevertFlag.FORCE : 0);
  try {
    await connection.domains.snapshots.revert(ref, { ...run.budget.call(), flags });
  } catch (error) {
    if (isLibvirtCode(error, VirErrorCode.VIR_ERR_CONFIG_UNSUPPORTED) && isExternal(parsed))
      throw new UnsupportedError(`libvirt cannot revert to external snapshot ${JSON.stringify(request.name)}`, {
        cause: error,
        ...(error instanceof LibvirtError ? { remote: error } : {}),
      });
    throw error;
  }
  const state = await connection.domains.getState(run.ref, run.budget.call());
  return { change: 'revertSnapshot', domain: run.ref, name: request.name, state: state.state, elapsedMs: Date.now() - started };
}
