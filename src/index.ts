/**
 * libvirt-manager: manage libvirt virtual machines from Node.js over libvirt's
 * own RPC protocol, in pure TypeScript.
 *
 * Start with {@link LibvirtManager}: this entry point has it and what its
 * methods take and return. Each module can also be imported alone, with its
 * full surface: `libvirt-manager/connection`, `/creator`, `/lifecycle`,
 * `/destroyer`, `/state`, `/xml` (typed domain, device, storage and network
 * XML), `/testing` (a fake daemon for your tests), and `/protocol` (every
 * procedure descriptor, event message, enum and wire constant, for raw calls).
 *
 * @module libvirt-manager
 */
export { LibvirtManager, type LibvirtManagerOptions } from './manager.js';

// The connection the facade holds, and what its events and options look like.
export {
  LibvirtConnection,
  MAX_TIMEOUT_MS,
  type CallOptions,
  type ConnectionCloseInfo,
  type ConnectionState,
  type DomainInput,
  type DomainRef,
  type DomainState,
  type DomainStateName,
  type EventsOptions,
  type EventStream,
  type KeepaliveOptions,
  type KnownEventType,
  type LibvirtConnectionEvents,
  type LibvirtConnectionOptions,
  type LibvirtEvent,
  type DomainLifecycleEvent,
  type DomainLifecycleEventName,
  type DomainRebootEvent,
  type DomainAgentLifecycleEvent,
  type DomainDeviceEvent,
  type DomainMetadataChangeEvent,
  type DomainOtherEvent,
  type NetworkLifecycleEvent,
  type NetworkOtherEvent,
  type StoragePoolLifecycleEvent,
  type StoragePoolRefreshEvent,
  type ConnectionReconnectedEvent,
  type ConnectionDriverClosedEvent,
  type Logger,
  type OverflowPolicy,
  type ReconnectPolicy,
  type SaslMechanismName,
  type SaslOptions,
  type SshOptions,
  type StorageVolRef,
  type SubscriptionBufferOptions,
  type TlsOptions,
} from './connection/index.js';

// Errors: every class callers branch on, and the helpers to test libvirt's codes.
export * from './errors/public.js';

// Creating VMs (the VmCreator class itself: `libvirt-manager/creator`; likewise VmDeviceManager and VmDestroyer in
// `libvirt-manager/devices` and `libvirt-manager/destroyer`: the facade holds one of each).
export {
  buildVmXml,
  getRollbackReport,
  type BuildVmXmlOptions,
  type CdromDiskSpec,
  type CloneDiskSpec,
  type CloudInitSpec,
  type CreateOptions,
  type CreateProgress,
  type CreateResult,
  type CreatedSeed,
  type CreatedVolume,
  type DefaultDevicesSpec,
  type DiskBus,
  type DiskCommonSpec,
  type DiskSpec,
  type ExistingDiskSpec,
  type GraphicsPasswordSecret,
  type GraphicsSpec,
  type NetworkSpec,
  type NewDiskSpec,
  type OverlayDiskSpec,
  type OwnedVolumeSpec,
  type RollbackFailure,
  type RollbackReport,
  type RollbackStep,
  type SeedDetachPolicy,
  type SerialConsoleSpec,
  type UndoOutcome,
  type UploadDiskSpec,
  type UploadProgress,
  type UploadStreamSource,
  type VmBootSpec,
  type VmOverrides,
  type VmSpec,
  type VolumeLocation,
  windows11Spec,
} from './creator/index.js';

// Power operations.
export {
  DEFAULT_TIMEOUTS,
  VmLifecycleManager,
  verdict,
  type AddressesResult,
  type AgentResult,
  type AutostartResult,
  type ConfirmedBy,
  type ForceOffOptions,
  type ForceOffResult,
  type LifecycleResult,
  type ManagedSaveOptions,
  type PowerMethod,
  type PowerMode,
  type RebootOptions,
  type RebootResult,
  type ResumeOptions,
  type ResumeResult,
  type SetAutostartOptions,
  type ShutdownOptions,
  type ShutdownResult,
  type StartOptions,
  type StartResult,
  type StateObservation,
  type TimeSyncOutcome,
  type Verdict,
  type VmInput,
  type VmLifecycleManagerOptions,
  type VmOperation,
  type WaitForAddressesOptions,
  type WaitForAgentOptions,
} from './lifecycle/index.js';

// Day-2 changes: devices, disk size, memory, vCPUs.
export {
  type AttachDiskOptions,
  type AttachDiskResult,
  type AttachNicResult,
  type AttachedVolume,
  type ChangeMediaOptions,
  type ChangeMediaResult,
  type DetachDiskOptions,
  type DetachOptions,
  type DetachResult,
  type DetachedVolume,
  type DeviceConfirmation,
  type DeviceOperation,
  type DeviceOptions,
  type DeviceRequests,
  type DeviceResults,
  type DeviceResult,
  type DeviceScope,
  type ResizeDiskOptions,
  type ResizeDiskResult,
  type SetMemoryOptions,
  type SetMemoryResult,
  type SetVcpusOptions,
  type SetVcpusResult,
} from './devices/index.js';

// A VM's disks over time: snapshots, block jobs, backups — the facade methods' options and results. The managers
// (DiskStateManager, SnapshotManager, BlockJobManager, BackupManager) and the rest of their types (progress, tasks,
// destinations, found jobs, checkpoints): `libvirt-manager/disk-state`.
export {
  type DiskStateManagerOptions,
  type DiskStateOperation,
  type CreateSnapshotOptions,
  type RevertSnapshotOptions,
  type DeleteSnapshotOptions,
  type SnapshotInfo,
  type CreateSnapshotResult,
  type RevertSnapshotResult,
  type DeleteSnapshotResult,
  type BackupOptions,
  type BackupResult,
  type BlockCommitOptions,
  type BlockCopyOptions,
  type BlockCopyResult,
  type BlockJobResult,
} from './disk-state/index.js';

// Observability (tracing channels, LibvirtMetrics): `libvirt-manager/observability` (docs/observability.md).

// Inside the guest (AgentManager, `manager.agent`): `libvirt-manager/agent` (docs/agent.md).

// Teardown.
export {
  type DestroyOptions,
  type DestroyReport,
  type DestroyStepError,
  type KeepReason,
  type StopOutcome,
  type StoragePolicy,
  type VolumeRecord,
} from './destroyer/index.js';

// VM state: one machine per VM.
export {
  VM_COMMANDS,
  VM_STATE_NAMES,
  VmRegistry,
  type ChangesOptions,
  type QueueOption,
  type SendOptions,
  type VmChange,
  type VmChangeCause,
  type VmCommand,
  type VmCommandOptions,
  type VmCommandResults,
  type VmRegistryOptions,
  type VmSnapshot,
  type VmStateName,
  type WaitForState,
} from './state/index.js';
