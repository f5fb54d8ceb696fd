/**
 * How each kind of event registration is made and undone on the daemon: one
 * REGISTER/DEREGISTER procedure pair per object family, and the daemon's
 * close callback, which has neither an event id nor a callback id.
 */
import { InvalidArgumentError, LibvirtError, UnsupportedError } from '../../errors/index.js';
import {
  CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
  CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
  CONNECT_NETWORK_EVENT_DEREGISTER_ANY,
  CONNECT_NETWORK_EVENT_REGISTER_ANY,
  CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY,
  CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY,
  CONNECT_REGISTER_CLOSE_CALLBACK,
  CONNECT_SECRET_EVENT_DEREGISTER_ANY,
  CONNECT_SECRET_EVENT_REGISTER_ANY,
  CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY,
  CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY,
  CONNECT_UNREGISTER_CLOSE_CALLBACK,
  type CallOptions,
  type Logger,
  type Procedure,
} from '../../rpc/index.js';
import { log } from '../../rpc/logger.js';
import type { EventKey } from './event-types.js';

/** The call function the hub uses: the connection's, so it waits for the link. */
export type HubCall = <A, R>(procedure: Procedure<A, R>, args: A, options?: CallOptions) => Promise<R>;

/**
 * The daemon's close callback (`connection.driver-closed`): registered for
 * every subscription, since `connection.*` events reach every subscriber.
 * It has no callback id on the wire; this stands in for one.
 */
export const CLOSE_KEY = { family: 'connection', eventId: 0 } as const;
const CLOSE_CALLBACK_ID = -1;

/** What the hub registers: an event type, or the daemon's close callback. */
export type HubKey = EventKey | typeof CLOSE_KEY;

/** Register `key` on the daemon; the callback id its events will carry. */
export async function registerOnDaemon(
  call: HubCall,
  key: HubKey,
  options: CallOptions,
  logger: Logger | undefined,
): Promise<{ callbackID: number }> {
  switch (key.family) {
    case 'connection':
      // Best effort: a daemon without close callbacks must not fail the subscription that asked for other events.
      try {
        await call(CONNECT_REGISTER_CLOSE_CALLBACK, undefined, options);
      } catch (error) {
        if (!(error instanceof LibvirtError || error instanceof UnsupportedError)) throw error;
        log(logger, 'debug', 'the daemon refused a close callback: connection.driver-closed will not be delivered', {
          error: error.message,
        });
      }
      return { callbackID: CLOSE_CALLBACK_ID };
    case 'domain':
      return call(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: key.eventId, dom: null }, options);
    case 'network':
      return call(CONNECT_NETWORK_EVENT_REGISTER_ANY, { eventID: key.eventId, net: null }, options);
    case 'storagePool':
      return call(CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, { eventID: key.eventId, pool: null }, options);
    case 'nodeDevice':
      return call(CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY, { eventID: key.eventId, dev: null }, options);
    case 'secret':
      return call(CONNECT_SECRET_EVENT_REGISTER_ANY, { eventID: key.eventId, secret: null }, options);
    default:
      throw new InvalidArgumentError(`unknown event family ${String((key as HubKey).family)}`);
  }
}

/** Undo a registration of `key` (best effort is the caller's business). */
export function deregisterOnDaemon(call: HubCall, key: HubKey, callbackID: number, options: CallOptions): Promise<void> {
  if (key.family === 'connection') return call(CONNECT_UNREGISTER_CLOSE_CALLBACK, undefined, options);
  return call(deregisterProcedure(key), { callbackID }, options);
}

function deregisterProcedure(key: EventKey): Procedure<{ callbackID: number }, void> {
  switch (key.family) {
    case 'domain':
      return CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY;
    case 'network':
      return CONNECT_NETWORK_EVENT_DEREGISTER_ANY;
    case 'storagePool':
      return CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY;
    case 'nodeDevice':
      return CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY;
    case 'secret':
      return CONNECT_SECRET_EVENT_DEREGISTER_ANY;
  }
}
