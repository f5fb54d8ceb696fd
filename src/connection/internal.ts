/**
 * Everything the other modules of the SDK (and its tests) use from the
 * connection layer: its public surface (`./index.ts`) and internals that are
 * not part of it — the logger call that never throws, duration and name
 * checks, UUID keys, reference resolution, the flag bits modules send, and
 * every error helper.
 *
 * @internal
 * @module
 */
export * from './index.js';
export { backoffDelay } from './backoff.js';
export { CONNECTION_OPTION_KEYS } from './options.js';
export { connectionMachine, type ConnectionMachineEvent, type ConnectionMachineContext } from './machine.js';
export * from './events/event-types.js';
export * from './events/decode-event.js';
export * from './resources/index.js';
// The one definition of VIR_DOMAIN_AFFECT_LIVE/CONFIG, for the modules that send them (devices, creator, disk-state).
export { AFFECT_CONFIG, AFFECT_LIVE } from './resources/impact.js';
export { CALL_OPTION_KEYS, checkCallOptions, checkDuration, errorCodeOf, isUuid, raceDeadline, uuidKey } from '../rpc/index.js';
// For the calls that take `{ signal, timeout }` and nothing else: their values and no other key.
export { checkOnlyCallOptions } from '../rpc/index.js';
// A URI checked before anything is dialed (the fleet checks every host's at open).
export { parseLibvirtUri } from '../rpc/index.js';
// One way to run under a tracing channel, for the RPC calls and the operations above (src/runtime/tracing.ts).
export { hasTraceSubscribers, traceTimed } from '../rpc/index.js';
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
export * from '../errors/index.js';
