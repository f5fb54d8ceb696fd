/**
 * Friendly names for libvirt's domain state/event numbers, for logs, UIs and
 * state machines.
 *
 * Naming rule: take libvirt's constant, drop the enum's common prefix, and
 * lower-case the rest — `VIR_DOMAIN_RUNNING` → `'running'`,
 * `VIR_DOMAIN_SHUTOFF_DESTROYED` → `'destroyed'`,
 * `VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT` → `'from_snapshot'`. Underscores
 * are kept, so a name maps back to exactly one constant. A number this SDK
 * does not know (a newer daemon) yields `'unknown(N)'`, never a throw.
 */
import {
  VirDomainBlockedReason,
  VirDomainCrashedReason,
  VirDomainEventCrashedDetailType,
  VirDomainEventDefinedDetailType,
  VirDomainEventID,
  VirDomainEventPMSuspendedDetailType,
  VirDomainEventResumedDetailType,
  VirDomainEventShutdownDetailType,
  VirDomainEventStartedDetailType,
  VirDomainEventStoppedDetailType,
  VirDomainEventSuspendedDetailType,
  VirDomainEventType,
  VirDomainEventUndefinedDetailType,
  VirDomainNostateReason,
  VirDomainPausedReason,
  VirDomainPMSuspendedReason,
  VirDomainRunningReason,
  VirDomainShutdownReason,
  VirDomainShutoffReason,
  VirDomainState,
} from './enums-domain.js';
import { VirConnectCloseReason } from './enums.js';
import { VirNetworkEventLifecycleType, VirStoragePoolEventLifecycleType } from './enums-storage.js';

/** value → friendly name for one enum, built by the naming rule above. */
function namesOf(values: Readonly<Record<string, number>>, prefix: string): ReadonlyMap<number, string> {
  const out = new Map<number, string>();
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith(prefix)) throw new Error(`enum-names: ${key} does not start with ${prefix}`);
    if (!out.has(value)) out.set(value, key.slice(prefix.length).toLowerCase());
  }
  return out;
}

function lookup(table: ReadonlyMap<number, string> | undefined, value: number): string {
  return table?.get(value) ?? `unknown(${value})`;
}

const STATE_NAMES = namesOf(VirDomainState, 'VIR_DOMAIN_');

/** Per-state reason tables, indexed by virDomainState. */
const REASON_NAMES: readonly ReadonlyMap<number, string>[] = [
  namesOf(VirDomainNostateReason, 'VIR_DOMAIN_NOSTATE_'),
  namesOf(VirDomainRunningReason, 'VIR_DOMAIN_RUNNING_'),
  namesOf(VirDomainBlockedReason, 'VIR_DOMAIN_BLOCKED_'),
  namesOf(VirDomainPausedReason, 'VIR_DOMAIN_PAUSED_'),
  namesOf(VirDomainShutdownReason, 'VIR_DOMAIN_SHUTDOWN_'),
  namesOf(VirDomainShutoffReason, 'VIR_DOMAIN_SHUTOFF_'),
  namesOf(VirDomainCrashedReason, 'VIR_DOMAIN_CRASHED_'),
  namesOf(VirDomainPMSuspendedReason, 'VIR_DOMAIN_PMSUSPENDED_'),
];

const EVENT_NAMES = namesOf(VirDomainEventType, 'VIR_DOMAIN_EVENT_');

/** Per-event detail tables, indexed by virDomainEventType. */
const DETAIL_NAMES: readonly ReadonlyMap<number, string>[] = [
  namesOf(VirDomainEventDefinedDetailType, 'VIR_DOMAIN_EVENT_DEFINED_'),
  namesOf(VirDomainEventUndefinedDetailType, 'VIR_DOMAIN_EVENT_UNDEFINED_'),
  namesOf(VirDomainEventStartedDetailType, 'VIR_DOMAIN_EVENT_STARTED_'),
  namesOf(VirDomainEventSuspendedDetailType, 'VIR_DOMAIN_EVENT_SUSPENDED_'),
  namesOf(VirDomainEventResumedDetailType, 'VIR_DOMAIN_EVENT_RESUMED_'),
  namesOf(VirDomainEventStoppedDetailType, 'VIR_DOMAIN_EVENT_STOPPED_'),
  namesOf(VirDomainEventShutdownDetailType, 'VIR_DOMAIN_EVENT_SHUTDOWN_'),
  namesOf(VirDomainEventPMSuspendedDetailType, 'VIR_DOMAIN_EVENT_PMSUSPENDED_'),
  namesOf(VirDomainEventCrashedDetailType, 'VIR_DOMAIN_EVENT_CRASHED_'),
];

const EVENT_ID_NAMES = namesOf(VirDomainEventID, 'VIR_DOMAIN_EVENT_ID_');
const NETWORK_EVENT_NAMES = namesOf(VirNetworkEventLifecycleType, 'VIR_NETWORK_EVENT_');
const POOL_EVENT_NAMES = namesOf(VirStoragePoolEventLifecycleType, 'VIR_STORAGE_POOL_EVENT_');
const CLOSE_REASON_NAMES = namesOf(VirConnectCloseReason, 'VIR_CONNECT_CLOSE_REASON_');

/**
 * Friendly name of a virDomainState.
 * @example domainStateName(1) // 'running'
 * @example domainStateName(5) // 'shutoff'
 */
export function domainStateName(state: number): string {
  return lookup(STATE_NAMES, state);
}

/**
 * Friendly name of the reason DOMAIN_GET_STATE returned alongside `state`.
 * @example domainStateReasonName(5, 2) // 'destroyed'
 * @example domainStateReasonName(1, 1) // 'booted'
 */
export function domainStateReasonName(state: number, reason: number): string {
  return lookup(REASON_NAMES[state], reason);
}

/**
 * Friendly name of a lifecycle event type (virDomainEventType).
 * @example domainEventName(2) // 'started'
 */
export function domainEventName(event: number): string {
  return lookup(EVENT_NAMES, event);
}

/**
 * Friendly name of a lifecycle event's detail, interpreted by its event type.
 * @example domainEventDetailName(2, 0) // 'booted'
 * @example domainEventDetailName(5, 1) // 'destroyed'
 */
export function domainEventDetailName(event: number, detail: number): string {
  return lookup(DETAIL_NAMES[event], detail);
}

/**
 * Friendly name of a virDomainEventID.
 * @example domainEventIdName(0) // 'lifecycle'
 */
export function domainEventIdName(eventId: number): string {
  return lookup(EVENT_ID_NAMES, eventId);
}

/**
 * Friendly name of a network lifecycle event (virNetworkEventLifecycleType).
 * @example networkEventName(2) // 'started'
 */
export function networkEventName(event: number): string {
  return lookup(NETWORK_EVENT_NAMES, event);
}

/**
 * Friendly name of a storage pool lifecycle event (virStoragePoolEventLifecycleType).
 * @example storagePoolEventName(4) // 'created'
 */
export function storagePoolEventName(event: number): string {
  return lookup(POOL_EVENT_NAMES, event);
}

/**
 * Friendly name of a virConnectCloseReason.
 * @example connectCloseReasonName(2) // 'keepalive'
 */
export function connectCloseReasonName(reason: number): string {
  return lookup(CLOSE_REASON_NAMES, reason);
}
