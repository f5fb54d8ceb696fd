import { EventEmitter } from 'node:events';
import {
  type DomainLifecycleEvent,
  type DomainRef,
  type DomainState,
  type DomainStateName,
  EventSubscription,
  type LibvirtEvent,
  UnsupportedError,
  libvirtErrorFrom,
  type LibvirtError,
} from '../../../src/connection/internal.js';
import type { LifecycleConnection } from '../../../src/lifecycle/internal.js';

const STATE_CODES: Record<DomainStateName, number> = { nostate: 0, running: 1, blocked: 2, paused: 3, shutdown: 4, shutoff: 5, crashed: 6, pmsuspended: 7 };

/** A libvirt error as the connection would raise it. */
export function libvirtError(code: number, message = `libvirt error ${code}`): LibvirtError {
  return libvirtErrorFrom(
    { code, domain: 10, message, level: 2, str1: null, str2: null, str3: null, int1: 0, int2: 0 },
    { program: 0x20008086, proc: 0, name: 'FAKE' },
  );
}

/** A failed system call in the daemon (`VIR_ERR_SYSTEM_ERROR`, errno in `int1`), as libvirt raises it. */
export function systemError(errno: number, message: string): LibvirtError {
  return libvirtErrorFrom(
    { code: 38, domain: 10, message, level: 2, str1: message, str2: null, str3: null, int1: errno, int2: -1 },
    { program: 0x20008086, proc: 0, name: 'FAKE' },
  );
}

/** One simulated domain. */
export class FakeVm {
  readonly ref: DomainRef;
  state: DomainStateName = 'shutoff';
  reason = 'unknown';
  image = false;
  autostart = false;
  xml: string;
  /** How many graceful requests the guest ignores before acting (early-boot presses are lost). */
  ignorePresses = 0;
  /** The guest never acts on graceful requests. */
  deaf = false;
  constructor(name: string, uuid: string, xml?: string) {
    this.ref = { name, uuid, id: -1 };
    this.xml = xml ?? `<domain type='kvm'><name>${name}</name><memory>65536</memory><os><type>hvm</type></os></domain>`;
  }
}

type Sub = EventSubscription<LibvirtEvent> & { ready: Promise<void>; uuid: string; types: readonly string[] };

/**
 * An in-memory stand-in for LibvirtConnection: domains with states, control
 * calls that change them and emit lifecycle events (after `eventDelay` ms, or
 * synchronously before the reply when 0, as the test driver does), a call log,
 * and knobs for failure modes.
 */
export class FakeConnection extends EventEmitter {
  handshake: { auth: 'none'; keepalive: boolean; eventCallbacks: boolean; closeCallback: boolean } | undefined = {
    auth: 'none',
    keepalive: true,
    eventCallbacks: true,
    closeCallback: true,
  };
  state: 'open' | 'reconnecting' | 'closed' = 'open';
  hypervisor = 'QEMU';
  /** Delay before a lifecycle event is delivered; -1 never delivers (events lost). */
  eventDelay = 0;
  /** Delay before a state change becomes visible to getState after a call (models QEMU reaping). */
  stateDelay = 0;
  /** Delay of each control call's reply. */
  callDelay = 0;
  failRegistration = false;
  /** Errors to throw from the next calls of a control method, consumed in order. */
  readonly failures = new Map<string, unknown[]>();
  /** Shutdown flags the driver refuses with INVALID_ARG (the test driver: every non-zero flag). */
  refuseShutdownFlags = false;
  rebootSupported = true;
  rebootEvents = true;
  readonly vms = new Map<string, FakeVm>();
  readonly calls: string[] = [];
  readonly subs = new Set<Sub>();
  inFlight = 0;
  maxInFlight = 0;
  stateReads = 0;
  /** Subscriptions open when each control call was made (the waiter must be installed first). */
  readonly subsAtCall: number[] = [];
  /** Flags of each control call, by method. */
  readonly flags: Record<string, number[]> = {};
  /** Runs at the start of every control call, before the reply. */
  onCall: ((name: string, vm: FakeVm) => void) | undefined;

  add(vm: FakeVm): FakeVm {
    this.vms.set(vm.ref.uuid, vm);
    return vm;
  }

  #vm(ref: string | DomainRef): FakeVm {
    const key = typeof ref === 'string' ? ref : ref.uuid;
    const vm = this.vms.get(key) ?? [...this.vms.values()].find((v) => v.ref.name === key);
    if (vm === undefined) throw libvirtError(42, `Domain not found: ${key}`);
    return vm;
  }

  emitEvent(vm: FakeVm, event: LibvirtEvent): void {
    const deliver = (): void => {
      for (const sub of this.subs) {
        const type = event.type === 'domain.lifecycle' || event.type === 'domain.reboot' ? event.type : '';
        if (sub.uuid === vm.ref.uuid && sub.types.includes(type)) sub.push(event);
      }
    };
    if (this.eventDelay < 0) return;
    if (this.eventDelay === 0) deliver();
    else setTimeout(deliver, this.eventDelay);
  }

  #change(vm: FakeVm, state: DomainStateName, reason: string, event?: [DomainLifecycleEvent['event'], string]): void {
    const apply = (): void => {
      vm.state = state;
      vm.reason = reason;
    };
    if (this.stateDelay > 0) setTimeout(apply, this.stateDelay);
    else apply();
    if (event !== undefined) {
      this.emitEvent(vm, { type: 'domain.lifecycle', domain: { ...vm.ref }, event: event[0], detail: event[1], eventCode: 0, detailCode: 0 });
    }
  }

  async #control(name: string, ref: DomainRef, body: (vm: FakeVm) => void, flags = 0): Promise<void> {
    this.calls.push(`${name}:${ref.name}`);
    this.subsAtCall.push(this.subs.size);
    (this.flags[name] ??= []).push(flags);
    this.onCall?.(name, this.#vm(ref));
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.callDelay > 0) await new Promise((r) => setTimeout(r, this.callDelay));
      const failure = this.failures.get(name)?.shift();
      if (failure !== undefined) throw failure;
      body(this.#vm(ref));
    } finally {
      this.inFlight--;
    }
  }

  #graceful(vm: FakeVm, then: () => void): void {
    if (vm.deaf) return;
    if (vm.ignorePresses > 0) {
      vm.ignorePresses--;
      return;
    }
    then();
  }

  typeQueries = 0;
  readonly host = {
    getType: async (): Promise<string> => {
      this.typeQueries++;
      return this.hypervisor;
    },
  };

  readonly domains = {
    lookup: async (key: string): Promise<DomainRef> => ({ ...this.#vm(key).ref }),
    getState: async (ref: DomainRef): Promise<DomainState> => {
      this.stateReads++;
      const failure = this.failures.get('getState')?.shift();
      if (failure !== undefined) throw failure;
      const vm = this.#vm(ref);
      return { state: vm.state, reason: vm.reason, stateCode: STATE_CODES[vm.state], reasonCode: 0 };
    },
    getXml: async (ref: DomainRef): Promise<string> => this.#vm(ref).xml,
    hasManagedSave: async (ref: DomainRef): Promise<boolean> => this.#vm(ref).image,
    getAutostart: async (ref: DomainRef): Promise<boolean> => this.#vm(ref).autostart,
    setAutostart: async (ref: DomainRef, { enabled }: { enabled: boolean }): Promise<void> => {
      this.calls.push(`setAutostart:${ref.name}`);
      this.#vm(ref).autostart = enabled;
    },
    control: {
      start: async (ref: DomainRef, options: { flags?: number } = {}): Promise<DomainRef> => {
        let out = ref;
        await this.#control('start', ref, (vm) => {
          if (vm.state !== 'shutoff') throw libvirtError(55, 'domain is already running');
          if ((options.flags ?? 0) & ~1) throw libvirtError(8, 'unsupported flags');
          const restored = vm.image && ((options.flags ?? 0) & 8) === 0;
          vm.image = false;
          vm.ref.id = Math.floor(Math.random() * 1000) + 1;
          out = { ...vm.ref };
          this.#change(vm, (options.flags ?? 0) & 1 ? 'paused' : 'running', restored ? 'restored' : 'booted', ['started', restored ? 'restored' : 'booted']);
        }, options.flags);
        return out;
      },
      shutdown: async (ref: DomainRef, options: { flags?: number } = {}): Promise<void> =>
        this.#control('shutdown', ref, (vm) => {
          if (this.refuseShutdownFlags && (options.flags ?? 0) !== 0) throw libvirtError(8, 'unsupported flags (0x1)');
          if (vm.state !== 'running') throw libvirtError(55, 'domain is not running');
          this.#graceful(vm, () => this.#change(vm, 'shutoff', 'shutdown', ['stopped', 'shutdown']));
        }, options.flags),
      reboot: async (ref: DomainRef, options: { flags?: number } = {}): Promise<void> =>
        this.#control('reboot', ref, (vm) => {
          if (!this.rebootSupported) throw new UnsupportedError('this function is not supported by the connection driver', { remote: libvirtError(3) });
          if (vm.state !== 'running') throw libvirtError(55, 'domain is not running');
          this.#graceful(vm, () => {
            if (this.rebootEvents) this.emitEvent(vm, { type: 'domain.reboot', domain: { ...vm.ref } });
          });
        }, options.flags),
      reset: async (ref: DomainRef): Promise<void> => this.#control('reset', ref, () => undefined),
      forceOff: async (ref: DomainRef, options: { flags?: number } = {}): Promise<void> =>
        this.#control('forceOff', ref, (vm) => {
          if (vm.state === 'shutoff') throw libvirtError(55, 'domain is not running');
          this.#change(vm, 'shutoff', 'destroyed', ['stopped', 'destroyed']);
        }, options.flags),
      suspend: async (ref: DomainRef): Promise<void> =>
        this.#control('suspend', ref, (vm) => this.#change(vm, 'paused', 'user', ['suspended', 'paused'])),
      resume: async (ref: DomainRef): Promise<void> =>
        this.#control('resume', ref, (vm) => this.#change(vm, 'running', 'unpaused', ['resumed', 'unpaused'])),
      pmWakeup: async (ref: DomainRef): Promise<void> =>
        this.#control('pmWakeup', ref, (vm) => this.#change(vm, 'running', 'wakeup', ['started', 'wakeup'])),
      managedSave: async (ref: DomainRef, options: { flags?: number } = {}): Promise<void> =>
        this.#control('managedSave', ref, (vm) => {
          vm.image = true;
          this.#change(vm, 'shutoff', 'saved', ['stopped', 'saved']);
        }, options.flags),
      managedSaveRemove: async (ref: DomainRef): Promise<void> =>
        this.#control('managedSaveRemove', ref, (vm) => {
          vm.image = false;
        }),
    },
  };

  events(options: { types?: readonly string[]; domain?: string | DomainRef; signal?: AbortSignal; bufferSize?: number }): Sub {
    const sub = new EventSubscription<LibvirtEvent>({
      bufferSize: options.bufferSize ?? 1024,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onEnd: () => this.subs.delete(full),
    });
    const domain = options.domain;
    const uuid = typeof domain === 'object' && domain !== null ? domain.uuid : String(domain);
    const ready = this.failRegistration ? Promise.reject(libvirtError(3, 'registration failed')) : Promise.resolve();
    ready.catch(() => sub.end());
    const full = Object.assign(sub, { ready, uuid, types: options.types ?? [] });
    if (!this.failRegistration && !sub.ended) this.subs.add(full);
    return full;
  }

  /** Simulate a reconnect: the link came back, events in between were lost. */
  reconnect(): void {
    this.emit('reconnected', { attempt: 1, reconnects: 1 });
  }

  asConnection(): LifecycleConnection {
    return this as unknown as LifecycleConnection;
  }
}
