/**
 * Options and results of the snapshot operations, and the checks each runs
 * before anything is sent to libvirt.
 *
 * @module
 */
import {
  CALL_OPTION_KEYS,
  type CallOptions,
  type DomainRef,
  ErrorCode,
  InvalidArgumentError,
  checkKeys,
  type KnownKeys,
} from '../../connection/internal.js';
import { DEFAULT_TIMEOUTS, checkCallOptions } from '../../runtime/index.js';
import type { SnapshotDiskMode, SnapshotState } from '../../xml/index.js';

/** How one disk takes part in a snapshot: in its own qcow2 file, in a new overlay, or not at all. */
export type { SnapshotDiskMode, SnapshotState } from '../../xml/index.js';

/**
 * Whether the guest's filesystems are frozen (through the QEMU guest agent)
 * while the disks are snapshotted, so they are consistent as after a clean
 * unmount:
 * - `'auto'`: when the agent is connected and the snapshot can be quiesced
 *   (libvirt 9.0 quiesces only disk-only external snapshots), else not;
 * - `'required'`: always — a typed error before anything is sent when it
 *   cannot be (no agent connected, memory included, internal disks);
 * - `'off'`: never.
 */
export type QuiesceMode = 'auto' | 'required' | 'off';

/** Options of `SnapshotManager.create` (the snapshot's name is one of them). */
export interface CreateSnapshotOptions extends CallOptions {
  /**
   * The snapshot's name: 1–200 characters, no `/`, no control characters,
   * not `.` or `..` (libvirt names the metadata file after it), not in use.
   */
  name: string;
  description?: string;
  /**
   * Save the guest's memory with the disks, so a revert resumes it where it
   * was (`virsh snapshot-create-as` without `--disk-only`). Needs a running
   * (or paused) VM.
   * @default true for a running or paused VM, false for a shut-off one
   */
  memory?: boolean;
  /**
   * `'internal'`: each disk keeps the snapshot inside its own qcow2 file
   * (every disk must be qcow2); `'external'`: each disk gets a new qcow2
   * overlay on top of its current image, which becomes read-only; or a map
   * of disk target → `'internal' | 'external' | 'no'` (disks left out are
   * not snapshotted; libvirt 9.0 cannot mix internal and external).
   * @default 'internal' when every disk is qcow2 and the VM has no UEFI
   *   (pflash) firmware, else 'external'
   */
  disks?: 'internal' | 'external' | Readonly<Record<string, SnapshotDiskMode>>;
  /** @default 'auto' */
  quiesce?: QuiesceMode;
}

/** Options of `SnapshotManager.revert`. */
export interface RevertSnapshotOptions extends CallOptions {
  /** Run the VM after the revert, whatever state the snapshot recorded. Not with `paused`. */
  running?: boolean;
  /** Leave the VM paused after the revert. Not with `running`. */
  paused?: boolean;
  /** Revert even when libvirt calls it risky (it would lose state it cannot restore, or must restart QEMU). @default false */
  force?: boolean;
}

/** Options of `SnapshotManager.delete`. */
export interface DeleteSnapshotOptions extends CallOptions {
  /** Delete the snapshot's descendants too (otherwise they are re-parented). @default false */
  children?: boolean;
}

/** The requests of the snapshot operations: each method's arguments and options as one object. */
export interface SnapshotRequests {
  createSnapshot: CreateSnapshotOptions;
  revertSnapshot: RevertSnapshotOptions & { name: string };
  deleteSnapshot: DeleteSnapshotOptions & { name: string };
}

/** A file an external snapshot made: an overlay of one disk, or the memory state. */
export interface SnapshotFile {
  /** The disk's target (`'vda'`), or `'memory'`. */
  of: string;
  path: string;
  /** The pool and volume name, when the SDK made it as a volume of a pool. */
  pool?: string;
  name?: string;
  /** Recorded in the VM's ownership record: teardown deletes it with the VM. */
  owned: boolean;
}

/** One snapshot, as `SnapshotManager.list` and `get` show it. */
export interface SnapshotInfo {
  name: string;
  description: string | undefined;
  /** The parent's name, `undefined` for a root. */
  parent: string | undefined;
  /** Direct children's names. */
  children: string[];
  /** The VM's current snapshot (what a new one would descend from). */
  current: boolean;
  /** The VM's state when it was taken (`'disk-snapshot'`: disks only, the VM running). */
  state: SnapshotState | undefined;
  /** `'internal'` (inside the qcow2 files), `'external'` (overlays), `'mixed'` or `'none'` (no disk). */
  kind: 'internal' | 'external' | 'mixed' | 'none';
  /** With memory (`'internal'` or `'external'`) or without (`'no'`). */
  memory: SnapshotDiskMode;
  /** Where the memory state is, for an external memory snapshot. */
  memoryFile: string | undefined;
  disks: { target: string; mode: SnapshotDiskMode; file: string | undefined }[];
  /** When it was taken. */
  createdAt: Date | undefined;
}

/** Result of `create`. */
export interface CreateSnapshotResult {
  change: 'createSnapshot';
  domain: DomainRef;
  snapshot: SnapshotInfo;
  /** Filesystems were frozen through the guest agent while the disks were taken. */
  quiesced: boolean;
  /** Files the snapshot made (overlays, memory), each owned by the VM. */
  files: SnapshotFile[];
  elapsedMs: number;
}

/** Result of `revert`. */
export interface RevertSnapshotResult {
  change: 'revertSnapshot';
  domain: DomainRef;
  name: string;
  /** The VM's state after the revert, as libvirt reports it. */
  state: string;
  elapsedMs: number;
}

/** Result of `delete`. */
export interface DeleteSnapshotResult {
  change: 'deleteSnapshot';
  domain: DomainRef;
  /** The snapshots deleted (the one named, and its descendants with `children`). */
  deleted: string[];
  /** External overlays merged into their backing image by libvirt (a block commit) and removed. */
  committed: string[];
  /** Owned files the SDK deleted after libvirt was done (external memory files). */
  filesDeleted: string[];
  elapsedMs: number;
}

/** The results of the snapshot operations. */
export interface SnapshotResults {
  createSnapshot: CreateSnapshotResult;
  revertSnapshot: RevertSnapshotResult;
  deleteSnapshot: DeleteSnapshotResult;
}

/** The longest snapshot name the SDK takes (libvirt has no limit, but names a file after it). */
export const MAX_SNAPSHOT_NAME = 200;

/**
 * Check a snapshot name the way libvirt will use it: it names a metadata
 * file (`<name>.xml`) and, for the SDK's overlays, volumes.
 * @throws InvalidArgumentError (`path`)
 */
export function checkSnapshotName(value: unknown, path = 'name'): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(`${path} must be a string`, { path });
  if (value.length === 0 || value.length > MAX_SNAPSHOT_NAME)
    throw new InvalidArgumentError(`${path} must be 1 to ${MAX_SNAPSHOT_NAME} characters`, { path });
  if (value === '.' || value === '..' || value.includes('/'))
    throw new InvalidArgumentError(`${path} must not contain "/" nor be "." or ".."`, { path });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new InvalidArgumentError(`${path} must not contain control characters`, { path });
  return value;
}

function flag(value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw new InvalidArgumentError(`${path} must be a boolean`, { path });
}

const MODES: readonly string[] = ['internal', 'external', 'no'];

const CALL = CALL_OPTION_KEYS;
/** The keys each request may have, tied to its type (a new option not listed here fails tsc). */
const REQUEST_KEYS: { readonly [O in keyof SnapshotRequests]: KnownKeys<SnapshotRequests[O]> } = {
  createSnapshot: { ...CALL, name: true, description: true, memory: true, disks: true, quiesce: true },
  revertSnapshot: { ...CALL, name: true, running: true, paused: true, force: true },
  deleteSnapshot: { ...CALL, name: true, children: true },
};

/**
 * Check a snapshot request before anything is sent, refusing a key the operation does not take.
 * @returns the operation's timeout
 * @throws InvalidArgumentError (`path`; `unknown option 'childern' (did you mean 'children'?)`)
 */
export function checkSnapshotRequest(operation: keyof SnapshotRequests, request: unknown): number {
  const timeout = checkCallOptions(request, DEFAULT_TIMEOUTS[operation]);
  const o = (request ?? {}) as Record<string, unknown>;
  checkKeys(o, REQUEST_KEYS[operation], '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  checkSnapshotName(o['name']);
  switch (operation) {
    case 'createSnapshot': {
      if (o['description'] !== undefined && typeof o['description'] !== 'string')
        throw new InvalidArgumentError('description must be a string', { path: 'description' });
      flag(o['memory'], 'memory');
      const disks = o['disks'];
      if (disks !== undefined && disks !== 'internal' && disks !== 'external') {
        if (disks === null || typeof disks !== 'object' || Array.isArray(disks))
          throw new InvalidArgumentError("disks must be 'internal', 'external' or a map of disk target to mode", { path: 'disks' });
        for (const [target, mode] of Object.entries(disks))
          if (!MODES.includes(mode as string))
            throw new InvalidArgumentError(`disks.${target} must be 'internal', 'external' or 'no'`, { path: `disks.${target}` });
      }
      const quiesce = o['quiesce'];
      if (quiesce !== undefined && quiesce !== 'auto' && quiesce !== 'required' && quiesce !== 'off')
        throw new InvalidArgumentError("quiesce must be 'auto', 'required' or 'off'", { path: 'quiesce' });
      break;
    }
    case 'revertSnapshot':
      flag(o['running'], 'running');
      flag(o['paused'], 'paused');
      flag(o['force'], 'force');
      if (o['running'] === true && o['paused'] === true)
        throw new InvalidArgumentError('running and paused cannot both be true', { path: 'paused' });
      break;
    default:
      flag(o['children'], 'children');
  }
  return timeout;
}
