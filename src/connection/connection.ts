import { EventEmitter } from 'node:events';
import { Mutex } from 'async-mutex';
import { type Actor, createActor } from 'xstate';
import { ConnectionClosedError, type LibvirtManagerError, checkKeys } from '../errors/index.js';
import {
  CALL_OPTION_KEYS,
  type CallOptions,
  type HandshakeResult,
  type Procedure,
  type RpcLink,
  type RpcStream,
  type RpcStreamOptions,
  checkOnlyCallOptions,
  parseLibvirtUri,
} from '../rpc/index.js';
import { log } from '../rpc/logger.js';
import { closedError } from './closed-error.js';
import type { ConnectionCloseInfo, ConnectionStats, LibvirtConnectionEvents } from './connection-events.js';
import { EventHub } from './events/event-hub.js';
import { type EventsOptions, openEventSubscription } from './events/events.js';
import type { LibvirtEvent } from './events/event-types.js';
import type { EventSubscription } from './events/subscription.js';
import { type ConnectionState, connectionMachine } from './machine.js';
import {
  CONNECTION_OPTION_KEYS,
  type LibvirtConnectionOptions,
  type ResolvedConnectionOptions,
  resolveConnectionOptions,
} from './options.js';
import { createResources, type Resources } from './resources/index.js';
import { type LinkOpener, linkOpener } from './link-opener.js';
import { LinkWaiters, remaining } from './link-waiters.js';
import { type ReconnectHost, reconnectAfterLoss } from './reconnect-loop.js';
import { emitToEach } from './safe-emit.js';

/**
 * One shared, self-healing connection to a libvirt daemon: every module of
 * the SDK runs on one of these.
 *
 * - **State** is an XState machine (`disconnected → connecting → open →
 *   reconnecting → closing → closed`), readable as {@link state}.
 * - **Reconnects** with exponential backoff and jitter when the link is lost
 *   (socket error, daemon restart, keepalive timeout). Calls in flight fail
 *   with `ConnectionClosedError`; calls made while reconnecting wait for the
 *   link (bounded by their own timeout) or fail fast.
 * - **Events** (`events()`) survive reconnects: every subscription is
 *   re-registered and receives a `connection.reconnected` event.
 * - **Typed resources**: `host`, `domains`, `storage`, `networks`, `nodeDevices`, `secrets`, `nwfilters` — the single
 *   place in the SDK where each libvirt procedure is called.
 *
 * @example
 * await using conn = await LibvirtConnection.connect('qemu:///system');
 * const vms = await conn.domains.list();
 * for await (const ev of conn.events({ types: ['domain.lifecycle'] })) console.log(ev);
 */
export class LibvirtConnection extends EventEmitter<LibvirtConnectionEvents> {
  /** The URI, with any password removed. */
  readonly uri: string;
  readonly #options: ResolvedConnectionOptions;
  readonly #openLink: LinkOpener;
  readonly #mutex = new Mutex();
  readonly #machine: Actor<typeof connectionMachine>;
  readonly #hub: EventHub;
  readonly #closeController = new AbortController();
  readonly #resources: Resources;
  #link: RpcLink | null = null;
  readonly #waiters = new LinkWaiters();
  #closing: Promise<void> | null = null;
  #closeInfo: ConnectionCloseInfo | null = null;

  /**
   * Create a connection without opening it; the instance's `connect()`
   * dials. Most callers use the static {@link LibvirtConnection.connect},
   * which does both.
   * @throws {@link InvalidUriError} / {@link InvalidArgumentError} before anything is dialed
   */
  constructor(uri: string, options: LibvirtConnectionOptions = {}) {
    super();
    // Shared by every module: each operation in flight may listen for `reconnected`,
    // so a few dozen listeners are normal, not a leak (Node warns past 10).
    this.setMaxListeners(0);
    this.#options = resolveConnectionOptions(options);
    const parsedUri = parseLibvirtUri(uri);
    this.uri = parsedUri.redacted;
    this.#openLink = linkOpener(parsedUri, options, this.#options, (header, payload) => this.#hub.onMessage(header, payload));
    this.#machine = createActor(connectionMachine).start();
    let last: ConnectionState = 'disconnected';
    this.#machine.subscribe((snapshot) => {
      const state = snapshot.value as ConnectionState;
      if (state === last) return; // context-only updates (attempt counters) are not state changes
      last = state;
      this.#emit('state', state);
    });
    this.#hub = new EventHub((procedure, args, callOptions) => this.call(procedure, args, callOptions), this.#options.logger);
    this.#resources = createResources(
      (procedure, args, callOptions) => this.call(procedure, args, callOptions),
      (procedure, args, callOptions) => this.openStream(procedure, args, callOptions),
    );
  }

  /**
   * Open a connection to the daemon `uri` names.
   *
   * @example
   * const conn = await LibvirtConnection.connect('test+unix:///default', { reconnect: { maxAttempts: 10 } });
   * @throws {@link InvalidUriError} · {@link TransportError} · {@link AuthError} · {@link LibvirtError} · {@link TimeoutError} · {@link AbortError}
   * @see virConnectOpenAuth
   */
  static async connect(uri: string, options: LibvirtConnectionOptions & CallOptions = {}): Promise<LibvirtConnection> {
    // The call's own options are not the connection's: checked together (so `timout` hints at `timeout`), then split.
    if (typeof options === 'object' && options !== null)
      checkKeys(options, { ...CONNECTION_OPTION_KEYS, ...CALL_OPTION_KEYS }, '', { kind: 'option' });
    const { signal, timeout, ...connectionOptions } = options;
    const connection = new LibvirtConnection(uri, connectionOptions);
    await connection.connect({ ...(signal === undefined ? {} : { signal }), ...(timeout === undefined ? {} : { timeout }) });
    return connection;
  }

  /** Current state of the connection machine. */
  get state(): ConnectionState {
    return this.#machine.getSnapshot().value as ConnectionState;
  }

  /** What the handshake learned (auth method, keepalive, event support), once open. */
  get handshake(): HandshakeResult | undefined {
    return this.#link?.handshake;
  }

  /** Times the link was re-established. */
  get reconnects(): number {
    return this.#machine.getSnapshot().context.reconnects;
  }

  /**
   * Counters for metrics: calls waiting for a reply on the current link,
   * calls given up on whose reply is still due, reconnects, events received
   * from the daemon and events lost by full subscription buffers.
   * @example const { callsInFlight, eventsDropped } = conn.stats;
   */
  get stats(): ConnectionStats {
    const client = this.#link?.client;
    return {
      state: this.state,
      callsInFlight: client?.pendingCalls ?? 0,
      abandonedCalls: client?.abandonedCalls ?? 0,
      reconnects: this.reconnects,
      eventsReceived: this.#hub.received,
      eventsDropped: this.#hub.dropped,
    };
  }

  /** Host facts: versions, hostname, capabilities, node info, all-domain stats. */
  get host(): Resources['host'] {
    return this.#resources.host;
  }

  /** Domains: list, lookup, XML, state, info, autostart, snapshots, low-level control. */
  get domains(): Resources['domains'] {
    return this.#resources.domains;
  }

  /** Storage pools and volumes, including upload/download streams. */
  get storage(): Resources['storage'] {
    return this.#resources.storage;
  }

  /** Virtual networks. */
  get networks(): Resources['networks'] {
    return this.#resources.networks;
  }

  /** Host devices: list by capability, typed XML, PCI detach / re-attach / reset. @see virConnectListAllNodeDevices */
  get nodeDevices(): Resources['nodeDevices'] {
    return this.#resources.nodeDevices;
  }

  /** Secrets: define, set and get values (never logged), look up by UUID or usage. @see virSecretDefineXML */
  get secrets(): Resources['secrets'] {
    return this.#resources.secrets;
  }

  /** Network filters and their bindings. @see virNWFilterDefineXML */
  get nwfilters(): Resources['nwfilters'] {
    return this.#resources.nwfilters;
  }

  /**
   * Open the link if it is not open yet. Concurrent calls share one attempt
   * and one socket. Resolves at once when already open.
   * @throws {@link InvalidArgumentError} for a bad `timeout` or `signal`, or any other key, before anything changes (the instance stays usable)
   */
  async connect(options: CallOptions = {}): Promise<void> {
    // Before the machine leaves 'disconnected': a bad option failing inside the attempt closed the instance for good.
    checkOnlyCallOptions(options, this.#options.connectTimeout);
    const state = this.state;
    if (state === 'open' || state === 'reconnecting') return;
    if (state === 'closing' || state === 'closed') throw this.#closedError();
    await this.#mutex.runExclusive(async () => {
      if (this.state !== 'disconnected') {
        if (this.state === 'closed' || this.state === 'closing') throw this.#closedError();
        return;
      }
      this.#machine.send({ type: 'open' });
      // close() or destroy() while connecting ends the attempt too: otherwise the link opened after the close,
      // connect() resolved on a closed connection and the socket stayed open for the life of the process.
      const { signal } = options;
      const closeSignal = this.#closeController.signal;
      let link: RpcLink;
      try {
        link = await this.#openLink({
          ...options,
          signal: signal instanceof AbortSignal ? AbortSignal.any([signal, closeSignal]) : (signal ?? closeSignal),
        });
      } catch (error) {
        if (this.#closing !== null) throw this.#closedError();
        this.#machine.send({ type: 'link.failed' });
        this.#closeInfo = { reason: 'lost', error: error as LibvirtManagerError };
        // Calls made while connecting wait for the link (see #linkFor): they fail with the connect.
        this.#waiters.failAll(this.#closedError());
        throw error;
      }
      if (this.#closing !== null) {
        link.client.destroy();
        throw this.#closedError();
      }
      this.#attach(link);
      this.#machine.send({ type: 'link.opened' });
      this.#waiters.release(link);
    });
    log(this.#options.logger, 'info', 'libvirt connection open', { uri: this.uri });
    this.#emit('open');
  }

  #attach(link: RpcLink): void {
    this.#link = link;
    link.client.once('close', (error) => {
      if (this.#link !== link || error.reason === 'client') return;
      this.#link = null;
      // Lost during its replay: the reconnect loop that opened it sees that and tries again; a second loop would
      // race it, open links of its own and announce a second reconnect.
      if (this.state === 'reconnecting') return;
      void reconnectAfterLoss(this.#reconnectHost(), error);
    });
  }

  /** The reconnect loop's view of this connection (src/connection/reconnect-loop.ts). */
  #reconnectHost(): ReconnectHost {
    return {
      uri: this.uri,
      options: this.#options,
      closeSignal: this.#closeController.signal,
      closing: () => this.#closing !== null,
      send: (event) => this.#machine.send(event),
      emit: (event, ...args) => this.#emit(event, ...args),
      open: () => this.#mutex.runExclusive(() => this.#openLink({ signal: this.#closeController.signal })),
      attach: (link) => this.#attach(link),
      current: () => this.#link,
      forget: () => {
        this.#link = null;
      },
      reconnects: () => this.reconnects,
      replay: (link, reconnects, options) =>
        this.#hub.replay((procedure, args, callOptions) => link.client.call(procedure, args, callOptions), reconnects, options),
      release: (link) => this.#waiters.release(link),
      finish: (info) => this.#finish(info),
    };
  }

  #closedError(): ConnectionClosedError {
    return closedError(this.#closeInfo);
  }

  /** Resolve with a live link, waiting through a reconnect if the policy says so. */
  #linkFor(options: CallOptions): RpcLink | Promise<RpcLink> {
    if (this.#link !== null && this.state === 'open') return this.#link;
    const state = this.state;
    if (state === 'disconnected') {
      return Promise.reject(
        new ConnectionClosedError('client', 'the connection is not open yet: call connect() or LibvirtConnection.connect()'),
      );
    }
    if (state === 'closing' || state === 'closed') return Promise.reject(this.#closedError());
    if (this.#options.whileReconnecting === 'fail') {
      return Promise.reject(new ConnectionClosedError('eof', 'the connection is reconnecting (whileReconnecting: "fail")'));
    }
    return this.#waiters.wait(options, this.#options.defaultTimeout);
  }

  /**
   * Call any procedure descriptor on the current link. This is the escape
   * hatch below the typed resources; prefer those.
   *
   * @throws {@link ConnectionClosedError} when the connection is closed, or the link died with the call in flight
   */
  call<A, R>(procedure: Procedure<A, R>, args: A, options: CallOptions = {}): Promise<R> {
    const link = this.#linkFor(options);
    if (!(link instanceof Promise)) return link.client.call(procedure, args, options);
    const started = Date.now();
    return link.then((live) => live.client.call(procedure, args, remaining(options, started, this.#options.defaultTimeout)));
  }

  /** Call a stream procedure (volume upload/download…) on the current link. */
  async openStream<A, R>(procedure: Procedure<A, R>, args: A, options: CallOptions & RpcStreamOptions = {}): Promise<RpcStream<R>> {
    const started = Date.now();
    const link = await this.#linkFor(options);
    return link.client.openStream(procedure, args, remaining(options, started, this.#options.defaultTimeout));
  }

  /**
   * Subscribe to events as an async iterable. Event types are registered on
   * the daemon once per connection and shared; ending the loop or aborting
   * `signal` deregisters them when nobody else listens. Each subscription has
   * a bounded buffer (`bufferSize`, `overflow`), so a slow consumer never
   * blocks the socket or other subscriptions; `dropped` counts what it lost.
   *
   * @example
   * for await (const event of conn.events({ types: ['domain.lifecycle'], domain: 'web1' })) {
   *   if (event.type === 'domain.lifecycle') console.log(event.event, event.detail);
   * }
   */
  events(options: EventsOptions = {}): EventSubscription<LibvirtEvent> & { ready: Promise<void> } {
    if (this.state === 'closed' || this.state === 'closing') throw this.#closedError();
    return openEventSubscription(this.#hub, options);
  }

  /**
   * Close: stop reconnecting, end every event subscription, let calls in
   * flight finish, say goodbye to the daemon. Idempotent. `timeout` (default
   * 5 s) bounds the goodbye; past it the link is torn down (`0`: at once).
   * @throws {@link InvalidArgumentError} for a bad `timeout` or `signal`, or any other key, before the close starts
   */
  close(options: CallOptions = {}): Promise<void> {
    try {
      checkOnlyCallOptions(options, 0);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closing !== null) return this.#closing;
    this.#closing = (async () => {
      if (this.state !== 'closed') this.#machine.send({ type: 'close' });
      this.#closeController.abort();
      const link = this.#link;
      this.#link = null;
      if (link !== null) await link.client.close(options);
      this.#finish({ reason: 'client' });
    })();
    return this.#closing;
  }

  /** Close at once: pending calls reject with `ConnectionClosedError`. Idempotent. */
  destroy(): void {
    if (this.#closeInfo !== null && this.state === 'closed') return;
    this.#closing ??= Promise.resolve();
    if (this.state !== 'closed' && this.state !== 'closing') this.#machine.send({ type: 'close' });
    this.#closeController.abort();
    this.#link?.client.destroy();
    this.#link = null;
    this.#finish({ reason: 'client' });
  }

  #finish(info: ConnectionCloseInfo): void {
    if (this.#closeInfo !== null && this.state === 'closed') return;
    this.#closeInfo = info;
    const state = this.state;
    if (state === 'closing') this.#machine.send({ type: 'closed' });
    else if (state === 'open') this.#machine.send({ type: 'closed' });
    const error = this.#closedError();
    this.#waiters.failAll(error);
    // An iteration ends quietly (done) when its owner closed the connection;
    // it throws only when the link was lost for good.
    this.#hub.endAll(info.reason === 'client' ? undefined : error);
    log(this.#options.logger, info.reason === 'client' ? 'info' : 'error', 'libvirt connection closed', {
      uri: this.uri,
      reason: info.reason,
    });
    this.#emit('close', info);
  }

  /** Emit from inside the SDK: each listener on its own (src/connection/safe-emit.ts). */
  #emit<K extends keyof LibvirtConnectionEvents>(event: K, ...args: LibvirtConnectionEvents[K]): void {
    emitToEach(this, event, args, this.#options.logger);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
