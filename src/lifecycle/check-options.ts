/**
 * The check every lifecycle method (and the state registry, before it looks a
 * VM up) runs on its options: the signal and timeout every operation takes,
 * the operation's own options, and no key the operation does not know — a
 * misspelled `timout` would otherwise leave the default timeout in place
 * without a word.
 *
 * @module
 */
import { CALL_OPTION_KEYS, type CallOptions, checkDuration } from '../connection/internal.js';
import { ErrorCode, InvalidArgumentError, checkKeys, type KnownKeys } from '../errors/index.js';
import { DEFAULT_TIMEOUTS, type VmOperation } from '../runtime/index.js';
import { checkChoice, checkFlag, checkOperationOptions, type SetAutostartOptions } from './options.js';
import type { WaitForAddressesOptions } from './operations/addresses.js';
import type { WaitForAgentOptions } from './operations/agent.js';
import type { ForceOffOptions } from './operations/force-off.js';
import type { ManagedSaveOptions } from './operations/managed-save.js';
import type { ResumeOptions } from './operations/pause.js';
import type { RebootOptions } from './operations/reboot.js';
import type { ShutdownOptions } from './operations/shutdown.js';
import type { StartOptions } from './operations/start.js';

/** What a lifecycle check covers: the operations, the waits, and the two reads. */
type CheckedOperation = VmOperation | 'waitForState' | 'waitForAddresses' | 'waitForAgent' | 'hasManagedSave' | 'getAutostart';

/** The reads' timeouts: those of the operations they go with. */
const READ_TIMEOUTS: Partial<Record<CheckedOperation, number>> = {
  hasManagedSave: DEFAULT_TIMEOUTS.removeManagedSave,
  getAutostart: DEFAULT_TIMEOUTS.setAutostart,
};

const CALL = CALL_OPTION_KEYS;

/** The options each lifecycle method takes, tied to its type (a new option not listed here fails tsc). */
const LIFECYCLE_KEYS: Partial<Record<CheckedOperation, Readonly<Record<string, true>>>> = {
  start: {
    ...CALL,
    paused: true,
    autodestroy: true,
    bypassCache: true,
    forceBoot: true,
    resetNvram: true,
    validate: true,
    retries: true,
    syncTime: true,
  } as const satisfies KnownKeys<StartOptions>,
  shutdown: {
    ...CALL,
    mode: true,
    resendEvery: true,
    onTimeout: true,
    forceOffTimeout: true,
  } as const satisfies KnownKeys<ShutdownOptions>,
  forceOff: { ...CALL, graceful: true, retries: true, preempt: true } as const satisfies KnownKeys<ForceOffOptions>,
  reboot: { ...CALL, mode: true, resendEvery: true, fallback: true } as const satisfies KnownKeys<RebootOptions>,
  reset: CALL,
  pause: CALL,
  resume: { ...CALL, syncTime: true } as const satisfies KnownKeys<ResumeOptions>,
  managedSave: { ...CALL, bypassCache: true, startAs: true } as const satisfies KnownKeys<ManagedSaveOptions>,
  removeManagedSave: CALL,
  setAutostart: { ...CALL, enabled: true } as const satisfies KnownKeys<SetAutostartOptions>,
  waitForState: CALL,
  waitForAddresses: {
    ...CALL,
    sources: true,
    family: true,
    pollInterval: true,
  } as const satisfies KnownKeys<WaitForAddressesOptions>,
  waitForAgent: { ...CALL, pollInterval: true } as const satisfies KnownKeys<WaitForAgentOptions>,
  hasManagedSave: CALL,
  getAutostart: CALL,
};

/** Check an optional poll interval of a wait (at least 50 ms). */
function checkPollInterval(value: unknown): void {
  const poll = checkDuration(value, 'pollInterval');
  if (poll !== undefined && poll < 50) throw new InvalidArgumentError('pollInterval must be at least 50 ms', { path: 'pollInterval' });
}

/** Check an optional retry count (0–20). */
function checkRetries(retries: unknown): void {
  if (retries !== undefined && (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > 20)) {
    throw new InvalidArgumentError(`retries must be an integer from 0 to 20, got ${String(retries)}`, { path: 'retries' });
  }
}

const POWER_MODES = ['acpi', 'agent', 'auto'] as const;
const START_FLAGS = ['paused', 'autodestroy', 'bypassCache', 'forceBoot', 'resetNvram', 'validate'] as const;

/**
 * Validate the options of one operation, as its method does before anything
 * else: the signal and timeout every operation takes, then the operation's
 * own. Nothing is sent when it throws. The state registry runs it too, before
 * it looks up a VM it does not track yet.
 *
 * @returns the timeout to use (the operation's default when not given)
 * @example const timeout = checkLifecycleOptions('shutdown', { mode: 'acpi', timeout: 30_000 });
 * @throws InvalidArgumentError naming the option (`path`), also for an option the operation does not take
 *   (`unknown option 'timout' (did you mean 'timeout'?)`)
 */
export function checkLifecycleOptions(operation: CheckedOperation, options: unknown): number {
  const defaultTimeout = READ_TIMEOUTS[operation] ?? DEFAULT_TIMEOUTS[operation as keyof typeof DEFAULT_TIMEOUTS];
  const timeout = checkOperationOptions(options as CallOptions | undefined, defaultTimeout);
  const o = (options ?? {}) as Record<string, unknown>;
  const known = LIFECYCLE_KEYS[operation];
  if (known !== undefined) checkKeys(o, known, '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  switch (operation) {
    case 'start':
      for (const key of START_FLAGS) checkFlag(o[key], key);
      checkRetries(o['retries']);
      checkFlag(o['syncTime'], 'syncTime');
      break;
    case 'resume':
      checkFlag(o['syncTime'], 'syncTime');
      break;
    case 'shutdown':
      checkChoice(o['mode'], POWER_MODES, 'mode');
      checkDuration(o['resendEvery'], 'resendEvery');
      checkChoice(o['onTimeout'], ['forceOff', 'throw'], 'onTimeout');
      checkDuration(o['forceOffTimeout'], 'forceOffTimeout');
      break;
    case 'forceOff': {
      checkFlag(o['graceful'], 'graceful');
      checkRetries(o['retries']);
      checkFlag(o['preempt'], 'preempt');
      break;
    }
    case 'reboot':
      checkChoice(o['mode'], POWER_MODES, 'mode');
      checkDuration(o['resendEvery'], 'resendEvery');
      checkChoice(o['fallback'], ['stop-start', 'none'], 'fallback');
      break;
    case 'waitForAddresses': {
      const sources = o['sources'];
      const known = ['lease', 'agent', 'arp'];
      if (
        sources !== undefined &&
        (!Array.isArray(sources) ||
          sources.length === 0 ||
          sources.some((s) => !known.includes(s as string)) ||
          new Set(sources).size !== sources.length)
      ) {
        throw new InvalidArgumentError(`sources must be a non-empty list of distinct ${known.join(', ')}`, { path: 'sources' });
      }
      checkChoice(o['family'], ['ipv4', 'ipv6', 'any'], 'family');
      checkPollInterval(o['pollInterval']);
      break;
    }
    case 'waitForAgent':
      checkPollInterval(o['pollInterval']);
      break;
    case 'setAutostart':
      if (typeof o['enabled'] !== 'boolean')
        throw new InvalidArgumentError('enabled must be a boolean: setAutostart(vm, { enabled: true })', { path: 'enabled' });
      break;
    case 'managedSave':
      checkFlag(o['bypassCache'], 'bypassCache');
      checkChoice(o['startAs'], ['running', 'paused'], 'startAs');
      break;
    default:
      break;
  }
  return timeout;
}
