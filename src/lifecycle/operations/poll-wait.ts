import type { DomainRef, KnownEventType } from '../../connection/index.js';
import { type LifecycleContext, log } from '../context.js';
import type { Deadline } from '../deadline.js';

/**
 * Run `probe` now, then again every `pollInterval` ms and whenever libvirt
 * sends one of `types` about the VM, until it returns a value; within
 * `deadline` (its `TimeoutError`/`AbortError` name `what`). Without events
 * (the daemon refused the subscription) it only polls. `probe` throws to end
 * the wait with an error.
 */
export async function pollUntil<T>(
  ctx: LifecycleContext,
  ref: DomainRef,
  types: readonly KnownEventType[],
  pollInterval: number,
  deadline: Deadline,
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const stop = new AbortController();
  // An object, so TypeScript sees the wait below set it and the event loop call it.
  const waker: { wake: (() => void) | null } = { wake: null };
  try {
    const events = ctx.connection.events({ types, domain: ref, signal: stop.signal });
    void (async () => {
      for await (const _event of events) waker.wake?.();
    })().catch(() => undefined);
  } catch (error) {
    log(ctx.logger, 'debug', `no events while ${what}: polling only`, { domain: ref.name, error: String(error) });
  }
  try {
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      deadline.check(what);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          waker.wake = null;
          deadline.signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(pollInterval, deadline.remaining()));
        waker.wake = done;
        deadline.signal?.addEventListener('abort', done, { once: true });
      });
      deadline.check(what);
    }
  } finally {
    stop.abort();
  }
}
