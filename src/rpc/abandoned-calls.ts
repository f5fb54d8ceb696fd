import { ConnectionClosedError } from '../errors/index.js';
import type { MessageHeader } from './protocol/header.js';
import type { Procedure } from './protocol/procedure.js';
import { checkReply } from './pending-call.js';

/**
 * Most calls given up on (aborted or timed out) whose reply is still due that
 * one connection remembers. Each costs one map entry pointing at its shared
 * descriptor (tens of bytes), so the record stays under a megabyte. A daemon
 * that leaves this many calls unanswered is not coming back for them (a
 * healthy libvirtd answers thousands of calls a second, and reads at most
 * `max_client_requests` = 5 at a time from one client): the client then
 * declares the link broken rather than remember more.
 */
export const MAX_ABANDONED_CALLS = 10_000;

/** Why the link is declared broken when {@link AbandonedCalls.add} reports the bound passed. */
export function tooManyAbandonedError(): ConnectionClosedError {
  return new ConnectionClosedError(
    'unresponsive',
    `the daemon left more than ${MAX_ABANDONED_CALLS} calls unanswered after they were aborted or timed out; declaring the link broken`,
  );
}

/** What a late reply turned out to answer. */
export interface LateReply {
  readonly procedure: Procedure<unknown, unknown>;
  /** The call opened a stream (its caller gave up before the daemon accepted it). */
  readonly stream: boolean;
}

/**
 * The compact record of abandoned calls: serial → descriptor. The caller was
 * answered already (with its `AbortError` or `TimeoutError`) and everything
 * else of the call (promise, closures, timer, error) is gone; this is just
 * enough to check the late reply as strictly as a live one (program, version,
 * procedure) and drop it.
 */
export class AbandonedCalls {
  readonly #calls = new Map<number, Procedure<unknown, unknown>>();
  /** Serials of abandoned calls that open a stream (rare: kept apart so the main map holds bare descriptors). */
  readonly #streams = new Set<number>();

  /** Calls remembered. */
  get size(): number {
    return this.#calls.size;
  }

  /** `true` when `serial` belongs to an abandoned call (so it is not reused). */
  has(serial: number): boolean {
    return this.#calls.has(serial);
  }

  /**
   * Remember an abandoned call.
   * @returns `false` when the record is past {@link MAX_ABANDONED_CALLS}: the caller must close the link
   */
  add(serial: number, procedure: Procedure<unknown, unknown>, stream: boolean): boolean {
    this.#calls.set(serial, procedure);
    if (stream) this.#streams.add(serial);
    return this.#calls.size <= MAX_ABANDONED_CALLS;
  }

  /**
   * Take the abandoned call a reply (for a serial no live call has) answers,
   * after checking the reply against it as strictly as a live one.
   * @throws {@link ProtocolError} when no abandoned call has that serial
   *   either, or the header does not match the call (see `checkReply`)
   */
  take(header: MessageHeader): LateReply {
    const procedure = this.#calls.get(header.serial);
    checkReply(procedure, header);
    this.#calls.delete(header.serial);
    const stream = this.#streams.delete(header.serial);
    return { procedure, stream };
  }

  /** Forget everything (the connection closed). */
  clear(): void {
    this.#calls.clear();
    this.#streams.clear();
  }
}
