import { type KnownKeys, type Logger, checkDuration } from '../connection/internal.js';
import type { RegistryDestroyer, RegistryDevices, RegistryDiskState, RegistryLifecycle } from './effects.js';

/**
 * Options of `new VmRegistry(connection, options)`.
 * @example new VmRegistry(conn, { resyncInterval: 30_000, rebootDebounce: 5000, logger: pino() })
 * @see VmRegistry
 */
export interface VmRegistryOptions {
  /** Runs the power commands. @default new VmLifecycleManager(connection, { logger }) */
  lifecycle?: RegistryLifecycle;
  /** Runs `destroy`. @default new VmDestroyer(connection, lifecycle, { logger }) */
  destroyer?: RegistryDestroyer;
  /** Runs the device commands. @default new VmDeviceManager(connection, { logger }) */
  devices?: RegistryDevices;
  /** Runs the disk-state commands (snapshots, block jobs, backups). @default new DiskStateManager(connection, { logger }) */
  diskState?: RegistryDiskState;
  /** Re-read every VM this often (ms); `0` disables the timer (resyncs on reconnect still happen). @default 60000 */
  resyncInterval?: number;
  /** How long a `stopped` event is held back while a reboot command runs (ms). @default 2000 */
  rebootDebounce?: number;
  /** Longest state re-read after a failed or aborted command before settling on the last known state (ms). @default 30000 */
  readTimeout?: number;
  /** Events buffered while the registry is busy; on overflow it resyncs. @default 8192 */
  bufferSize?: number;
  logger?: Logger;
}

/** The options {@link VmRegistryOptions} declares; the registry refuses any other key. */
export const REGISTRY_KEYS = {
  lifecycle: true,
  destroyer: true,
  devices: true,
  diskState: true,
  resyncInterval: true,
  rebootDebounce: true,
  readTimeout: true,
  bufferSize: true,
  logger: true,
} as const satisfies KnownKeys<VmRegistryOptions>;

/**
 * Check an optional duration option (ms, from 0 to `MAX_TIMEOUT_MS`) and default it.
 * @example duration(options.resyncInterval, 60_000, 'resyncInterval')
 * @throws {@link InvalidArgumentError} for a negative, infinite or non-number value
 * @see VmRegistryOptions
 */
export function duration(value: unknown, fallback: number, path: string): number {
  return checkDuration(value, path) ?? fallback;
}
