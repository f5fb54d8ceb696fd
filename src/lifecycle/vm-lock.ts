import { Mutex, type MutexInterface } from 'async-mutex';
import type { Deadline } from './deadline.js';

interface Entry {
  readonly mutex: Mutex;
  /** Holders plus waiters (including waiters that gave up but whose acquire is still queued). */
  users: number;
}

/**
 * One FIFO mutex per VM (keyed by UUID): operations on the same VM run one
 * after the other, in call order; different VMs run in parallel. Entries are
 * removed as soon as nobody holds or waits for them, so the map does not grow
 * with the number of VMs ever touched.
 *
 * Waiting for the lock counts against the caller's deadline: when it expires
 * or the signal aborts, the caller gets `TimeoutError`/`AbortError`, its place
 * in the queue is released as soon as it is reached, and nothing was sent.
 */
export class VmLocks {
  readonly #entries = new Map<string, Entry>();

  /** VMs with an operation running or queued. */
  get size(): number {
    return this.#entries.size;
  }

  /** Operations running or queued on `key`. */
  users(key: string): number {
    return this.#entries.get(key)?.users ?? 0;
  }

  /** Run `body` while holding `key`'s lock. */
  async run<T>(key: string, deadline: Deadline, body: () => Promise<T>): Promise<T> {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { mutex: new Mutex(), users: 0 };
      this.#entries.set(key, entry);
    }
    entry.users++;
    const held = entry;
    const acquiring = held.mutex.acquire();
    let release: MutexInterface.Releaser;
    try {
      release = await deadline.race(acquiring, 'waiting for another operation on this VM to finish');
    } catch (error) {
      // Gave up: hand the lock on the moment it would have been ours.
      void acquiring.then((r) => {
        r();
        this.#leave(key, held);
      });
      throw error;
    }
    try {
      return await body();
    } finally {
      release();
      this.#leave(key, held);
    }
  }

  #leave(key: string, entry: Entry): void {
    entry.users--;
    if (entry.users === 0 && this.#entries.get(key) === entry) this.#entries.delete(key);
  }
}
