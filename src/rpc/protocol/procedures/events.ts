/**
 * Event registration procedures ("callback" style, daemon feature 14
 * VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK). Each registration returns a
 * server-assigned `callbackID` that tags every event MESSAGE it produces; the
 * messages themselves are described in `../events.ts`. The close callback
 * (360/361) lives in `host.ts`.
 */
import { int, struct, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullNodeDevice, nonnullSecret, remoteDomain, remoteNetwork, remoteStoragePool } from '../types.js';
import { optional } from '../../xdr/index.js';

/** `{ int callbackID }`: the result of a registration and the argument of a deregistration. */
const callbackId = struct({ callbackID: int });

/**
 * 316: subscribe to domain event `eventID` (virDomainEventID 0–27) for one
 * domain or, with `dom` NULL, all domains. A daemon older than the event ID
 * answers VIR_ERR_INTERNAL_ERROR "unsupported event ID" — feature-detect by
 * catching it.
 * @see virConnectDomainEventRegisterAny
 */
export const CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY = procedure(
  316,
  'CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY',
  struct({ eventID: int, dom: remoteDomain }),
  callbackId,
  { priority: 'high' },
);

/**
 * 317: cancel a domain event subscription; an unknown id is VIR_ERR_INTERNAL_ERROR.
 * All subscriptions end with the connection anyway.
 * @see virConnectDomainEventDeregisterAny
 */
export const CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY = procedure(
  317,
  'CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY',
  callbackId,
  xdrVoid,
  { priority: 'high' },
);

/**
 * 313: subscribe to network event `eventID` (0 LIFECYCLE, 1 METADATA_CHANGE) for one network or all (`net` NULL).
 * @see virConnectNetworkEventRegisterAny
 */
export const CONNECT_NETWORK_EVENT_REGISTER_ANY = procedure(
  313,
  'CONNECT_NETWORK_EVENT_REGISTER_ANY',
  struct({ eventID: int, net: remoteNetwork }),
  callbackId,
  { priority: 'high' },
);

/**
 * 314: cancel a network event subscription.
 * @see virConnectNetworkEventDeregisterAny
 */
export const CONNECT_NETWORK_EVENT_DEREGISTER_ANY = procedure(314, 'CONNECT_NETWORK_EVENT_DEREGISTER_ANY', callbackId, xdrVoid, {
  priority: 'high',
});

/**
 * 368: subscribe to storage pool event `eventID` (0 LIFECYCLE, 1 REFRESH) for one pool or all (`pool` NULL).
 * @see virConnectStoragePoolEventRegisterAny
 */
export const CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY = procedure(
  368,
  'CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY',
  struct({ eventID: int, pool: remoteStoragePool }),
  callbackId,
  { priority: 'high' },
);

/**
 * 369: cancel a storage pool event subscription.
 * @see virConnectStoragePoolEventDeregisterAny
 */
export const CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY = procedure(369, 'CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY', callbackId, xdrVoid, {
  priority: 'high',
});

/**
 * 374: subscribe to node-device event `eventID` (0 LIFECYCLE, 1 UPDATE) for one device or all (`dev` NULL).
 * @see virConnectNodeDeviceEventRegisterAny
 */
export const CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY = procedure(
  374,
  'CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY',
  struct({ eventID: int, dev: optional(nonnullNodeDevice) }),
  callbackId,
  { priority: 'high' },
);

/**
 * 375: cancel a node-device event subscription.
 * @see virConnectNodeDeviceEventDeregisterAny
 */
export const CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY = procedure(375, 'CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY', callbackId, xdrVoid, {
  priority: 'high',
});

/**
 * 380: subscribe to secret event `eventID` (0 LIFECYCLE, 1 VALUE_CHANGED) for one secret or all (`secret` NULL).
 * @see virConnectSecretEventRegisterAny
 */
export const CONNECT_SECRET_EVENT_REGISTER_ANY = procedure(
  380,
  'CONNECT_SECRET_EVENT_REGISTER_ANY',
  struct({ eventID: int, secret: optional(nonnullSecret) }),
  callbackId,
  { priority: 'high' },
);

/**
 * 381: cancel a secret event subscription.
 * @see virConnectSecretEventDeregisterAny
 */
export const CONNECT_SECRET_EVENT_DEREGISTER_ANY = procedure(381, 'CONNECT_SECRET_EVENT_DEREGISTER_ANY', callbackId, xdrVoid, {
  priority: 'high',
});
