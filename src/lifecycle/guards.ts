import type { DomainStateName } from '../connection/index.js';
import { InvalidStateError } from '../errors/index.js';

/** Operations of `VMLifecycleManager` that run under the VM's lock. */
export type LifecycleOperation =
  | 'start'
  | 'shutdown'
  | 'forceOff'
  | 'reboot'
  | 'reset'
  | 'suspend'
  | 'resume'
  | 'managedSave'
  | 'removeManagedSave'
  | 'setAutostart';

/**
 * What an operation does from a state:
 * - `'run'`: send the request;
 * - `'wait'`: the transition is already under way — do not send, just wait
 *   (shutdown of a VM in libvirt's `shutdown` state);
 * - `'wake'`: resume through PM wakeup (a pmsuspended guest);
 * - a `{ noop }`: the VM is already where the operation leads; nothing is sent;
 * - a `{ refuse }`: impossible from this state — {@link InvalidStateError}.
 */
export type GuardVerdict = 'run' | 'wait' | 'wake' | { noop: string } | { refuse: string };

const ACTIVE_NOOP = (state: string): { noop: string } => ({ noop: state === 'running' || state === 'blocked' ? 'already running' : `already running (${state})` });

/**
 * The state table of every power operation (docs/lifecycle.md, "Idempotency").
 * Checked inside the VM's lock, just before sending, so the user gets an
 * {@link InvalidStateError} whatever error code the driver would have used.
 * Pure: usable to enable or disable buttons in a UI.
 * @example guard('suspend', 'paused') // { noop: 'already paused' }
 * @example guard('reboot', 'shutoff') // { refuse: 'start it instead' }
 */
export function guard(operation: LifecycleOperation, state: DomainStateName): GuardVerdict {
  const active = state === 'running' || state === 'blocked';
  switch (operation) {
    case 'start':
      if (state === 'shutoff') return 'run';
      if (active || state === 'paused' || state === 'pmsuspended') return ACTIVE_NOOP(state);
      return { refuse: state === 'crashed' ? 'force it off first' : 'wait until it is shut off' };
    case 'shutdown':
      if (active) return 'run';
      if (state === 'shutdown') return 'wait';
      if (state === 'shutoff') return { noop: 'already shut off' };
      return { refuse: state === 'paused' ? 'a paused guest cannot act on a shutdown request: resume it or use forceOff' : 'use forceOff' };
    case 'forceOff':
      if (state === 'shutoff') return { noop: 'already shut off' };
      return 'run';
    case 'reboot':
      if (active) return 'run';
      return { refuse: state === 'paused' ? 'resume it first, or use reset' : state === 'shutoff' ? 'start it instead' : 'it is not running' };
    case 'reset':
      if (active || state === 'paused') return 'run';
      return { refuse: state === 'shutoff' ? 'start it instead' : 'it is not running' };
    case 'suspend':
      if (active) return 'run';
      if (state === 'paused') return { noop: 'already paused' };
      return { refuse: 'only a running VM can be paused' };
    case 'resume':
      if (state === 'paused') return 'run';
      if (state === 'pmsuspended') return 'wake';
      if (active) return { noop: 'already running' };
      return { refuse: state === 'shutoff' ? 'start it instead' : 'it is not paused' };
    case 'managedSave':
      if (active || state === 'paused') return 'run';
      return { refuse: state === 'shutoff' ? 'only a running or paused VM can be saved' : 'it is not running' };
    case 'removeManagedSave':
    case 'setAutostart':
      return 'run';
  }
}

/**
 * The error for a `{ refuse }` verdict.
 * @example throw refusal('suspend', 'shutoff', 'web1', 'only a running VM can be paused');
 */
export function refusal(operation: LifecycleOperation, state: DomainStateName, domainName: string, hint: string): InvalidStateError {
  return new InvalidStateError(operation, state, `cannot ${operation} VM ${JSON.stringify(domainName)}: it is ${state} (${hint})`);
}
