/**
 * Progress of a long job (a block job, a backup, a migration), delivered two
 * ways from one source: an `onProgress` callback and an async iterator. Each
 * module that runs a job feeds one {@link ProgressFeed}; users read whichever
 * form suits them.
 */

/** Called with each progress report; an exception it throws is caught and ignored (a bad callback never fails the job). */
export type ProgressCallback<P> = (progress: P) => void;

/**
 * One job's progress reports. `push` never blocks the job: an iterator that
 * is not read keeps only the newest report (progress is a level, not a log),
 * so a slow or absent reader costs no memory.
 */
export class ProgressFeed<P> implements AsyncIterable<P> {
  readonly #callback: ProgressCallback<P> | undefined;
  #latest: { value: P } | undefined;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;
  #last: P | undefined;

  constructor(callback?: ProgressCallback<P>) {
    this.#callback = callback;
  }

  /** The last report pushed, if any. */
  get last(): P | undefined {
    return this.#last;
  }

  /** Whether the job has ended (its iterator finishes after the last report). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Report progress. Ignored after {@link end}. */
  push(progress: P): void {
    if (this.#ended) return;
    this.#last = progress;
    this.#latest = { value: progress };
    try {
      this.#callback?.(progress);
    } catch {
      // The caller's callback is theirs to fix; the job goes on.
    }
    this.#signal();
  }

  /** The job ended: iterators yield what is left and finish; with `error`, they throw it after. Idempotent. */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    if (error !== undefined) this.#failure = { error };
    this.#signal();
  }

  /**
   * End the feed when `job` settles, with its error when it fails; returns a
   * promise that settles as `job` does (after the feed ended).
   */
  endWith<R>(job: Promise<R>): Promise<R> {
    return job.then(
      (result) => {
        this.end();
        return result;
      },
      (error: unknown) => {
        this.end(error);
        throw error;
      },
    );
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /**
   * The reports as they come, newest only when the reader falls behind; ends
   * when the job ends (throwing the job's error, if it failed). One reader at a time.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<P> {
    for (;;) {
      if (this.#latest) {
        const { value } = this.#latest;
        this.#latest = undefined;
        yield value;
        continue;
      }
      if (this.#ended) {
        if (this.#failure) throw this.#failure.error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}
