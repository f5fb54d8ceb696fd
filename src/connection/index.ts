/**
 * `libvirt-manager/connection`: one shared, self-healing connection to a
 * libvirt daemon, with typed resources and events.
 *
 * @example
 * import { LibvirtConnection } from 'libvirt-manager/connection';
 * await using conn = await LibvirtConnection.connect('qemu:///system');
 * console.log(await conn.host.getLibVersion());
 *
 * @module connection
 */
export { LibvirtConnection } from './connection.js';
export type { ConnectionCloseInfo, ConnectionStats, LibvirtConnectionEvents } from './connection-events.js';
export type { LibvirtConnectionOptions } from './options.js';
export { type ReconnectPolicy, DEFAULT_RECONNECT } from './backoff.js';
export type { ConnectionState } from './machine.js';
export { EventSubscription, type OverflowPolicy, type SubscriptionBufferOptions } from './events/subscription.js';
export type { EventsOptions, EventStream } from './events/events.js';
export {
  DEFAULT_EVENT_TYPES,
  type ConnectionDriverClosedEvent,
  type ConnectionReconnectedEvent,
  type DomainAgentLifecycleEvent,
  type DomainDeviceEvent,
  type DomainJobCompletedEvent,
  type DomainLifecycleEvent,
  type DomainLifecycleEventName,
  type DomainMetadataChangeEvent,
  type DomainOtherEvent,
  type DomainRebootEvent,
  type KnownEventType,
  type LibvirtEvent,
  type NetworkLifecycleEvent,
  type NetworkOtherEvent,
  type StoragePoolLifecycleEvent,
  type StoragePoolRefreshEvent,
} from './events/event-types.js';
// The typed resources behind `conn.host`, `conn.domains`, `conn.storage`, `conn.networks`, and what they take and return.
export {
  DomainControl,
  DomainResource,
  HostResource,
  NetworkResource,
  SnapshotResource,
  CheckpointResource,
  DomainJobResource,
  DomainMigrationResource,
  type MigrationBegin,
  StoragePoolResource,
  StorageVolumeResource,
  DomainConsole,
  type AddressSource,
  type AutostartOptions,
  type BeginBackupOptions,
  type BlockInfo,
  type ConsoleOptions,
  type DhcpLease,
  type DomainInfo,
  type DomainInput,
  type DomainInterfaceAddresses,
  type DomainJobOperation,
  type DomainJobStats,
  type DomainJobType,
  type JobStatsOptions,
  type DomainListFilter,
  type DomainState,
  type DomainStateEntry,
  type DomainStateName,
  type DomainStats,
  type DomainStatsGroup,
  type DownloadOptions,
  type FlagsOptions,
  type GuestTime,
  type GuestTimeInput,
  type MemoryOptions,
  type NetworkInput,
  type NodeInfo,
  type Screenshot,
  type ScreenshotOptions,
  type SizingImpact,
  type StoragePoolInfo,
  type StoragePoolInput,
  type StoragePoolStateName,
  type StorageVolInfo,
  type StorageVolTypeName,
  type UploadOptions,
  type UploadSource,
  type VcpuOptions,
  type Version,
} from './resources/index.js';
export { MAX_TIMEOUT_MS, DEFAULT_SASL_MECHANISMS, RPC_CALL_CHANNEL } from '../rpc/index.js';
export type {
  CallOptions,
  DomainRef,
  NetworkRef,
  StoragePoolRef,
  StorageVolRef,
  SnapshotRef,
  CheckpointRef,
  Logger,
  KeepaliveOptions,
  TlsOptions,
  SshOptions,
  SaslOptions,
  SaslMechanismName,
  Dialer,
  HandshakeResult,
  RpcStream,
  TypedParamRecordValue,
  TypedParam,
  RpcCallMessage,
} from '../rpc/index.js';
export * from '../errors/public.js';
