/** The steps of a graceful close, as the client performs them. */
export interface CloseSteps {
  /** Resolves once no caller waits for a reply. */
  idle(): Promise<void>;
  /** Send CONNECT_CLOSE: `true` once the daemon answered it, `false` when it failed (a teardown fails it too). */
  goodbye(): Promise<boolean>;
  /** End our side of the socket and resolve when it closed. */
  hangUp(): Promise<void>;
  /** Destroy the connection; always the last step, run once. */
  teardown(): void;
}

/**
 * Close gracefully within `timeout` ms (and until `signal` aborts): wait
 * for the calls in flight, say goodbye with CONNECT_CLOSE, then tear down.
 *
 * Once CONNECT_CLOSE is answered the daemon has read all we sent and sends
 * nothing more but its hang-up, so the teardown destroys the socket at once,
 * as libvirt's and go-libvirt's clients do, instead of `end()` and a wait for
 * the peer's FIN (one more wake-up, a third of the client CPU of a close).
 * Without an answer (an older peer, an error) it ends gracefully and waits for
 * the hang-up. Past the deadline, or on abort, it tears down at once (which
 * fails whatever step is waiting). One timer and at most one listener, both
 * released at the teardown: no AbortController, no `AbortSignal.timeout()`
 * left alive after the close.
 */
export function closeGracefully(steps: CloseSteps, timeout: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      steps.teardown();
      resolve();
    };
    const timer = setTimeout(finish, timeout);
    if (signal?.aborted === true) return finish();
    signal?.addEventListener('abort', finish, { once: true });
    steps
      .idle()
      .then(() => (done ? true : steps.goodbye()))
      .then((said) => (done || said ? undefined : steps.hangUp()))
      .then(finish, finish);
  });
}
