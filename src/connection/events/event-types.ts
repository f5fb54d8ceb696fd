import {
  type DecodedEvent,
  type DomainRef,
  type TypedParam,
  type NetworkRef,
  type StoragePoolRef,
  connectCloseReasonName,
  domainEventDetailName,
  domainEventIdName,
  domainEventName,
  networkEventName,
  storagePoolEventName,
} from '../../rpc/index.js';
import { type DomainJobStats, decodeJobStats } from '../resources/job-stats.js';

/** Lifecycle event names (`virDomainEventType`, lower-cased). */
export type DomainLifecycleEventName =
  'defined' | 'undefined' | 'started' | 'suspended' | 'resumed' | 'stopped' | 'shutdown' | 'pmsuspended' | 'crashed';

/** A domain was defined, started, stopped… (`VIR_DOMAIN_EVENT_ID_LIFECYCLE`). */
export interface DomainLifecycleEvent {
  type: 'domain.lifecycle';
  domain: DomainRef;
  /** What happened, e.g. `'started'`. */
  event: DomainLifecycleEventName;
  /** Why, interpreted by `event`, e.g. `'booted'`, `'destroyed'`, `'from_snapshot'`. */
  detail: string;
  /** libvirt's numbers, for completeness. */
  eventCode: number;
  detailCode: number;
}

/** The guest rebooted (`VIR_DOMAIN_EVENT_ID_REBOOT`). Not sent by every hypervisor. */
export interface DomainRebootEvent {
  type: 'domain.reboot';
  domain: DomainRef;
}

/** The guest agent connected or disconnected (`VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE`). */
export interface DomainAgentLifecycleEvent {
  type: 'domain.agent-lifecycle';
  domain: DomainRef;
  state: 'connected' | 'disconnected' | `unknown(${number})`;
  reason: 'unknown' | 'domain_started' | 'channel' | `unknown(${number})`;
}

/** A device was added, removed, or its removal failed. */
export interface DomainDeviceEvent {
  type: 'domain.device-added' | 'domain.device-removed' | 'domain.device-removal-failed';
  domain: DomainRef;
  /** Device alias, e.g. `'ua-sdk-cidata'` or `'virtio-disk1'`. */
  devAlias: string;
}

/** Domain metadata changed (`VIR_DOMAIN_EVENT_ID_METADATA_CHANGE`). */
export interface DomainMetadataChangeEvent {
  type: 'domain.metadata-change';
  domain: DomainRef;
  metadataType: 'description' | 'title' | 'element' | `unknown(${number})`;
  /** Namespace URI for `'element'` metadata. */
  nsuri: string | null;
}

/**
 * A domain job ended — a backup, a migration, a save, a dump
 * (`VIR_DOMAIN_EVENT_ID_JOB_COMPLETED`): its final statistics, with
 * `success` and, on failure, `errmsg` (`'Operation canceled'` after an abort).
 */
export interface DomainJobCompletedEvent {
  type: 'domain.job-completed';
  domain: DomainRef;
  /** The final statistics (`type` is `'completed'` or `'failed'`, from `success`). */
  stats: DomainJobStats;
}

/**
 * Any other domain event, decoded with libvirt's field names. Subscribe with
 * `'domain.<name>'`, e.g. `'domain.rtc_change'`.
 */
export interface DomainOtherEvent {
  type: 'domain.other';
  /** libvirt's event id name, lower-cased: `'rtc_change'`, `'block_job_2'`, `'tunable'`… */
  name: string;
  domain: DomainRef;
  /** The decoded message fields other than the domain and callback id. */
  data: Record<string, unknown>;
}

/** A network was defined, started, stopped or undefined. */
export interface NetworkLifecycleEvent {
  type: 'network.lifecycle';
  network: NetworkRef;
  event: 'defined' | 'undefined' | 'started' | 'stopped' | `unknown(${number})`;
  detail: number;
}

/** Any other network event (`'network.metadata_change'`). */
export interface NetworkOtherEvent {
  type: 'network.other';
  name: string;
  network: NetworkRef;
  data: Record<string, unknown>;
}

/** A storage pool was defined, started, stopped, created, deleted or undefined. */
export interface StoragePoolLifecycleEvent {
  type: 'storage-pool.lifecycle';
  pool: StoragePoolRef;
  event: 'defined' | 'undefined' | 'started' | 'stopped' | 'created' | 'deleted' | `unknown(${number})`;
  detail: number;
}

/** A storage pool was refreshed. */
export interface StoragePoolRefreshEvent {
  type: 'storage-pool.refresh';
  pool: StoragePoolRef;
}

/**
 * The connection was re-established after a loss. Events in between were
 * missed: resynchronise whatever you derive from events. Delivered to every
 * subscription (not filtered by `types`).
 */
export interface ConnectionReconnectedEvent {
  type: 'connection.reconnected';
  /** How many times the link was re-established so far. */
  reconnects: number;
}

/** The daemon reports that its own connection to the driver closed (`CONNECT_EVENT_CONNECTION_CLOSED`). */
export interface ConnectionDriverClosedEvent {
  type: 'connection.driver-closed';
  reason: string;
}

/** Every event `connection.events()` can yield. */
export type LibvirtEvent =
  | DomainLifecycleEvent
  | DomainRebootEvent
  | DomainAgentLifecycleEvent
  | DomainDeviceEvent
  | DomainMetadataChangeEvent
  | DomainJobCompletedEvent
  | DomainOtherEvent
  | NetworkLifecycleEvent
  | NetworkOtherEvent
  | StoragePoolLifecycleEvent
  | StoragePoolRefreshEvent
  | ConnectionReconnectedEvent
  | ConnectionDriverClosedEvent;

/** Where a subscribable event type is registered on the daemon. */
export interface EventKey {
  family: 'domain' | 'network' | 'storagePool';
  eventId: number;
}

/**
 * Event types a subscription can ask for, with their registration key. Domain
 * events not listed by name are available as `domain.<libvirt name>` (e.g.
 * `'domain.rtc_change'`, `'domain.block_job_2'`).
 */
export const EVENT_TYPES = {
  'domain.lifecycle': { family: 'domain', eventId: 0 },
  'domain.reboot': { family: 'domain', eventId: 1 },
  'domain.agent-lifecycle': { family: 'domain', eventId: 18 },
  'domain.device-added': { family: 'domain', eventId: 19 },
  'domain.device-removed': { family: 'domain', eventId: 15 },
  'domain.device-removal-failed': { family: 'domain', eventId: 22 },
  'domain.metadata-change': { family: 'domain', eventId: 23 },
  'domain.job-completed': { family: 'domain', eventId: 21 },
  'network.lifecycle': { family: 'network', eventId: 0 },
  'storage-pool.lifecycle': { family: 'storagePool', eventId: 0 },
  'storage-pool.refresh': { family: 'storagePool', eventId: 1 },
} as const satisfies Record<string, EventKey>;

/** Names of the event types with a dedicated typed shape. */
export type KnownEventType = keyof typeof EVENT_TYPES;

/** The default set a subscription without `types` receives (what most applications watch). */
export const DEFAULT_EVENT_TYPES: readonly KnownEventType[] = [
  'domain.lifecycle',
  'domain.reboot',
  'domain.agent-lifecycle',
  'domain.device-added',
  'domain.device-removed',
  'domain.metadata-change',
  'network.lifecycle',
  'storage-pool.lifecycle',
];

const DOMAIN_NAMED_IDS = new Map<number, string>(
  Object.entries(EVENT_TYPES)
    .filter(([, k]) => k.family === 'domain')
    .map(([name, k]) => [k.eventId, name]),
);

/** Registration key of an event type name, or `undefined` when unknown. */
export function eventKeyOf(type: string): EventKey | undefined {
  const known = (EVENT_TYPES as Record<string, EventKey>)[type];
  if (known !== undefined) return known;
  if (type.startsWith('domain.')) {
    for (let id = 0; id < 64; id++) {
      if (`domain.${domainEventIdName(id)}` === type) return { family: 'domain', eventId: id };
    }
  }
  if (type === 'network.metadata_change') return { family: 'network', eventId: 1 };
  return undefined;
}

function rest(value: object, omit: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!omit.includes(k)) out[k] = v;
  return out;
}

/**
 * `event` (named by `nameOf`) and `detail` of a network or storage-pool LIFECYCLE
 * message (event id 0): both are `{ callbackID, <object>, int event, int detail }`
 * (NETWORK_EVENT_LIFECYCLE 315, STORAGE_POOL_EVENT_LIFECYCLE 370).
 */
function lifecycleOf<Name extends string>(value: object, nameOf: (event: number) => string): { event: Name; detail: number } {
  const v = value as Record<string, unknown>;
  return { event: nameOf(v['event'] as number) as Name, detail: v['detail'] as number };
}

/** The subscription type name an event answers to (`'domain.rtc_change'` for other domain events). */
export function subscriptionTypeOf(event: LibvirtEvent): string {
  if (event.type === 'domain.other') return `domain.${event.name}`;
  if (event.type === 'network.other') return `network.${event.name}`;
  return event.type;
}

/** Turn a decoded wire event into the public, named shape. */
export function toLibvirtEvent(decoded: DecodedEvent): LibvirtEvent {
  switch (decoded.family) {
    case 'domain': {
      const v = decoded.value as unknown as Record<string, unknown> & { dom: DomainRef };
      const domain = v.dom;
      switch (decoded.eventId) {
        case 0: {
          const event = v['event'] as number;
          const detail = v['detail'] as number;
          return {
            type: 'domain.lifecycle',
            domain,
            event: domainEventName(event) as DomainLifecycleEventName,
            detail: domainEventDetailName(event, detail),
            eventCode: event,
            detailCode: detail,
          };
        }
        case 1:
          return { type: 'domain.reboot', domain };
        case 18: {
          const state = v['state'] as number;
          const reason = v['reason'] as number;
          return {
            type: 'domain.agent-lifecycle',
            domain,
            state: state === 1 ? 'connected' : state === 2 ? 'disconnected' : `unknown(${state})`,
            reason: (['unknown', 'domain_started', 'channel'] as const)[reason] ?? `unknown(${reason})`,
          };
        }
        case 15:
        case 19:
        case 22:
          return { type: DOMAIN_NAMED_IDS.get(decoded.eventId) as DomainDeviceEvent['type'], domain, devAlias: v['devAlias'] as string };
        case 23: {
          const t = v['type'] as number;
          return {
            type: 'domain.metadata-change',
            domain,
            metadataType: (['description', 'title', 'element'] as const)[t] ?? `unknown(${t})`,
            nsuri: (v['nsuri'] as string | null) ?? null,
          };
        }
        case 21:
          return { type: 'domain.job-completed', domain, stats: decodeJobStats(undefined, v['params'] as TypedParam[]) };
        default:
          return { type: 'domain.other', name: domainEventIdName(decoded.eventId), domain, data: rest(v, ['callbackID', 'dom']) };
      }
    }
    case 'network': {
      const network = decoded.value.net;
      if (decoded.eventId === 0)
        return { type: 'network.lifecycle', network, ...lifecycleOf<NetworkLifecycleEvent['event']>(decoded.value, networkEventName) };
      return { type: 'network.other', name: 'metadata_change', network, data: rest(decoded.value, ['callbackID', 'net']) };
    }
    case 'storagePool': {
      const pool = decoded.value.pool;
      if (decoded.eventId === 0)
        return {
          type: 'storage-pool.lifecycle',
          pool,
          ...lifecycleOf<StoragePoolLifecycleEvent['event']>(decoded.value, storagePoolEventName),
        };
      return { type: 'storage-pool.refresh', pool };
    }
    case 'connection':
      return { type: 'connection.driver-closed', reason: connectCloseReasonName(decoded.value.reason) };
  }
}
