import { type CallOptions, InvalidArgumentError, type KnownKeys, checkDuration, checkKeys } from '../connection/internal.js';
import { DEFAULT_TIMEOUTS, checkCallOptions } from '../runtime/index.js';
import type { StoragePolicy } from './plan.js';

/** Options of `VmDestroyer.destroy`. */
export interface DestroyOptions extends CallOptions {
  /**
   * How to stop a VM that is not shut off: `'graceful'` asks the guest (ACPI,
   * re-sent) and forces it off after `shutdownTimeout`; `'force'` pulls the
   * plug at once — even while another operation on the VM (a graceful
   * shutdown waiting for a guest that does not stop) holds its turn; the rest
   * of the teardown then waits for that turn. With `'graceful'`, a VM the user
   * paused is resumed first and then shut down (a paused guest cannot act on
   * the request); a crashed or pmsuspended VM, or one paused for another
   * reason (I/O error, watchdog, a save or dump job), is forced off.
   * `report.stateBefore` says what it was.
   * @default 'graceful'
   */
  stop?: 'graceful' | 'force';
  /** Milliseconds a graceful shutdown may take before the VM is forced off (within `timeout`). @default 60000 */
  shutdownTimeout?: number;
  /** Which volumes to delete. @default 'owned' */
  storage?: StoragePolicy;
  /**
   * Budget in ms of the whole teardown: waiting for the VM's turn, stopping
   * it, deleting volumes, undefining. `0` waits without limit.
   * @default 300000
   */
  timeout?: number;
}

const POLICIES: readonly StoragePolicy[] = ['owned', 'all-safe', 'none'];
/** A misspelled `storage` would leave the default policy in place: every other key is refused. */
const DESTROY_KEYS = {
  signal: true,
  timeout: true,
  stop: true,
  shutdownTimeout: true,
  storage: true,
} as const satisfies KnownKeys<DestroyOptions>;

/**
 * Validate {@link DestroyOptions} the way `destroy` does before it sends
 * anything (the state registry runs it too, before it looks a VM up).
 *
 * @example checkDestroyOptions({ storage: 'owned', stop: 'force', timeout: 30_000 });
 * @returns the whole teardown's timeout
 * @throws {@link InvalidArgumentError} naming the option (`path`), also an unknown one (`unknown option 'storag' (did you mean 'storage'?)`)
 */
export function checkDestroyOptions(options: unknown): number {
  const timeout = checkCallOptions(options, DEFAULT_TIMEOUTS.destroy);
  const o = (options ?? {}) as DestroyOptions;
  checkKeys(o, DESTROY_KEYS, '', { kind: 'option' });
  const policy = o.storage ?? 'owned';
  if (!POLICIES.includes(policy)) {
    throw new InvalidArgumentError(`storage must be one of ${POLICIES.join(', ')}, got ${String(policy)}`, { path: 'storage' });
  }
  const stop = o.stop ?? 'graceful';
  if (stop !== 'graceful' && stop !== 'force') {
    throw new InvalidArgumentError(`stop must be 'graceful' or 'force', got ${String(stop)}`, { path: 'stop' });
  }
  checkDuration(o.shutdownTimeout, 'shutdownTimeout');
  return timeout;
}
