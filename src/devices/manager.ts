import { InvalidArgumentError, type LibvirtConnection } from '../connection/internal.js';
import type { DiskSpec, NetworkSpec, VolumeLocation } from '../creator/internal.js';
import { DEVICE_OPERATIONS, type DeviceOperation, type VmInput, checkVmInput } from '../runtime/index.js';
import type { SizeInput } from '../xml/index.js';
import { attachDisk, attachNic } from './attach.js';
import { type DevicesContext, type DeviceRun, createDevicesContext, inTurn } from './context.js';
import { detachDisk, detachNic } from './detach.js';
import { changeMedia } from './media.js';
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
  type ResizeDiskOptions,
  type ResizeDiskResult,
  type SetMemoryOptions,
  type SetMemoryResult,
  type SetVcpusOptions,
  type SetVcpusResult,
  type VmDeviceManagerOptions,
  type DeviceRequests,
  type DeviceResults,
} from './options.js';
import { checkDeviceRequest } from './check-request.js';
import { resizeDisk } from './resize.js';
import { setMemory, setVcpus } from './sizing.js';

/**
 * Day-2 changes to VMs — disks, CD-ROM media, NICs, disk size, memory and
 * vCPUs — each confirmed by libvirt before it resolves:
 *
 * - **The same specs as `createVm`**: `attachDisk` takes a `DiskSpec`,
 *   `attachNic` a `NetworkSpec`; one implementation (the creator's) turns a
 *   spec into storage and XML. A volume made for a disk is recorded in the
 *   VM's ownership metadata, so `destroyVm({ storage: 'owned' })` deletes it;
 *   nothing the SDK did not make is ever deleted.
 * - **Confirmed**: an attach resolves on DEVICE_ADDED (or the live XML
 *   showing the device); a detach installs its DEVICE_REMOVED waiter before
 *   the request, re-sends the request while the guest has not released the
 *   device, and reports DEVICE_REMOVAL_FAILED or a timeout as a
 *   {@link DeviceDetachError} that says where live and config stand.
 * - **Live and config** as virsh's `--live --config` (see {@link DeviceScope}).
 * - **In the VM's turn**: device operations queue with power operations and
 *   teardown on the same VM (one FIFO per VM), and are refused in states the
 *   one state table forbids (`verdict`).
 * - **Checked first**: bad input, a target in use, an unknown target, a
 *   shrink without `allowShrink`, memory or vCPUs above the maximum, a live
 *   change on a shut-off VM are typed errors before anything is sent.
 *
 * The connection is shared, never opened or closed here. See docs/devices.md.
 *
 * @example
 * const devices = new VmDeviceManager(conn);
 * await devices.attachDisk('web1', { kind: 'new', pool: 'default', size: '10GiB' }); // virsh vol-create + attach-disk
 * await devices.resizeDisk('web1', 'vdb', '20GiB');                                  // virsh blockresize
 * await devices.detachDisk('web1', 'vdb', { deleteVolume: true });                   // virsh detach-disk + vol-delete
 */
export class VmDeviceManager {
  readonly #ctx: DevicesContext;

  /**
   * @param connection an open {@link LibvirtConnection} (shared; never closed here)
   * @throws InvalidArgumentError for a bad `pollInterval` or `eventGrace`
   */
  constructor(connection: LibvirtConnection, options: VmDeviceManagerOptions = {}) {
    if (connection === null || typeof connection !== 'object')
      throw new InvalidArgumentError('connection must be a LibvirtConnection', { path: 'connection' });
    this.#ctx = createDevicesContext(connection, options);
  }

  /**
   * Run one device operation from its request (arguments and options in one
   * object): what each method calls, and what the registry's device commands
   * run.
   *
   * @example await devices.perform('web1', 'resizeDisk', { target: 'vdb', size: '20GiB', timeout: 60_000 });
   * @throws as the method of the same name
   */
  perform<O extends DeviceOperation>(vm: VmInput, operation: O, request: DeviceRequests[O]): Promise<DeviceResults[O]> {
    try {
      if (!(DEVICE_OPERATIONS as readonly string[]).includes(operation))
        throw new InvalidArgumentError(`unknown device operation ${JSON.stringify(operation)}`, { path: 'operation' });
      const timeout = checkDeviceRequest(operation, request);
      checkVmInput(vm);
      return inTurn(this.#ctx, operation, vm, timeout, request.signal, (run) => dispatch(run, operation, request));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Attach a disk (`virsh attach-disk`): a new volume (`new`, `overlay`,
   * `clone`, `upload` — made in its pool and owned by the VM), an existing
   * volume or file (`existing`; never deleted by the SDK), or a CD-ROM
   * drive (`cdrom`). Its target is the next free one on its bus unless the
   * spec names one; volumes are named `<vm>-<target>.<ext>` unless named.
   * A failure deletes the volume it made.
   *
   * Default `timeout`: 300 000 ms (a clone or an upload can be long).
   * @example await devices.attachDisk('web1', { kind: 'existing', volume: { pool: 'default', volume: 'data.qcow2' }, format: 'qcow2' });
   * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path` under `disk`) for a bad spec or a target in use; nothing was sent
   * @throws InvalidStateError when the VM's state forbids it, or `live` on a shut-off VM
   * @throws UnsupportedError when the driver cannot hot-plug (the test driver) · AbortError · TimeoutError · LibvirtError (rolled back; `getRollbackReport(error)`)
   * @see virDomainAttachDeviceFlags
   */
  attachDisk(vm: VmInput, disk: DiskSpec, options: AttachDiskOptions = {}): Promise<AttachDiskResult> {
    return this.perform(vm, 'attachDisk', { ...options, disk });
  }

  /**
   * Detach the disk with target `target` (`virsh detach-disk`), from the
   * running VM (confirmed by DEVICE_REMOVED, the request re-sent every
   * `resendEvery` ms until the guest releases it), then from the persistent
   * definition. Its volume is kept — and, if the SDK made it, no longer
   * counted as the VM's — unless `deleteVolume`.
   *
   * Default `timeout`: 120 000 ms.
   * @example const r = await devices.detachDisk('web1', 'vdb', { deleteVolume: true }); // r.volume.outcome === 'deleted'
   * @throws InvalidArgumentError for an unknown target, or `deleteVolume` of a volume the SDK did not make; nothing was sent
   * @throws DeviceDetachError when the guest refused (`'removal-failed'`) or did not release it in time (`'timeout'`): both definitions still have it
   * @throws InvalidStateError (a paused VM cannot release a device) · UnsupportedError · AbortError · LibvirtError
   * @see virDomainDetachDeviceAlias
   */
  detachDisk(vm: VmInput, target: string, options: DetachDiskOptions = {}): Promise<DetachResult> {
    return this.perform(vm, 'detachDisk', { ...options, target });
  }

  /**
   * Insert (`source`: a host path or a `{ pool, volume }`), swap, or eject
   * (`null`) the medium of the CD-ROM drive `target` (`virsh change-media`).
   *
   * Default `timeout`: 60 000 ms.
   * @example await devices.changeMedia('web1', 'sda', { pool: 'isos', volume: 'debian-12.iso' });
   * @example await devices.changeMedia('web1', 'sda', null); // eject
   * @throws InvalidArgumentError for an unknown target, a drive that is not removable, a bad source
   * @throws InvalidStateError · UnsupportedError · LibvirtError (a locked tray without `force`)
   * @see virDomainUpdateDeviceFlags
   */
  changeMedia(
    vm: VmInput,
    target: string,
    source: string | VolumeLocation | null,
    options: ChangeMediaOptions = {},
  ): Promise<ChangeMediaResult> {
    return this.perform(vm, 'changeMedia', { ...options, target, source });
  }

  /**
   * Attach a NIC (`virsh attach-interface`), from the same spec as
   * `createVm`'s `networks`. The result names its MAC (made by the SDK when
   * the spec has none, so live and config agree).
   *
   * Default `timeout`: 60 000 ms.
   * @example const { mac } = await devices.attachNic('web1', { network: 'isolated' });
   * @throws InvalidArgumentError (`path` under `nic`) for a bad spec, an unknown network, a MAC in use
   * @throws InvalidStateError · UnsupportedError · LibvirtError
   * @see virDomainAttachDeviceFlags
   */
  attachNic(vm: VmInput, nic: NetworkSpec, options: DeviceOptions = {}): Promise<AttachNicResult> {
    return this.perform(vm, 'attachNic', { ...options, nic });
  }

  /**
   * Detach the NIC with MAC `mac` (`virsh detach-interface`), confirmed and
   * retried as {@link VmDeviceManager.detachDisk}.
   *
   * Default `timeout`: 120 000 ms.
   * @example await devices.detachNic('web1', '52:54:00:12:34:56');
   * @throws InvalidArgumentError for an unknown MAC · DeviceDetachError · InvalidStateError · LibvirtError
   * @see virDomainDetachDeviceAlias
   */
  detachNic(vm: VmInput, mac: string, options: DetachOptions = {}): Promise<DetachResult> {
    return this.perform(vm, 'detachNic', { ...options, mac });
  }

  /**
   * Resize the disk `target` to `size` (bytes, or `'20GiB'`): live while the
   * VM runs (`virsh blockresize`; the guest sees the new size at once),
   * through its pool while it is shut off (`virsh vol-resize`). A smaller
   * size needs `allowShrink`.
   *
   * Default `timeout`: 120 000 ms.
   * @example const { before, capacity } = await devices.resizeDisk('web1', 'vdb', '20GiB');
   * @throws InvalidArgumentError for an unknown target, a CD-ROM, a size not a multiple of 512, a shrink without `allowShrink`, a shut-off VM's disk outside any pool
   * @throws InvalidStateError · LibvirtError
   * @see virDomainBlockResize
   * @see virStorageVolResize
   */
  resizeDisk(vm: VmInput, target: string, size: SizeInput, options: ResizeDiskOptions = {}): Promise<ResizeDiskResult> {
    return this.perform(vm, 'resizeDisk', { ...options, target, size });
  }

  /**
   * Set the VM's memory (`virsh setmem`): live through the balloon (the
   * guest gives memory back or takes it, up to the maximum), and/or in the
   * definition. Above the maximum (`<memory>`) is refused.
   *
   * Default `timeout`: 60 000 ms.
   * @example await devices.setMemory('web1', '1GiB');
   * @throws InvalidArgumentError for memory above the maximum · UnsupportedError for a live change without a balloon device · InvalidStateError · LibvirtError
   * @see virDomainSetMemoryFlags
   */
  setMemory(vm: VmInput, memory: SizeInput, options: SetMemoryOptions = {}): Promise<SetMemoryResult> {
    return this.perform(vm, 'setMemory', { ...options, memory });
  }

  /**
   * Set the VM's vCPU count (`virsh setvcpus`): hot-plugged live up to the
   * maximum (`<vcpu>`), and/or in the definition.
   *
   * Default `timeout`: 60 000 ms.
   * @example await devices.setVcpus('web1', 4);
   * @throws InvalidArgumentError for a count above the maximum · InvalidStateError · LibvirtError
   * @see virDomainSetVcpusFlags
   */
  setVcpus(vm: VmInput, vcpus: number, options: SetVcpusOptions = {}): Promise<SetVcpusResult> {
    return this.perform(vm, 'setVcpus', { ...options, vcpus });
  }
}

/** The one implementation of each operation, from its request. */
function dispatch<O extends DeviceOperation>(run: DeviceRun, operation: O, request: DeviceRequests[O]): Promise<DeviceResults[O]> {
  const r = request as DeviceRequests[DeviceOperation] & Record<string, never>;
  const done = (p: Promise<unknown>): Promise<DeviceResults[O]> => p as Promise<DeviceResults[O]>;
  switch (operation) {
    case 'attachDisk':
      return done(attachDisk(run, (r as DeviceRequests['attachDisk']).disk, r));
    case 'detachDisk':
      return done(detachDisk(run, (r as DeviceRequests['detachDisk']).target, r));
    case 'changeMedia': {
      const { target, source } = r as DeviceRequests['changeMedia'];
      return done(changeMedia(run, target, source, r));
    }
    case 'attachNic':
      return done(attachNic(run, (r as DeviceRequests['attachNic']).nic, r));
    case 'detachNic':
      return done(detachNic(run, (r as DeviceRequests['detachNic']).mac, r));
    case 'resizeDisk': {
      const { target, size } = r as DeviceRequests['resizeDisk'];
      return done(resizeDisk(run, target, size, r));
    }
    case 'setMemory':
      return done(setMemory(run, (r as DeviceRequests['setMemory']).memory, r));
    default:
      return done(setVcpus(run, (r as DeviceRequests['setVcpus']).vcpus, r));
  }
}
