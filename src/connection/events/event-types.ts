import {
  type DomainRef,
  type NetworkRef,
  type NodeDeviceRef,
  type SecretRef,
  type StoragePoolRef,
  domainEventIdName,
} from '../../rpc/index.js';
import type { DomainJobStats } from '../resources/job-stats.js';
import type { BlockJobType } from '../resources/block-jobs.js';
import { DOMAIN_DETAIL_EVENT_IDS, type DomainDetailEvent } from './domain-event-details.js';

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

/** How a block job changed (`virConnectDomainEventBlockJobStatus`). */
export type BlockJobStatus = 'completed' | 'failed' | 'canceled' | 'ready' | `unknown(${number})`;

/**
 * A disk's block job completed, failed, was cancelled, or (copy, active
 * commit) is READY to pivot (`VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2`, and the
 * legacy `VIR_DOMAIN_EVENT_ID_BLOCK_JOB` when subscribed as `'domain.block_job'`).
 * libvirt sends both for every change; subscribe to `'domain.block-job'` (BLOCK_JOB_2).
 */
export interface DomainBlockJobEvent {
  type: 'domain.block-job';
  domain: DomainRef;
  /**
   * The disk: its target (`vda`) from BLOCK_JOB_2; from the legacy event, the
   * source path of the disk's active image at that moment (after a pivot,
   * the new image's; for a commit, the top of the chain, not the image committed).
   */
  disk: string;
  /** What `disk` is: `'target'` (BLOCK_JOB_2) or `'path'` (legacy BLOCK_JOB). */
  diskKind: 'target' | 'path';
  job: BlockJobType;
  status: BlockJobStatus;
  /** libvirt's numbers, for completeness. */
  jobCode: number;
  statusCode: number;
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
 * A domain event this SDK has no typed shape for (one a newer libvirt added),
 * decoded with libvirt's field names. Subscribe with `'domain.<libvirt name>'`.
 */
export interface DomainOtherEvent {
  type: 'domain.other';
  /** libvirt's event id name, lower-cased, or `unknown(<id>)` for an id this SDK has no name for. */
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

/** A node device appeared, disappeared, or a persistent one (mdev) was defined or undefined. */
export interface NodeDeviceLifecycleEvent {
  type: 'node-device.lifecycle';
  device: NodeDeviceRef;
  event: 'created' | 'deleted' | 'defined' | 'undefined' | `unknown(${number})`;
  detail: number;
}

/** A node device's XML changed (`VIR_NODE_DEVICE_EVENT_ID_UPDATE`). */
export interface NodeDeviceUpdateEvent {
  type: 'node-device.update';
  device: NodeDeviceRef;
}

/** A secret was defined or undefined. */
export interface SecretLifecycleEvent {
  type: 'secret.lifecycle';
  secret: SecretRef;
  event: 'defined' | 'undefined' | `unknown(${number})`;
  detail: number;
}

/** A secret's value was set. The event never carries the value. */
export interface SecretValueChangedEvent {
  type: 'secret.value-changed';
  secret: SecretRef;
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
  | DomainBlockJobEvent
  | DomainDetailEvent
  | DomainOtherEvent
  | NetworkLifecycleEvent
  | NetworkOtherEvent
  | StoragePoolLifecycleEvent
  | StoragePoolRefreshEvent
  | NodeDeviceLifecycleEvent
  | NodeDeviceUpdateEvent
  | SecretLifecycleEvent
  | SecretValueChangedEvent
  | ConnectionReconnectedEvent
  | ConnectionDriverClosedEvent;

/** Where a subscribable event type is registered on the daemon. */
export interface EventKey {
  family: 'domain' | 'network' | 'storagePool' | 'nodeDevice' | 'secret';
  eventId: number;
}

/**
 * Event types a subscription can ask for, with their registration key. Domain
 * events not listed by name are available as `domain.<libvirt name>` (e.g.
 * `'domain.rtc_change'`, `'domain.io_error'`).
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
  'domain.block-job': { family: 'domain', eventId: 16 },
  ...(Object.fromEntries(Object.entries(DOMAIN_DETAIL_EVENT_IDS).map(([type, eventId]) => [type, { family: 'domain', eventId }])) as {
    [T in keyof typeof DOMAIN_DETAIL_EVENT_IDS]: { family: 'domain'; eventId: (typeof DOMAIN_DETAIL_EVENT_IDS)[T] };
  }),
  'network.lifecycle': { family: 'network', eventId: 0 },
  'storage-pool.lifecycle': { family: 'storagePool', eventId: 0 },
  'storage-pool.refresh': { family: 'storagePool', eventId: 1 },
  'node-device.lifecycle': { family: 'nodeDevice', eventId: 0 },
  'node-device.update': { family: 'nodeDevice', eventId: 1 },
  'secret.lifecycle': { family: 'secret', eventId: 0 },
  'secret.value-changed': { family: 'secret', eventId: 1 },
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

/**
 * Older names of typed events, still accepted in `types`: BLOCK_JOB_2 was
 * `'domain.block_job_2'` (a `domain.other` event) before it had a typed shape,
 * and so were the events of `domain-event-details.ts` (`'domain.io_error'`).
 */
const EVENT_TYPE_ALIASES: Readonly<Record<string, string>> = {
  'domain.block_job_2': 'domain.block-job',
  // The events typed later answer to libvirt's names too (`'domain.io_error'` was a `domain.other` event).
  ...Object.fromEntries(Object.entries(DOMAIN_DETAIL_EVENT_IDS).map(([type, eventId]) => [`domain.${domainEventIdName(eventId)}`, type])),
};

/** The name a subscription filters on for `type` (an alias → its typed name). */
export function canonicalEventType(type: string): string {
  return EVENT_TYPE_ALIASES[type] ?? type;
}

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

/** The subscription type name an event answers to (`'domain.rtc_change'` for other domain events). */
export function subscriptionTypeOf(event: LibvirtEvent): string {
  if (event.type === 'domain.other') return `domain.${event.name}`;
  // The legacy event answers to its libvirt name, so one subscription can tell the two apart.
  if (event.type === 'domain.block-job' && event.diskKind === 'path') return 'domain.block_job';
  if (event.type === 'network.other') return `network.${event.name}`;
  return event.type;
}
