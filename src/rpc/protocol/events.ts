/**
 * Event MESSAGE descriptors and routing tables. The daemon sends events as
 * `type = VIR_NET_MESSAGE` packets (serial 1, not 0 — never route them by
 * serial); the connection layer looks the `proc` up in {@link EVENT_BY_PROC}
 * and decodes the payload with the descriptor it finds, e.g. via
 * {@link decodeEvent}. Domain events are in `domain-events.ts`.
 */
import { type Codec, XdrReader, int, mapped, struct } from '../xdr/index.js';
import { type DomainEventBase, DOMAIN_EVENT_MESSAGES } from './domain-events.js';
import { type EventMessage, eventMessage } from './procedure.js';
import {
  type NetworkRef,
  type NodeDeviceRef,
  type SecretRef,
  type StoragePoolRef,
  nonnullNetwork,
  nonnullNodeDevice,
  nonnullSecret,
  nonnullStoragePool,
  remoteString,
} from './types.js';

/**
 * 315, network eventID 0 LIFECYCLE: `event` = virNetworkEventLifecycleType, `detail` reserved (0).
 * @see virConnectNetworkEventLifecycleCallback
 */
export const NETWORK_EVENT_LIFECYCLE = eventMessage(
  315,
  'NETWORK_EVENT_LIFECYCLE',
  struct({ callbackID: int, net: nonnullNetwork, event: int, detail: int }),
);

/**
 * 446, network eventID 1 METADATA_CHANGE: `type` = virNetworkMetadataType. Newer daemons only.
 * @see virConnectNetworkEventMetadataChangeCallback
 */
export const NETWORK_EVENT_CALLBACK_METADATA_CHANGE = eventMessage(
  446,
  'NETWORK_EVENT_CALLBACK_METADATA_CHANGE',
  struct({ callbackID: int, net: nonnullNetwork, type: int, nsuri: remoteString }),
);

/**
 * 370, storage pool eventID 0 LIFECYCLE: `event` = virStoragePoolEventLifecycleType.
 * @see virConnectStoragePoolEventLifecycleCallback
 */
export const STORAGE_POOL_EVENT_LIFECYCLE = eventMessage(
  370,
  'STORAGE_POOL_EVENT_LIFECYCLE',
  struct({ callbackID: int, pool: nonnullStoragePool, event: int, detail: int }),
);

/**
 * 373, storage pool eventID 1 REFRESH: the pool was refreshed.
 * @see virConnectStoragePoolEventGenericCallback
 */
export const STORAGE_POOL_EVENT_REFRESH = eventMessage(
  373,
  'STORAGE_POOL_EVENT_REFRESH',
  struct({ callbackID: int, pool: nonnullStoragePool }),
);

/**
 * 376, node-device eventID 0 LIFECYCLE: `event` = virNodeDeviceEventLifecycleType
 * (CREATED 0, DELETED 1, DEFINED 2, UNDEFINED 3), `detail` 0.
 * @see virConnectNodeDeviceEventLifecycleCallback
 */
export const NODE_DEVICE_EVENT_LIFECYCLE = eventMessage(
  376,
  'NODE_DEVICE_EVENT_LIFECYCLE',
  struct({ callbackID: int, dev: nonnullNodeDevice, event: int, detail: int }),
);

/**
 * 377, node-device eventID 1 UPDATE: the device's XML changed.
 * @see virConnectNodeDeviceEventGenericCallback
 */
export const NODE_DEVICE_EVENT_UPDATE = eventMessage(377, 'NODE_DEVICE_EVENT_UPDATE', struct({ callbackID: int, dev: nonnullNodeDevice }));

/**
 * 382, secret eventID 0 LIFECYCLE: `event` = virSecretEventLifecycleType (DEFINED 0, UNDEFINED 1), `detail` 0.
 * @see virConnectSecretEventLifecycleCallback
 */
export const SECRET_EVENT_LIFECYCLE = eventMessage(
  382,
  'SECRET_EVENT_LIFECYCLE',
  struct({ callbackID: int, secret: nonnullSecret, event: int, detail: int }),
);

/**
 * 383, secret eventID 1 VALUE_CHANGED: the value was set. The message carries no value.
 * @see virConnectSecretEventGenericCallback
 */
export const SECRET_EVENT_VALUE_CHANGED = eventMessage(
  383,
  'SECRET_EVENT_VALUE_CHANGED',
  struct({ callbackID: int, secret: nonnullSecret }),
);

/** Decoded CONNECT_EVENT_CONNECTION_CLOSED. */
export interface ConnectionClosedEvent {
  /** Always `null`: the wire message has no callback id (there is one close callback per connection). */
  callbackID: null;
  /** virConnectCloseReason: 0 ERROR, 1 EOF, 2 KEEPALIVE, 3 CLIENT. */
  reason: number;
}

/**
 * 362: the daemon's own connection to the driver closed (after
 * CONNECT_REGISTER_CLOSE_CALLBACK). Wire: just `{ int reason }`; decoded with
 * `callbackID: null` so every event has the field.
 * @see virConnectCloseFunc
 */
export const CONNECT_EVENT_CONNECTION_CLOSED = eventMessage(
  362,
  'CONNECT_EVENT_CONNECTION_CLOSED',
  mapped(
    struct({ reason: int }),
    (w): ConnectionClosedEvent => ({ callbackID: null, reason: w.reason }),
    (v) => ({ reason: v.reason }),
  ) as Codec<ConnectionClosedEvent>,
);

/** Fields every decoded network event has. */
export interface NetworkEventBase {
  callbackID: number;
  net: NetworkRef;
}

/** Fields every decoded storage pool event has. */
export interface StoragePoolEventBase {
  callbackID: number;
  pool: StoragePoolRef;
}

/** Fields every decoded node-device event has. */
export interface NodeDeviceEventBase {
  callbackID: number;
  dev: NodeDeviceRef;
}

/** Fields every decoded secret event has. */
export interface SecretEventBase {
  callbackID: number;
  secret: SecretRef;
}

/** Where an event MESSAGE belongs: its object family, its event id within the family, and its decoder. */
export type EventRoute =
  | { family: 'domain'; eventId: number; descriptor: EventMessage<DomainEventBase> }
  | { family: 'network'; eventId: number; descriptor: EventMessage<NetworkEventBase> }
  | { family: 'storagePool'; eventId: number; descriptor: EventMessage<StoragePoolEventBase> }
  | { family: 'nodeDevice'; eventId: number; descriptor: EventMessage<NodeDeviceEventBase> }
  | { family: 'secret'; eventId: number; descriptor: EventMessage<SecretEventBase> }
  | { family: 'connection'; eventId: number; descriptor: EventMessage<ConnectionClosedEvent> };

/** virDomainEventID → descriptor of the message the daemon sends for it. */
export const DOMAIN_EVENT_BY_ID: ReadonlyMap<number, EventMessage<DomainEventBase>> = new Map(
  DOMAIN_EVENT_MESSAGES.map((d, id) => [id, d]),
);

/** virNetworkEventID → descriptor. */
export const NETWORK_EVENT_BY_ID: ReadonlyMap<number, EventMessage<NetworkEventBase>> = new Map<number, EventMessage<NetworkEventBase>>([
  [0, NETWORK_EVENT_LIFECYCLE],
  [1, NETWORK_EVENT_CALLBACK_METADATA_CHANGE],
]);

/** virStoragePoolEventID → descriptor. */
export const STORAGE_POOL_EVENT_BY_ID: ReadonlyMap<number, EventMessage<StoragePoolEventBase>> = new Map<
  number,
  EventMessage<StoragePoolEventBase>
>([
  [0, STORAGE_POOL_EVENT_LIFECYCLE],
  [1, STORAGE_POOL_EVENT_REFRESH],
]);

/** virNodeDeviceEventID → descriptor. */
export const NODE_DEVICE_EVENT_BY_ID: ReadonlyMap<number, EventMessage<NodeDeviceEventBase>> = new Map<
  number,
  EventMessage<NodeDeviceEventBase>
>([
  [0, NODE_DEVICE_EVENT_LIFECYCLE],
  [1, NODE_DEVICE_EVENT_UPDATE],
]);

/** virSecretEventID → descriptor. */
export const SECRET_EVENT_BY_ID: ReadonlyMap<number, EventMessage<SecretEventBase>> = new Map<number, EventMessage<SecretEventBase>>([
  [0, SECRET_EVENT_LIFECYCLE],
  [1, SECRET_EVENT_VALUE_CHANGED],
]);

function buildRoutes(): ReadonlyMap<number, EventRoute> {
  const routes = new Map<number, EventRoute>();
  for (const [eventId, descriptor] of DOMAIN_EVENT_BY_ID) routes.set(descriptor.proc, { family: 'domain', eventId, descriptor });
  for (const [eventId, descriptor] of NETWORK_EVENT_BY_ID) routes.set(descriptor.proc, { family: 'network', eventId, descriptor });
  for (const [eventId, descriptor] of STORAGE_POOL_EVENT_BY_ID) {
    routes.set(descriptor.proc, { family: 'storagePool', eventId, descriptor });
  }
  for (const [eventId, descriptor] of NODE_DEVICE_EVENT_BY_ID) routes.set(descriptor.proc, { family: 'nodeDevice', eventId, descriptor });
  for (const [eventId, descriptor] of SECRET_EVENT_BY_ID) routes.set(descriptor.proc, { family: 'secret', eventId, descriptor });
  routes.set(CONNECT_EVENT_CONNECTION_CLOSED.proc, {
    family: 'connection',
    eventId: 0,
    descriptor: CONNECT_EVENT_CONNECTION_CLOSED,
  });
  return routes;
}

/**
 * Event proc number → route. Only the modern callback-style messages are
 * listed; legacy ones (107, 169…, sent only after the legacy registrations we
 * never make) are absent, so an unknown proc
 * should be logged and dropped, not treated as an error.
 */
export const EVENT_BY_PROC: ReadonlyMap<number, EventRoute> = buildRoutes();

/** A decoded event with its route. */
export type DecodedEvent =
  | { family: 'domain'; eventId: number; name: string; value: DomainEventBase }
  | { family: 'network'; eventId: number; name: string; value: NetworkEventBase }
  | { family: 'storagePool'; eventId: number; name: string; value: StoragePoolEventBase }
  | { family: 'nodeDevice'; eventId: number; name: string; value: NodeDeviceEventBase }
  | { family: 'secret'; eventId: number; name: string; value: SecretEventBase }
  | { family: 'connection'; eventId: number; name: string; value: ConnectionClosedEvent };

/**
 * Decode the payload of a REMOTE_PROGRAM MESSAGE packet. Returns `undefined`
 * for a proc we do not know (drop it); trailing bytes or a malformed payload
 * are a `ProtocolError`.
 *
 * @example
 * const ev = decodeEvent(header.proc, payload);
 * if (ev?.family === 'domain' && ev.eventId === VirDomainEventID.VIR_DOMAIN_EVENT_ID_LIFECYCLE) …
 */
export function decodeEvent(proc: number, payload: Buffer): DecodedEvent | undefined {
  const route = EVENT_BY_PROC.get(proc);
  if (route === undefined) return undefined;
  const r = new XdrReader(payload);
  const value = route.descriptor.msg.decode(r);
  r.expectEnd(route.descriptor.name);
  return { family: route.family, eventId: route.eventId, name: route.descriptor.name, value } as DecodedEvent;
}
