import { type CallOptions, type Logger, checkDuration } from '../connection/internal.js';
import { InvalidArgumentError } from '../errors/index.js';
import { DEFAULT_TIMEOUTS, type VmOperation } from '../runtime/index.js';

export { DEFAULT_TIMEOUTS } from '../runtime/index.js';
export type { CallOptions } from '../connection/internal.js';

/** Options of `setAutostart`. */
export interface SetAutostartOptions extends CallOptions {
  /** Start the VM with the host (`true`) or not. */
  enabled: boolean;
}

/** Options of `new VmLifecycleManager(connection, options)`. */
export interface VmLifecycleManagerOptions {
  /** DOMAIN_GET_STATE poll interval while waiting for a confirmation. @default 500 */
  pollInterval?: number;
  /**
   * When a poll sees the target state while events work, how long to wait
   * for the confirming event before settling on the poll. @default 250
   */
  eventGrace?: number;
  /** Where to log (pino/bunyan/console-style). */
  logger?: Logger;
}

/** Default re-send interval of graceful shutdown/reboot requests, in ms. */
export const DEFAULT_RESEND_EVERY = 5_000;
/** Default budget of the force-off after a shutdown timed out, in ms. */
export const DEFAULT_FORCE_OFF_TIMEOUT = 30_000;
/** Default retries of DOMAIN_DESTROY_FLAGS on OPERATION_TIMEOUT / RESOURCE_BUSY. */
export const DEFAULT_FORCE_OFF_RETRIES = 3;
/** Default retries of DOMAIN_CREATE_WITH_FLAGS when a system call in the daemon failed with EAGAIN/EINTR. */
export const DEFAULT_START_RETRIES = 2;

/** Check that `value` is one of `allowed`. */
export function checkChoice<T extends string>(value: unknown, allowed: readonly T[], path: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`${path} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`, {
      path,
    });
  }
  return value as T;
}

/** Check an optional boolean. */
export function checkFlag(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${path} must be a boolean, got ${JSON.stringify(value)}`, { path });
  return value;
}

/** Check the signal and timeout every operation takes; returns the timeout to use. */
export function checkOperationOptions(options: CallOptions | undefined, defaultTimeout: number): number {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError('options must be an object', { path: 'options' });
  }
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new InvalidArgumentError('signal must be an AbortSignal', { path: 'signal' });
  return checkDuration(options?.timeout, 'timeout') ?? defaultTimeout;
}

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
 * @throws InvalidArgumentError naming the option (`path`)
 */
export function checkLifecycleOptions(
  operation: VmOperation | 'waitForState' | 'waitForAddresses' | 'waitForAgent',
  options: unknown,
): number {
  const timeout = checkOperationOptions(options as CallOptions | undefined, DEFAULT_TIMEOUTS[operation]);
  const o = (options ?? {}) as Record<string, unknown>;
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

/** Resolved manager options. */
export interface ResolvedManagerOptions {
  pollInterval: number;
  eventGrace: number;
  logger: Logger | undefined;
}

/** Validate and default the manager options. */
export function resolveManagerOptions(options: VmLifecycleManagerOptions = {}): ResolvedManagerOptions {
  const pollInterval = checkDuration(options.pollInterval, 'pollInterval') ?? 500;
  if (pollInterval < 10)
    throw new InvalidArgumentError(`pollInterval must be at least 10 ms, got ${pollInterval}`, { path: 'pollInterval' });
  return {
    pollInterval,
    eventGrace: checkDuration(options.eventGrace, 'eventGrace') ?? 250,
    logger: options.logger,
  };
}
