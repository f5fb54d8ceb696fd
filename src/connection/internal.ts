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
export type { ConnectionCloseInfo, LibvirtConnectionEvents } from './connection-events.js';
export type { LibvirtConnectionOptions } from './options.js';
export { type ReconnectPolicy, DEFAULT_RECONNECT, backoffDelay } from './backoff.js';
export { connectionMachine, type ConnectionState, type ConnectionMachineEvent, type ConnectionMachineContext } from './machine.js';
export { EventSubscription, type OverflowPolicy, type SubscriptionBufferOptions } from './events/subscription.js';
export type { EventsOptions, EventStream } from './events/events.js';
export * from './events/event-types.js';
export * from './resources/index.js';
export { MAX_TIMEOUT_MS, DEFAULT_SASL_MECHANISMS, checkDuration, isUuid, uuidKey } from '../rpc/index.js';
// The one logger call that never throws, for every module above the connection.
export { log as logSafely } from '../rpc/logger.js';
// The flag bits the modules above the connection send, so they need not import `src/rpc`.
export {
  VirDomainCreateFlags,
  VirDomainDestroyFlags,
  VirDomainShutdownFlags,
  VirDomainRebootFlags,
  VirDomainSaveRestoreFlags,
} from '../rpc/index.js';
export type {
  CallOptions,
  DomainRef,
  NetworkRef,
  StoragePoolRef,
  StorageVolRef,
  SnapshotRef,
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
} from '../rpc/index.js';
export * from '../errors/index.js';
