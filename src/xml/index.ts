/**
 * libvirt XML, built and parsed: typed models for domains, devices, storage
 * pools and volumes, networks, host and domain capabilities, and the SDK's
 * ownership record. Pure: strings in, typed objects out, and back. No I/O.
 *
 * Builders write only what a model says (no invented addresses or defaults)
 * and validate it, throwing `InvalidArgumentError` with
 * `code: 'ERR_LIBVIRT_INVALID_SPEC'` and the offending model `path`. Parsers
 * throw {@link XmlParseError} (`code: 'ERR_LIBVIRT_XML'`) for malformed or
 * incomplete XML. Every model keeps what it does not understand in
 * `extraAttributes` / `extraElements`, so a read-modify-write keeps the rest
 * of the document intact.
 *
 * Decisions worth knowing:
 * - Sizes in models are bytes (`bigint`). Domain memory is written as
 *   `unit='KiB'` (libvirt's own unit, what it writes back), so it must be a
 *   whole number of KiB; storage sizes are written as `unit='bytes'`. Parsers
 *   accept every unit libvirt does ({@link unitScale}).
 * - Names: domains, networks and pools the SDK creates follow
 *   {@link SDK_NAME_PATTERN}; pass `nameRule: 'libvirt'` to rewrite objects
 *   created elsewhere. Volume names: {@link validateVolumeName}.
 * - Builders never invent addresses, controllers or default devices.
 * - Documents are compared with {@link normalizeXml}: order-insensitive between
 *   differently named siblings, order-preserving among same-named ones.
 * - xmlbuilder2 quirks are compensated: its writer leaves `&amp;`-like text
 *   unescaped and writes tabs/line breaks raw in attributes, its reader decodes
 *   references twice and repairs malformed input; we pre-escape, protect `&amp;`,
 *   and check well-formedness ourselves (DOCTYPE refused).
 *
 * Import it as `libvirt-manager/xml`.
 *
 * @see https://libvirt.org/format.html
 * @module xml
 */

// Errors
export { XmlParseError, XML_PARSE_ERROR_CODE } from './errors.js';

// Shared model pieces
export type { Extensible } from './core/reader.js';
export type { Open } from './core/types.js';

// Sizes, names and other validation
export { parseSize, formatSize, unitScale, MAX_SIZE_BYTES, type SizeInput, type ParseSizeOptions } from './units.js';
export {
  SDK_NAME_PATTERN,
  MAX_VOLUME_NAME_BYTES,
  validateName,
  validateVolumeName,
  validateInterfaceName,
  validateIp,
  normalizeMac,
  normalizeUuid,
  type NameRule,
} from './validate.js';
export { normalizeXml, type NormalizeXmlOptions } from './normalize.js';
export { checkXmlText } from './core/writer.js';
export { checkWellFormed, MAX_XML_DEPTH, MAX_XML_ATTRIBUTES } from './core/wellformed.js';

// Domains
export { buildDomainXml, parseDomainXml } from './domain/domain.js';
export type { DomainModel, DomainVcpu, DomainMetadata, LifecycleAction, CrashAction, BuildDomainOptions } from './domain/model.js';
export type { DomainOs, DomainOsLoader, DomainOsNvram, FirmwareFeature, BootDevice } from './domain/os.js';
export type { DomainCpu, CpuTopology, CpuFeature } from './domain/cpu.js';
export type { DomainFeatures, HypervFeatures } from './domain/features.js';
export type { DomainMemoryBacking, HugepageSize, DomainCputune, VcpuPin, GuestNumaCell } from './domain/tuning.js';
export type { DomainClock, ClockTimer } from './domain/clock.js';

// Devices
export { buildDeviceXml, parseDeviceXml, type DomainDevices, type DeviceKind, type DeviceKinds } from './devices/devices.js';
export type { DeviceAddress, DeviceCommon } from './devices/common.js';
export {
  buildDiskXml,
  parseDiskXml,
  type DiskDevice,
  type DiskDriver,
  type DiskSource,
  type DiskTarget,
  type DiskBackingStore,
} from './devices/disk.js';
export { buildControllerXml, parseControllerXml, type ControllerDevice } from './devices/controller.js';
export { buildInterfaceXml, parseInterfaceXml, type InterfaceDevice, type InterfaceSource } from './devices/interface.js';
export {
  QEMU_GUEST_AGENT_CHANNEL,
  buildSerialXml,
  parseSerialXml,
  buildConsoleXml,
  parseConsoleXml,
  buildChannelXml,
  parseChannelXml,
  type CharDevice,
  type CharSource,
  type CharLog,
  type CharTarget,
  type SerialDevice,
  type ConsoleDevice,
  type ChannelDevice,
} from './devices/chardev.js';
export { buildGraphicsXml, parseGraphicsXml, type GraphicsDevice, type GraphicsListen } from './devices/graphics.js';
export { buildVideoXml, parseVideoXml, type VideoDevice, type VideoModel } from './devices/video.js';
export { buildInputXml, parseInputXml, type InputDevice } from './devices/input.js';
export { buildRngXml, parseRngXml, type RngDevice, type RngBackend } from './devices/rng.js';
export { buildTpmXml, parseTpmXml, type TpmDevice, type TpmBackend } from './devices/tpm.js';
export { buildMemballoonXml, parseMemballoonXml, type MemballoonDevice } from './devices/memballoon.js';
export {
  buildFilesystemXml,
  parseFilesystemXml,
  type FilesystemDevice,
  type FilesystemDriver,
  type FilesystemSource,
} from './devices/filesystem.js';
export { buildHostdevXml, parseHostdevXml, type HostdevDevice, type HostdevSource } from './devices/hostdev.js';
export { buildWatchdogXml, parseWatchdogXml, type WatchdogDevice } from './devices/watchdog.js';

// Ownership metadata
export {
  OWNERSHIP_NAMESPACE,
  OWNERSHIP_PREFIX,
  OWNERSHIP_ELEMENT,
  buildOwnershipXml,
  parseOwnership,
  type Ownership,
  type OwnedVolume,
  type OwnedVolumeRole,
  type OwnedCloudInit,
} from './metadata/ownership.js';

export type { StorageEncryption } from './storage/encryption.js';

// Host resources: secrets, network filters, node devices
export { buildSecretXml, parseSecretXml, type SecretModel, type SecretUsage, type SecretUsageType } from './host/secret.js';
export {
  buildNwfilterXml,
  parseNwfilterXml,
  type NwfilterModel,
  type NwfilterEntry,
  type NwfilterRule,
  type NwfilterMatch,
  type FilterrefModel,
} from './host/nwfilter.js';
export { buildNwfilterBindingXml, type NwfilterBindingModel } from './host/nwfilter-binding.js';
export {
  parseNodeDeviceXml,
  type NodeDeviceModel,
  type NodeDeviceCapability,
  type NodeDeviceId,
  type PciCapability,
  type UsbDeviceCapability,
  type NetCapability,
  type ScsiCapability,
  type ScsiHostCapability,
  type MdevCapability,
  type OtherCapability,
  type OtherCapabilityType,
} from './host/node-device.js';

// Storage
export {
  buildStoragePoolXml,
  parseStoragePoolXml,
  type StoragePoolModel,
  type StoragePoolTarget,
  type BuildStoragePoolOptions,
} from './storage/pool.js';
export {
  buildStorageVolumeXml,
  parseStorageVolumeXml,
  type StorageVolumeModel,
  type StorageVolumeTarget,
  type StorageVolumeTimestamps,
  type StorageVolumeBackingStore,
  type VolumeFormat,
} from './storage/volume.js';
export type { StoragePermissions } from './storage/permissions.js';

// Networks
export {
  buildNetworkXml,
  parseNetworkXml,
  type NetworkModel,
  type NetworkForward,
  type NetworkBridge,
  type BuildNetworkOptions,
} from './network/network.js';
export type { NetworkIp, NetworkDhcp, DhcpRange, DhcpHost } from './network/ip.js';
export { buildDhcpHostXml, buildDnsHostXml, buildNetworkPortXml, type DnsHost, type NetworkPortModel } from './network/fragments.js';

// Capabilities
export {
  parseCapabilitiesXml,
  type HostCapabilities,
  type HostInfo,
  type GuestCapabilities,
  type GuestMachine,
  type NumaCell,
} from './caps/capabilities.js';
export {
  parseDomainCapabilitiesXml,
  type DomainCapabilities,
  type CapabilityEnums,
  type CpuModeCapability,
  type CpuModelCapability,
} from './caps/domain-capabilities.js';
export {
  parseStoragePoolCapabilitiesXml,
  type StoragePoolCapabilities,
  type StoragePoolTypeCapability,
  type StorageFormatCapability,
} from './caps/pool-capabilities.js';

// Snapshots
export {
  buildSnapshotXml,
  parseSnapshotXml,
  type SnapshotModel,
  type SnapshotDiskModel,
  type SnapshotDiskMode,
  type SnapshotState,
  type ParsedSnapshot,
} from './snapshot.js';

// Backups and checkpoints
export { buildBackupXml, parseBackupXml, type BackupModel, type BackupDiskModel } from './disk-state/backup.js';
export { buildCheckpointXml, parseCheckpointXml, type CheckpointModel, type CheckpointDiskModel } from './disk-state/checkpoint.js';

// libvirt's CPU list syntax
export { CPUSET_PATTERN, cpusetMembers, formatCpuset } from './cpuset.js';
