import type { Budget } from './budget.js';

/** What made {@link waitUntil} look again. */
export type WaitTrigger = 'initial' | 'event' | 'poll';

/** Options of {@link waitUntil}. */
export interface WaitUntilOptions<T> {
  /** Time budget and signal; its `TimeoutError`/`AbortError` name `what`. */
  budget: Budget;
  /** What is waited for, for the errors (a function is asked when the error is made, e.g. to say the state reached). */
  what: string | (() => string);
  /** Look now: the value ends the wait, `undefined` goes on waiting; a throw ends it with that error. */
  probe: (trigger: WaitTrigger) => T | undefined | Promise<T | undefined>;
  /** Call `wake` whenever something happened that may end the wait; returns the unsubscribe. */
  subscribe: (wake: () => void) => () => void;
  /** Look again every this many ms even without a wake-up (omit: only on wake-ups). */
  pollInterval?: number;
}

/**
 * The one "wait until X" of the SDK: look now, then again on every wake-up
 * (a libvirt event, a registry change) and every `pollInterval` ms, until
 * `probe` answers or the budget runs out. Subscribed before the first look, so
 * a change between the look and the subscription is not missed. Used by
 * `waitForState`, `waitForAddresses` and `waitForAgent` of the lifecycle and
 * by the registry's `waitFor`.
 *
 * @throws `TimeoutError` / `AbortError` from the budget, or what `probe` throws
 */
export async function waitUntil<T>(options: WaitUntilOptions<T>): Promise<T> {
  const { budget, what, probe, subscribe, pollInterval } = options;
  const describe = (): string => (typeof what === 'string' ? what : what());
  let woken = false;
  let wakeWaiter: (() => void) | null = null;
  const unsubscribe = subscribe(() => {
    woken = true;
    wakeWaiter?.();
  });
  try {
    let trigger: WaitTrigger = 'initial';
    for (;;) {
      budget.check(describe());
      woken = false;
      const found = await probe(trigger);
      if (found !== undefined) return found;
      trigger = woken ? 'event' : await nextTrigger();
    }
  } finally {
    unsubscribe();
  }

  function nextTrigger(): Promise<WaitTrigger> {
    return budget.wait<WaitTrigger>(describe, (settle) => {
      const timer = pollInterval === undefined ? undefined : setTimeout(() => settle('poll'), Math.min(pollInterval, 2_147_483_647));
      wakeWaiter = () => settle('event');
      return () => {
        clearTimeout(timer);
        wakeWaiter = null;
      };
    });
  }
}
