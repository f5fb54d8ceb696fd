import { type CallOptions, type EventStream, type EventsOptions, LibvirtConnection, type Logger } from './connection/index.js';
import { checkOnlyCallOptions, logSafely } from './connection/internal.js';
import { type LibvirtManagerOptions, checkManagerOptionKeys } from './manager-options.js';
import { type CreateOptions, type CreateResult, VmCreator, type VmSpec } from './creator/index.js';
import { type DestroyOptions, type DestroyReport, VmDestroyer } from './destroyer/index.js';
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
import { AgentManager } from './agent/index.js';
import {
  type BlockCommitOptions,
  type BlockCopyOptions,
  type BlockCopyResult,
  type BlockJobManager,
  type BlockJobResult,
  type BlockPullOptions,
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
  type ForceOffOptions,
  type ForceOffResult,
  type LifecycleResult,
  type RebootOptions,
  type RebootResult,
  type ResumeOptions,
  type ResumeResult,
  type ShutdownOptions,
  type ShutdownResult,
  type StartOptions,
  type StartResult,
  VmLifecycleManager,
  type VmInput,
} from './lifecycle/index.js';
import type { BackupManager, BackupOptions, BackupResult } from './disk-state/index.js';
import { VmRegistry } from './state/registry.js';
import type { QueueOption } from './state/send.js';
import type { VmSnapshot } from './state/snapshot.js';

export type { LibvirtManagerOptions } from './manager-options.js';

/** Bound on the registry's read of a VM just created, in ms. */
const TRACK_TIMEOUT = 5_000;

/**
 * The SDK as one object. `LibvirtManager.connect()` opens one
 * `LibvirtConnection` and hands it to a `VmCreator`, a `VmLifecycleManager`, a
 * `VmDeviceManager`, a `VmDestroyer` and a `VmRegistry`; it exposes them and
 * a few convenience methods that only delegate. It holds no logic of its own: it makes no RPC
 * call and writes no XML (the layer checker enforces it).
 *
 * Commands go through the registry, so its state machines know what is in
 * flight; like every operation on a VM they wait their turn in the VM's one
 * queue (`{ queue: false }` refuses instead). After {@link LibvirtManager.close} they throw `InvalidStateError`.
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
  /** Block jobs (copy, commit, pull) with progress; find and follow running ones (same as `diskState.blockJobs`). */
  readonly blockJobs: BlockJobManager;
  /** Safe teardown. */
  readonly destroyer: VmDestroyer;
  /** Inside the guest through the QEMU guest agent: commands, files, freeze, passwords, guest info. */
  readonly agent: AgentManager;
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
    this.agent = new AgentManager(connection, logger);
    this.diskState = new DiskStateManager(connection, { pollInterval: options.lifecycle?.pollInterval, ...logger });
    this.snapshots = this.diskState.snapshots;
    this.blockJobs = this.diskState.blockJobs;
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
   * start the VM registry (it reads every VM's state once, then follows libvirt's events). Resolves once both are
   * done; if anything fails, everything opened is closed. `connectTimeout` (default 60 s) bounds it.
   *
   * @example
   * await using manager = await LibvirtManager.connect('qemu:///system', { connectTimeout: 10_000 });
   * @example
   * const remote = await LibvirtManager.connect('qemu+ssh://root@host/system', { logger: console });
   * @throws {@link InvalidUriError} · {@link InvalidArgumentError} (bad or unknown options, `path` the option; nothing is dialed) · {@link TransportError} · {@link AuthError} · {@link TimeoutError} · {@link AbortError}
   * @see {@link LibvirtConnection.connect} · virConnectOpenAuth · docs/connection.md
   */
  static async connect(
    uri: string = process.env['LIBVIRT_URI'] ?? 'qemu:///system',
    options: LibvirtManagerOptions = {},
  ): Promise<LibvirtManager> {
    checkManagerOptionKeys(options);
    const timeout = options.connectTimeout ?? 60_000;
    const open: CallOptions = { timeout, ...(options.signal === undefined ? {} : { signal: options.signal }) };
    // Every option is checked before anything is dialed: the connection's constructor checks the URI
    // and its own options, the modules' constructors theirs.
    const { lifecycle: _lifecycle, registry: _registry, signal: _signal, ...connectionOptions } = options;
    const connection = new LibvirtConnection(uri, connectionOptions);
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
   * Create a VM from a spec (`virt-install`). Every check runs before anything is made (spec, pools, free space,
   * names); then volumes, cloud-init seed, definition, autostart and, with `spec.start`, the start. Resolves once all
   * of it is done and the registry tracks the VM (`getVm(domain)` is defined at once, unless that read failed: then
   * libvirt's event or the next resync adds it). Any failure rolls back what it made and throws the original error with a report
   * (`getRollbackReport(error)`). No timeout by default.
   *
   * @example
   * const { domain, started } = await manager.createVm(
   *   { name: 'lvm-web1', memory: '1GiB', vcpus: 2, disks: [{ kind: 'new', pool: 'default', size: '10GiB' }], start: true },
   *   { timeout: 300_000, onProgress: (p) => console.log(p) },
   * );
   * @throws {@link InvalidArgumentError} (`ERR_LIBVIRT_INVALID_SPEC`, `path`) for a bad spec or options; nothing was made
   * @throws {@link AlreadyExistsError} when the name, UUID or a volume name is taken; nothing was made
   * @throws {@link UnsupportedError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}: rolled back
   * @see {@link VmCreator.create} · virDomainDefineXMLFlags · virStorageVolCreateXML · docs/vm-spec.md
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

  /**
   * Start a shut-off VM (`virsh start`) and resolve once libvirt confirms it running (`paused` with `{ paused: true }`);
   * a managed save image is restored unless `forceBoot`. Already running: a no-op (`changed: false`).
   * `timeout` (default 60 s) bounds the wait for the VM's turn and the start.
   *
   * @example
   * const { state, restored } = await manager.startVm('lvm-web1', { timeout: 120_000 });
   * @throws {@link InvalidStateError} when its state forbids it (crashed, shutting down), or it is busy and `queue: false`
   * @throws {@link UnsupportedError} when the driver refuses a start flag · {@link InvalidArgumentError} for bad options
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmLifecycleManager.start} · virDomainCreateWithFlags · docs/lifecycle.md
   */
  startVm(vm: VmInput, options?: StartOptions & QueueOption): Promise<StartResult> {
    return this.vms.send(vm, 'start', options);
  }

  /**
   * Shut a VM down gracefully (`virsh shutdown`): ask the guest (ACPI, or the agent; re-sent every `resendEvery`,
   * 5 s) and resolve once it is shut off. After `timeout` (default 60 s) it is forced off (`escalated: true`), or
   * with `onTimeout: 'throw'` a {@link TimeoutError} names its state. Already shut off: a no-op.
   *
   * @example
   * const { escalated } = await manager.shutdownVm('lvm-web1', { timeout: 30_000 });
   * @example
   * await manager.shutdownVm('lvm-web1', { mode: 'acpi', onTimeout: 'throw' }); // never forced off
   * @throws {@link InvalidStateError} when it is paused, pmsuspended or crashed (nothing is sent), or busy and `queue: false`
   * @throws {@link TimeoutError} with `onTimeout: 'throw'` · {@link UnsupportedError} for an explicit `mode` the driver refuses
   * @throws {@link InvalidArgumentError} · {@link DomainNotFoundError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmLifecycleManager.shutdown} · virDomainShutdownFlags · docs/lifecycle.md
   */
  shutdownVm(vm: VmInput, options?: ShutdownOptions & QueueOption): Promise<ShutdownResult> {
    return this.vms.send(vm, 'shutdown', options);
  }

  /**
   * Power a VM off at once (what virsh calls `destroy`; the VM and its disks stay) and resolve once libvirt confirms
   * it shut off. Retries on OPERATION_TIMEOUT / RESOURCE_BUSY; `graceful` sends QEMU only SIGTERM. Already shut off:
   * a no-op. `timeout`: default 30 s. To delete the VM, use {@link LibvirtManager.destroyVm}.
   *
   * @example
   * await manager.forceOffVm('lvm-web1');
   * @throws {@link InvalidStateError} when it is busy and `queue: false` · {@link InvalidArgumentError} for bad options
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmLifecycleManager.forceOff} · virDomainDestroyFlags · docs/lifecycle.md
   */
  forceOffVm(vm: VmInput, options?: ForceOffOptions & QueueOption): Promise<ForceOffResult> {
    return this.vms.send(vm, 'forceOff', options);
  }

  /**
   * Reboot a running VM (`virsh reboot`) and resolve once libvirt reports the reboot (re-sending the request while
   * none came). `fallback: 'stop-start'` shuts down and starts where the hypervisor cannot reboot. `timeout`: 60 s.
   *
   * @example
   * const { path } = await manager.rebootVm('lvm-web1'); // 'reboot'
   * @throws {@link InvalidStateError} unless it is running, or when busy and `queue: false`
   * @throws {@link TimeoutError} when no reboot event came · {@link UnsupportedError} for an explicit `mode` the driver refuses
   * @throws {@link InvalidArgumentError} · {@link DomainNotFoundError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmLifecycleManager.reboot} · virDomainReboot · docs/lifecycle.md
   */
  rebootVm(vm: VmInput, options?: RebootOptions & QueueOption): Promise<RebootResult> {
    return this.vms.send(vm, 'reboot', options);
  }

  /**
   * Pause a VM's vCPUs (`virsh suspend`) and resolve once libvirt reports it paused. Already paused: a no-op.
   * `timeout`: 30 s. Undo with {@link LibvirtManager.resumeVm}.
   *
   * @example
   * await manager.pauseVm('lvm-web1');
   * @throws {@link InvalidStateError} unless it is running or paused, or when busy and `queue: false`
   * @throws {@link InvalidArgumentError} · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmLifecycleManager.pause} · virDomainSuspend · docs/lifecycle.md
   */
  pauseVm(vm: VmInput, options?: CallOptions & QueueOption): Promise<LifecycleResult> {
    return this.vms.send(vm, 'pause', options);
  }

  /**
   * Resume a paused VM, or wake a pmsuspended one (`wokeUp: true`), and resolve once libvirt reports it running.
   * Already running: a no-op. `syncTime: true` then sets the guest clock through the agent (best effort, in
   * `timeSync`). `timeout`: 30 s.
   *
   * @example
   * const { timeSync } = await manager.resumeVm('lvm-web1', { syncTime: true });
   * @throws {@link InvalidStateError} when it is shut off or crashed, or when busy and `queue: false`
   * @throws {@link UnsupportedError} when it is pmsuspended and the driver cannot wake it
   * @throws {@link InvalidArgumentError} · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmLifecycleManager.resume} · virDomainResume · virDomainPMWakeup · docs/lifecycle.md
   */
  resumeVm(vm: VmInput, options?: ResumeOptions & QueueOption): Promise<ResumeResult> {
    return this.vms.send(vm, 'resume', options);
  }

  /**
   * Delete a VM: stop it (`stop`: `'graceful'`, the default, or `'force'`), delete volumes by `storage` policy
   * (`'owned'`, the default: only what the SDK made for it; never what it did not make) and undefine it last.
   * Step failures do not throw: they are in `report.errors`, and with `report.complete === false` the definition
   * is kept so calling it again finishes the job. A VM already gone reports `alreadyGone`. `timeout`: 300 s.
   *
   * @example
   * const report = await manager.destroyVm('lvm-web1', { storage: 'owned', stop: 'force' });
   * if (!report.complete) console.warn(report.errors);
   * @throws {@link InvalidArgumentError} for bad options (nothing is sent) · {@link InvalidStateError} when busy and `queue: false`
   * @throws {@link TimeoutError} · {@link AbortError} while waiting for the VM's turn
   * @throws {@link LibvirtError} · {@link ConnectionClosedError} raised before anything was changed
   * @see {@link VmDestroyer.destroy} · virDomainDestroyFlags · virDomainUndefineFlags · virStorageVolDelete · docs/teardown.md
   */
  destroyVm(vm: VmInput, options?: DestroyOptions & QueueOption): Promise<DestroyReport> {
    return this.vms.send(vm, 'destroy', options);
  }

  /**
   * Back up a running (or paused) VM's disks into new volumes of `pool` (`virsh backup-begin`), full or
   * `incremental` from a checkpoint; resolves once libvirt reports the job completed. The facade gives no progress
   * iterator: use `onProgress`, or {@link BackupManager.start}. A failure deletes the volumes it made. `timeout`: 1 h.
   *
   * @example
   * const { volumes } = await manager.backup('lvm-web1', { pool: 'default', checkpoint: 'b1' });
   * @throws {@link InvalidArgumentError} for bad options, an unknown pool, disk or checkpoint; nothing was made
   * @throws {@link InvalidStateError} unless it is running or paused, or when busy and `queue: false`
   * @throws {@link JobFailedError} · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link BackupManager.backup} · virDomainBackupBegin · docs/disk-state.md
   */
  backup(vm: VmInput, options: BackupOptions & QueueOption): Promise<BackupResult> {
    return this.vms.send(vm, 'backup', options);
  }

  /**
   * Attach a disk (`virsh attach-disk`) from the same spec as `createVm`'s `disks`: a new, overlay, clone or upload
   * volume (made in its pool and owned by the VM), an `existing` one (never deleted by the SDK) or a `cdrom`.
   * Resolves once libvirt confirms the device (live and/or in the definition; see `live`, `config`). A failure
   * deletes the volume it made. `timeout`: 300 s.
   *
   * @example
   * const { target } = await manager.attachDisk('lvm-web1', { kind: 'new', pool: 'default', size: '5GiB' });
   * @throws {@link InvalidArgumentError} (`path` under `disk`) for a bad spec or a target in use; nothing was sent
   * @throws {@link InvalidStateError} when its state forbids it, `live` on a shut-off VM, or busy and `queue: false`
   * @throws {@link UnsupportedError} (no hot-plug) · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmDeviceManager.attachDisk} · virDomainAttachDeviceFlags · docs/devices.md
   */
  attachDisk(vm: VmInput, disk: DiskSpec, options: AttachDiskOptions & QueueOption = {}): Promise<AttachDiskResult> {
    return this.vms.send(vm, 'attachDisk', { ...options, disk });
  }

  /**
   * Detach the disk `target` (`virsh detach-disk`): from the running VM once the guest releases it (confirmed by
   * libvirt's device-removed event, the request re-sent meanwhile), then from the definition. Its volume is kept
   * unless `deleteVolume` (only for one the SDK made). `timeout`: 120 s.
   *
   * @example
   * const { volume } = await manager.detachDisk('lvm-web1', 'vdb', { deleteVolume: true });
   * @throws {@link InvalidArgumentError} for an unknown target, or `deleteVolume` of a volume the SDK did not make
   * @throws {@link DeviceDetachError} when the guest refused or did not release it in time (both definitions still have it)
   * @throws {@link InvalidStateError} (paused, or busy and `queue: false`) · {@link UnsupportedError} · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmDeviceManager.detachDisk} · virDomainDetachDeviceAlias · docs/devices.md
   */
  detachDisk(vm: VmInput, target: string, options: DetachDiskOptions & QueueOption = {}): Promise<DetachResult> {
    return this.vms.send(vm, 'detachDisk', { ...options, target });
  }

  /**
   * Insert (a host path or `{ pool, volume }`), swap, or eject (`null`) the medium of the CD-ROM drive `target`
   * (`virsh change-media`); resolves once libvirt has the new medium. `timeout`: 60 s.
   *
   * @example
   * await manager.changeMedia('lvm-web1', 'sda', { pool: 'default', volume: 'debian-12.iso' });
   * await manager.changeMedia('lvm-web1', 'sda', null); // eject
   * @throws {@link InvalidArgumentError} for an unknown target, a drive that is not removable, a bad source
   * @throws {@link InvalidStateError} (or busy and `queue: false`) · {@link UnsupportedError} · {@link LibvirtError} (a locked tray without `force`)
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError}
   * @see {@link VmDeviceManager.changeMedia} · virDomainUpdateDeviceFlags · docs/devices.md
   */
  changeMedia(
    vm: VmInput,
    target: string,
    source: string | VolumeLocation | null,
    options: ChangeMediaOptions & QueueOption = {},
  ): Promise<ChangeMediaResult> {
    return this.vms.send(vm, 'changeMedia', { ...options, target, source });
  }

  /**
   * Attach a NIC (`virsh attach-interface`) from the same spec as `createVm`'s `networks`; resolves once libvirt
   * confirms it. The result names its MAC (made by the SDK when the spec has none). `timeout`: 60 s.
   *
   * @example
   * const { mac } = await manager.attachNic('lvm-web1', { network: 'default' });
   * @throws {@link InvalidArgumentError} (`path` under `nic`) for a bad spec, an unknown network, a MAC in use
   * @throws {@link InvalidStateError} (or busy and `queue: false`) · {@link UnsupportedError} · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmDeviceManager.attachNic} · virDomainAttachDeviceFlags · docs/devices.md
   */
  attachNic(vm: VmInput, nic: NetworkSpec, options: DeviceOptions & QueueOption = {}): Promise<AttachNicResult> {
    return this.vms.send(vm, 'attachNic', { ...options, nic });
  }

  /**
   * Detach the NIC with MAC `mac` (`virsh detach-interface`), confirmed and re-sent as
   * {@link LibvirtManager.detachDisk}. `timeout`: 120 s.
   *
   * @example
   * await manager.detachNic('lvm-web1', '52:54:00:12:34:56');
   * @throws {@link InvalidArgumentError} for an unknown MAC · {@link DeviceDetachError} when the guest did not release it
   * @throws {@link InvalidStateError} (or busy and `queue: false`) · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmDeviceManager.detachNic} · virDomainDetachDeviceAlias · docs/devices.md
   */
  detachNic(vm: VmInput, mac: string, options: DetachOptions & QueueOption = {}): Promise<DetachResult> {
    return this.vms.send(vm, 'detachNic', { ...options, mac });
  }

  /**
   * Resize the disk `target` to `size` (bytes, or `'20GiB'`): live while the VM runs (`virsh blockresize`), through
   * its volume while it is shut off (`virsh vol-resize`). Shrinking needs `allowShrink`. `timeout`: 120 s.
   *
   * @example
   * const { before, capacity } = await manager.resizeDisk('lvm-web1', 'vdb', '20GiB');
   * @throws {@link InvalidArgumentError} for an unknown target, a CD-ROM, a size not a multiple of 512, a shrink without `allowShrink`
   * @throws {@link InvalidStateError} (or busy and `queue: false`) · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmDeviceManager.resizeDisk} · virDomainBlockResize · virStorageVolResize · docs/devices.md
   */
  resizeDisk(vm: VmInput, target: string, size: SizeInput, options: ResizeDiskOptions & QueueOption = {}): Promise<ResizeDiskResult> {
    return this.vms.send(vm, 'resizeDisk', { ...options, target, size });
  }

  /**
   * Set a VM's memory (`virsh setmem`): live through the balloon and/or in the definition, up to its maximum.
   * Resolves once libvirt confirms it. `timeout`: 60 s.
   *
   * @example
   * await manager.setMemory('lvm-web1', '2GiB');
   * @throws {@link InvalidArgumentError} above the maximum · {@link UnsupportedError} live without a balloon device
   * @throws {@link InvalidStateError} (or busy and `queue: false`) · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmDeviceManager.setMemory} · virDomainSetMemoryFlags · docs/devices.md
   */
  setMemory(vm: VmInput, memory: SizeInput, options: SetMemoryOptions & QueueOption = {}): Promise<SetMemoryResult> {
    return this.vms.send(vm, 'setMemory', { ...options, memory });
  }

  /**
   * Set a VM's vCPU count (`virsh setvcpus`): hot-plugged live up to its maximum and/or in the definition.
   * Resolves once libvirt confirms it. `timeout`: 60 s.
   *
   * @example
   * await manager.setVcpus('lvm-web1', 4);
   * @throws {@link InvalidArgumentError} above the maximum
   * @throws {@link InvalidStateError} (or busy and `queue: false`) · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link VmDeviceManager.setVcpus} · virDomainSetVcpusFlags · docs/devices.md
   */
  setVcpus(vm: VmInput, vcpus: number, options: SetVcpusOptions & QueueOption = {}): Promise<SetVcpusResult> {
    return this.vms.send(vm, 'setVcpus', { ...options, vcpus });
  }

  /**
   * Take a snapshot named `name` (`virsh snapshot-create-as`); what is not given (internal or external, memory)
   * is decided from the VM. External overlays are volumes the SDK makes and the VM owns; a failure deletes them.
   * Resolves once libvirt has the snapshot. `timeout`: 300 s.
   *
   * @example
   * const { snapshot } = await manager.createSnapshot('lvm-web1', { name: 'before-upgrade' });
   * @throws {@link InvalidArgumentError} (`path`) for a bad or taken name, no or an unknown disk, an impossible mix; nothing was sent
   * @throws {@link InvalidStateError} when its state forbids it, `quiesce: 'required'` without the agent, or busy and `queue: false`
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link SnapshotManager.create} · virDomainSnapshotCreateXML · docs/disk-state.md
   */
  createSnapshot(vm: VmInput, options: CreateSnapshotOptions & QueueOption): Promise<CreateSnapshotResult> {
    return this.vms.send(vm, 'createSnapshot', options);
  }

  /**
   * A VM's snapshots, parents before children (`virsh snapshot-list --tree`). A read: it takes no turn in the VM's
   * queue. `timeout`: 60 s.
   *
   * @example
   * for (const s of await manager.listSnapshots('lvm-web1')) console.log(s.name, s.parent ?? '(root)', s.current);
   * @throws {@link InvalidArgumentError} · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link SnapshotManager.list} · virDomainListAllSnapshots · docs/disk-state.md
   */
  listSnapshots(vm: VmInput, options?: CallOptions): Promise<SnapshotInfo[]> {
    return this.snapshots.list(vm, options);
  }

  /**
   * Revert a VM to the snapshot `name` (`virsh snapshot-revert`): disks (and memory, if saved) as they were; it ends
   * in the snapshot's state unless `running` or `paused`. libvirt before 9.7 reverts internal snapshots only.
   * `timeout`: 300 s.
   *
   * @example
   * await manager.revertSnapshot('lvm-web1', 'before-upgrade', { running: true });
   * @throws {@link InvalidArgumentError} for an unknown snapshot, `running` with `paused`; nothing was sent
   * @throws {@link UnsupportedError} for an external snapshot before libvirt 9.7 · {@link LibvirtError} (`VIR_ERR_SNAPSHOT_REVERT_RISKY` unless `force`)
   * @throws {@link InvalidStateError} (or busy and `queue: false`) · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError}
   * @see {@link SnapshotManager.revert} · virDomainRevertToSnapshot · docs/disk-state.md
   */
  revertSnapshot(vm: VmInput, name: string, options: RevertSnapshotOptions & QueueOption = {}): Promise<RevertSnapshotResult> {
    return this.vms.send(vm, 'revertSnapshot', { ...options, name });
  }

  /**
   * Delete the snapshot `name` (`virsh snapshot-delete`; with `children`, its descendants too). An external one is
   * merged into its backing image by a block commit, which can take a while. `timeout`: 1 h.
   *
   * @example
   * await manager.deleteSnapshot('lvm-web1', 'before-upgrade');
   * @throws {@link InvalidArgumentError} for an unknown snapshot; nothing was sent
   * @throws {@link UnsupportedError} where libvirt cannot delete it (an external one below an internal one, …)
   * @throws {@link InvalidStateError} (or busy and `queue: false`) · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link SnapshotManager.delete} · virDomainSnapshotDelete · docs/disk-state.md
   */
  deleteSnapshot(vm: VmInput, name: string, options: DeleteSnapshotOptions & QueueOption = {}): Promise<DeleteSnapshotResult> {
    return this.vms.send(vm, 'deleteSnapshot', { ...options, name });
  }

  /**
   * Copy a running (or paused) VM's disk to a new image and pivot to it (`virsh blockcopy --pivot`): a volume the
   * SDK makes in `to.pool`, or `to.path`. Resolves after the pivot; a failed or aborted copy leaves the disk on its
   * old image. For a progress iterator use {@link BlockJobManager.copy}. `timeout`: 1 h.
   *
   * @example
   * const { destination } = await manager.blockCopy('lvm-web1', { disk: 'vda', to: { pool: 'default' } });
   * @throws {@link InvalidArgumentError} for bad options or an unknown disk; nothing was sent
   * @throws {@link InvalidStateError} unless it is running or paused, or when busy and `queue: false`
   * @throws {@link BlockJobError} · {@link DomainNotFoundError} · {@link TimeoutError} / {@link AbortError} (the job is cancelled) · {@link LibvirtError}
   * @see {@link BlockJobManager.copy} · virDomainBlockCopy · docs/disk-state.md
   */
  blockCopy(vm: VmInput, options: BlockCopyOptions & QueueOption): Promise<BlockCopyResult> {
    return this.vms.send(vm, 'blockCopy', options);
  }

  /**
   * Commit a disk's overlays into a backing image (`virsh blockcommit`): without `top`, the active image, then
   * pivot to `base`; resolves when the job ended. `timeout`: 1 h.
   *
   * @example
   * await manager.blockCommit('lvm-web1', { disk: 'vda' });
   * @throws {@link InvalidArgumentError} for bad options, an unknown disk or one with no backing image
   * @throws {@link InvalidStateError} unless it is running or paused, or when busy and `queue: false`
   * @throws {@link BlockJobError} · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link BlockJobManager.commit} · virDomainBlockCommit · docs/disk-state.md
   */
  blockCommit(vm: VmInput, options: BlockCommitOptions & QueueOption): Promise<BlockJobResult> {
    return this.vms.send(vm, 'blockCommit', options);
  }

  /**
   * Pull a disk's whole backing chain into its top image (`virsh blockpull`); resolves when the job ended and the
   * disk has no backing image. `timeout`: 1 h.
   *
   * @example
   * await manager.blockPull('lvm-web1', { disk: 'vda', onProgress: (p) => console.log(p.cur, '/', p.end) });
   * @throws {@link InvalidArgumentError} for bad options, an unknown disk or one with no backing image
   * @throws {@link InvalidStateError} unless it is running or paused, or when busy and `queue: false`
   * @throws {@link BlockJobError} · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see {@link BlockJobManager.pull} · virDomainBlockPull · docs/disk-state.md
   */
  blockPull(vm: VmInput, options: BlockPullOptions & QueueOption): Promise<BlockJobResult> {
    return this.vms.send(vm, 'blockPull', options);
  }

  /**
   * The registry's snapshot of one VM, by name, UUID or reference: its state and reason, the command in flight,
   * the commands it allows now. `undefined` when the registry does not track it. Synchronous: no RPC call, kept
   * current by libvirt's events (and a periodic resync).
   *
   * @example
   * const vm = manager.getVm('lvm-web1');
   * if (vm?.state === 'running') console.log(vm.inFlight?.command ?? 'idle');
   * @throws never
   * @see {@link VmRegistry.get} · docs/lifecycle.md
   */
  getVm(vm: VmInput): VmSnapshot | undefined {
    return this.vms.get(vm);
  }

  /**
   * Snapshots of every VM the registry tracks (see {@link LibvirtManager.getVm}). Synchronous: no RPC call.
   *
   * @example
   * const running = manager.listVms().filter((vm) => vm.state === 'running').map((vm) => vm.domain.name);
   * @throws never
   * @see {@link VmRegistry.list} · docs/lifecycle.md
   */
  listVms(): VmSnapshot[] {
    return this.vms.list();
  }

  /**
   * libvirt's events, typed, as an async iterable: filter by `types` and `domain`. Each subscription has a bounded
   * buffer (`bufferSize`, `overflow`); ending the loop or aborting `signal` unsubscribes. Await `ready` before
   * triggering what you want to observe. Survives reconnects.
   *
   * @example
   * const stream = manager.events({ types: ['domain.lifecycle'], domain: 'lvm-web1' });
   * await stream.ready;
   * for await (const event of stream) if (event.type === 'domain.lifecycle') console.log(event.event, event.detail);
   * @throws {@link ConnectionClosedError} once the manager is closed · {@link InvalidArgumentError} for bad options
   * @see {@link LibvirtConnection.events} · virConnectDomainEventRegisterAny · docs/connection.md
   */
  events(options?: EventsOptions): EventStream {
    return this.connection.events(options);
  }

  /**
   * Stop the registry (commands still waiting reject with {@link AbortError}; libvirt may still complete one in
   * flight), end every event subscription, let calls in flight finish and say goodbye to the daemon. Past `timeout`
   * (default 5 s) or on `signal` it closes at once. Idempotent; `await using` calls it.
   *
   * @example
   * const manager = await LibvirtManager.connect('qemu:///system');
   * try { console.log(manager.listVms().length); } finally { await manager.close(); }
   * @throws {@link InvalidArgumentError} for a bad or unknown option (`timout`), before anything stops; otherwise it always resolves
   * @see {@link LibvirtConnection.close} · virConnectClose
   */
  async close(options?: CallOptions): Promise<void> {
    checkOnlyCallOptions(options, 0); // before anything stops
    this.vms.stop();
    await this.connection.close(options);
  }

  /** `await using manager = await LibvirtManager.connect()` closes it at the end of the block (see {@link LibvirtManager.close}). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
