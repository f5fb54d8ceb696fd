import type { DomainRef, DomainStateName } from '../connection/internal.js';
import type { VmOperation } from '../runtime/index.js';
import type { PowerMethod } from './mode.js';

/**
 * What confirmed the final state:
 * - `'event'`: the lifecycle (or reboot) event libvirt sent for the change;
 * - `'poll'`: a DOMAIN_GET_STATE read — the fallback when events are
 *   unavailable or were missed (reconnect), and the read that found an
 *   operation to be a no-op;
 * - `'call'`: the libvirt call itself, followed by a state read, for
 *   operations that complete synchronously and emit no event (reset; reboot
 *   on hypervisors without reboot events, such as the test driver).
 */
export type ConfirmedBy = 'event' | 'poll' | 'call';

/** The outcome of every power operation. */
export interface LifecycleResult {
  /** The operation that produced this result. */
  operation: VmOperation;
  /** The VM (`id` is -1 once it is shut off). */
  domain: DomainRef;
  /** The state libvirt confirmed, e.g. `'shutoff'`. */
  state: DomainStateName;
  /**
   * The reason within that state, as DOMAIN_GET_STATE names it
   * (`'booted'`, `'restored'`, `'shutdown'`, `'destroyed'`, `'saved'`,
   * `'user'`, `'unpaused'`…), or `'gone'` for a transient domain that no
   * longer exists after stopping.
   */
  reason: string;
  /** `true` when this operation changed the VM's state. */
  changed: boolean;
  /** Set when nothing was sent because the VM already was where the operation leads, e.g. `'already running'`. */
  noop?: string;
  /** What confirmed {@link state}. */
  confirmedBy: ConfirmedBy;
  /** Time from the call to the result, including the wait for the VM's lock. */
  elapsedMs: number;
}

/**
 * What became of the guest clock sync asked for with `syncTime`: set to the
 * host's time, or not (no guest agent, an agent that did not answer…), with
 * the error. Never thrown: the power operation itself succeeded.
 */
export type TimeSyncOutcome = { synced: true } | { synced: false; error: Error };

/** Result of `start`. */
export interface StartResult extends LifecycleResult {
  operation: 'start';
  /** The VM resumed from its managed save image instead of booting. */
  restored: boolean;
  /** DOMAIN_CREATE_WITH_FLAGS calls made (0 for a no-op; more than 1 after a temporary failure in the daemon, see `retries`). */
  attempts: number;
  /** With `syncTime`, when the VM was restored and runs: whether its clock was set to the host's time. */
  timeSync?: TimeSyncOutcome;
}

/** Result of `shutdown`. */
export interface ShutdownResult extends LifecycleResult {
  operation: 'shutdown';
  /** The guest did not stop within the timeout and was forced off (`onTimeout: 'forceOff'`). */
  escalated: boolean;
  /** How the shutdown was requested (`undefined` for no-ops and joins of a shutdown already under way). */
  method?: PowerMethod;
  /** Shutdown requests sent (the first plus re-sends). */
  requests: number;
}

/** Result of `forceOff`. */
export interface ForceOffResult extends LifecycleResult {
  operation: 'forceOff';
  /** DOMAIN_DESTROY_FLAGS calls made (retries on OPERATION_TIMEOUT / RESOURCE_BUSY). */
  attempts: number;
}

/** Result of `reboot`. */
export interface RebootResult extends LifecycleResult {
  operation: 'reboot';
  /** `'reboot'`: virDomainReboot; `'stop-start'`: the hypervisor cannot reboot, so it was shut down and started. */
  path: 'reboot' | 'stop-start';
  /** How the reboot (or the fallback's shutdown) was requested. */
  method: PowerMethod;
  /** Reboot requests sent (the first plus re-sends while no reboot event came). */
  requests: number;
  /** With `path: 'stop-start'`: whether the shutdown had to be forced. */
  escalated: boolean;
}

/** Result of `resume`. */
export interface ResumeResult extends LifecycleResult {
  operation: 'resume';
  /** The guest was pmsuspended and was woken with virDomainPMWakeup. */
  wokeUp: boolean;
  /** With `syncTime`, when the VM was resumed: whether its clock was set to the host's time. */
  timeSync?: TimeSyncOutcome;
}

/** Result of `waitForState`. */
export interface StateObservation {
  domain: DomainRef;
  state: DomainStateName;
  reason: string;
  /** `'poll'` also when the VM already was in the state. */
  confirmedBy: Exclude<ConfirmedBy, 'call'>;
  elapsedMs: number;
}

/** Result of `setAutostart`. */
export interface AutostartResult {
  domain: DomainRef;
  autostart: boolean;
  /** `false` when autostart already had this value (nothing was sent). */
  changed: boolean;
}
