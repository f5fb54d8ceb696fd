import { AbortError, TimeoutError } from '../../errors/index.js';
import {
  type CallOptions,
  type Logger,
  type MessageHeader,
  REMOTE_PROGRAM,
  checkDuration,
  decodeEvent,
  raceDeadline,
} from '../../rpc/index.js';
import { log } from '../../rpc/logger.js';
import type { EventKey, LibvirtEvent } from './event-types.js';
import { toLibvirtEvent } from './decode-event.js';
import { CLOSE_KEY, type HubCall, type HubKey, deregisterOnDaemon, registerOnDaemon } from './daemon-registration.js';

/** A local consumer of events. */
export interface HubListener {
  /** Receive an event (must not block). */
  deliver(event: LibvirtEvent): void;
  /** The connection ended for good. */
  end(error: unknown): void;
}

interface Registration {
  readonly key: HubKey;
  readonly id: string;
  /** Server-assigned id on the current link, once registered. */
  callbackID: number | null;
  /** Registration in progress (shared by concurrent subscribers). */
  ready: Promise<void> | null;
  readonly listeners: Set<HubListener>;
}

function keyId(key: HubKey): string {
  return `${key.family}:${key.eventId}`;
}

/**
 * Multiplexes event subscriptions over one connection: each event type is
 * registered on the daemon once, for all objects, no matter how many local
 * listeners want it; messages are routed by callback id and fanned out
 * locally. After a reconnect every active registration is replayed (the old
 * callback ids died with the old socket).
 */
export class EventHub {
  readonly #call: HubCall;
  readonly #logger: Logger | undefined;
  readonly #registrations = new Map<string, Registration>();
  readonly #byCallbackId = new Map<number, Registration>();
  /**
   * Deregistrations in flight, by type. A new registration of the type waits
   * for its own: libvirtd refuses a second callback for one event on a
   * connection ("event callback already tracked") and runs a client's calls
   * on several workers, so a register sent right behind the deregister could
   * run first (observed on libvirt 9.0.0: 16 of 200 quick re-subscriptions).
   */
  readonly #leaving = new Map<string, Promise<void>>();
  /**
   * Aborted when the link is replaced: a deregistration still waiting for a
   * link names a callback of the old one, and callback ids repeat across
   * links (libvirtd 9.0.0 gave a fresh connection's first callback id 0; a
   * restarted daemon counts from scratch), so on the new link it could
   * remove another one.
   */
  #linkEpoch = new AbortController();
  /** Listeners that also want connection-level events (reconnected). */
  readonly #all = new Set<HubListener>();
  #received = 0;
  #dropped = 0;

  constructor(call: HubCall, logger?: Logger) {
    this.#call = call;
    this.#logger = logger;
  }

  /** Events received from the daemon and decoded (connection-level events included), since the connection opened. */
  get received(): number {
    return this.#received;
  }

  /** Events lost by subscriptions whose buffer was full, summed over every subscription. */
  get dropped(): number {
    return this.#dropped;
  }

  /** @internal A subscription dropped an event. */
  countDropped(): void {
    this.#dropped++;
  }

  /** Event types currently registered (or being registered) on the daemon. */
  get activeKeys(): EventKey[] {
    return [...this.#registrations.values()].flatMap((r) => (r.key.family === 'connection' ? [] : [r.key]));
  }

  /**
   * Add `listener` for `keys`, registering on the daemon what is not yet
   * registered. If a registration fails, the listener is removed from every
   * key again and the error is thrown.
   *
   * `options` bound only this caller's wait. The registration calls run
   * without them: a registration is shared with every listener of its type,
   * so one caller giving up must not fail it for the others, and an
   * abandoned call the daemon completes anyway would leave a callback on the
   * daemon that nobody deregisters. Finished with nobody listening, it is
   * deregistered (see `#register`).
   */
  async add(listener: HubListener, keys: readonly EventKey[], options: CallOptions = {}): Promise<void> {
    const timeout = checkDuration(options.timeout, 'timeout') ?? 0;
    const { signal } = options;
    if (signal?.aborted === true) throw new AbortError('event registration aborted before it was sent', { cause: signal.reason });
    this.#all.add(listener);
    const regs = [...keys, CLOSE_KEY].map((key) => this.#registration(key));
    for (const reg of regs) reg.listeners.add(listener);
    try {
      await raceDeadline(Promise.all(regs.map((reg) => this.#ensureRegistered(reg, {}))), timeout, signal, {
        timeout: () => new TimeoutError(timeout, `event registration timed out after ${timeout} ms`),
        abort: () => new AbortError('event registration aborted', { cause: signal?.reason }),
      });
    } catch (error) {
      this.remove(listener);
      throw error;
    }
  }

  /** Remove `listener`; types nobody listens to any more are deregistered on the daemon. */
  remove(listener: HubListener): void {
    this.#all.delete(listener);
    for (const reg of [...this.#registrations.values()]) {
      if (!reg.listeners.delete(listener) || reg.listeners.size > 0) continue;
      this.#registrations.delete(reg.id);
      const callbackID = reg.callbackID;
      if (callbackID !== null) {
        this.#byCallbackId.delete(callbackID);
        this.#deregister(reg, callbackID, this.#call);
      } else if (reg.ready !== null) {
        // Still registering: it is undone once it lands (see #register); the next registration waits for that.
        this.#leave(reg.id, reg.ready.then(noop, noop));
      }
    }
  }

  /** Deregister `callbackID` of `reg`'s type, best effort (if the link is gone, the daemon already dropped it). */
  #deregister(reg: Registration, callbackID: number, call: HubCall): Promise<void> {
    const options = { timeout: 10_000, signal: this.#linkEpoch.signal };
    const done = deregisterOnDaemon(call, reg.key, callbackID, options).then(
      () => undefined,
      (error: unknown) => log(this.#logger, 'debug', 'event deregistration failed', { key: reg.id, error: String(error) }),
    );
    this.#leave(reg.id, done);
    return done;
  }

  /** Record `done` as the way out of type `id` that a new registration of it waits for. */
  #leave(id: string, done: Promise<void>): void {
    this.#leaving.set(id, done);
    void done.then(() => {
      if (this.#leaving.get(id) === done) this.#leaving.delete(id);
    });
  }

  #registration(key: HubKey): Registration {
    const id = keyId(key);
    let reg = this.#registrations.get(id);
    if (reg === undefined) {
      reg = { key, id, callbackID: null, ready: null, listeners: new Set() };
      this.#registrations.set(id, reg);
    }
    return reg;
  }

  #ensureRegistered(reg: Registration, options: CallOptions, call: HubCall = this.#call): Promise<void> {
    if (reg.callbackID !== null) return Promise.resolve();
    if (reg.ready === null) {
      // A replay replaces `ready` while an older registration may still run: that one must not clear the new one.
      const ready: Promise<void> = this.#register(reg, options, call).finally(() => {
        if (reg.ready === ready) reg.ready = null;
      });
      reg.ready = ready;
    }
    return reg.ready;
  }

  async #register(reg: Registration, options: CallOptions, call: HubCall): Promise<void> {
    // Only what was leaving when this one started: a later entry may be this registration's own (see remove).
    await this.#leaving.get(reg.id);
    let callbackID: number;
    try {
      ({ callbackID } = await registerOnDaemon(call, reg.key, options, this.#logger));
    } catch (error) {
      // Refused because the replay registered the type on this link meanwhile ("already tracked"): it is registered.
      if (reg.callbackID !== null && this.#registrations.get(reg.id) === reg) return;
      throw error;
    }
    // Everyone left while we were registering, or this type got its callback meanwhile (a registration made
    // while reconnecting lands on the new link after the replay registered it there): undo this one, on the link
    // it was made on, or the daemon delivers every event twice and keeps a callback nobody deregisters.
    // Settles once undone, so whoever waits for this registration to leave (see remove) registers after that.
    if (this.#registrations.get(reg.id) !== reg || reg.callbackID !== null) {
      await this.#deregister(reg, callbackID, call);
      return;
    }
    reg.callbackID = callbackID;
    this.#byCallbackId.set(callbackID, reg);
  }

  /** Route one MESSAGE packet of the main program. Unknown procs and stale callback ids are dropped. */
  onMessage(header: MessageHeader, payload: Buffer): void {
    if (header.prog !== REMOTE_PROGRAM) return;
    const decoded = decodeEvent(header.proc, payload);
    if (decoded === undefined) {
      log(this.#logger, 'debug', 'dropping an event message this SDK does not know', { proc: header.proc });
      return;
    }
    const event = toLibvirtEvent(decoded);
    this.#received++;
    if (decoded.family === 'connection') {
      for (const listener of this.#all) listener.deliver(event);
      return;
    }
    const reg = this.#byCallbackId.get(decoded.value.callbackID);
    if (reg === undefined) return; // a registration from a previous link, or one being torn down
    for (const listener of reg.listeners) listener.deliver(event);
  }

  /** The connection ended: end every listener with `error` and forget all registrations. */
  endAll(error: unknown): void {
    const listeners = [...this.#all];
    this.#all.clear();
    this.#registrations.clear();
    this.#byCallbackId.clear();
    for (const listener of listeners) listener.end(error);
  }

  /**
   * The link was replaced: forget the old callback ids and register every
   * active type again on the new link (with `linkCall`, which talks to that
   * link directly — the connection is not "open" to ordinary calls until the
   * replay is done), then tell every listener.
   */
  async replay(linkCall: HubCall, reconnects: number, options: CallOptions = {}): Promise<void> {
    this.#byCallbackId.clear();
    // The old link's deregistrations do not concern the new one (and wait for it: the replay must not wait for them).
    this.#linkEpoch.abort();
    this.#linkEpoch = new AbortController();
    this.#leaving.clear();
    for (const reg of this.#registrations.values()) {
      reg.callbackID = null;
      reg.ready = null;
    }
    await Promise.all([...this.#registrations.values()].map((reg) => this.#ensureRegistered(reg, options, linkCall)));
    for (const listener of this.#all) listener.deliver({ type: 'connection.reconnected', reconnects });
  }
}

function noop(): void {}
