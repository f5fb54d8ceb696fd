import type { EventEmitter } from 'node:events';
import { type Logger, log } from '../rpc/logger.js';

/**
 * Emit from inside the SDK. Each listener runs on its own: one that throws
 * (the user's bug) neither stops the others (the SDK's own among them) nor
 * unwinds into the reconnect loop or close(), as a plain `emit` would. Its
 * error is logged, then thrown again on the next tick, where Node reports
 * it as an uncaught exception, as it would any listener's bug it cannot
 * give back to a caller.
 */
export function emitToEach(emitter: EventEmitter, event: string, args: unknown[], logger: Logger | undefined): void {
  // rawListeners: a `once` wrapper removes itself when called, as emit() would have it.
  for (const listener of emitter.rawListeners(event)) {
    try {
      (listener as (...a: unknown[]) => unknown).apply(emitter, args);
    } catch (error) {
      log(logger, 'error', 'a connection event listener threw', { event, error: String(error) });
      process.nextTick(() => {
        throw error;
      });
    }
  }
}
