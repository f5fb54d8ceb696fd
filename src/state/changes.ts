import { type DomainRef, EventSubscription, type SubscriptionBufferOptions, domainMatcher } from '../connection/internal.js';
import type { VmChange } from './snapshot.js';

/**
 * Options of `registry.changes()`.
 * @example registry.changes({ vm: 'web1', bufferSize: 100, overflow: 'drop-oldest', signal })
 * @see EventSubscription
 */
export interface ChangesOptions extends SubscriptionBufferOptions {
  /** Ends the iteration (quietly). */
  signal?: AbortSignal;
  /** Only changes of this VM (name, UUID or reference). */
  vm?: string | DomainRef;
}

/**
 * A synchronous listener of every change (registry internals: waiters, queues).
 * @example const off = feed.listen((change) => console.log(change.current.state));
 * @see ChangeFeed.listen
 */
export type ChangeListener = (change: VmChange) => void;

/**
 * A predicate matching changes of one VM given by name, UUID or reference.
 * @example const mine = vmMatcher('web1'); mine(change)
 * @throws {@link InvalidArgumentError} for an empty name or a non-object reference
 * @see domainMatcher
 */
export function vmMatcher(vm: string | DomainRef): (change: VmChange) => boolean {
  const matches = domainMatcher(vm, 'vm');
  return (change) => matches(change.current.domain);
}

/**
 * Fans the registry's changes out to async iterables (each with its own
 * bounded buffer, so a slow consumer never stalls the registry) and to
 * synchronous internal listeners.
 * @example
 * const feed = new ChangeFeed();
 * const changes = feed.subscribe({ vm: 'web1' });
 * feed.publish(change);
 * @throws never (listeners' errors are swallowed; bad options throw from `subscribe`)
 * @see VmRegistry.changes
 */
export class ChangeFeed {
  readonly #listeners = new Set<ChangeListener>();
  /** Each iterable with its VM filter (`null`: every VM). */
  readonly #subscriptions = new Map<EventSubscription<VmChange>, ((change: VmChange) => boolean) | null>();

  /** `true` when someone listens. */
  get active(): boolean {
    return this.#listeners.size > 0 || this.#subscriptions.size > 0;
  }

  /**
   * A bounded async iterable of changes.
   * @example for await (const change of feed.subscribe({ bufferSize: 100 })) console.log(change.current.state);
   * @throws {@link InvalidArgumentError} for bad buffer options or a bad `vm`
   * @see EventSubscription
   */
  subscribe(options: ChangesOptions = {}): EventSubscription<VmChange> {
    const matches = options.vm === undefined ? null : vmMatcher(options.vm);
    const subscription: EventSubscription<VmChange> = new EventSubscription<VmChange>({
      bufferSize: options.bufferSize ?? 4096,
      ...(options.overflow === undefined ? {} : { overflow: options.overflow }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onEnd: () => this.#subscriptions.delete(subscription),
    });
    if (!subscription.ended) this.#subscriptions.set(subscription, matches);
    return subscription;
  }

  /** Add a synchronous listener; returns its removal. */
  listen(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Deliver one change to everyone. A throwing listener never stops the others. */
  publish(change: VmChange): void {
    for (const [subscription, matches] of this.#subscriptions) if (matches === null || matches(change)) subscription.push(change);
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /** End every iterable (with `error`, if given, after their buffered changes). */
  endAll(error?: unknown): void {
    for (const subscription of [...this.#subscriptions.keys()]) subscription.end(error);
    this.#subscriptions.clear();
  }
}
