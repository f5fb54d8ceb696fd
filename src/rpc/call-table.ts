import { AbortError, type ConnectionClosedError, type LibvirtManagerError, TimeoutError } from '../errors/index.js';
import { AbandonedCalls, type LateReply } from './abandoned-calls.js';
import { copyClosed } from './call-errors.js';
import type { MessageHeader } from './protocol/header.js';
import type { PendingCall } from './pending-call.js';

/**
 * The calls of one connection: those whose caller still waits (serial →
 * {@link PendingCall}), those given up on whose reply is still due (serial →
 * descriptor only, see {@link AbandonedCalls}), the serial counter, and who
 * waits for the table to empty (a graceful close). Every way out of the
 * table (answered, abandoned, connection lost) clears the call's timer and
 * abort listener here, once.
 */
export class CallTable {
  readonly #pending = new Map<number, PendingCall>();
  readonly #abandoned = new AbandonedCalls();
  #serial = 0;
  #idleWaiters: Array<() => void> = [];

  /** Calls whose caller still waits. */
  get size(): number {
    return this.#pending.size;
  }

  /** Calls given up on whose reply is still due. */
  get abandonedSize(): number {
    return this.#abandoned.size;
  }

  /** The live call of `serial`, if any. */
  get(serial: number): PendingCall | undefined {
    return this.#pending.get(serial);
  }

  /** `true` while a caller waits for the reply of `serial`. */
  has(serial: number): boolean {
    return this.#pending.has(serial);
  }

  /** The next serial no call (live or abandoned) nor stream (`inUse`) holds. Serials are 32-bit and echoed back. */
  nextSerial(inUse: (serial: number) => boolean): number {
    do {
      this.#serial = (this.#serial + 1) >>> 0;
    } while (this.#serial === 0 || this.#pending.has(this.#serial) || this.#abandoned.has(this.#serial) || inUse(this.#serial));
    return this.#serial;
  }

  /**
   * Enter a sent call: its deadline (`timeout` ms, 0 for none) and its
   * `signal` give up on it through `giveUp`, which should {@link abandon} it.
   */
  track(
    serial: number,
    pending: PendingCall,
    timeout: number,
    signal: AbortSignal | undefined,
    giveUp: (serial: number, error: LibvirtManagerError) => void,
  ): void {
    const { name } = pending.procedure;
    if (timeout > 0)
      pending.timer = setTimeout(() => giveUp(serial, new TimeoutError(timeout, `${name} timed out after ${timeout} ms`)), timeout);
    if (signal !== undefined) {
      const onAbort = (): void => giveUp(serial, new AbortError(`${name} aborted`, { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      pending.cleanup = () => signal.removeEventListener('abort', onAbort);
    }
    this.#pending.set(serial, pending);
  }

  /** Take an answered call out of the table (its reply was checked against it first). */
  remove(serial: number, pending: PendingCall): void {
    this.#pending.delete(serial);
    this.#settled(pending);
  }

  /**
   * Give up on a live call: it leaves the table, only its descriptor is kept
   * for the late reply. `undefined` when the call is no longer live;
   * `withinBound: false` when the link must be declared broken.
   */
  abandon(serial: number): { pending: PendingCall; withinBound: boolean } | undefined {
    const pending = this.#pending.get(serial);
    if (pending === undefined) return undefined;
    this.#pending.delete(serial);
    this.#settled(pending);
    return { pending, withinBound: this.#abandoned.add(serial, pending.procedure, pending.stream !== undefined) };
  }

  /** The abandoned call a reply with no live call answers (checked as strictly). @throws {@link ProtocolError} */
  takeLate(header: MessageHeader): LateReply {
    return this.#abandoned.take(header);
  }

  /** Resolves once no caller waits (at once when none does). */
  whenIdle(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** The connection is gone: every live call rejects with its own copy of `error()`; abandoned ones are forgotten. */
  failAll(error: () => ConnectionClosedError): void {
    this.#abandoned.clear();
    if (this.#pending.size === 0) return;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    const closed = error();
    for (const call of pending) {
      this.#settled(call);
      // One error object per caller, so re-captured stacks never clash.
      call.reject(copyClosed(closed));
    }
  }

  #settled(pending: PendingCall): void {
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    pending.cleanup?.();
    if (this.#pending.size === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
