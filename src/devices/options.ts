/**
 * Options and results of the device operations (their check is in
 * `check-request.ts`).
 *
 * @module
 */
import type { CallOptions, DomainRef, Logger } from '../connection/internal.js';
import type { CreateProgress, DiskSpec, NetworkSpec, VolumeLocation } from '../creator/internal.js';
import type { DeviceOperation } from '../runtime/index.js';
import type { SizeInput, VolumeFormat } from '../xml/index.js';

/**
 * Where a change applies, as virsh's `--live` and `--config`:
 * - `live`: the running VM (hot-plug); refused on a shut-off VM.
 * - `config`: the persistent definition (the next boot); refused on a
 *   transient VM.
 *
 * Give one or both; the one not given is then `false`. Give neither and the
 * state decides: a running (or paused) VM is changed live **and** in its
 * persistent definition (when it has one), a shut-off VM in its definition —
 * so a change outlives a reboot unless asked otherwise (virsh `--current`
 * would change a running VM only until it stops).
 */
export interface DeviceScope {
  live?: boolean;
  config?: boolean;
}

/** Options every device operation takes: its budget and where it applies. */
export interface DeviceOptions extends CallOptions, DeviceScope {}

/** Options of `VmDeviceManager.attachDisk`. */
export interface AttachDiskOptions extends DeviceOptions {
  /** Upload progress, for a disk of kind `'upload'`. */
  onProgress?: (event: CreateProgress) => void;
}

/** Options of `VmDeviceManager.detachDisk` and `detachNic`. */
export interface DetachOptions extends DeviceOptions {
  /**
   * Re-send the unplug request this often (ms) while the guest has not
   * released the device: a guest busy booting, or one that ignored the first
   * request, gets another. At least 6 000 ms: Linux's PCIe hot-plug driver
   * takes a second request within 5 s of the first as "cancel".
   * @default 10000
   */
  resendEvery?: number;
}

/** Options of `VmDeviceManager.detachDisk`. */
export interface DetachDiskOptions extends DetachOptions {
  /**
   * Delete the disk's volume once it is detached — only a volume the SDK
   * created for this VM (listed in its ownership record) and that no other
   * domain uses. Asking this of any other disk is an `InvalidArgumentError`
   * before anything is sent. Needs the disk gone from both the running VM and
   * the persistent definition.
   * @default false (the volume is kept, and no longer counted as the VM's)
   */
  deleteVolume?: boolean;
}

/** Options of `VmDeviceManager.changeMedia`. */
export interface ChangeMediaOptions extends DeviceOptions {
  /** Eject even when the guest has locked the tray (`VIR_DOMAIN_DEVICE_MODIFY_FORCE`). @default false */
  force?: boolean;
}

/** Options of `VmDeviceManager.resizeDisk`. */
export interface ResizeDiskOptions extends CallOptions {
  /**
   * Allow a size below the current one. Shrinking cuts off whatever the guest
   * stored past the new end: shrink the filesystem and partitions first.
   * @default false (a smaller size is an `InvalidArgumentError`)
   */
  allowShrink?: boolean;
}

/** Options of `VmDeviceManager.setMemory`. */
export type SetMemoryOptions = DeviceOptions;

/** Options of `VmDeviceManager.setVcpus`. */
export type SetVcpusOptions = DeviceOptions;

/** Options of `new VmDeviceManager(connection, options)`. */
export interface VmDeviceManagerOptions {
  /** How often to read the live XML when device events are unavailable (ms, at least 50). @default 1000 */
  pollInterval?: number;
  /** How long a read that shows the change waits for the event that confirms it (ms). @default 2000 */
  eventGrace?: number;
  logger?: Logger;
}

/** How libvirt confirmed a change: its event, the XML (or size) read back, or the call's own answer. */
export type DeviceConfirmation = 'event' | 'xml' | 'call';

/** What every device result says. */
export interface DeviceResult {
  /** The operation, e.g. `'attachDisk'`. */
  change: DeviceOperation;
  domain: DomainRef;
  /** The running VM was changed. */
  live: boolean;
  /** The persistent definition was changed. */
  config: boolean;
  /** How the live change was confirmed (`'call'` when only the definition changed). */
  confirmedBy: DeviceConfirmation;
  elapsedMs: number;
}

/** A volume the SDK made for an attached disk (and owns: `destroyVm({ storage: 'owned' })` deletes it). */
export interface AttachedVolume {
  pool: string;
  name: string;
  path: string;
  format: VolumeFormat | string;
}

/** Result of `attachDisk`. */
export interface AttachDiskResult extends DeviceResult {
  change: 'attachDisk';
  /** The disk's target (`'vdb'`), chosen after the VM's other disks unless the spec named it. */
  target: string;
  bus: string;
  /** libvirt's alias of the disk (`ua-…`, chosen by the SDK so its events can be told apart). */
  alias: string;
  /** The path the disk points at. */
  path: string | undefined;
  /** The volume made for it, for kinds `new`, `overlay`, `clone` and `upload`. */
  volume: AttachedVolume | undefined;
}

/** Result of `attachNic`. */
export interface AttachNicResult extends DeviceResult {
  change: 'attachNic';
  /** The NIC's MAC address (libvirt's choice when the spec had none). */
  mac: string;
  alias: string;
  model: string | undefined;
}

/** What happened to the volume of a detached disk. */
export type DetachedVolume =
  | { outcome: 'kept'; path: string | undefined }
  | { outcome: 'deleted'; pool: string; name: string; path: string | undefined }
  | { outcome: 'not-deleted'; path: string | undefined; reason: string };

/** Result of `detachDisk` and `detachNic`. */
export interface DetachResult extends DeviceResult {
  change: 'detachDisk' | 'detachNic';
  /** The disk's target, or the NIC's MAC. */
  device: string;
  /** The live device's alias (`undefined` when only the definition changed). */
  alias: string | undefined;
  /** Unplug requests sent (more than 1 when the guest did not release the device at once). */
  requests: number;
  /** The disk's volume (detachDisk only). */
  volume?: DetachedVolume;
}

/** Result of `changeMedia`. */
export interface ChangeMediaResult extends DeviceResult {
  change: 'changeMedia';
  target: string;
  /** The medium now in the drive, or `undefined` when it is empty. */
  source: string | undefined;
}

/** Result of `resizeDisk`. */
export interface ResizeDiskResult extends Omit<DeviceResult, 'confirmedBy'> {
  change: 'resizeDisk';
  target: string;
  /** `'live'`: the running VM's disk (`virsh blockresize`); `'volume'`: the shut-off VM's volume (`virsh vol-resize`). */
  method: 'live' | 'volume';
  /** Capacity before, in bytes. */
  before: bigint;
  /** Capacity libvirt reports now, in bytes. */
  capacity: bigint;
  confirmedBy: 'size';
}

/** Result of `setMemory`. */
export interface SetMemoryResult extends DeviceResult {
  change: 'setMemory';
  /** The memory asked for, in bytes. */
  memory: bigint;
  /** The balloon's size libvirt reports right after the call (the guest moves toward `memory` over time); `undefined` when not live. */
  balloon: bigint | undefined;
  /** The most the VM can have (`<memory>`), in bytes. */
  maximum: bigint;
}

/** Result of `setVcpus`. */
export interface SetVcpusResult extends DeviceResult {
  change: 'setVcpus';
  vcpus: number;
  /** The most the VM can have (`<vcpu>`). */
  maximum: number;
}

/**
 * Each device operation as one request: its arguments and its options
 * together (what `VmDeviceManager.perform` and the registry's device
 * commands take).
 * @example const r: DeviceRequests['detachDisk'] = { target: 'vdb', deleteVolume: true, timeout: 60_000 };
 */
export interface DeviceRequests {
  attachDisk: AttachDiskOptions & { disk: DiskSpec };
  detachDisk: DetachDiskOptions & { target: string };
  changeMedia: ChangeMediaOptions & { target: string; source: string | VolumeLocation | null };
  attachNic: DeviceOptions & { nic: NetworkSpec };
  detachNic: DetachOptions & { mac: string };
  resizeDisk: ResizeDiskOptions & { target: string; size: SizeInput };
  setMemory: SetMemoryOptions & { memory: SizeInput };
  setVcpus: SetVcpusOptions & { vcpus: number };
}

/** The result of each device operation. */
export interface DeviceResults {
  attachDisk: AttachDiskResult;
  detachDisk: DetachResult;
  changeMedia: ChangeMediaResult;
  attachNic: AttachNicResult;
  detachNic: DetachResult;
  resizeDisk: ResizeDiskResult;
  setMemory: SetMemoryResult;
  setVcpus: SetVcpusResult;
}

/** `resendEvery` below this would cancel Linux's own pending unplug (pciehp takes a second press within 5 s as cancel). */
export const MIN_RESEND_EVERY = 6_000;
/** Default `resendEvery`. */
export const DEFAULT_RESEND_EVERY = 10_000;
