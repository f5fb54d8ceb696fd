import { ErrorCode, InvalidArgumentError, checkKeys, suggestKeys, type KnownKeys } from '../../errors/index.js';
import { CALL_OPTION_KEYS, type CallOptions, type DomainRef } from '../../rpc/index.js';
import { domainMatcher } from '../resources/refs.js';
import type { EventHub, HubListener } from './event-hub.js';
import {
  DEFAULT_EVENT_TYPES,
  EVENT_TYPES,
  type EventKey,
  type LibvirtEvent,
  canonicalEventType,
  eventKeyOf,
  subscriptionTypeOf,
} from './event-types.js';
import { EventSubscription, type SubscriptionBufferOptions } from './subscription.js';

/** Options of `connection.events()`. */
export interface EventsOptions extends SubscriptionBufferOptions {
  /**
   * Event types to receive, e.g. `['domain.lifecycle', 'network.lifecycle']`;
   * any domain event is also available as `domain.<libvirt id name>`
   * (`'domain.rtc_change'`). `connection.*` events are always delivered.
   * @default DEFAULT_EVENT_TYPES
   */
  types?: readonly string[];
  /** Only events about this domain (name, UUID, or a reference). */
  domain?: string | DomainRef;
  /** Ends the iteration (quietly) and deregisters. */
  signal?: AbortSignal;
  /** Options of the registration calls. */
  registration?: CallOptions;
}

/** The options `events()` takes: any other key is refused (`domian` would otherwise deliver every VM's events). */
const EVENTS_OPTION_KEYS = {
  types: true,
  domain: true,
  signal: true,
  registration: true,
  bufferSize: true,
  overflow: true,
} as const satisfies KnownKeys<EventsOptions>;

/** An event subscription plus a promise that settles once the daemon registered it. */
export type EventStream = EventSubscription<LibvirtEvent> & {
  /**
   * Resolves once every requested type is registered on the daemon — await it
   * before triggering the action you want to observe. Rejects (and ends the
   * subscription) if registration failed.
   */
  ready: Promise<void>;
};

/**
 * Build a subscription on the hub with local type and domain filters.
 * @throws InvalidArgumentError for bad options, or a key `events()` does not take (`unknown option 'domian'`)
 */
export function openEventSubscription(hub: EventHub, options: EventsOptions): EventStream {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object', { path: 'options' });
  checkKeys(options, EVENTS_OPTION_KEYS, '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  if (typeof options.registration === 'object' && options.registration !== null)
    checkKeys(options.registration, CALL_OPTION_KEYS, 'registration', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  const types = options.types ?? DEFAULT_EVENT_TYPES;
  if (!Array.isArray(types) || types.length === 0) {
    throw new InvalidArgumentError('types must be a non-empty array of event type names', { path: 'types' });
  }
  const keys: EventKey[] = [];
  for (const type of new Set(types)) {
    if (typeof type !== 'string')
      throw new InvalidArgumentError(`types must hold event type names (strings), got ${typeof type}`, { path: 'types' });
    const key = eventKeyOf(type);
    if (key === undefined) {
      const near = suggestKeys(type, Object.keys(EVENT_TYPES));
      const hint = near.length > 0 ? ` (did you mean ${near.map((n) => `'${n}'`).join(' or ')}?)` : '';
      throw new InvalidArgumentError(
        `unknown event type ${JSON.stringify(type)}${hint}: see EVENT_TYPES (libvirt-manager/connection), or 'domain.<libvirt event name>'`,
        { path: 'types' },
      );
    }
    keys.push(key);
  }
  const wanted = new Set(types.map(canonicalEventType));
  const matchesDomain = options.domain === undefined ? () => true : domainMatcher(options.domain);
  const subscription = new EventSubscription<LibvirtEvent>({
    ...(options.bufferSize === undefined ? {} : { bufferSize: options.bufferSize }),
    ...(options.overflow === undefined ? {} : { overflow: options.overflow }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onEnd: () => hub.remove(listener),
    onDrop: () => hub.countDropped(),
  });
  const listener: HubListener = {
    deliver(event) {
      if (event.type.startsWith('connection.')) {
        subscription.push(event);
        return;
      }
      if (!wanted.has(subscriptionTypeOf(event))) return;
      if ('domain' in event && !matchesDomain(event.domain)) return;
      subscription.push(event);
    },
    end(error) {
      subscription.end(error);
    },
  };
  const ready = subscription.ended
    ? Promise.resolve()
    : hub.add(listener, keys, options.registration ?? {}).catch((error: unknown) => {
        subscription.end(error);
        throw error;
      });
  // A caller who never awaits `ready` still sees the failure through iteration.
  ready.catch(() => undefined);
  return Object.assign(subscription, { ready });
}
