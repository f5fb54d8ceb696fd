import { InvalidArgumentError, type SnapshotRef, VirErrorCode, isLibvirtCode } from '../../connection/internal.js';
import { type ParsedSnapshot, parseSnapshotXml } from '../../xml/index.js';
import type { DiskStateRun } from '../context.js';

/**
 * The VM's snapshot `name` and its XML, parsed. A read: nothing is changed yet.
 * @throws InvalidArgumentError (`path: 'name'`) when the VM has no such snapshot
 */
export async function findSnapshot(run: DiskStateRun, name: string): Promise<{ ref: SnapshotRef; parsed: ParsedSnapshot }> {
  const snapshots = run.ctx.connection.domains.snapshots;
  let ref: SnapshotRef;
  try {
    ref = await snapshots.lookup(run.ref, name, run.budget.call());
  } catch (error) {
    if (!isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_DOMAIN_SNAPSHOT)) throw error;
    throw new InvalidArgumentError(`VM ${JSON.stringify(run.ref.name)} has no snapshot named ${JSON.stringify(name)}`, {
      path: 'name',
      cause: error,
    });
  }
  return { ref, parsed: parseSnapshotXml(await snapshots.getXml(ref, run.budget.call())) };
}

/** The snapshot keeps something outside the VM's images: an overlay or a memory file. */
export function isExternal(parsed: ParsedSnapshot): boolean {
  return parsed.memory?.snapshot === 'external' || parsed.disks.some((d) => d.snapshot === 'external');
}
