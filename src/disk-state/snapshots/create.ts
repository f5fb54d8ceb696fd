/**
 * `createSnapshot`: decide, make the external files (recorded as the VM's),
 * take the snapshot; a failure deletes what it made and puts the ownership
 * record back.
 *
 * @module
 */
import { AlreadyExistsError, VirErrorCode, isLibvirtCode } from '../../connection/internal.js';
import { type PreviousRecords, everyDefinition, recordOwned, restoreRecords } from '../../devices/internal.js';
import { agentChannelState } from '../../lifecycle/internal.js';
import { type SnapshotModel, buildSnapshotXml, parseDomainXml, parseSnapshotXml } from '../../xml/index.js';
import type { DiskStateRun } from '../context.js';
import { type MadeFile, makeFiles, planFiles, removeFiles } from './files.js';
import { snapshotInfo } from './list.js';
import type { CreateSnapshotOptions, CreateSnapshotResult } from './options.js';
import { type SnapshotPlan, planSnapshot } from './plan.js';

/** `virDomainSnapshotCreateFlags` the SDK sends. */
export const SnapshotCreateFlag = { DISK_ONLY: 16, REUSE_EXT: 32, QUIESCE: 64, ATOMIC: 128 } as const;

/** Budget of each undo step, whatever is left of the operation's. */
const ROLLBACK = { timeout: 60_000 };

/** Fail with `AlreadyExistsError` when the VM has a snapshot called `name`. */
async function refuseTakenName(run: DiskStateRun, name: string): Promise<void> {
  try {
    await run.ctx.connection.domains.snapshots.lookup(run.ref, name, run.budget.call());
  } catch (error) {
    if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_DOMAIN_SNAPSHOT)) return;
    throw error;
  }
  throw new AlreadyExistsError('snapshot', name, `VM ${JSON.stringify(run.ref.name)} already has a snapshot named ${JSON.stringify(name)}`);
}

/** Whether the snapshot exists after all (an answer lost to a timeout or an abort); `true` when that cannot be read. */
async function taken(run: DiskStateRun, name: string): Promise<boolean> {
  try {
    await run.ctx.connection.domains.snapshots.lookup(run.ref, name, ROLLBACK);
    return true;
  } catch (error) {
    return !isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_DOMAIN_SNAPSHOT);
  }
}

function snapshotXml(request: CreateSnapshotOptions, plan: SnapshotPlan, made: readonly MadeFile[]): string {
  const fileOf = (of: string): string | undefined => made.find((m) => m.file.of === of)?.file.path;
  const memoryFile = fileOf('memory');
  const model: SnapshotModel = {
    name: request.name,
    ...(request.description === undefined ? {} : { description: request.description }),
    memory: !plan.memory
      ? { snapshot: 'no' }
      : memoryFile === undefined
        ? { snapshot: 'internal' }
        : { snapshot: 'external', file: memoryFile },
    disks: plan.disks.map(({ disk, mode }) => {
      const file = mode === 'external' ? fileOf(disk.target.dev) : undefined;
      return { name: disk.target.dev, snapshot: mode, ...(file === undefined ? {} : { file, format: 'qcow2' }) };
    }),
  };
  return buildSnapshotXml(model);
}

function flagsOf(plan: SnapshotPlan): number {
  if (plan.kind === 'internal') return 0;
  return (
    SnapshotCreateFlag.REUSE_EXT |
    SnapshotCreateFlag.ATOMIC |
    (plan.memory ? 0 : SnapshotCreateFlag.DISK_ONLY) |
    (plan.quiesce ? SnapshotCreateFlag.QUIESCE : 0)
  );
}

/** Take a snapshot (`SnapshotManager.create`). */
export async function createSnapshot(run: DiskStateRun, request: CreateSnapshotOptions): Promise<CreateSnapshotResult> {
  const started = Date.now();
  const { connection } = run.ctx;
  const domains = connection.domains;
  const [state, persistent] = await Promise.all([
    domains.getState(run.ref, run.budget.call()),
    domains.isPersistent(run.ref, run.budget.call()),
  ]);
  const active = state.state !== 'shutoff';
  const xml = await domains.getXml(run.ref, run.budget.call());
  const plan = planSnapshot(parseDomainXml(xml), request, { active, agentConnected: agentChannelState(xml) === 'connected' });
  await refuseTakenName(run, request.name);
  const external = plan.disks.filter((d) => d.mode === 'external').map((d) => d.disk);
  const files = await planFiles(run, external, request.name, plan.memory && plan.kind === 'external');

  run.budget.check(`creating snapshot ${request.name}`);
  const made = await makeFiles(run, files, ROLLBACK);
  const definitions = everyDefinition(active, persistent);
  const previous: PreviousRecords[] = [];
  try {
    for (const m of made) previous.push(await recordOwned(run, definitions, m.owned, run.budget.call()));
    const snap = await domains.snapshots.create(run.ref, snapshotXml(request, plan, made), { ...run.budget.call(), flags: flagsOf(plan) });
    const info = snapshotInfo(parseSnapshotXml(await domains.snapshots.getXml(snap, run.budget.call())), true);
    return {
      change: 'createSnapshot',
      domain: run.ref,
      snapshot: info,
      quiesced: plan.quiesce,
      files: made.map((m) => m.file),
      elapsedMs: Date.now() - started,
    };
  } catch (error) {
    // A call that timed out or was aborted may still have been carried out: then the overlays are in use and stay (recorded).
    if (await taken(run, request.name)) throw error;
    // The first record replaced is the one from before this snapshot.
    if (previous[0] !== undefined) await restoreRecords(run, previous[0], ROLLBACK).catch(() => undefined);
    await removeFiles(run, made, ROLLBACK);
    throw error;
  }
}
