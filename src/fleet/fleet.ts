import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, type Logger, checkDuration, parseLibvirtUri } from '../connection/internal.js';
import { checkKeys } from '../errors/index.js';
import { LibvirtManager, type LibvirtManagerOptions } from '../manager.js';
import type { VmChange, VmSnapshot } from '../state/index.js';

/** Whether a host serves: `'up'` (its connection is open) or `'down'` (connecting or reconnecting, on its own). */
export type HostStatus = 'up' | 'down';

/** A VM snapshot with the host it is on. */
export type FleetVm = VmSnapshot & { readonly host: string };

/** One item of the fleet's event stream: a VM change on a host, or a host going down or coming back. */
export type FleetEvent = { type: 'vm'; host: string; change: VmChange } | { type: 'host'; host: string; status: HostStatus };

/** Options of {@link LibvirtFleet.open}. */
export interface FleetOptions {
  /** Options of every host's manager (reconnect policy, timeouts…); the connection reconnects on its own by default. */
  manager?: LibvirtManagerOptions;
  /** How long to wait for a host at open before marking it down and trying again in the background (ms). @default 15000 */
  openTimeout?: number;
  /** Wait between background attempts for a host that was down at open (ms). @default 2000 */
  retryInterval?: number;
  logger?: Logger;
}

interface Host {
  name: string;
  uri: string;
  manager: LibvirtManager | undefined;
  status: HostStatus;
}

/**
 * Several libvirt hosts as one: a {@link LibvirtManager} per host, keyed by
 * a name you choose; one view over all their registries (each VM says its
 * host); one event stream with the host on each event. A host that goes down
 * is marked down and reconnects on its own (its connection's reconnect, or
 * background attempts when it was down at open) while the others keep serving;
 * its VMs come back into the view when it does. Placement stays yours: the
 * fleet has no scheduler.
 *
 * @example
 * await using fleet = await LibvirtFleet.open({ a: 'qemu+tcp://host1/system', b: 'qemu+tcp://host2/system' });
 * for (const vm of fleet.listVms()) console.log(vm.host, vm.domain.name, vm.state);
 * await fleet.host('b').startVm('web1');
 */
export class LibvirtFleet implements AsyncDisposable {
  readonly #hosts = new Map<string, Host>();
  readonly #listeners = new Set<(event: FleetEvent) => void>();
  readonly #stop = new AbortController();
  readonly #options: FleetOptions;

  private constructor(options: FleetOptions) {
    this.#options = options;
    // Every host listens on this signal (its connect calls, its registry's change stream): with more than ten
    // hosts Node would warn of a leak that is only the fleet's size.
    setMaxListeners(0, this.#stop.signal);
  }

  /**
   * Open a manager per host, concurrently. A host that does not answer
   * within `openTimeout` is marked down and retried in the background.
   * @example const fleet = await LibvirtFleet.open({ h2: 'qemu+tcp://127.0.0.2/system' });
   * @throws InvalidArgumentError for no hosts, a bad name or URI, or a bad `openTimeout` / `retryInterval` (nothing is dialed)
   * @see virConnectOpen
   */
  static async open(hosts: Readonly<Record<string, string>>, options: FleetOptions = {}): Promise<LibvirtFleet> {
    if (typeof hosts !== 'object' || hosts === null || Object.keys(hosts).length === 0)
      throw new InvalidArgumentError('hosts must name at least one host: { name: uri }', { path: 'hosts' });
    for (const [name, uri] of Object.entries(hosts)) {
      if (name.length === 0 || typeof uri !== 'string' || uri.length === 0)
        throw new InvalidArgumentError(`hosts.${name} must be a libvirt URI`, { path: `hosts.${name}` });
      // Checked here: a URI that cannot parse would fail every background attempt, retried forever and never reported.
      try {
        parseLibvirtUri(uri);
      } catch (error) {
        throw new InvalidArgumentError(`hosts.${name} is not a libvirt URI: ${(error as Error).message}`, {
          path: `hosts.${name}`,
          cause: error,
        });
      }
    }
    checkDuration(options.openTimeout, 'openTimeout');
    // 0 (or NaN, which a timer takes as 1 ms) would retry a down host in a tight loop.
    if (checkDuration(options.retryInterval, 'retryInterval') === 0)
      throw new InvalidArgumentError('retryInterval must be at least 1 ms', { path: 'retryInterval' });
    const fleet = new LibvirtFleet(options);
    await Promise.all(
      Object.entries(hosts).map(([name, uri]) => {
        const host: Host = { name, uri, manager: undefined, status: 'down' };
        fleet.#hosts.set(name, host);
        return fleet.#connect(host, false);
      }),
    );
    return fleet;
  }

  /** Connect `host`; on failure mark it down and (unless `retrying` already) keep trying in the background. */
  async #connect(host: Host, retrying: boolean): Promise<void> {
    const signal = this.#stop.signal;
    for (;;) {
      if (signal.aborted) return;
      try {
        const manager = await LibvirtManager.connect(host.uri, {
          ...this.#options.manager,
          connectTimeout: this.#options.openTimeout ?? 15_000,
          signal,
        });
        if (signal.aborted) return void (await manager.close().catch(() => undefined));
        host.manager = manager;
        this.#watch(host, manager);
        this.#setStatus(host, 'up');
        return;
      } catch {
        this.#setStatus(host, 'down');
        if (!retrying) {
          void this.#connect(host, true);
          return;
        }
        // Ends at once when the fleet closes: a pending pause would keep Node alive for `retryInterval`.
        await sleep(this.#options.retryInterval ?? 2000, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Follow a host's connection state and registry changes into the fleet's stream. */
  #watch(host: Host, manager: LibvirtManager): void {
    manager.connection.on('state', (state) => this.#setStatus(host, state === 'open' ? 'up' : 'down'));
    void (async () => {
      try {
        for await (const change of manager.vms.changes({ signal: this.#stop.signal })) this.#emit({ type: 'vm', host: host.name, change });
      } catch {
        // The registry stopped (the fleet closes).
      }
    })();
  }

  #setStatus(host: Host, status: HostStatus): void {
    if (host.status === status) return;
    host.status = status;
    this.#emit({ type: 'host', host: host.name, status });
  }

  #emit(event: FleetEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** The hosts' names and whether each serves now. */
  hosts(): { name: string; uri: string; status: HostStatus }[] {
    return [...this.#hosts.values()].map(({ name, uri, status }) => ({ name, uri, status }));
  }

  /**
   * The manager of host `name` (to run commands there).
   * @throws InvalidArgumentError for an unknown host · InvalidArgumentError when it has not connected yet
   */
  host(name: string): LibvirtManager {
    const host = this.#hosts.get(name);
    if (host === undefined) throw new InvalidArgumentError(`no host named ${JSON.stringify(name)} in the fleet`, { path: 'host' });
    if (host.manager === undefined)
      throw new InvalidArgumentError(`host ${JSON.stringify(name)} has not connected yet (it is down)`, { path: 'host' });
    return host.manager;
  }

  /** Every VM of every host that connected, each with its host (a host that is down shows its last known VMs). */
  listVms(): FleetVm[] {
    const all: FleetVm[] = [];
    for (const host of this.#hosts.values()) for (const vm of host.manager?.listVms() ?? []) all.push({ ...vm, host: host.name });
    return all;
  }

  /** The hosts (by name) where a VM of this name or UUID is tracked. */
  whereIs(vm: string): string[] {
    return [...this.#hosts.values()].filter((h) => h.manager?.getVm(vm) !== undefined).map((h) => h.name);
  }

  /**
   * Every host's VM changes and the hosts' up/down transitions, as they come,
   * until `signal` fires or the fleet closes. Events that arrive while the
   * reader is busy are queued.
   * @example for await (const e of fleet.events()) if (e.type === 'host') console.log(e.host, e.status);
   */
  async *events(options: { signal?: AbortSignal } = {}): AsyncGenerator<FleetEvent> {
    checkKeys(options, { signal: true }, '', { kind: 'option' });
    const queue: FleetEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (event: FleetEvent): void => {
      queue.push(event);
      wake?.();
    };
    this.#listeners.add(listener);
    const stopped = (): boolean => this.#stop.signal.aborted || options.signal?.aborted === true;
    const onStop = (): void => wake?.();
    options.signal?.addEventListener('abort', onStop);
    this.#stop.signal.addEventListener('abort', onStop);
    try {
      while (!stopped()) {
        if (queue.length > 0) {
          yield queue.shift()!;
          continue;
        }
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    } finally {
      this.#listeners.delete(listener);
      options.signal?.removeEventListener('abort', onStop);
      this.#stop.signal.removeEventListener('abort', onStop);
    }
  }

  /** Close every host's manager. Idempotent. */
  async close(): Promise<void> {
    this.#stop.abort();
    await Promise.all([...this.#hosts.values()].map((h) => h.manager?.close().catch(() => undefined)));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
