import { abortPromise } from './call-errors.js';
import { startDeadline } from './deadline.js';

/** The steps of a graceful close, as the client performs them. */
export interface CloseSteps {
  /** Resolves once no caller waits for a reply. */
  idle(): Promise<void>;
  /** Send CONNECT_CLOSE: `true` once the daemon answered it, `false` when it failed. */
  goodbye(signal: AbortSignal): Promise<boolean>;
  /** End our side of the socket and resolve when it closed. */
  hangUp(): Promise<void>;
  /** Destroy the connection; always the last step. */
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
 * the hang-up. Past the deadline, or on abort, it tears down at once.
 */
export async function closeGracefully(steps: CloseSteps, timeout: number, signal: AbortSignal | undefined): Promise<void> {
  // Released below: AbortSignal.timeout() would keep a timer alive per closed connection (deadline.ts).
  const deadline = startDeadline(timeout, signal, () => undefined);
  try {
    const aborted = abortPromise(deadline.signal);
    await Promise.race([steps.idle(), aborted]);
    if (!(await steps.goodbye(deadline.signal))) await Promise.race([steps.hangUp(), aborted]);
  } catch {
    // Deadline passed or caller aborted: fall through to the teardown.
  } finally {
    deadline.dispose();
    steps.teardown();
  }
}
