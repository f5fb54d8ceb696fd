import { AsyncLocalStorage } from 'node:async_hooks';
import { Mutex, type MutexInterface } from 'async-mutex';
import type { Budget } from './budget.js';

interface Entry {
  readonly mutex: Mutex;
  /** Holders plus waiters (including waiters that gave up but whose acquire is still queued). */
  users: number;
}

/** The locks the current async flow holds (a lock taken by an outer operation is held by every step inside it). */
const held = new AsyncLocalStorage<ReadonlySet<VmLocks['id']>>();
let nextId = 0;

/**
 * The one per-VM queue of a connection: a FIFO mutex per VM (keyed by
 * `vmKey`). Operations on one VM run one after the other in call order;
 * different VMs run in parallel. Every module — lifecycle, destroyer,
 * creator, state registry — queues here, so a command sent through the
 * registry, a lifecycle call made directly and a teardown are serialised
 * with each other.
 *
 * Re-entrant within one async flow: an operation that holds a VM's lock and
 * calls another operation on the same VM (the registry running a command,
 * a teardown stopping the VM) runs it inside its turn instead of deadlocking.
 *
 * Waiting counts against the caller's budget: when it runs out or the signal
 * aborts, the caller gets `TimeoutError`/`AbortError`, its place in the queue
 * is given up as soon as it is reached, and nothing was sent. Entries are
 * removed when nobody holds or waits for them.
 */
export class VmLocks {
  readonly #entries = new Map<string, Entry>();
  readonly id = `l${nextId++}:`;

  /** VMs with an operation running or queued. */
  get size(): number {
    return this.#entries.size;
  }

  /** Operations running or queued on `key`. */
  users(key: string): number {
    return this.#entries.get(key)?.users ?? 0;
  }

  /** `true` when the current async flow holds `key`'s lock. */
  holds(key: string): boolean {
    return held.getStore()?.has(this.id + key) === true;
  }

  /** Run `body` while holding `key`'s lock (at once when this flow holds it already). */
  async run<T>(key: string, budget: Budget, body: () => Promise<T>): Promise<T> {
    if (this.holds(key)) return body();
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { mutex: new Mutex(), users: 0 };
      this.#entries.set(key, entry);
    }
    entry.users++;
    const mine = entry;
    const acquiring = mine.mutex.acquire();
    let release: MutexInterface.Releaser;
    try {
      release = await budget.race(acquiring, 'waiting for another operation on this VM to finish');
    } catch (error) {
      // Gave up: hand the lock on the moment it would have been ours.
      void acquiring.then((r) => {
        r();
        this.#leave(key, mine);
      });
      throw error;
    }
    try {
      const outer = held.getStore();
      return await held.run(new Set([...(outer ?? []), this.id + key]), body);
    } finally {
      release();
      this.#leave(key, mine);
    }
  }

  #leave(key: string, entry: Entry): void {
    entry.users--;
    if (entry.users === 0 && this.#entries.get(key) === entry) this.#entries.delete(key);
  }
}

/** One lock table per connection for the whole process, however the modules using it were built. */
const tables = new WeakMap<object, VmLocks>();

/** The per-VM locks of `connection` (made on first use). */
export function locksOf(connection: object): VmLocks {
  let locks = tables.get(connection);
  if (locks === undefined) {
    locks = new VmLocks();
    tables.set(connection, locks);
  }
  return locks;
}
