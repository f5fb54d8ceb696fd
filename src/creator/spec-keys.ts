/**
 * The keys each object of a {@link VmSpec} may have, and the check that
 * refuses any other (`networks[0].modle: unknown field 'modle' (did you mean
 * 'model'?)`). Each list is tied to its type by `satisfies KnownKeys<T>`, so a
 * field added to a spec type without being listed here fails tsc instead of
 * being refused at run time.
 *
 * Open maps are not listed and never checked: `networks[].filter.parameters`
 * (filter variables), `cloudInit.metaData` / `cloudInit.networkConfig`
 * (cloud-init's own documents) and `cloudInit.config.extra` (any cloud-config key).
 *
 * @module
 */
import { ErrorCode, checkKeys, type KnownKeys } from '../errors/index.js';
import type {
  CloneDiskSpec,
  CdromDiskSpec,
  DiskCommonSpec,
  DiskEncryptionSpec,
  ExistingDiskSpec,
  NewDiskSpec,
  OverlayDiskSpec,
  OwnedVolumeSpec,
  UploadDiskSpec,
  UploadStreamSource,
  VolumeLocation,
} from './spec-disk.js';
import type {
  CpuFeatureSpec,
  CpuSpec,
  CpuTopologySpec,
  FilesystemSpec,
  FirmwareSpec,
  HostdevSpec,
  MemoryBackingSpec,
  NumaCellSpec,
  RngSpec,
  TpmSpec,
  VideoSpec,
  WatchdogSpec,
} from './spec-hardware.js';
import type {
  CloudInitSpec,
  DefaultDevicesSpec,
  GraphicsSpec,
  NetworkSpec,
  SerialConsoleSpec,
  VmBootSpec,
  VmOverrides,
  VmSpec,
} from './spec.js';

/**
 * Refuse the keys of `value` that `known` does not list, as spec errors under `path` (`''` at the top):
 * all of them at once (one error, `issues` one per key, `path` the first's).
 * Anything but a plain object is left to the field's own check ("must be an object").
 *
 * @example checkSpecKeys(nic, NETWORK_KEYS, 'networks[0]'); // networks[0].modle: unknown field 'modle' (did you mean 'model'?)
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path` the first unknown key)
 */
export function checkSpecKeys(value: unknown, known: Readonly<Record<string, true>>, path: string): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    checkKeys(value, known, path, { code: ErrorCode.INVALID_SPEC, all: true });
}

/** The top level of a {@link VmSpec}. */
export const VM_SPEC_KEYS = {
  name: true,
  uuid: true,
  title: true,
  description: true,
  memory: true,
  vcpus: true,
  virtType: true,
  arch: true,
  machine: true,
  firmware: true,
  secureBoot: true,
  cpu: true,
  numa: true,
  memoryBacking: true,
  tpm: true,
  filesystems: true,
  hostdevs: true,
  watchdog: true,
  rng: true,
  video: true,
  hyperv: true,
  clockOffset: true,
  boot: true,
  disks: true,
  networks: true,
  cloudInit: true,
  graphics: true,
  serialConsole: true,
  defaultDevices: true,
  autostart: true,
  start: true,
  overrides: true,
} as const satisfies KnownKeys<VmSpec>;

/** `networks[i]`. */
export const NETWORK_KEYS = {
  network: true,
  bridge: true,
  user: true,
  mac: true,
  model: true,
  bootOrder: true,
  mtu: true,
  filter: true,
} as const satisfies KnownKeys<NetworkSpec>;

/** `parameters` itself is an open map of filter variables. */
export const NIC_FILTER_KEYS = { filter: true, parameters: true } as const satisfies KnownKeys<NonNullable<NetworkSpec['filter']>>;

/** `cloudInit` (its `config`, `user` and `writeFiles[i]` are checked by `buildCloudConfig`). */
export const CLOUD_INIT_KEYS = {
  userData: true,
  config: true,
  user: true,
  sshAuthorizedKeys: true,
  hostname: true,
  metaData: true,
  networkConfig: true,
  vendorData: true,
  instanceId: true,
  pool: true,
  bus: true,
  target: true,
  detach: true,
} as const satisfies KnownKeys<CloudInitSpec>;

/** `graphics` as an object. */
export const GRAPHICS_KEYS = { type: true, listen: true, port: true, password: true } as const satisfies KnownKeys<GraphicsSpec>;
/** `boot`. */
export const BOOT_KEYS = { order: true, kernel: true, initrd: true, cmdline: true, menu: true } as const satisfies KnownKeys<VmBootSpec>;
/** `serialConsole` as an object. */
export const SERIAL_KEYS = { logFile: true, logAppend: true } as const satisfies KnownKeys<SerialConsoleSpec>;
/** `defaultDevices`. */
export const DEFAULT_DEVICES_KEYS = {
  guestAgent: true,
  rng: true,
  memballoon: true,
  tablet: true,
} as const satisfies KnownKeys<DefaultDevicesSpec>;
/** `overrides`. */
export const OVERRIDES_KEYS = { model: true, devicesXml: true, domainXml: true } as const satisfies KnownKeys<VmOverrides>;

const COMMON = {
  kind: true,
  bus: true,
  target: true,
  bootOrder: true,
  serial: true,
  cache: true,
  discard: true,
  readonly: true,
} as const satisfies KnownKeys<DiskCommonSpec & { kind: unknown }>;
const OWNED = { pool: true, name: true } as const satisfies KnownKeys<OwnedVolumeSpec>;

/** The keys of each disk kind. */
export const DISK_KEYS = {
  new: { ...COMMON, ...OWNED, encryption: true, size: true, format: true, preallocate: true } as const satisfies KnownKeys<NewDiskSpec>,
  overlay: { ...COMMON, ...OWNED, base: true, baseFormat: true, size: true } as const satisfies KnownKeys<OverlayDiskSpec>,
  clone: { ...COMMON, ...OWNED, source: true, format: true, size: true, reflink: true } as const satisfies KnownKeys<CloneDiskSpec>,
  upload: {
    ...COMMON,
    ...OWNED,
    source: true,
    format: true,
    onProgress: true,
    sparse: true,
  } as const satisfies KnownKeys<UploadDiskSpec>,
  existing: { ...COMMON, path: true, volume: true, format: true, shareable: true } as const satisfies KnownKeys<ExistingDiskSpec>,
  cdrom: {
    kind: true,
    bus: true,
    target: true,
    bootOrder: true,
    serial: true,
    cache: true,
    source: true,
  } as const satisfies KnownKeys<CdromDiskSpec>,
} as const;

/** A `{ pool, volume }` of a disk (`base`, `source`, `volume`). */
export const VOLUME_LOCATION_KEYS = { pool: true, volume: true } as const satisfies KnownKeys<VolumeLocation>;
/** `disks[i].encryption`. */
export const ENCRYPTION_KEYS = { format: true, secret: true } as const satisfies KnownKeys<DiskEncryptionSpec>;
/** An upload disk's stream `source`. */
export const UPLOAD_STREAM_KEYS = { data: true, size: true } as const satisfies KnownKeys<UploadStreamSource>;

/** `firmware` as an object. */
export const FIRMWARE_KEYS = { type: true, secureBoot: true } as const satisfies KnownKeys<Extract<FirmwareSpec, object>>;
/** `tpm` as an object. */
export const TPM_KEYS = { model: true, version: true } as const satisfies KnownKeys<TpmSpec>;
/** `filesystems[i]`. */
export const FILESYSTEM_KEYS = { source: true, tag: true } as const satisfies KnownKeys<FilesystemSpec>;
/** `memoryBacking`. */
export const MEMORY_BACKING_KEYS = { hugepages: true, shared: true, locked: true } as const satisfies KnownKeys<MemoryBackingSpec>;
/** `cpu`. */
export const CPU_KEYS = { mode: true, model: true, topology: true, features: true, pinning: true } as const satisfies KnownKeys<CpuSpec>;
/** `cpu.topology`. */
export const CPU_TOPOLOGY_KEYS = { sockets: true, dies: true, cores: true, threads: true } as const satisfies KnownKeys<CpuTopologySpec>;
/** `cpu.features[i]`. */
export const CPU_FEATURE_KEYS = { name: true, policy: true } as const satisfies KnownKeys<CpuFeatureSpec>;
/** `cpu.pinning`. */
export const CPU_PINNING_KEYS = { vcpus: true, emulator: true } as const satisfies KnownKeys<NonNullable<CpuSpec['pinning']>>;
/** `numa[i]`. */
export const NUMA_CELL_KEYS = { cpus: true, memory: true } as const satisfies KnownKeys<NumaCellSpec>;
/** `hostdevs[i]`. */
export const HOSTDEV_KEYS = { nodeDevice: true, pci: true, usb: true, mdev: true, managed: true } as const satisfies KnownKeys<HostdevSpec>;
/** `hostdevs[i].usb`. */
export const HOSTDEV_USB_KEYS = { vendor: true, product: true } as const satisfies KnownKeys<NonNullable<HostdevSpec['usb']>>;
/** `watchdog`. */
export const WATCHDOG_KEYS = { model: true, action: true } as const satisfies KnownKeys<WatchdogSpec>;
/** `rng`. */
export const RNG_KEYS = { source: true } as const satisfies KnownKeys<RngSpec>;
/** `video`. */
export const VIDEO_KEYS = { model: true, heads: true } as const satisfies KnownKeys<VideoSpec>;
