import { type DomainStateName, InvalidStateError } from '../connection/internal.js';

/**
 * The device operations of the devices module (`VmDeviceManager`): each
 * changes a VM's hardware, live and/or in its persistent definition.
 */
export const DEVICE_OPERATIONS = [
  'attachDisk',
  'detachDisk',
  'changeMedia',
  'attachNic',
  'detachNic',
  'resizeDisk',
  'setMemory',
  'setVcpus',
] as const;

/** One of {@link DEVICE_OPERATIONS}. */
export type DeviceOperation = (typeof DEVICE_OPERATIONS)[number];

/**
 * The operations on a VM's disk state over time: snapshots (create, revert,
 * delete), block jobs (copy, commit, pull) and backups. Each runs in the VM's
 * turn, so power operations queue behind it.
 */
export const DISK_STATE_OPERATIONS = [
  'createSnapshot',
  'revertSnapshot',
  'deleteSnapshot',
  'blockCopy',
  'blockCommit',
  'blockPull',
  'backup',
] as const;

/** One of {@link DISK_STATE_OPERATIONS}. */
export type DiskStateOperation = (typeof DISK_STATE_OPERATIONS)[number];

/**
 * Operations on one VM that run in its turn (the per-VM queue): the power
 * operations of the lifecycle module, the device operations of the devices
 * module, and `destroy` — the teardown of the destroyer (stop, storage,
 * undefine).
 */
export type VmOperation =
  | DeviceOperation
  | DiskStateOperation
  | 'start'
  | 'shutdown'
  | 'forceOff'
  | 'reboot'
  | 'reset'
  | 'pause'
  | 'resume'
  | 'managedSave'
  | 'removeManagedSave'
  | 'setAutostart'
  | 'destroy'
  | 'migrate';

/**
 * What an operation does from a state:
 * - `'run'`: send the request;
 * - `'wait'`: the transition is already under way — do not send, just wait
 *   (shutdown of a VM in libvirt's `shutdown` state);
 * - `'wake'`: resume through PM wakeup (a pmsuspended guest);
 * - a `{ noop }`: the VM is already where the operation leads; nothing is sent;
 * - a `{ refuse }`: impossible from this state — {@link InvalidStateError}.
 */
export type Verdict = 'run' | 'wait' | 'wake' | { noop: string } | { refuse: string };

const ACTIVE_NOOP = (state: string): { noop: string } => ({
  noop: state === 'running' || state === 'blocked' ? 'already running' : `already running (${state})`,
});

/**
 * The one table of which operation may run in which state
 * (docs/lifecycle.md, "Idempotency"). The lifecycle checks it inside the VM's
 * turn, just before sending, so the user gets an {@link InvalidStateError}
 * whatever error code the driver would have used; the state registry's
 * machine calls it as the guard of every command, so a command the registry
 * accepts is one the lifecycle runs, and the reverse. Pure: usable to enable
 * or disable buttons in a UI.
 * @example verdict('pause', 'paused') // { noop: 'already paused' }
 * @example verdict('reboot', 'shutoff') // { refuse: 'start it instead' }
 */
export function verdict(operation: VmOperation, state: DomainStateName): Verdict {
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
      return {
        refuse: state === 'paused' ? 'resume it first, or use reset' : state === 'shutoff' ? 'start it instead' : 'it is not running',
      };
    case 'reset':
      if (active || state === 'paused') return 'run';
      return { refuse: state === 'shutoff' ? 'start it instead' : 'it is not running' };
    case 'pause':
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
    case 'destroy':
      return 'run';
    case 'createSnapshot':
    case 'deleteSnapshot':
      return deviceVerdict(state);
    case 'revertSnapshot':
      // Reverting replaces whatever state the VM is in, a crashed one included.
      if (state === 'shutdown') return { refuse: 'wait until it is shut off' };
      return 'run';
    case 'blockCopy':
    case 'blockCommit':
    case 'blockPull':
    case 'backup':
      // Block jobs and backups are QEMU jobs: they need the QEMU process.
      if (active || state === 'paused') return 'run';
      return { refuse: state === 'shutoff' ? 'it needs a running VM (start it, or work on its volumes offline)' : 'it is not running' };
    case 'migrate':
      // Live from running or paused (the QEMU process moves); offline from shut off (the definition moves).
      if (active || state === 'paused' || state === 'shutoff') return 'run';
      return {
        refuse:
          state === 'crashed'
            ? 'force it off first'
            : state === 'shutdown'
              ? 'wait until it is shut off'
              : 'it is neither running nor shut off',
      };
    case 'detachDisk':
    case 'detachNic':
      // The guest releases an unplugged device: with its vCPUs paused it cannot.
      if (state === 'paused') return { refuse: 'a paused guest cannot release a device: resume it first' };
      return deviceVerdict(state);
    default:
      return deviceVerdict(state);
  }
}

/** Device changes run on a shut-off VM (its persistent definition) and on a running or paused one (live, and config). */
function deviceVerdict(state: DomainStateName): Verdict {
  if (state === 'running' || state === 'blocked' || state === 'paused' || state === 'shutoff') return 'run';
  if (state === 'crashed') return { refuse: 'force it off first' };
  if (state === 'pmsuspended') return { refuse: 'wake it first (resume)' };
  if (state === 'shutdown') return { refuse: 'wait until it is shut off' };
  return { refuse: 'its state is unknown' };
}

/**
 * The error for a `{ refuse }` verdict.
 * @example throw refusal('pause', 'shutoff', 'web1', 'only a running VM can be paused');
 */
export function refusal(operation: VmOperation, state: DomainStateName, domainName: string, hint: string): InvalidStateError {
  return new InvalidStateError(operation, state, `cannot ${operation} VM ${JSON.stringify(domainName)}: it is ${state} (${hint})`);
}

/**
 * Default `timeout` of each operation, in ms: the budget of the whole
 * operation (waiting for its turn, the libvirt calls, the confirmation).
 */
export const DEFAULT_TIMEOUTS = {
  start: 60_000,
  shutdown: 60_000,
  forceOff: 30_000,
  reboot: 60_000,
  reset: 30_000,
  pause: 30_000,
  resume: 30_000,
  managedSave: 300_000,
  removeManagedSave: 30_000,
  setAutostart: 30_000,
  // A teardown: a graceful shutdown (60 s by default), a force-off, volume deletions and the undefine.
  destroy: 300_000,
  waitForState: 60_000,
  // A guest's DHCP can take minutes after boot.
  waitForAddresses: 300_000,
  // The agent starts late in the guest's boot.
  waitForAgent: 300_000,
  // Making the volume (a clone or an upload can take minutes), then the hot-plug.
  attachDisk: 300_000,
  attachNic: 60_000,
  // The guest releases the device: Nova retries for up to ~3 minutes; a healthy Linux guest takes ~5 s.
  detachDisk: 120_000,
  detachNic: 120_000,
  changeMedia: 60_000,
  resizeDisk: 120_000,
  setMemory: 60_000,
  setVcpus: 60_000,
  // An internal snapshot with memory saves all of the guest's RAM.
  createSnapshot: 300_000,
  revertSnapshot: 300_000,
  // Deleting an external snapshot commits its overlay: a block job.
  deleteSnapshot: 3_600_000,
  // Block jobs and backups copy whole disks.
  blockCopy: 3_600_000,
  blockCommit: 3_600_000,
  blockPull: 3_600_000,
  backup: 3_600_000,
  // Guest RAM (and with copied storage whole disks) over the network; a dirtying guest may need many passes.
  migrate: 3_600_000,
} as const satisfies Record<VmOperation | 'waitForState' | 'waitForAddresses' | 'waitForAgent', number>;
