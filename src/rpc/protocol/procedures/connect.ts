/**
 * Connection-level procedures used by the handshake and teardown.
 */
import { int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { remoteString } from '../types.js';

/** `virDrvFeature` values a client asks about with CONNECT_SUPPORTS_FEATURE. */
export const VirDrvFeature = {
  VIR_DRV_FEATURE_MIGRATION_V1: 1,
  VIR_DRV_FEATURE_REMOTE: 2,
  VIR_DRV_FEATURE_MIGRATION_V2: 3,
  VIR_DRV_FEATURE_MIGRATION_P2P: 4,
  VIR_DRV_FEATURE_MIGRATION_DIRECT: 5,
  VIR_DRV_FEATURE_MIGRATION_V3: 6,
  VIR_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION: 7,
  VIR_DRV_FEATURE_FD_PASSING: 8,
  VIR_DRV_FEATURE_TYPED_PARAM_STRING: 9,
  /** Allowed before CONNECT_OPEN; the daemon starts pinging us once we ask. */
  VIR_DRV_FEATURE_PROGRAM_KEEPALIVE: 10,
  VIR_DRV_FEATURE_XML_MIGRATABLE: 11,
  VIR_DRV_FEATURE_MIGRATION_OFFLINE: 12,
  VIR_DRV_FEATURE_MIGRATION_PARAMS: 13,
  VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK: 14,
  VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK: 15,
  VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER: 16,
} as const;

/** `virConnectFlags` honoured by the daemon in CONNECT_OPEN. */
export const VirConnectFlags = {
  VIR_CONNECT_RO: 1,
} as const;

/** 1: open the hypervisor connection named `name` (the URI with transport, host and client params stripped). */
export const CONNECT_OPEN = procedure(1, 'CONNECT_OPEN', struct({ name: remoteString, flags: uint }), xdrVoid, {
  priority: 'high',
});

/** 2: close; the daemon replies, then closes the socket. */
export const CONNECT_CLOSE = procedure(2, 'CONNECT_CLOSE', xdrVoid, xdrVoid, { priority: 'high' });

/** 60: does the daemon/driver support a `virDrvFeature`? */
export const CONNECT_SUPPORTS_FEATURE = procedure(60, 'CONNECT_SUPPORTS_FEATURE', struct({ feature: int }), struct({ supported: int }), {
  priority: 'high',
});
