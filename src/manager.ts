import {
  type CallOptions,
  type EventStream,
  type EventsOptions,
  LibvirtConnection,
  type LibvirtConnectionOptions,
  type Logger,
} from './connection/index.js';
import { logSafely } from './connection/internal.js';
import { type CreateOptions, type CreateResult, VmCreator, type VmSpec } from './creator/index.js';
import { type DestroyReport, VmDestroyer } from './destroyer/index.js';
import {
  type AttachDiskOptions,
  type AttachDiskResult,
  type AttachNicResult,
  type ChangeMediaOptions,
  type ChangeMediaResult,
  type DetachDiskOptions,
  type DetachOptions,
  type DetachResult,
  type DeviceOptions,
  type DiskSpec,
  type NetworkSpec,
  type ResizeDiskOptions,
  type ResizeDiskResult,
  type SetMemoryOptions,
  type SetMemoryResult,
  type SetVcpusOptions,
  type SetVcpusResult,
  type SizeInput,
  VmDeviceManager,
  type VolumeLocation,
} from './devices/index.js';
import {
  type CreateSnapshotOptions,
  type CreateSnapshotResult,
  type DeleteSnapshotOptions,
  type DeleteSnapshotResult,
  DiskStateManager,
  type RevertSnapshotOptions,
  type RevertSnapshotResult,
  type SnapshotInfo,
  type SnapshotManager,
} from './disk-state/index.js';
import {
  type ForceOffResult,
  type RebootResult,
  type ResumeResult,
  type ShutdownResult,
  type StartResult,
  VmLifecycleManager,
  type VmLifecycleManagerOptions,
  type VmInput,
} from './lifecycle/index.js';
import type { BackupManager, BackupOptions, BackupResult } from './disk-state/index.js';
import type { VmCommand } from './state/commands.js';
import type { VmRegistryOptions } from './state/options.js';
import { VmRegistry } from './state/registry.js';
import type { SendOptions } from './state/send.js';
import type { VmSnapshot } from './state/snapshot.js';

/** Options of {@link LibvirtManager.connect}. */
export interface LibvirtManagerOptions extends LibvirtConnectionOptions {
  /** Options of the lifecycle manager (poll interval…); the device manager confirms with the same timings. */
  lifecycle?: Omit<VmLifecycleManagerOptions, 'logger'>;
  /** Options of the VM registry (resync interval, reboot debounce…). */
  registry?: Omit<VmRegistryOptions, 'lifecycle' | 'destroyer' | 'devices' | 'diskState' | 'logger'>;
  /** Bound on opening the connection and seeding the registry, in ms. @default 60000 */
  connectTimeout?: number;
  /** Abort opening. */
  signal?: AbortSignal;
  /** One logger for every module. */
  logger?: Logger;
}

/** Bound on the registry's read of a VM just created, in ms. */
const TRACK_TIMEOUT = 5_000;

/** Options of the facade's command methods: the command's own options, plus `queue` (default `true`). */
type Command<C extends VmCommand> = SendOptions<C>;

/** `queue` of a device method (see {@link SendOptions}). */
type Queue = { queue?: boolean };

/**
 * The SDK as one object. `LibvirtManager.connect()` opens one
 * `LibvirtConnection` and hands it to a `VmCreator`, a `VmLifecycleManager`, a
 * `VmDeviceManager`, a `VmDestroyer` and a `VmRegistry`; it exposes them and
 * a few convenience methods that only delegate. It holds no logic of its own: it makes no RPC
 * call and writes no XML (the layer checker enforces it).
 *
 * Commands go through the registry, so its state machines know what is in
 * flight; like every operation on a VM they wait their turn in the VM's one
 * queue (`{ queue: false }` refuses instead).
 *
 * @example
 * await using manager = await LibvirtManager.connect('qemu:///system');
 * const { domain } = await manager.createVm({ name: 'web1', memory: '1GiB', disks: [{ kind: 'new', pool: 'default', size: '10GiB' }] });
 * await manager.startVm(domain);
 * console.log(manager.getVm(domain)); // { state: 'running', … }
 * await manager.destroyVm(domain, { storage: 'owned' });
 */
export class LibvirtManager implements AsyncDisposable {
  /** The one shared connection. */
  readonly connection: LibvirtConnection;
  /** Creates VMs from specs (XML, storage, cloud-init), transactionally. */
  readonly creator: VmCreator;
  /** Power operations confirmed by libvirt. */
  readonly lifecycle: VmLifecycleManager;
  /** Day-2 changes (disks, media, NICs, disk size, memory, vCPUs) confirmed by libvirt. */
  readonly devices: VmDeviceManager;
  /** A VM's disks over time: the one dispatcher of snapshots, block jobs and backups. */
  readonly diskState: DiskStateManager;
  /** Snapshots (internal and external): create, list, revert, delete (same as `diskState.snapshots`). */
  readonly snapshots: SnapshotManager;
  /** Safe teardown. */
  readonly destroyer: VmDestroyer;
  /** Backups (full, incremental through checkpoints) with progress, confirmed by libvirt. */
  readonly backups: BackupManager;
  /** One state machine per VM, fed by events: the source of truth for VM state. */
  readonly vms: VmRegistry;
  readonly #logger: Logger | undefined;

  private constructor(connection: LibvirtConnection, options: LibvirtManagerOptions) {
    this.#logger = options.logger;
    const logger = options.logger === undefined ? {} : { logger: options.logger };
    this.connection = connection;
    this.lifecycle = new VmLifecycleManager(connection, { ...options.lifecycle, ...logger });
    this.devices = new VmDeviceManager(connection, { ...options.lifecycle, ...logger });
    this.diskState = new DiskStateManager(connection, { pollInterval: options.lifecycle?.pollInterval, ...logger });
    this.snapshots = this.diskState.snapshots;
    this.destroyer = new VmDestroyer(connection, this.lifecycle, logger);
    this.backups = this.diskState.backups;
    this.creator = new VmCreator(connection, { lifecycle: this.lifecycle, ...logger });
    this.vms = new VmRegistry(connection, {
      ...options.registry,
      lifecycle: this.lifecycle,
      destroyer: this.destroyer,
      devices: this.devices,
      diskState: this.diskState,
      ...logger,
    });
  }

  /**
   * Connect to `uri` (default: `$LIBVIRT_URI`, else `qemu:///system`) and
   * start the VM registry. If anything fails, everything opened is closed.
   *
   * @throws {@link InvalidUriError} · {@link InvalidArgumentError} (bad options; nothing is dialed) · {@link TransportError} · {@link AuthError} · {@link TimeoutError} · {@link AbortError}
   * @see LibvirtConnection.connect
   */
  static async connect(
    uri: string = process.env['LIBVIRT_URI'] ?? 'qemu:///system',
    options: LibvirtManagerOptions = {},
  ): Promise<LibvirtManager> {
    const timeout = options.connectTimeout ?? 60_000;
    const open: CallOptions = { timeout, ...(options.signal === undefined ? {} : { signal: options.signal }) };
    // Every option is checked before anything is dialed: the connection's constructor checks the URI
    // and its own options, the modules' constructors theirs.
    const connection = new LibvirtConnection(uri, options);
    const manager = new LibvirtManager(connection, options);
    try {
      await connection.connect(open);
      await manager.vms.start(open);
    } catch (error) {
      await manager.close();
      throw error;
    }
    return manager;
  }

  /**
   * Create a VM from a spec. Delegates to {@link VmCreator.create}, then has
   * the registry track the new VM, so `getVm(domain)` is defined as soon as
   * this resolves (libvirt's DEFINED event may come a moment later).
   */
  async createVm(spec: VmSpec, options?: CreateOptions): Promise<CreateResult> {
    const result = await this.creator.create(spec, options);
    // The VM exists now, so the caller gets it even if this read fails (the
    // registry then learns of it from the event, or its next resync).
    await this.vms.track(result.domain, { timeout: TRACK_TIMEOUT }).catch((error: unknown) => {
      logSafely(this.#logger, 'warn', 'the registry could not read the VM just created', {
        domain: result.domain.name,
        error: String(error),
      });
    });
    return result;
  }

  /** Start a VM and wait until it runs. Delegates to the registry (→ {@link VmLifecycleManager.start}). */
  startVm(vm: VmInput, options?: Command<'start'>): Promise<StartResult> {
    return this.vms.send(vm, 'start', options);
  }

  /** Shut a VM down gracefully (re-sending ACPI, forcing it off after the timeout). Delegates to the registry (→ {@link VmLifecycleManager.shutdown}). */
  shutdownVm(vm: VmInput, options?: Command<'shutdown'>): Promise<ShutdownResult> {
    return this.vms.send(vm, 'shutdown', options);
  }

  /** Power a VM off at once (virsh `destroy`), confirmed by libvirt. Delegates to the registry (→ {@link VmLifecycleManager.forceOff}). */
  forceOffVm(vm: VmInput, options?: Command<'forceOff'>): Promise<ForceOffResult> {
    return this.vms.send(vm, 'forceOff', options);
  }

  /** Reboot a VM. Delegates to the registry (→ {@link VmLifecycleManager.reboot}). */
  rebootVm(vm: VmInput, options?: Command<'reboot'>): Promise<RebootResult> {
    return this.vms.send(vm, 'reboot', options);
  }

  /** Pause a VM's vCPUs. Delegates to the registry (→ {@link VmLifecycleManager.pause}). */
  pauseVm(vm: VmInput, options?: Command<'pause'>): ReturnType<VmLifecycleManager['pause']> {
    return this.vms.send(vm, 'pause', options);
  }

  /** Resume a paused (or wake a pmsuspended) VM. Delegates to the registry (→ {@link VmLifecycleManager.resume}). */
  resumeVm(vm: VmInput, options?: Command<'resume'>): Promise<ResumeResult> {
    return this.vms.send(vm, 'resume', options);
  }

  /** Stop, delete storage by policy, undefine. Delegates to the registry (→ {@link VmDestroyer.destroy}). */
  destroyVm(vm: VmInput, options?: Command<'destroy'>): Promise<DestroyReport> {
    return this.vms.send(vm, 'destroy', options);
  }

  /**
   * Back up a running VM's disks into new volumes of a pool (`virsh backup-begin`).
   * Delegates to the registry (→ {@link BackupManager.backup}; shown as `changingDisks` while it runs).
   */
  backup(vm: VmInput, options: BackupOptions & Queue): Promise<BackupResult> {
    return this.vms.send(vm, 'backup', options);
  }

  /** Attach a disk made from a `createVm` disk spec (`virsh attach-disk`). Delegates to the registry (→ {@link VmDeviceManager.attachDisk}). */
  attachDisk(vm: VmInput, disk: DiskSpec, options: AttachDiskOptions & Queue = {}): Promise<AttachDiskResult> {
    return this.vms.send(vm, 'attachDisk', { ...options, disk });
  }

  /** Detach a disk by target (`virsh detach-disk`), confirmed and retried. Delegates to the registry (→ {@link VmDeviceManager.detachDisk}). */
  detachDisk(vm: VmInput, target: string, options: DetachDiskOptions & Queue = {}): Promise<DetachResult> {
    return this.vms.send(vm, 'detachDisk', { ...options, target });
  }

  /** Insert, swap or eject (`null`) a CD-ROM's medium (`virsh change-media`). Delegates to the registry (→ {@link VmDeviceManager.changeMedia}). */
  changeMedia(
    vm: VmInput,
    target: string,
    source: string | VolumeLocation | null,
    options: ChangeMediaOptions & Queue = {},
  ): Promise<ChangeMediaResult> {
    return this.vms.send(vm, 'changeMedia', { ...options, target, source });
  }

  /** Attach a NIC made from a `createVm` network spec (`virsh attach-interface`). Delegates to the registry (→ {@link VmDeviceManager.attachNic}). */
  attachNic(vm: VmInput, nic: NetworkSpec, options: DeviceOptions & Queue = {}): Promise<AttachNicResult> {
    return this.vms.send(vm, 'attachNic', { ...options, nic });
  }

  /** Detach a NIC by MAC (`virsh detach-interface`). Delegates to the registry (→ {@link VmDeviceManager.detachNic}). */
  detachNic(vm: VmInput, mac: string, options: DetachOptions & Queue = {}): Promise<DetachResult> {
    return this.vms.send(vm, 'detachNic', { ...options, mac });
  }

  /** Resize a disk, live or through its volume (`virsh blockresize` / `vol-resize`). Delegates to the registry (→ {@link VmDeviceManager.resizeDisk}). */
  resizeDisk(vm: VmInput, target: string, size: SizeInput, options: ResizeDiskOptions & Queue = {}): Promise<ResizeDiskResult> {
    return this.vms.send(vm, 'resizeDisk', { ...options, target, size });
  }

  /** Set a VM's memory (`virsh setmem`). Delegates to the registry (→ {@link VmDeviceManager.setMemory}). */
  setMemory(vm: VmInput, memory: SizeInput, options: SetMemoryOptions & Queue = {}): Promise<SetMemoryResult> {
    return this.vms.send(vm, 'setMemory', { ...options, memory });
  }

  /** Set a VM's vCPU count (`virsh setvcpus`). Delegates to the registry (→ {@link VmDeviceManager.setVcpus}). */
  setVcpus(vm: VmInput, vcpus: number, options: SetVcpusOptions & Queue = {}): Promise<SetVcpusResult> {
    return this.vms.send(vm, 'setVcpus', { ...options, vcpus });
  }

  /** Take a snapshot (`virsh snapshot-create-as`). Delegates to the registry (→ {@link SnapshotManager.create}). */
  createSnapshot(vm: VmInput, options: CreateSnapshotOptions & Queue): Promise<CreateSnapshotResult> {
    return this.vms.send(vm, 'createSnapshot', options);
  }

  /** A VM's snapshots as a tree (`virsh snapshot-list --tree`). Delegates to {@link SnapshotManager.list} (a read: no turn). */
  listSnapshots(vm: VmInput, options?: CallOptions): Promise<SnapshotInfo[]> {
    return this.snapshots.list(vm, options);
  }

  /** Revert to a snapshot (`virsh snapshot-revert`). Delegates to the registry (→ {@link SnapshotManager.revert}). */
  revertSnapshot(vm: VmInput, name: string, options: RevertSnapshotOptions & Queue = {}): Promise<RevertSnapshotResult> {
    return this.vms.send(vm, 'revertSnapshot', { ...options, name });
  }

  /** Delete a snapshot (`virsh snapshot-delete`; external ones by block commit). Delegates to the registry (→ {@link SnapshotManager.delete}). */
  deleteSnapshot(vm: VmInput, name: string, options: DeleteSnapshotOptions & Queue = {}): Promise<DeleteSnapshotResult> {
    return this.vms.send(vm, 'deleteSnapshot', { ...options, name });
  }

  /** The registry's snapshot of one VM (state, reason, command in flight, allowed commands), or `undefined`. */
  getVm(vm: VmInput): VmSnapshot | undefined {
    return this.vms.get(vm);
  }

  /** Snapshots of every VM the registry tracks. */
  listVms(): VmSnapshot[] {
    return this.vms.list();
  }

  /** Typed libvirt events. Delegates to {@link LibvirtConnection.events}. */
  events(options?: EventsOptions): EventStream {
    return this.connection.events(options);
  }

  /** Stop the registry and close the connection. Idempotent. */
  async close(options?: CallOptions): Promise<void> {
    this.vms.stop();
    await this.connection.close(options);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
