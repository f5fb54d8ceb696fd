import { AbortError } from '../errors/index.js';

/** How the client ends a stream: libvirt's `virStreamFinish` (an empty STREAM OK) or `virStreamAbort` (an empty STREAM ERROR). */
export type StreamEndKind = 'finish' | 'abort';

/** A `finish()` or `abort()` caller; `null`: the finish was confirmed. */
type Waiter = (unconfirmed: { reason: unknown } | null) => void;

/**
 * The end handshake of one stream: which end the client sent, and the
 * `finish()`/`abort()` callers waiting for it to settle. Kept apart from
 * the stream's packet handling because the rule is easy to get wrong in a way
 * that loses data silently: a `finish()` resolves only when the daemon
 * confirmed *that finish* (for an upload, libvirt has written every byte).
 * The daemon's confirmation of an abort, an abort released locally at its
 * deadline, or a failure all leave the finish unconfirmed, and its callers
 * get the reason. An `abort()` waiter is satisfied by any of them.
 */
export class StreamEnd {
  #sent: StreamEndKind | null = null;
  #confirmed = false;
  #waiters: Waiter[] = [];

  /** The end the client sent, if any. Only the first goes out: the daemon acts on it and closes the stream. */
  get sent(): StreamEndKind | null {
    return this.#sent;
  }

  /**
   * The daemon confirmed the finish the client sent: the data is complete,
   * whatever came after (an abort that raced the confirmation, a late
   * failure), so every later `finish()` resolves too.
   */
  get confirmed(): boolean {
    return this.#confirmed;
  }

  /** Record that `kind` is about to be sent; `false` (send nothing) when an end went out already. */
  send(kind: StreamEndKind): boolean {
    if (this.#sent !== null) return false;
    this.#sent = kind;
    return true;
  }

  /**
   * Wait until the end is settled ({@link StreamEnd.confirm} or {@link StreamEnd.release}).
   * @throws {@link AbortError} when `signal` fires first (the stream itself is left as it is)
   */
  wait(kind: StreamEndKind, signal?: AbortSignal): Promise<void> {
    const given = (): AbortError => new AbortError(`stream ${kind} aborted`, { cause: signal?.reason });
    if (signal?.aborted) return Promise.reject(given());
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(given());
      };
      const waiter: Waiter = (unconfirmed) => {
        signal?.removeEventListener('abort', onAbort);
        if (unconfirmed === null || kind === 'abort') resolve();
        else reject(unconfirmed.reason);
      };
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The daemon confirmed the finish the client sent: every waiter resolves. */
  confirm(): void {
    this.#confirmed = true;
    this.#settle(null);
  }

  /**
   * The stream ended without a confirmed finish: the daemon confirmed an
   * abort, an abort was released at its deadline, the daemon failed the
   * stream, or the connection was lost. `finish()` waiters reject with
   * `reason`; `abort()` waiters resolve.
   */
  release(reason: unknown): void {
    this.#settle({ reason });
  }

  #settle(unconfirmed: { reason: unknown } | null): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter(unconfirmed);
  }
}
