import type { LibvirtManagerError } from '../errors/index.js';
import type { ConnectionState } from './machine.js';

/** Why a connection ended, as announced by its `close` event. */
export interface ConnectionCloseInfo {
  /** `'client'` for close()/destroy(); `'reconnect-failed'` after the policy gave up; `'lost'` when reconnecting is off. */
  reason: 'client' | 'reconnect-failed' | 'lost';
  /** The last link error, if any. */
  error?: LibvirtManagerError | undefined;
}

/** Connection-level signals (per the style guide, the only EventEmitter use in the SDK). */
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
