import { type CallOptions, type Logger, checkDuration } from '../connection/internal.js';
import { InvalidArgumentError, checkKeys, type KnownKeys } from '../errors/index.js';

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

const MANAGER_KEYS = { pollInterval: true, eventGrace: true, logger: true } as const satisfies KnownKeys<VmLifecycleManagerOptions>;

/** Resolved manager options. */
export interface ResolvedManagerOptions {
  pollInterval: number;
  eventGrace: number;
  logger: Logger | undefined;
}

/** Validate and default the manager options. */
export function resolveManagerOptions(options: VmLifecycleManagerOptions = {}): ResolvedManagerOptions {
  checkKeys(options, MANAGER_KEYS, '', { kind: 'option' });
  const pollInterval = checkDuration(options.pollInterval, 'pollInterval') ?? 500;
  if (pollInterval < 10)
    throw new InvalidArgumentError(`pollInterval must be at least 10 ms, got ${pollInterval}`, { path: 'pollInterval' });
  return {
    pollInterval,
    eventGrace: checkDuration(options.eventGrace, 'eventGrace') ?? 250,
    logger: options.logger,
  };
}
