/**
 * `revertSnapshot`: libvirt reverts internal snapshots; external ones only
 * from 9.7.0 — before, the SDK refuses with an `UnsupportedError` naming
 * the version rather than sending what the daemon refuses ("unsupported
 * configuration: revert to external snapshot not supported yet",
 * `VIR_ERR_CONFIG_UNSUPPORTED`, seen on 9.0.0).
 *
 * libvirt puts back the definition saved with the snapshot, `<metadata>`
 * included: the ownership record loses what the SDK made for the VM since
 * (an attached disk, a later snapshot's overlay) and gets back what it gave
 * away since (a detached disk kept by the caller, an image left by a copy).
 * The SDK read the record before the revert and writes it back after, minus
 * the volumes that are gone — the record stays what it was, as a revert
 * neither makes nor deletes a volume — and marks a volume no disk uses any
 * more `leftBy: 'revert'`, which teardown deletes by its key.
 *
 * @module
 */
import { type CallOptions, UnsupportedError, VirErrorCode, isLibvirtCode, LibvirtError, logSafely } from '../../connection/internal.js';
import { findPoolVolume } from '../../destroyer/internal.js';
import {
  AFFECT_CONFIG,
  type PreviousRecords,
  diskPath,
  disksOf,
  everyDefinition,
  readRecords,
  restoreRecords,
  sameVolume,
} from '../../devices/internal.js';
import { type OwnedVolume, type Ownership, parseDomainXml } from '../../xml/index.js';
import type { DiskStateRun } from '../context.js';
import { findSnapshot, isExternal } from './lookup.js';
import type { RevertSnapshotOptions, RevertSnapshotResult } from './options.js';

/** `virDomainSnapshotRevertFlags`. */
export const SnapshotRevertFlag = { RUNNING: 1, PAUSED: 2, FORCE: 4 } as const;

/** The first libvirt that reverts external snapshots (`major * 1e6 + minor * 1e3 + micro`). */
export const EXTERNAL_REVERT_SINCE = { number: 9_007_000, text: '9.7.0' } as const;

/**
 * Budget of each call after libvirt has reverted, whatever is left of the
 * operation's and without its signal: the record must be written back once
 * the revert is done, or teardown would keep the volumes it lost.
 */
const AFTER_REVERT: CallOptions = { timeout: 60_000 };

/** Whether the volume of a record entry is still there: found in its pool, with the key the record has (teardown's own test). */
async function stillThere(run: DiskStateRun, volume: OwnedVolume, call: CallOptions): Promise<boolean> {
  const found = await findPoolVolume(run.ctx.connection, { ...volume, owned: true }, call);
  return found !== undefined && (volume.key === undefined || found.key === volume.key);
}

/**
 * Write back, in each definition the VM has after the revert, the record it
 * had before (a definition the VM did not have then takes the other's):
 * volumes the revert dropped come back unless they are gone, entries it
 * brought back leave again. A VM that had no record gets none.
 */
async function keepRecords(run: DiskStateRun, before: PreviousRecords, definitions: readonly number[], call: CallOptions): Promise<void> {
  const fallback = [...before.values()].find((r) => r !== null);
  if (fallback === undefined) return;
  // Each volume looked up once, though both definitions list it.
  const verdicts = new Map<string, Promise<boolean>>();
  const there = (v: OwnedVolume): Promise<boolean> => {
    const id = JSON.stringify([v.key, v.pool, v.name, v.path]);
    let verdict = verdicts.get(id);
    if (verdict === undefined) verdicts.set(id, (verdict = stillThere(run, v, call)));
    return verdict;
  };
  const changed = new Map<number, Ownership>();
  const putBack = new Set<OwnedVolume>();
  const gone = new Set<OwnedVolume>();
  for (const flags of definitions) {
    const wanted = before.get(flags) ?? fallback;
    const model = parseDomainXml(await run.ctx.connection.domains.getXml(run.ref, { ...call, inactive: flags === AFFECT_CONFIG }));
    const current = model.metadata?.ownership ?? null;
    const attached = (v: OwnedVolume): boolean =>
      disksOf(model).some((d) => sameVolume(v, { path: diskPath(d), pool: d.source?.pool, name: d.source?.volume }));
    const volumes: OwnedVolume[] = [];
    for (const v of wanted.volumes) {
      if (current?.volumes.some((c) => sameVolume(c, v)) === true) volumes.push(v);
      else if (await there(v)) {
        // Not attached (its disk came after the snapshot): marked, so that teardown knows why and deletes it.
        volumes.push(attached(v) ? v : { ...v, leftBy: 'revert' });
        putBack.add(v);
      } else gone.add(v);
    }
    const record = { ...wanted, volumes };
    if (JSON.stringify(record) !== JSON.stringify(current)) changed.set(flags, record);
  }
  if (changed.size === 0) return;
  const names = (set: Set<OwnedVolume>): string[] => [...set].map((v) => v.path ?? `${v.pool}/${v.name}`);
  logSafely(run.ctx.logger, 'info', "the revert replaced the VM's ownership record: writing back the one from before", {
    domain: run.ref.name,
    putBack: names(putBack),
    gone: names(gone),
  });
  try {
    await restoreRecords(run, changed, call);
  } catch (error) {
    logSafely(
      run.ctx.logger,
      'warn',
      "reverted, but the VM's ownership record could not be written back: teardown will keep these volumes",
      {
        domain: run.ref.name,
        volumes: names(putBack),
        error,
      },
    );
    throw error;
  }
}

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
  const [before, persistent] = await Promise.all([
    connection.domains.getState(run.ref, run.budget.call()),
    connection.domains.isPersistent(run.ref, run.budget.call()),
  ]);
  const records = await readRecords(run, everyDefinition(before.state !== 'shutoff', persistent), run.budget.call());
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
  const state = await connection.domains.getState(run.ref, AFTER_REVERT);
  await keepRecords(run, records, everyDefinition(state.state !== 'shutoff', persistent), AFTER_REVERT);
  return { change: 'revertSnapshot', domain: run.ref, name: request.name, state: state.state, elapsedMs: Date.now() - started };
}
