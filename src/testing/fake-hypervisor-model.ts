/**
 * The state a fake hypervisor holds, and the part of it its procedure
 * handlers use (so the handlers and the class do not import each other).
 */
import type { FakeClient, FakeLibvirtDaemon } from './fake-daemon.js';
import type { DomainRef } from '../rpc/protocol/types.js';

/** A domain's state, as libvirt names `virDomainState` 0–7. */
export type FakeDomainState = 'nostate' | 'running' | 'blocked' | 'paused' | 'shutdown' | 'shutoff' | 'crashed' | 'pmsuspended';

/** One domain the fake hypervisor holds. Tests may change any field between calls. */
export interface FakeDomain {
  readonly name: string;
  readonly uuid: string;
  /** The id while it runs, else -1. */
  id: number;
  /** The XML `DOMAIN_GET_XML_DESC` returns (as defined; the fake does not edit it). */
  xml: string;
  state: FakeDomainState;
  /** libvirt's reason code for `state` (`virDomainRunningReason`, `virDomainShutoffReason`…). */
  reason: number;
  persistent: boolean;
  autostart: boolean;
  /** A managed save image exists. */
  managedSave: boolean;
  /** How the guest answers graceful requests (ACPI shutdown, reboot). */
  guest: {
    /** Requests it ignores before acting on one (early-boot presses are lost). */
    ignoredPresses: number;
    /** It never acts on graceful requests. */
    deaf: boolean;
  };
}

/** One storage pool (a directory pool). */
export interface FakePool {
  readonly name: string;
  readonly uuid: string;
  readonly path: string;
  capacity: bigint;
  available: bigint;
  active: boolean;
}

/** One volume of a pool. */
export interface FakeVolume {
  readonly pool: string;
  readonly name: string;
  /** Its path, which is also its key. */
  readonly path: string;
  xml: string;
  capacity: bigint;
  /** Bytes uploaded into it. */
  data: Buffer;
}

/** One call as the hypervisor logged it. */
export interface FakeHypervisorCall {
  /** Procedure name, e.g. `DOMAIN_SHUTDOWN_FLAGS`. */
  name: string;
  /** The domain's name, `pool/volume`, or the pool, network or looked-up name the call is about. */
  target?: string;
  /** The call's `flags` argument, when it has one. */
  flags?: number;
  /** Domain event callbacks the calling client had registered when the call arrived. */
  callbacks: number;
  client: FakeClient;
}

/** virDomainEventType and detail codes, as the lifecycle event carries them. */
export const FAKE_EVENT = {
  DEFINED: [0, 0],
  UNDEFINED: [1, 0],
  STARTED_BOOTED: [2, 0],
  STARTED_RESTORED: [2, 2],
  STARTED_WAKEUP: [2, 4],
  SUSPENDED_PAUSED: [3, 0],
  RESUMED_UNPAUSED: [4, 0],
  STOPPED_SHUTDOWN: [5, 0],
  STOPPED_DESTROYED: [5, 1],
  STOPPED_SAVED: [5, 4],
} as const satisfies Record<string, readonly [number, number]>;

/** What the procedure handlers of a fake hypervisor work on (implemented by `FakeHypervisor`). */
export interface FakeHypervisorModel {
  readonly daemon: FakeLibvirtDaemon;
  readonly domains: Map<string, FakeDomain>;
  readonly pools: Map<string, FakePool>;
  readonly volumes: Map<string, FakeVolume>;
  readonly networks: Map<string, { name: string; uuid: string }>;
  readonly type: string;
  readonly capabilities: string;
  readonly domainCapabilities: string | undefined;
  readonly callDelay: number;
  readonly rebootEvents: boolean;
  readonly rebootSupported: boolean;
  readonly refuseShutdownFlags: boolean;
  readonly uploadSupported: boolean;
  readonly onControl: ((name: string, domain: FakeDomain) => void) | undefined;
  readonly concurrency: { now: number; max: number };
  addDomain(fields: Partial<FakeDomain> & { name: string }): FakeDomain;
  ref(domain: FakeDomain): DomainRef;
  nextDomainId(): number;
  register(client: FakeClient, eventID: number, uuid: string | null): number;
  deregister(client: FakeClient, callbackID: number): boolean;
  emitLifecycle(domain: FakeDomain, event: readonly [number, number]): void;
  emitReboot(domain: FakeDomain): void;
}
