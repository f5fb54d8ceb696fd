import { randomUUID } from 'node:crypto';
import {
  DOMAIN_EVENT_CALLBACK_DEVICE_ADDED,
  DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED,
  DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
  DOMAIN_EVENT_CALLBACK_LIFECYCLE,
  DOMAIN_EVENT_CALLBACK_REBOOT,
} from '../rpc/protocol/domain-events.js';
import type { DomainRef } from '../rpc/protocol/types.js';
import type { FakeCall, FakeClient, FakeLibvirtDaemon } from './fake-daemon.js';
import { installDomainHandlers } from './fake-domain-handlers.js';
import { installEventHandlers } from './fake-event-handlers.js';
import type { FakeDomain, FakeHypervisorCall, FakeHypervisorModel, FakePool, FakeVolume } from './fake-hypervisor-model.js';
import { installStorageHandlers } from './fake-storage-handlers.js';

export {
  FAKE_EVENT,
  type FakeDomain,
  type FakeDomainState,
  type FakeHypervisorCall,
  type FakePool,
  type FakeVolume,
} from './fake-hypervisor-model.js';

/** Options of {@link FakeHypervisor.install}. */
export interface FakeHypervisorOptions {
  /** `CONNECT_GET_TYPE`. @default 'QEMU' */
  type?: string;
  /** `CONNECT_GET_CAPABILITIES` XML. @default a minimal x86_64 hvm host */
  capabilities?: string;
  /** `CONNECT_GET_DOMAIN_CAPABILITIES` XML; without it the call is VIR_ERR_NO_SUPPORT (as the test driver). */
  domainCapabilities?: string;
}

const DEFAULT_CAPABILITIES =
  "<capabilities><host><uuid>00000000-0000-4000-8000-000000000000</uuid><cpu><arch>x86_64</arch></cpu></host><guest><os_type>hvm</os_type><arch name='x86_64'><domain type='qemu'/><domain type='kvm'/></arch></guest></capabilities>";

/**
 * A stateful in-memory hypervisor behind a {@link FakeLibvirtDaemon}:
 * domains with states that control calls change (emitting lifecycle events
 * to the clients that registered for them), directory pools with volumes
 * (uploads included), networks, host facts. A real `LibvirtConnection`
 * talks to it over the real wire protocol, so tests exercise the SDK's whole
 * path. Failures are injected per call with {@link FakeLibvirtDaemon.once}.
 *
 * Behaviour follows libvirt where tests rely on it: wrong-state requests are
 * VIR_ERR_OPERATION_INVALID, unknown objects VIR_ERR_NO_DOMAIN /
 * NO_STORAGE_POOL / NO_STORAGE_VOL / NO_NETWORK, a transient domain vanishes
 * when it stops, a running domain that is undefined becomes transient.
 *
 * @example
 * const daemon = await FakeLibvirtDaemon.start();
 * const hv = FakeHypervisor.install(daemon);
 * hv.addDomain({ name: 'web1' });
 * const conn = await LibvirtConnection.connect(daemon.uri);
 * await new VmLifecycleManager(conn).start('web1');
 * hv.domain('web1').state; // 'running'
 */
export class FakeHypervisor implements FakeHypervisorModel {
  readonly daemon: FakeLibvirtDaemon;
  readonly domains = new Map<string, FakeDomain>();
  readonly pools = new Map<string, FakePool>();
  /** Volumes by `pool/name`. */
  readonly volumes = new Map<string, FakeVolume>();
  readonly networks = new Map<string, { name: string; uuid: string }>();
  /** Every call the daemon received since install, in order (failed and intercepted ones too). */
  readonly calls: FakeHypervisorCall[] = [];
  type: string;
  capabilities: string;
  domainCapabilities: string | undefined;
  /** When lifecycle events go out: 0 before the reply (as the test driver), > 0 that many ms later, < 0 never. @default 0 */
  eventDelay = 0;
  /** Delay of each domain control reply, in ms. @default 0 */
  callDelay = 0;
  /** Whether a graceful reboot emits the REBOOT event (the test driver's does not). @default true */
  rebootEvents = true;
  /** Whether the driver can reboot at all (else VIR_ERR_NO_SUPPORT). @default true */
  rebootSupported = true;
  /** Refuse non-zero shutdown flags with VIR_ERR_INVALID_ARG, as the test driver does. @default false */
  refuseShutdownFlags = false;
  /** Whether volume upload is supported (the test driver's is not). @default true */
  uploadSupported = true;
  /** Runs at the start of every domain control call, before it acts: to race it. */
  onControl: ((name: string, domain: FakeDomain) => void) | undefined;
  /** Domain control calls being handled right now, and the most at once. */
  readonly concurrency = { now: 0, max: 0 };
  readonly #callbacks = new Map<FakeClient, Map<number, { eventID: number; uuid: string | null }>>();
  #nextId = 1;
  #nextCallback = 1;

  private constructor(daemon: FakeLibvirtDaemon, options: FakeHypervisorOptions) {
    this.daemon = daemon;
    this.type = options.type ?? 'QEMU';
    this.capabilities = options.capabilities ?? DEFAULT_CAPABILITIES;
    this.domainCapabilities = options.domainCapabilities;
  }

  /** Serve a fresh hypervisor from `daemon` (it takes over the daemon's stream handler). */
  static install(daemon: FakeLibvirtDaemon, options: FakeHypervisorOptions = {}): FakeHypervisor {
    const hv = new FakeHypervisor(daemon, options);
    daemon.onCall((call) => hv.#log(call));
    installDomainHandlers(hv);
    installEventHandlers(hv);
    installStorageHandlers(hv);
    return hv;
  }

  /** Define a domain directly (no event, no call). */
  addDomain(fields: Partial<FakeDomain> & { name: string }): FakeDomain {
    const domain: FakeDomain = {
      uuid: randomUUID(),
      id: -1,
      xml: `<domain type='kvm'><name>${fields.name}</name><memory>65536</memory><os><type>hvm</type></os></domain>`,
      state: 'shutoff',
      reason: 0,
      persistent: true,
      autostart: false,
      managedSave: false,
      ...fields,
      guest: { ignoredPresses: 0, deaf: false, ...fields.guest },
    };
    if (domain.state !== 'shutoff' && domain.id < 0) domain.id = this.nextDomainId();
    this.domains.set(domain.name, domain);
    return domain;
  }

  /** Add an active directory pool. */
  addPool(name: string, path = `/var/lib/libvirt/${name}`, available = 100n * 1024n ** 3n): FakePool {
    const pool: FakePool = { name, uuid: randomUUID(), path, capacity: available * 2n, available, active: true };
    this.pools.set(name, pool);
    return pool;
  }

  /** Add a network. */
  addNetwork(name: string): void {
    this.networks.set(name, { name, uuid: randomUUID() });
  }

  /** The domain named `name` (throws when there is none: a test bug). */
  domain(name: string): FakeDomain {
    const domain = this.domains.get(name);
    if (domain === undefined) throw new Error(`the fake hypervisor has no domain ${name}`);
    return domain;
  }

  /** The domain as the wire names it. */
  ref(domain: FakeDomain): DomainRef {
    return { name: domain.name, uuid: domain.uuid, id: domain.id };
  }

  /** A fresh domain id for a domain that starts. */
  nextDomainId(): number {
    return this.#nextId++;
  }

  /** Domain event callbacks registered by `client`, or by every client. */
  callbackCount(client?: FakeClient): number {
    if (client !== undefined) return this.#callbacks.get(client)?.size ?? 0;
    let n = 0;
    for (const [c, registered] of this.#callbacks) if (!c.closed) n += registered.size;
    return n;
  }

  /** Register a domain event callback for `client`; returns its id. */
  register(client: FakeClient, eventID: number, uuid: string | null): number {
    const id = this.#nextCallback++;
    let registered = this.#callbacks.get(client);
    if (registered === undefined) this.#callbacks.set(client, (registered = new Map()));
    registered.set(id, { eventID, uuid });
    return id;
  }

  /** Deregister; `false` when `client` has no such callback. */
  deregister(client: FakeClient, callbackID: number): boolean {
    return this.#callbacks.get(client)?.delete(callbackID) ?? false;
  }

  /** Send a lifecycle event (`FAKE_EVENT.*`) to every client registered for it, after {@link eventDelay}. */
  emitLifecycle(domain: FakeDomain, [event, detail]: readonly [number, number]): void {
    const dom = this.ref(domain);
    this.#emit(domain, 0, (client, callbackID) => client.sendEvent(DOMAIN_EVENT_CALLBACK_LIFECYCLE, { callbackID, dom, event, detail }));
  }

  /** Send the REBOOT event to every client registered for it, after {@link eventDelay}. */
  emitReboot(domain: FakeDomain): void {
    const dom = this.ref(domain);
    this.#emit(domain, 1, (client, callbackID) => client.sendEvent(DOMAIN_EVENT_CALLBACK_REBOOT, { callbackID, dom }));
  }

  /**
   * Send a device event — `'added'` (DEVICE_ADDED), `'removed'` (DEVICE_REMOVED) or `'removal-failed'`
   * (DEVICE_REMOVAL_FAILED) — for the device with alias `devAlias`, to every client registered for it,
   * after {@link eventDelay}. The fake does not edit the domain's XML: tests script what a guest does.
   */
  emitDevice(domain: FakeDomain, kind: 'added' | 'removed' | 'removal-failed', devAlias: string): void {
    const dom = this.ref(domain);
    if (kind === 'added')
      this.#emit(domain, 19, (client, callbackID) => client.sendEvent(DOMAIN_EVENT_CALLBACK_DEVICE_ADDED, { callbackID, dom, devAlias }));
    else if (kind === 'removed')
      this.#emit(domain, 15, (client, callbackID) => client.sendEvent(DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED, { callbackID, dom, devAlias }));
    else
      this.#emit(domain, 22, (client, callbackID) =>
        client.sendEvent(DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED, { callbackID, dom, devAlias }),
      );
  }

  #emit(domain: FakeDomain, eventID: number, send: (client: FakeClient, callbackID: number) => void): void {
    const deliver = (): void => {
      for (const [client, registered] of this.#callbacks) {
        for (const [id, r] of registered) if (r.eventID === eventID && (r.uuid === null || r.uuid === domain.uuid)) send(client, id);
      }
    };
    if (this.eventDelay === 0) deliver();
    else if (this.eventDelay > 0) setTimeout(deliver, this.eventDelay);
  }

  #log(call: FakeCall): void {
    const args = (call.args ?? {}) as Record<string, unknown>;
    const target = targetOf(args);
    this.calls.push({
      name: call.name,
      ...(target === undefined ? {} : { target }),
      ...(typeof args['flags'] === 'number' ? { flags: args['flags'] } : {}),
      callbacks: this.callbackCount(call.client),
      client: call.client,
    });
  }
}

/** What a call is about, from its decoded arguments. */
function targetOf(args: Record<string, unknown>): string | undefined {
  const named = (v: unknown): string | undefined =>
    typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string' ? (v as { name: string }).name : undefined;
  const vol = args['vol'] as { pool?: string; name?: string } | undefined;
  if (vol?.pool !== undefined && vol.name !== undefined) return `${vol.pool}/${vol.name}`;
  return named(args['dom']) ?? named(args['pool']) ?? named(args['net']) ?? (typeof args['name'] === 'string' ? args['name'] : undefined);
}
