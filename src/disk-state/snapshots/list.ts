/**
 * Reading a VM's snapshots: each one's XML, parsed, and the forest they
 * form.
 *
 * @module
 */
import type { DomainRef } from '../../connection/internal.js';
import { type Budget, type VmInput, resolveVm } from '../../runtime/index.js';
import { type ParsedSnapshot, parseSnapshotXml } from '../../xml/index.js';
import type { DiskStateContext } from '../context.js';
import type { SnapshotInfo } from './options.js';

/** `VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL`: parents before children. */
const LIST_TOPOLOGICAL = 1024;

/** What one parsed snapshot says, before its children are known. */
export function snapshotInfo(parsed: ParsedSnapshot, current: boolean): SnapshotInfo {
  const taken = parsed.disks.filter((d) => d.snapshot !== 'no');
  const internal = taken.some((d) => d.snapshot === 'internal');
  const external = taken.some((d) => d.snapshot === 'external');
  const memory = parsed.memory?.snapshot ?? 'no';
  return {
    name: parsed.name,
    description: parsed.description,
    parent: parsed.parent,
    children: [],
    current,
    state: parsed.state,
    kind: internal && external ? 'mixed' : internal ? 'internal' : external ? 'external' : 'none',
    memory,
    memoryFile: memory === 'external' ? parsed.memory?.file : undefined,
    disks: parsed.disks.map((d) => ({ target: d.name, mode: d.snapshot, file: d.file })),
    createdAt: parsed.creationTime === undefined ? undefined : new Date(parsed.creationTime * 1000),
  };
}

/** Every snapshot of `ref`, parsed, parents first, with its children. */
export async function readSnapshots(ctx: DiskStateContext, ref: DomainRef, budget: Budget): Promise<SnapshotInfo[]> {
  const resource = ctx.connection.domains.snapshots;
  const refs = await resource.list(ref, { ...budget.call(), flags: LIST_TOPOLOGICAL });
  const current = await resource.current(ref, budget.call());
  const infos: SnapshotInfo[] = [];
  for (const snap of refs) {
    const parsed = parseSnapshotXml(await resource.getXml(snap, budget.call()));
    infos.push(snapshotInfo(parsed, current?.name === parsed.name));
  }
  return asForest(infos);
}

/** Oldest first, then by name: libvirt's topological order leaves siblings in any order. */
function byAge(a: SnapshotInfo, b: SnapshotInfo): number {
  return (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Fill in each snapshot's children and order the list depth-first: each root, then its subtree, siblings oldest first. */
export function asForest(infos: SnapshotInfo[]): SnapshotInfo[] {
  const byName = new Map(infos.map((s) => [s.name, s]));
  const roots: SnapshotInfo[] = [];
  const kids = new Map<string, SnapshotInfo[]>();
  for (const s of [...infos].sort(byAge)) {
    const parent = s.parent === undefined ? undefined : byName.get(s.parent);
    if (parent === undefined) roots.push(s);
    else kids.set(parent.name, [...(kids.get(parent.name) ?? []), s]);
  }
  const out: SnapshotInfo[] = [];
  const visit = (s: SnapshotInfo): void => {
    out.push(s);
    s.children = (kids.get(s.name) ?? []).map((c) => c.name);
    for (const c of kids.get(s.name) ?? []) visit(c);
  };
  roots.forEach(visit);
  return out;
}

/** `SnapshotManager.list`: resolve the VM, read its snapshots. */
export async function listSnapshots(ctx: DiskStateContext, vm: VmInput, budget: Budget): Promise<SnapshotInfo[]> {
  const ref = await resolveVm(ctx.connection, vm, budget.call());
  return readSnapshots(ctx, ref, budget);
}
