/**
 * A VM's checkpoints as `BackupManager` lists and deletes them.
 *
 * @module
 */
import { InvalidArgumentError } from '../../connection/internal.js';
import { type Budget, CALL_CAP_MS, type VmInput, resolveVm } from '../../runtime/index.js';
import { parseCheckpointXml } from '../../xml/index.js';
import type { DiskStateContext, DiskStateRun } from '../context.js';
import type { CheckpointInfo } from './options.js';

/** `virDomainCheckpointXMLFlags.VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN`: without the embedded domain XML. */
const XML_NO_DOMAIN = 2;
/** `virDomainCheckpointListFlags.VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL`: parents before children. */
const LIST_TOPOLOGICAL = 2;
/** `virDomainCheckpointDeleteFlags.VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN`. */
const DELETE_CHILDREN = 1;

/** The VM's checkpoints, parents before children. */
export async function listCheckpoints(ctx: DiskStateContext, vm: VmInput, budget: Budget): Promise<CheckpointInfo[]> {
  const checkpoints = ctx.connection.domains.checkpoints;
  const ref = await resolveVm(ctx.connection, vm, budget.call(CALL_CAP_MS));
  const refs = await checkpoints.list(ref, { ...budget.call(CALL_CAP_MS), flags: LIST_TOPOLOGICAL });
  const out: CheckpointInfo[] = [];
  for (const ref of refs) {
    const model = parseCheckpointXml(await checkpoints.getXml(ref, { ...budget.call(CALL_CAP_MS), flags: XML_NO_DOMAIN }));
    out.push({
      name: ref.name,
      parent: model.parent,
      createdAt: model.creationTime === undefined ? undefined : new Date(model.creationTime * 1000),
      disks: (model.disks ?? []).filter((d) => d.checkpoint !== 'no').map((d) => ({ name: d.name, bitmap: d.bitmap })),
    });
  }
  return out;
}

/**
 * Delete the checkpoint `name` (and its descendants with `children`).
 * @throws InvalidArgumentError when the VM has no such checkpoint
 */
export async function deleteCheckpoint(run: DiskStateRun, name: string, children: boolean): Promise<void> {
  const checkpoints = run.ctx.connection.domains.checkpoints;
  const ref = await checkpoints.lookup(run.ref, name, run.budget.call(CALL_CAP_MS));
  if (ref === null)
    throw new InvalidArgumentError(`VM ${JSON.stringify(run.ref.name)} has no checkpoint ${JSON.stringify(name)}`, { path: 'name' });
  await checkpoints.delete(ref, { ...run.budget.call(), flags: children ? DELETE_CHILDREN : 0 });
}
