/**
 * Deciding a snapshot from the VM: which disks are taken and how, whether
 * the memory is saved, whether the guest is quiesced — every rule libvirt
 * 9.0 would enforce, checked here first so bad input is a typed error before
 * anything is sent.
 *
 * @module
 */
import { InvalidArgumentError, InvalidStateError, UnsupportedError } from '../../connection/internal.js';
import type { DiskDevice, DomainModel, SnapshotDiskMode } from '../../xml/index.js';
import type { CreateSnapshotOptions } from './options.js';

/** One disk in the snapshot. */
export interface PlannedSnapshotDisk {
  disk: DiskDevice;
  mode: SnapshotDiskMode;
}

/** What {@link planSnapshot} decided. */
export interface SnapshotPlan {
  /** Every disk of the VM that can be snapshotted, with its mode (`'no'` included, so libvirt takes nothing else). */
  disks: PlannedSnapshotDisk[];
  kind: 'internal' | 'external';
  memory: boolean;
  quiesce: boolean;
}

/** What the VM is now. */
export interface SnapshotFacts {
  /** Running, paused or otherwise with a QEMU process. */
  active: boolean;
  /** The guest agent's channel is connected. */
  agentConnected: boolean;
}

/** A disk libvirt never snapshots: a CD-ROM or floppy, read-only, or without a medium. */
function snapshottable(disk: DiskDevice): boolean {
  const device = disk.device ?? 'disk';
  return (device === 'disk' || device === 'lun') && disk.readonly !== true && disk.source !== undefined;
}

/** UEFI with its variable store in pflash: libvirt 9.0 refuses internal snapshots of such a VM. */
function pflash(model: DomainModel): boolean {
  return model.os?.loader?.type === 'pflash' || model.os?.firmware === 'efi';
}

/**
 * Decide the snapshot from the VM and the caller's options.
 * @throws InvalidArgumentError (`path`) for an unknown target, a disk that cannot take the mode, internal and external mixed, memory on a shut-off VM, a quiesce that cannot be
 * @throws UnsupportedError for internal snapshots of a UEFI (pflash) VM (libvirt 9.0 refuses them)
 * @throws InvalidStateError for `quiesce: 'required'` without a connected guest agent
 */
export function planSnapshot(model: DomainModel, request: CreateSnapshotOptions, facts: SnapshotFacts): SnapshotPlan {
  const candidates = (model.devices?.disks ?? []).filter(snapshottable);
  if (candidates.length === 0) throw new InvalidArgumentError('the VM has no disk to snapshot', { path: 'disks' });
  const notQcow2 = candidates.filter((d) => d.driver?.type !== 'qcow2');
  const requested = request.disks;
  let modes: Map<string, SnapshotDiskMode>;
  if (requested === undefined || typeof requested === 'string') {
    const all: SnapshotDiskMode = requested ?? (notQcow2.length === 0 && !pflash(model) ? 'internal' : 'external');
    modes = new Map(candidates.map((d) => [d.target.dev, all]));
  } else {
    const known = new Set(candidates.map((d) => d.target.dev));
    for (const target of Object.keys(requested))
      if (!known.has(target))
        throw new InvalidArgumentError(
          `the VM has no disk ${JSON.stringify(target)} that can be snapshotted (disks: ${[...known].join(', ')})`,
          { path: `disks.${target}` },
        );
    modes = new Map(candidates.map((d) => [d.target.dev, requested[d.target.dev] ?? 'no']));
  }
  const taken = [...modes.values()].filter((m) => m !== 'no');
  if (taken.length === 0) throw new InvalidArgumentError('no disk would be snapshotted', { path: 'disks' });
  const internal = taken.includes('internal');
  if (internal && taken.includes('external'))
    throw new InvalidArgumentError('libvirt cannot mix internal and external disks in one snapshot', { path: 'disks' });
  const kind = internal ? 'internal' : 'external';
  if (internal) {
    if (pflash(model))
      throw new UnsupportedError(
        "libvirt (9.0 and later) cannot take internal snapshots of a VM with UEFI (pflash) firmware: use disks: 'external'",
      );
    for (const d of notQcow2)
      if (modes.get(d.target.dev) === 'internal')
        throw new InvalidArgumentError(
          `disk ${d.target.dev} is ${d.driver?.type ?? 'raw'}: only qcow2 disks can keep internal snapshots (use disks: 'external')`,
          { path: `disks.${d.target.dev}` },
        );
  }
  const memory = request.memory ?? facts.active;
  if (memory && !facts.active) throw new InvalidArgumentError('a shut-off VM has no memory to save', { path: 'memory' });
  if (internal && facts.active) {
    // libvirt 9.0: "internal snapshot of a running VM must include the memory state", and then every disk must be internal.
    if (!memory) throw new InvalidArgumentError('an internal snapshot of a running VM must include its memory', { path: 'memory' });
    const left = candidates.find((d) => modes.get(d.target.dev) === 'no');
    if (left !== undefined)
      throw new InvalidArgumentError(`an internal snapshot with memory takes every disk: ${left.target.dev} cannot be left out`, {
        path: `disks.${left.target.dev}`,
      });
  }
  return {
    disks: candidates.map((disk) => ({ disk, mode: modes.get(disk.target.dev) ?? 'no' })),
    kind,
    memory,
    quiesce: quiesce(request, kind, memory, facts),
  };
}

/** Quiesce: libvirt 9.0 does it for disk-only (external, no memory) snapshots of an active VM with a connected agent. */
function quiesce(request: CreateSnapshotOptions, kind: 'internal' | 'external', memory: boolean, facts: SnapshotFacts): boolean {
  const mode = request.quiesce ?? 'auto';
  if (mode === 'off') return false;
  const possible = kind === 'external' && !memory && facts.active;
  if (mode === 'auto') return possible && facts.agentConnected;
  if (kind === 'internal')
    throw new InvalidArgumentError("quiesce: 'required' needs an external snapshot (libvirt quiesces disk-only snapshots)", {
      path: 'quiesce',
    });
  if (memory)
    throw new InvalidArgumentError("quiesce: 'required' needs memory: false (libvirt quiesces disk-only snapshots)", { path: 'quiesce' });
  if (!facts.active)
    throw new InvalidStateError(
      'createSnapshot',
      'shutoff',
      "quiesce: 'required' needs a running guest (its agent freezes the filesystems)",
    );
  if (!facts.agentConnected)
    throw new InvalidStateError(
      'createSnapshot',
      'running',
      "quiesce: 'required' but the VM's guest agent is not connected (see waitForAgent)",
    );
  return true;
}
