/**
 * `libvirt-manager/devices`: day-2 changes to VMs — attach and detach disks
 * and NICs, change CD-ROM media, resize disks, set memory and vCPUs — each
 * confirmed by libvirt. See docs/devices.md.
 *
 * @example
 * import { LibvirtConnection } from 'libvirt-manager/connection';
 * import { VmDeviceManager } from 'libvirt-manager/devices';
 * const conn = await LibvirtConnection.connect('qemu:///system');
 * const devices = new VmDeviceManager(conn);
 * const { target } = await devices.attachDisk('web1', { kind: 'new', pool: 'default', size: '10GiB' });
 *
 * @module devices
 */
export { VmDeviceManager } from './manager.js';
export type {
  DeviceScope,
  DeviceOptions,
  AttachDiskOptions,
  DetachOptions,
  DetachDiskOptions,
  ChangeMediaOptions,
  ResizeDiskOptions,
  SetMemoryOptions,
  SetVcpusOptions,
  VmDeviceManagerOptions,
  DeviceConfirmation,
  DeviceResult,
  AttachedVolume,
  AttachDiskResult,
  AttachNicResult,
  DetachedVolume,
  DetachResult,
  ChangeMediaResult,
  ResizeDiskResult,
  SetMemoryResult,
  SetVcpusResult,
  DeviceRequests,
  DeviceResults,
} from './options.js';
export { type DeviceOperation, DEVICE_OPERATIONS } from '../runtime/index.js';
export { DeviceDetachError, type DeviceDetachFailure } from '../errors/public.js';
export type { DiskSpec, NetworkSpec, VolumeLocation } from '../creator/index.js';
export type { SizeInput } from '../xml/index.js';
