import { assign, setup } from 'xstate';

/** States of a {@link LibvirtConnection}. */
export type ConnectionState = 'disconnected' | 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

/** Events the connection machine accepts; past-tense names are facts the connection observed. */
export type ConnectionMachineEvent =
  | { type: 'open' }
  | { type: 'link.opened' }
  | { type: 'link.failed' }
  | { type: 'link.lost' }
  | { type: 'reconnect.attempt'; attempt: number; delay: number }
  | { type: 'reconnect.succeeded' }
  | { type: 'reconnect.exhausted' }
  | { type: 'close' }
  | { type: 'closed' };

/** Context of the connection machine. */
export interface ConnectionMachineContext {
  /** Reconnect attempts made since the link was lost. */
  attempt: number;
  /** Times the link was re-established over the connection's life. */
  reconnects: number;
}

/**
 * The connection's lifecycle as an XState machine:
 * `disconnected → connecting → open → reconnecting → closing → closed`.
 *
 * The machine is the single source of truth for the connection state and
 * refuses impossible transitions; `LibvirtConnection` performs the effects
 * (dialing, handshake, backoff timers) under a mutex and reports their
 * outcome as events. `docs/connection.md` draws it.
 */
export const connectionMachine = setup({
  types: {
    context: {} as ConnectionMachineContext,
    events: {} as ConnectionMachineEvent,
  },
  actions: {
    countAttempt: assign({
      attempt: ({ event }) => (event.type === 'reconnect.attempt' ? event.attempt : 0),
    }),
    resetAttempts: assign({ attempt: 0 }),
    countReconnect: assign({ reconnects: ({ context }) => context.reconnects + 1, attempt: 0 }),
  },
}).createMachine({
  id: 'connection',
  initial: 'disconnected',
  context: { attempt: 0, reconnects: 0 },
  states: {
    disconnected: {
      on: { open: 'connecting', close: 'closed' },
    },
    connecting: {
      on: {
        'link.opened': 'open',
        'link.failed': 'closed',
        close: 'closing',
      },
    },
    open: {
      on: {
        'link.lost': { target: 'reconnecting', actions: 'resetAttempts' },
        // A lost link without a reconnect policy ends the connection.
        closed: 'closed',
        close: 'closing',
      },
    },
    reconnecting: {
      on: {
        'reconnect.attempt': { actions: 'countAttempt' },
        'reconnect.succeeded': { target: 'open', actions: 'countReconnect' },
        'reconnect.exhausted': 'closed',
        close: 'closing',
      },
    },
    closing: {
      on: { closed: 'closed' },
    },
    closed: { type: 'final' },
  },
});
