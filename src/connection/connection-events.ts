import type { LibvirtManagerError } from '../errors/index.js';
import type { ConnectionState } from './machine.js';

/** Why a connection ended, as announced by its `close` event. */
export interface ConnectionCloseInfo {
  /** `'client'` for close()/destroy(); `'reconnect-failed'` after the policy gave up; `'lost'` when reconnecting is off. */
  reason: 'client' | 'reconnect-failed' | 'lost';
  /** The last link error, if any. */
  error?: LibvirtManagerError | undefined;
}

/**
 * Connection-level signals (per the style guide, the only EventEmitter use in the SDK). A listener that throws does
 * not stop the others nor the connection (it keeps reconnecting): its error is logged, then rethrown on the next tick
 * as an uncaught exception.
 */
export interface LibvirtConnectionEvents {
  /** The first link is open. */
  open: [];
  /** The link was lost; attempt `attempt` starts after `delay` ms. */
  reconnecting: [info: { attempt: number; delay: number; error: LibvirtManagerError | undefined }];
  /** The link is back and every event subscription was re-registered: resync what you derive from events. */
  reconnected: [info: { attempt: number; reconnects: number }];
  /** The connection ended for good. */
  close: [info: ConnectionCloseInfo];
  /** A non-fatal failure (a reconnect attempt failed). Only emitted when someone listens. */
  error: [error: LibvirtManagerError];
  /** Every state change of the connection machine. */
  state: [state: ConnectionState];
}

/** A connection's counters (`LibvirtConnection.stats`), for metrics. */
export interface ConnectionStats {
  /** The connection machine's state. */
  state: ConnectionState;
  /** Calls sent on the current link whose caller still waits for the reply. */
  callsInFlight: number;
  /** Calls given up on (aborted, timed out) whose reply is still due. */
  abandonedCalls: number;
  /** Times the link was re-established. */
  reconnects: number;
  /** Events received from the daemon and decoded, since the connection opened (across reconnects). */
  eventsReceived: number;
  /** Events lost by subscriptions whose buffer was full, summed over every subscription. */
  eventsDropped: number;
}
