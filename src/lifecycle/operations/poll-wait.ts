import type { DomainRef, KnownEventType } from '../../connection/internal.js';
import { type Budget, type WaitTrigger, waitUntil } from '../../runtime/index.js';
import { type LifecycleContext, log } from '../context.js';

/**
 * The lifecycle's use of the one `waitUntil`: run `probe` now, then again
 * every `pollInterval` ms and whenever libvirt sends one of `types` about the
 * VM, until it returns a value; within `budget` (its `TimeoutError` /
 * `AbortError` name `what`). Without events (the daemon refused the
 * subscription) it only polls. `probe` throws to end the wait with an error.
 */
export function pollUntil<T>(
  ctx: LifecycleContext,
  ref: DomainRef,
  types: readonly KnownEventType[],
  pollInterval: number,
  budget: Budget,
  what: string | (() => string),
  probe: (trigger: WaitTrigger) => Promise<T | undefined>,
): Promise<T> {
  return waitUntil({
    budget,
    what,
    probe,
    pollInterval,
    subscribe: (wake) => {
      const stop = new AbortController();
      try {
        const events = ctx.connection.events({ types, domain: ref, signal: stop.signal });
        void (async () => {
          for await (const _event of events) wake();
        })().catch(() => undefined);
      } catch (error) {
        log(ctx.logger, 'debug', 'no events while waiting: polling only', { domain: ref.name, error: String(error) });
      }
      return () => stop.abort();
    },
  });
}
