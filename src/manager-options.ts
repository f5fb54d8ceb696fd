/**
 * The options of `LibvirtManager.connect`, and the check that refuses any key
 * they do not declare (at the top, and in the `lifecycle` and `registry`
 * sections) before anything is dialed.
 *
 * @module
 */
import { CONNECTION_OPTION_KEYS, checkKeys, type KnownKeys, type LibvirtConnectionOptions, type Logger } from './connection/internal.js';
import type { VmLifecycleManagerOptions } from './lifecycle/index.js';
import type { VmRegistryOptions } from './state/options.js';

/** Options of {@link LibvirtManager.connect}. */
export interface LibvirtManagerOptions extends LibvirtConnectionOptions {
  /** Options of the lifecycle manager (poll interval…); the device manager confirms with the same timings. */
  lifecycle?: Omit<VmLifecycleManagerOptions, 'logger'>;
  /** Options of the VM registry (resync interval, reboot debounce…). */
  registry?: Omit<VmRegistryOptions, 'lifecycle' | 'destroyer' | 'devices' | 'diskState' | 'logger'>;
  /** Bound on opening the connection and seeding the registry, in ms. @default 60000 */
  connectTimeout?: number;
  /** Abort opening. */
  signal?: AbortSignal;
  /** One logger for every module. */
  logger?: Logger;
}

/** The options of {@link LibvirtManager.connect}, and of its `lifecycle` and `registry` sections: any other key is refused. */
const MANAGER_OPTION_KEYS = {
  ...CONNECTION_OPTION_KEYS,
  lifecycle: true,
  registry: true,
  connectTimeout: true,
  signal: true,
  logger: true,
} as const satisfies KnownKeys<LibvirtManagerOptions>;
const LIFECYCLE_OPTION_KEYS = { pollInterval: true, eventGrace: true } as const satisfies KnownKeys<
  NonNullable<LibvirtManagerOptions['lifecycle']>
>;
const REGISTRY_OPTION_KEYS = {
  resyncInterval: true,
  rebootDebounce: true,
  readTimeout: true,
  bufferSize: true,
} as const satisfies KnownKeys<NonNullable<LibvirtManagerOptions['registry']>>;

/**
 * Refuse an option `connect` does not know, at the top or in `lifecycle` / `registry`, before anything is dialed.
 *
 * @example checkManagerOptionKeys({ timeout: 5 }); // unknown option 'timeout' (did you mean 'defaultTimeout' or 'connectTimeout'?)
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_ARGUMENT`, `path` the key: `timeout`, `lifecycle.pollIntervall`)
 */
export function checkManagerOptionKeys(options: LibvirtManagerOptions): void {
  if (typeof options !== 'object' || options === null) return; // the connection's own check names it
  checkKeys(options, MANAGER_OPTION_KEYS, '', { kind: 'option' });
  for (const [section, known] of [
    ['lifecycle', LIFECYCLE_OPTION_KEYS],
    ['registry', REGISTRY_OPTION_KEYS],
  ] as const) {
    const value: unknown = options[section];
    if (typeof value === 'object' && value !== null) checkKeys(value, known, section, { kind: 'option' });
  }
}
