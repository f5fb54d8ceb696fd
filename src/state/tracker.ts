import { type Actor, type SnapshotFrom, createActor } from 'xstate';
import {
  type DomainRef,
  type DomainStateName,
  type LibvirtEvent,
  type Logger,
  isUuid,
  logSafely,
  uuidKey,
} from '../connection/internal.js';
import { ChangeFeed } from './changes.js';
import { vmKey } from '../runtime/index.js';
import { toVmEvent } from './events-to-machine.js';
import type { ObservedState, VmFactEvent } from './facts.js';
import type { DomainReading, ResyncResult } from './resync.js';
import { type VmChangeCause, type VmSnapshot, toVmSnapshot } from './snapshot.js';
import { type VmMachineEvent, type VmStateName, stateNameOf } from './machine-types.js';
import type { vmMachine } from './vm-machine.js';

/**
 * One tracked VM.
 * @example tracker.find('web1')?.view.state
 * @see Tracker
 */
export interface Entry {
  readonly key: string;
  name: string;
  readonly actor: Actor<typeof vmMachine>;
  /** The current public snapshot (frozen; `get()` returns it as is). */
  view: VmSnapshot;
  /** Sequence number of the last event or creation, to keep resyncs from overwriting newer facts. */
  lastSeq: number;
  /** libvirt's numbers at the last read (-1 once anything else changed the VM), to skip unchanged VMs on resync. */
  stateCode: number;
  reasonCode: number;
}

const IDLE = new Set<VmStateName>(['shutoff', 'running', 'blocked', 'paused', 'pmsuspended', 'crashed']);

/**
 * `true` in an observed state that accepts commands (no command in flight, not re-reading, not gone).
 * @example isIdle('running') // true; isIdle('rebooting') // false
 * @throws never
 * @see VmStateName
 */
export function isIdle(state: VmStateName): boolean {
  return IDLE.has(state);
}

/**
 * What caused a change, as the tracker labels it.
 * @example tracker.send(entry, { type: 'pause' }, { cause: 'command' });
 * @see VmChangeCause
 */
export interface Cause {
  cause: VmChangeCause;
  event?: VmFactEvent['type'];
  receivedAt?: number;
}

/**
 * The registry's book-keeping: one actor per VM keyed by UUID (and a name
 * index), the public view of each, changes published to a {@link ChangeFeed},
 * events and resync readings fed to the right actor.
 * @example
 * const tracker = new Tracker(machine, logger);
 * tracker.dispatch(event, performance.now());
 * @throws never (actor failures are logged)
 * @see VmRegistry
 */
export class Tracker {
  readonly feed = new ChangeFeed();
  readonly #machine: typeof vmMachine;
  readonly #logger: Logger | undefined;
  readonly #entries = new Map<string, Entry>();
  readonly #byName = new Map<string, string>();
  /** Entries forgotten while a resync was running (and when), so a stale reading does not bring them back. */
  readonly #forgotten = new Map<string, number>();
  #seq = 0;
  #resyncing = false;
  #cause: Cause | null = null;
  /** Called when the tracker sees an event about a VM it cannot place (ask for a resync). */
  onUnknown: () => void = () => undefined;

  constructor(machine: typeof vmMachine, logger: Logger | undefined) {
    this.#machine = machine;
    this.#logger = logger;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** A resync starts reading: returns the sequence number its readings are as new as. */
  beginResync(): number {
    this.#resyncing = true;
    return this.#seq;
  }

  /** The resync ended (applied or failed). */
  endResync(): void {
    this.#resyncing = false;
    this.#forgotten.clear();
  }

  entries(): IterableIterator<Entry> {
    return this.#entries.values();
  }

  /** The entry of a VM by name, UUID or reference. */
  find(vm: string | DomainRef): Entry | undefined {
    if (typeof vm === 'object' && vm !== null) return typeof vm.uuid === 'string' ? this.#entries.get(vmKey(vm)) : undefined;
    if (typeof vm !== 'string') return undefined;
    const byName = this.#byName.get(vm);
    if (byName !== undefined) return this.#entries.get(byName);
    return isUuid(vm) ? this.#entries.get(uuidKey(vm)) : undefined;
  }

  /** Start tracking a VM in `state`. */
  track(
    domain: DomainRef,
    state: DomainStateName | ObservedState,
    reason: string,
    persistent: boolean,
    cause: Cause,
    codes?: DomainReading,
  ): Entry {
    const key = vmKey(domain);
    const existing = this.#entries.get(key);
    if (existing !== undefined) return existing;
    const actor = createActor(this.#machine, { input: { domain, state, reason, persistent } });
    const entry: Entry = {
      key,
      name: domain.name,
      actor,
      view: undefined as unknown as VmSnapshot,
      lastSeq: ++this.#seq,
      stateCode: codes?.stateCode ?? -1,
      reasonCode: codes?.reasonCode ?? -1,
    };
    this.#entries.set(key, entry);
    this.#byName.set(domain.name, key);
    actor.subscribe({
      next: (snapshot) => this.#changed(entry, snapshot),
      error: (error) => this.#log('error', 'VM actor failed', { domain: entry.name, error: String(error) }),
    });
    actor.start();
    entry.view = toVmSnapshot(actor.getSnapshot(), entry.name, Date.now());
    this.#publish(null, entry.view, cause);
    return entry;
  }

  /** Send `event` to a VM's actor, labelling the changes it causes. */
  send(entry: Entry, event: VmMachineEvent, cause: Cause): void {
    const outer = this.#cause;
    this.#cause = cause;
    try {
      entry.actor.send(event);
    } finally {
      this.#cause = outer;
    }
  }

  /** Route one connection event to its VM (creating VMs that were defined or started elsewhere). */
  dispatch(event: LibvirtEvent, receivedAt: number): void {
    if (event.type !== 'domain.lifecycle' && event.type !== 'domain.reboot') return;
    const fact = toVmEvent(event);
    if (fact === null) return;
    const entry = this.#entries.get(vmKey(event.domain));
    const cause: Cause = { cause: 'event', event: fact.type, receivedAt };
    if (entry === undefined) {
      // Defined, or created as a transient domain (`virsh create`: no `defined` event).
      if (fact.type === 'libvirt.defined') this.track(event.domain, 'shutoff', 'unknown', true, cause);
      else if (fact.type === 'libvirt.started') this.track(event.domain, 'running', fact.reason ?? 'booted', false, cause);
      // A stopped transient domain or an undefined one is simply not there; anything else means we missed something.
      else if (fact.type !== 'libvirt.stopped' && fact.type !== 'libvirt.undefined' && fact.type !== 'libvirt.rebooted') this.onUnknown();
      return;
    }
    if (fact.type === 'libvirt.defined' && event.domain.name !== entry.name) this.#rename(entry, event.domain.name);
    entry.lastSeq = ++this.#seq;
    this.send(entry, fact, cause);
  }

  /**
   * Apply a resync: readings to idle VMs that saw no event since the read
   * began (`since`), new VMs tracked, vanished idle VMs marked `gone`.
   * VMs with a command in flight are never touched.
   */
  applyResync(result: ResyncResult, since: number, cause: 'seed' | 'resync'): void {
    for (const reading of result.readings) {
      const { domain, state, reason, persistent } = reading;
      const key = vmKey(domain);
      const entry = this.#entries.get(key);
      if (entry === undefined) {
        if ((this.#forgotten.get(key) ?? -1) > since) continue;
        this.track(domain, state, reason, persistent, { cause }, reading);
        continue;
      }
      if (!isIdle(entry.view.state) || entry.lastSeq > since) continue;
      this.send(entry, { type: 'libvirt.stateRead', state, reason, id: domain.id, persistent }, { cause });
      entry.stateCode = reading.stateCode;
      entry.reasonCode = reading.reasonCode;
    }
    for (const entry of [...this.#entries.values()]) {
      if (result.present.has(entry.key) || !isIdle(entry.view.state) || entry.lastSeq > since) continue;
      this.send(entry, { type: 'libvirt.stateRead', state: 'gone', reason: 'gone' }, { cause });
    }
  }

  /** Whether a resync should read this VM's state names again. */
  needsRead(key: string, stateCode: number, reasonCode: number): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return true;
    return isIdle(entry.view.state) && (entry.stateCode !== stateCode || entry.reasonCode !== reasonCode);
  }

  /** Stop every actor (their effects' signals abort), failing commands in flight with `error`. */
  stopAll(error: unknown): void {
    for (const entry of [...this.#entries.values()]) {
      entry.actor.getSnapshot().context.inFlight?.reply?.reject(error);
      entry.actor.stop();
      this.#forget(entry);
    }
  }

  #rename(entry: Entry, name: string): void {
    if (this.#byName.get(entry.name) === entry.key) this.#byName.delete(entry.name);
    entry.name = name;
    this.#byName.set(name, entry.key);
    const previous = entry.view;
    entry.view = toVmSnapshot(entry.actor.getSnapshot(), name, Date.now());
    this.#publish(previous, entry.view, { cause: 'event', event: 'libvirt.defined' });
  }

  #changed(entry: Entry, snapshot: SnapshotFrom<typeof vmMachine>): void {
    const previous = entry.view;
    if (previous === undefined) return; // the initial snapshot, published by track()
    const state: VmStateName = snapshot.status === 'done' ? 'gone' : stateNameOf(snapshot);
    const { reason, inFlight, domain } = snapshot.context;
    const command = inFlight?.command ?? null;
    if (
      state === previous.state &&
      reason === previous.reason &&
      command === (previous.inFlight?.command ?? null) &&
      domain.id === previous.domain.id
    )
      return;
    const cause = this.#cause ?? { cause: 'machine' };
    entry.view = toVmSnapshot(snapshot, entry.name, Date.now());
    if (cause.cause !== 'resync') {
      // Newer than any resync reading in flight, and no longer what the last read saw.
      entry.lastSeq = ++this.#seq;
      entry.stateCode = -1;
      entry.reasonCode = -1;
    }
    this.#publish(previous, entry.view, cause);
    if (state === 'gone') this.#forget(entry);
  }

  #publish(previous: VmSnapshot | null, current: VmSnapshot, cause: Cause): void {
    this.feed.publish({
      previous,
      current,
      cause: cause.cause,
      ...(cause.event === undefined ? {} : { event: cause.event }),
      ...(cause.receivedAt === undefined ? {} : { receivedAt: cause.receivedAt }),
    });
  }

  /** Drop a VM (gone, or the registry stopped). */
  #forget(entry: Entry): void {
    if (this.#entries.get(entry.key) !== entry) return;
    this.#entries.delete(entry.key);
    if (this.#byName.get(entry.name) === entry.key) this.#byName.delete(entry.name);
    const seq = ++this.#seq;
    if (this.#resyncing) this.#forgotten.set(entry.key, seq);
  }

  #log(level: 'error' | 'warn' | 'debug', message: string, fields: Record<string, unknown>): void {
    logSafely(this.#logger, level, message, fields);
  }
}
