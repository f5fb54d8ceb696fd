import {
  type CallOptions,
  AbortError,
  type EventSubscription,
  InvalidArgumentError,
  checkKeys,
  InvalidStateError,
  type LibvirtConnection,
  type LibvirtEvent,
  type Logger,
  logSafely,
  checkOnlyCallOptions,
} from '../connection/internal.js';
import { VmDestroyer } from '../destroyer/internal.js';
import { VmDeviceManager } from '../devices/internal.js';
import { DiskStateManager } from '../disk-state/internal.js';
import { VmLifecycleManager, type VmInput } from '../lifecycle/internal.js';
import { Budget, DEFAULT_TIMEOUTS, locksOf } from '../runtime/index.js';
import { REGISTRY_KEYS, type VmRegistryOptions, duration } from './options.js';
import type { ChangesOptions } from './changes.js';
import { waitForState } from './wait-for.js';
import type { VmCommand, VmCommandResults } from './commands.js';
import { provideEffects } from './effects.js';
import { REGISTRY_EVENT_TYPES } from './events-to-machine.js';
import { readDomainStates } from './resync.js';
import type { VmChange, VmSnapshot } from './snapshot.js';
import type { VmStateName } from './machine-types.js';
import { type CommandContext, type SendOptions, sendCommand, trackVm } from './send.js';
import { Tracker } from './tracker.js';

/**
 * The states `waitFor` accepts: one, or any of several.
 * @example await registry.waitFor('web1', ['shutoff', 'crashed']);
 * @see VmStateName
 */
export type WaitForState = VmStateName | readonly VmStateName[];

/**
 * One XState actor per VM on a connection — the single source of truth for
 * every VM's state, which commands are allowed now, and what is in flight.
 *
 * - **Seeded** from one all-domain state read, after the event subscription
 *   is registered (nothing is missed in between); **kept current** by libvirt
 *   events: VMs defined or created elsewhere appear, undefined ones go.
 * - **Resynced** on reconnect, on event-buffer overflow and every
 *   `resyncInterval` — never a VM with a command in flight.
 * - **Commands** (`send`) wait their turn in the VM's one queue — the same
 *   queue the lifecycle and the destroyer use, so nothing runs on a VM
 *   alongside anything else — then go through the machine's guard, which is
 *   the one state table of the SDK: refused there → `InvalidStateError` and
 *   libvirt is not called; a no-op (start a running VM) runs and says so.
 *   `{ queue: false }` refuses at once while anything else runs on the VM.
 *
 * @example
 * await using registry = new VmRegistry(conn, { resyncInterval: 30_000 });
 * await registry.start();
 * registry.get('web1'); // { state: 'running', reason: 'booted', inFlight: null, allowed: ['shutdown', …], … }
 * await registry.send('web1', 'shutdown', { timeout: 30_000 });
 * for await (const c of registry.changes()) console.log(c.current.domain.name, c.current.state);
 * @throws {@link InvalidArgumentError} from the constructor for bad options; each method documents its own
 * @see vmMachine
 */
export class VmRegistry {
  readonly #connection: LibvirtConnection;
  readonly #tracker: Tracker;
  readonly #resyncInterval: number;
  readonly #bufferSize: number;
  readonly #logger: Logger | undefined;
  readonly #stop = new AbortController();
  #status: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  #starting: Promise<void> | null = null;
  #cancelStart: AbortController | undefined;
  #startWaiters = 0;
  #timer: NodeJS.Timeout | undefined;
  #resyncChain: Promise<void> = Promise.resolve();
  #queuedResync: Promise<void> | null = null;
  readonly #commands: CommandContext;

  /**
   * @param connection an open connection (shared; the registry never closes it)
   * @throws {@link InvalidArgumentError} for bad options
   */
  constructor(connection: LibvirtConnection, options: VmRegistryOptions = {}) {
    if (connection === null || typeof connection !== 'object')
      throw new InvalidArgumentError('connection must be a LibvirtConnection', { path: 'connection' });
    checkKeys(options, REGISTRY_KEYS, '', { kind: 'option' });
    this.#connection = connection;
    this.#logger = options.logger;
    this.#resyncInterval = duration(options.resyncInterval, 60_000, 'resyncInterval');
    this.#bufferSize = options.bufferSize ?? 8192;
    if (!Number.isSafeInteger(this.#bufferSize) || this.#bufferSize < 1) {
      throw new InvalidArgumentError(`bufferSize must be a positive integer, got ${String(options.bufferSize)}`, { path: 'bufferSize' });
    }
    const logger = options.logger === undefined ? {} : { logger: options.logger };
    const lifecycle = options.lifecycle ?? new VmLifecycleManager(connection, logger);
    const destroyer = options.destroyer ?? new VmDestroyer(connection, lifecycle, logger);
    const devices = options.devices ?? new VmDeviceManager(connection, logger);
    const diskState = options.diskState ?? new DiskStateManager(connection, logger);
    const machine = provideEffects(
      connection,
      lifecycle,
      destroyer,
      {
        rebootDebounce: duration(options.rebootDebounce, 2000, 'rebootDebounce'),
        readTimeout: duration(options.readTimeout, 30_000, 'readTimeout'),
      },
      devices,
      diskState,
    );
    this.#tracker = new Tracker(machine, options.logger);
    this.#tracker.onUnknown = () => this.#resyncQuietly('event about an unknown VM');
    this.#commands = {
      tracker: this.#tracker,
      connection,
      locks: locksOf(connection),
      running: () => this.#status === 'running',
      notRunning: (what) => this.#notRunning(what),
      destroy: (vm, destroyOptions) => destroyer.destroy(vm, destroyOptions),
      stopped: this.#stop.signal,
    };
  }

  /**
   * VMs tracked now.
   * @example console.log(`${registry.size} VMs`);
   * @see VmRegistry.list
   */
  get size(): number {
    return this.#tracker.size;
  }

  /**
   * Subscribe to domain events, wait until the daemon registered them, then
   * seed one actor per domain from a single state read. Idempotent:
   * concurrent callers share one start, and each one's `timeout` and `signal`
   * end only its own wait; the start is given up (and the registry stops) once
   * no caller waits for it any more. Default `timeout`: 60 000 ms.
   * @example await registry.start({ timeout: 10_000 });
   * @throws {@link InvalidArgumentError} for a bad or unknown option · {@link TimeoutError} · {@link AbortError} · {@link ConnectionClosedError} · {@link InvalidStateError} after `stop()`
   * @see virConnectDomainEventRegisterAny
   * @see virConnectGetAllDomainStats
   */
  start(options: CallOptions = {}): Promise<void> {
    if (this.#status === 'stopped')
      return Promise.reject(new InvalidStateError('start', 'stopped', 'the registry was stopped; create a new one'));
    let budget: Budget;
    try {
      budget = new Budget(checkOnlyCallOptions(options, 60_000), options.signal);
      budget.check('starting the registry');
    } catch (error) {
      return Promise.reject(error);
    }
    // One start for every caller; each caller's budget bounds only its own wait (a first caller's short timeout
    // or abort used to fail the start for everyone). Cancelled only when no caller waits any more.
    if (this.#starting === null) {
      const cancel = new AbortController();
      this.#cancelStart = cancel;
      this.#starting = this.#open(new Budget(0, cancel.signal)).catch((error: unknown) => {
        this.stop();
        throw error;
      });
      // Handled by every waiter, and by nobody once they all gave up.
      this.#starting.catch(() => undefined);
    }
    this.#startWaiters++;
    return budget.race(this.#starting, 'starting the registry').finally(() => {
      if (--this.#startWaiters === 0 && this.#status === 'starting')
        this.#cancelStart?.abort(new AbortError('every caller of start() gave up'));
    });
  }

  async #open(budget: Budget): Promise<void> {
    this.#status = 'starting';
    const events = this.#connection.events({ types: REGISTRY_EVENT_TYPES, signal: this.#stop.signal, bufferSize: this.#bufferSize });
    await budget.race(events.ready, 'waiting for the daemon to register domain events');
    await this.#resyncNow('seed', budget.call());
    if (this.#status !== 'starting') throw new AbortError('the registry was stopped while starting');
    this.#status = 'running';
    void this.#consume(events);
    if (this.#resyncInterval > 0) {
      this.#timer = setInterval(() => this.#resyncQuietly('periodic'), this.#resyncInterval);
      this.#timer.unref();
    }
  }

  async #consume(events: EventSubscription<LibvirtEvent>): Promise<void> {
    let dropped = 0;
    let failure: unknown;
    try {
      for await (const event of events) {
        if (event.type === 'connection.reconnected') this.#resyncQuietly('reconnected');
        else this.#tracker.dispatch(event, performance.now());
        if (events.dropped !== dropped) {
          dropped = events.dropped;
          this.#resyncQuietly('event buffer overflow');
        }
      }
    } catch (error) {
      failure = error;
    }
    if (this.#status !== 'stopped') {
      this.#log('error', 'the event subscription ended; the registry stops', { error: String(failure) });
      this.stop(failure);
    }
  }

  /**
   * Stop: end the subscription and the timer, stop every actor (commands in
   * flight are aborted — their callers get `AbortError`, and libvirt may
   * still complete them), end every `changes()` iteration. Idempotent.
   * @example registry.stop();
   * @throws never
   * @see virConnectDomainEventDeregisterAny
   */
  stop(reason?: unknown): void {
    if (this.#status === 'stopped') return;
    this.#status = 'stopped';
    clearInterval(this.#timer);
    this.#stop.abort();
    this.#tracker.stopAll(new AbortError('the registry stopped', reason === undefined ? undefined : { cause: reason }));
    this.#tracker.feed.endAll(reason);
  }

  /**
   * `await using registry = new VmRegistry(conn)` stops it at the end of the block.
   * @example { await using registry = new VmRegistry(conn); await registry.start(); }
   * @see VmRegistry.stop
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.stop();
  }

  /**
   * The VM's snapshot, by name, UUID or reference; `undefined` when the
   * registry does not track it.
   * @example registry.get('web1')?.state // 'running'
   * @throws never
   * @see VmSnapshot
   */
  get(vm: VmInput): VmSnapshot | undefined {
    return this.#tracker.find(vm)?.view;
  }

  /**
   * Every tracked VM's snapshot.
   * @example registry.list().filter((vm) => vm.state === 'running')
   * @throws never
   * @see VmSnapshot
   */
  list(): VmSnapshot[] {
    return [...this.#tracker.entries()].map((entry) => entry.view);
  }

  /**
   * Changes of state, reason or command in flight, as a bounded async
   * iterable (`bufferSize` default 4096, `overflow` default `'drop-oldest'`).
   * Ends when `signal` aborts or the registry stops.
   * @example for await (const c of registry.changes({ vm: 'web1', signal })) console.log(c.previous?.state, '→', c.current.state);
   * @throws {@link InvalidArgumentError} for bad options
   * @see VmChange
   */
  changes(options: ChangesOptions = {}): AsyncIterableIterator<VmChange> & { readonly dropped: number } {
    const subscription = this.#tracker.feed.subscribe(options);
    if (this.#status === 'stopped') subscription.end();
    return subscription;
  }

  /**
   * Resolve with the VM's snapshot once it is in `state` (or one of several),
   * at once if it already is. A VM the registry does not know yet (just
   * defined elsewhere) is waited for by name or UUID; `'gone'` is satisfied at
   * once by a VM it does not know. Default `timeout`: 60 000 ms (0: forever).
   * @example await registry.waitFor('web1', 'shutoff', { timeout: 1000 });
   * @throws {@link TimeoutError} naming the state it is in · {@link AbortError} (also when the registry stops) · {@link InvalidArgumentError} for an unknown state or option
   * @see VmStateName
   */
  async waitFor(vm: VmInput, state: WaitForState, options: CallOptions = {}): Promise<VmSnapshot> {
    const timeout = checkOnlyCallOptions(options, DEFAULT_TIMEOUTS.waitForState);
    // No change comes after stop(): the registry stopping ends the wait, as it ends a command's wait for its turn.
    const signal = options.signal === undefined ? this.#stop.signal : AbortSignal.any([options.signal, this.#stop.signal]);
    return waitForState(this.#tracker.feed, (target) => this.get(target), vm, state, new Budget(timeout, signal));
  }

  /**
   * The VM's snapshot, tracking it first if the registry has not seen it yet
   * (its DEFINED event may arrive after the call that defined it returned).
   * Default `timeout`: 60 000 ms.
   * @example const { domain } = await creator.create(spec); await registry.track(domain);
   * @throws {@link InvalidArgumentError} · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link ConnectionClosedError} · {@link InvalidStateError} when not running
   * @see VmRegistry.get
   */
  async track(vm: VmInput, options: CallOptions = {}): Promise<VmSnapshot> {
    const budget = new Budget(checkOnlyCallOptions(options, 60_000), options.signal);
    return (await budget.race(trackVm(this.#commands, vm, budget), 'tracking a VM')).view;
  }

  /**
   * Re-read every VM's state now (what the registry does on reconnect and
   * every `resyncInterval`). VMs with a command in flight are left alone.
   * Default `timeout`: 60 000 ms.
   * @example await registry.resync();
   * @throws {@link InvalidArgumentError} for a bad or unknown option · {@link TimeoutError} · {@link AbortError} · {@link ConnectionClosedError} · {@link InvalidStateError} when not started
   * @see virConnectGetAllDomainStats
   */
  async resync(options: CallOptions = {}): Promise<void> {
    if (this.#status !== 'running') throw this.#notRunning('resync');
    const budget = new Budget(checkOnlyCallOptions(options, 60_000), options.signal);
    return budget.race(this.#resync(budget.call()), 'resyncing the registry');
  }

  /**
   * Run a command on a VM through its machine, in the VM's turn: it waits
   * for whatever runs on the VM (FIFO; `{ queue: false }` refuses with
   * `InvalidStateError` instead). Not allowed in the state the VM is in then →
   * `InvalidStateError` (libvirt is not called). Resolves once the machine has
   * settled, with what the lifecycle (or destroyer) method returned — the
   * same result the method gives when called directly. `destroy` of a VM that
   * no longer exists reports it gone (`alreadyGone`), as the destroyer does.
   *
   * | command | runs |
   * | --- | --- |
   * | `start` `shutdown` `forceOff` `reboot` `reset` `pause` `resume` `managedSave` | `VmLifecycleManager.<same>` |
   * | `destroy` | `VmDestroyer.destroy` (stop, storage policy, undefine) |
   *
   * @example const r = await registry.send('web1', 'shutdown', { timeout: 30_000, onTimeout: 'forceOff' });
   * @example await registry.send('web1', 'pause', { queue: false }); // refuse rather than wait
   * @throws {@link InvalidStateError} (not allowed in its state, or busy with `queue: false`) · {@link InvalidArgumentError} · {@link DomainNotFoundError}
   * @throws whatever the lifecycle/destroyer method throws ({@link TimeoutError}, {@link AbortError}, {@link LibvirtError}…)
   * @see VmLifecycleManager
   * @see VmDestroyer.destroy
   */
  send<C extends VmCommand>(vm: VmInput, command: C, options?: SendOptions<C>): Promise<VmCommandResults[C]> {
    return sendCommand(this.#commands, vm, command, options);
  }

  /**
   * Queue a resync after the one running (if any); concurrent requests share
   * the queued one. Rejects with the resync's error.
   */
  #resync(call: CallOptions = { timeout: 60_000 }): Promise<void> {
    if (this.#status !== 'running') return Promise.resolve();
    if (this.#queuedResync === null) {
      const queued = this.#resyncChain.then(() => {
        this.#queuedResync = null;
        return this.#resyncNow('resync', call);
      });
      this.#queuedResync = queued;
      this.#resyncChain = queued.catch(() => undefined);
    }
    return this.#queuedResync;
  }

  /** A resync the registry decides on itself: failures are logged (the next trigger tries again). */
  #resyncQuietly(why: string): void {
    this.#log('debug', 'resync', { why });
    this.#resync().catch((error: unknown) => this.#log('warn', 'resync failed', { why, error: String(error) }));
  }

  async #resyncNow(cause: 'seed' | 'resync', call: CallOptions): Promise<void> {
    const since = this.#tracker.beginResync();
    try {
      const result = await readDomainStates(this.#connection, (key, state, reason) => this.#tracker.needsRead(key, state, reason), call);
      if (this.#status === 'stopped') return;
      this.#tracker.applyResync(result, since, cause);
    } finally {
      this.#tracker.endResync();
    }
  }

  #notRunning(what: string): InvalidStateError {
    const state = this.#status === 'stopped' ? 'stopped' : 'not started';
    return new InvalidStateError(
      what,
      state,
      `the registry is ${state}${this.#status === 'stopped' ? '' : ': await registry.start() first'}`,
    );
  }

  #log(level: 'error' | 'warn' | 'debug', message: string, fields: Record<string, unknown>): void {
    logSafely(this.#logger, level, message, fields);
  }
}
