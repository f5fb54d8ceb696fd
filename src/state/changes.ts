import { type DomainRef, EventSubscription, InvalidArgumentError, type SubscriptionBufferOptions } from '../connection/index.js';
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
 * Normalise a UUID for lookups: lower case, no dashes.
 * @example uuidKey('6695EB01-F6A4-8304-79AA-97F2502E193F') // '6695eb01f6a4830479aa97f2502e193f'
 * @throws never
 * @see virDomainGetUUIDString
 */
export function uuidKey(uuid: string): string {
  return uuid.replace(/-/g, '').toLowerCase();
}

/**
 * `true` for a UUID in libvirt's accepted spellings (32 hex digits, dashes optional).
 * @example looksLikeUuid('6695eb01-f6a4-8304-79aa-97f2502e193f') // true
 * @throws never
 * @see virUUIDParse
 */
export function looksLikeUuid(value: string): boolean {
  return /^[0-9a-f]{32}$/i.test(value.replace(/-/g, ''));
}

/**
 * A predicate matching changes of one VM given by name, UUID or reference.
 * @example const mine = vmMatcher('web1'); mine(change)
 * @throws {@link InvalidArgumentError} for an empty name or a non-object reference
 * @see uuidKey
 */
export function vmMatcher(vm: string | DomainRef): (change: VmChange) => boolean {
  if (typeof vm === 'object' && vm !== null && typeof vm.uuid === 'string') {
    const key = uuidKey(vm.uuid);
    return (change) => uuidKey(change.current.domain.uuid) === key;
  }
  if (typeof vm !== 'string' || vm.length === 0) throw new InvalidArgumentError('vm must be a name, a UUID or a domain reference', { path: 'vm' });
  if (looksLikeUuid(vm)) {
    const key = uuidKey(vm);
    return (change) => uuidKey(change.current.domain.uuid) === key;
  }
  return (change) => change.current.domain.name === vm;
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
