import { AbortError } from '../errors/index.js';
import type { SparseChunk } from './stream-hole.js';

/** What a received hole counts for back-pressure: its packet payload, not its length. */
const HOLE_QUEUED_SIZE = 12;

/**
 * A stream's received chunks (data, and holes on sparse streams) waiting for
 * the reader, with the back-pressure on the socket they share: past the
 * high-water mark the socket is paused, and it resumes once the reader has
 * drained half of it. One stream's slow reader pauses the whole connection,
 * so the pause is only ever asked for while the reader can still catch up.
 * Readers waiting for a chunk wait here too (usually one; each call of
 * `read()` that waits is woken, so none is left behind by another).
 */
export class StreamInbox {
  #chunks: SparseChunk[] = [];
  #bytes = 0;
  #paused = false;
  #waiters = new Set<() => void>();
  readonly #highWaterMark: number;
  readonly #pause: () => void;
  readonly #resume: () => void;

  /** `pause`/`resume` stop and restart reading the socket. */
  constructor(highWaterMark: number, pause: () => void, resume: () => void) {
    this.#highWaterMark = highWaterMark;
    this.#pause = pause;
    this.#resume = resume;
  }

  /** The next chunk, left in place. */
  get head(): SparseChunk | undefined {
    return this.#chunks[0];
  }

  push(chunk: SparseChunk): void {
    this.#chunks.push(chunk);
    this.#bytes += sizeOf(chunk);
  }

  /** Pause the socket when more than the high-water mark waits. */
  pauseIfFull(): void {
    if (!this.#paused && this.#bytes > this.#highWaterMark) {
      this.#paused = true;
      this.#pause();
    }
  }

  /** Take the next chunk; the socket resumes once half the high-water mark is left. */
  shift(): SparseChunk | undefined {
    const chunk = this.#chunks.shift();
    if (chunk !== undefined) {
      this.#bytes -= sizeOf(chunk);
      if (this.#paused && this.#bytes <= this.#highWaterMark / 2) this.resume();
    }
    return chunk;
  }

  /**
   * Wait until {@link StreamInbox.wake}: a chunk arrived, or the stream ended.
   * @throws {@link AbortError} when `signal` fires first
   */
  waitForChunk(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortError('stream read aborted', { cause: signal.reason }));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters.delete(waiter);
        reject(new AbortError('stream read aborted', { cause: signal?.reason }));
      };
      const waiter = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Let the waiting readers look again (a chunk, the end of data, an abort, a failure). */
  wake(): void {
    if (this.#waiters.size === 0) return;
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const waiter of waiters) waiter();
  }

  /** Drop everything waiting (an abort). */
  clear(): void {
    this.#chunks = [];
    this.#bytes = 0;
  }

  /** Resume the socket if this inbox paused it. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#resume();
  }
}

function sizeOf(chunk: SparseChunk): number {
  return Buffer.isBuffer(chunk) ? chunk.length : HOLE_QUEUED_SIZE;
}
