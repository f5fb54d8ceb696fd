/**
 * Options of start and managed save turned into libvirt's flag bits. The
 * bits themselves are the protocol's enums, reached through the connection
 * module (modules above it do not import `src/rpc`).
 */
import { VirDomainCreateFlags, VirDomainSaveRestoreFlags } from '../connection/internal.js';

/** Start options as flags, in libvirt's bit order. */
export interface StartFlagOptions {
  paused?: boolean | undefined;
  autodestroy?: boolean | undefined;
  bypassCache?: boolean | undefined;
  forceBoot?: boolean | undefined;
  resetNvram?: boolean | undefined;
  validate?: boolean | undefined;
}

const START_BITS: readonly [keyof StartFlagOptions, number][] = [
  ['paused', VirDomainCreateFlags.VIR_DOMAIN_START_PAUSED],
  ['autodestroy', VirDomainCreateFlags.VIR_DOMAIN_START_AUTODESTROY],
  ['bypassCache', VirDomainCreateFlags.VIR_DOMAIN_START_BYPASS_CACHE],
  ['forceBoot', VirDomainCreateFlags.VIR_DOMAIN_START_FORCE_BOOT],
  ['validate', VirDomainCreateFlags.VIR_DOMAIN_START_VALIDATE],
  ['resetNvram', VirDomainCreateFlags.VIR_DOMAIN_START_RESET_NVRAM],
];

/**
 * `virDomainCreateFlags` for start options.
 * @example startFlags({ paused: true, bypassCache: true }) // 5
 */
export function startFlags(options: StartFlagOptions): number {
  let flags = 0;
  for (const [key, bit] of START_BITS) if (options[key] === true) flags |= bit;
  return flags;
}

/**
 * Names of the start options set in `flags` (for error messages).
 * @example startFlagNames(9) // ['paused', 'forceBoot']
 */
export function startFlagNames(flags: number): string[] {
  return START_BITS.filter(([, bit]) => (flags & bit) !== 0).map(([key]) => key);
}

/**
 * `virDomainSaveRestoreFlags` for managed-save options.
 * @example managedSaveFlags({ bypassCache: true, startAs: 'paused' }) // 5
 */
export function managedSaveFlags(options: { bypassCache?: boolean | undefined; startAs?: 'running' | 'paused' | undefined }): number {
  let flags = 0;
  if (options.bypassCache === true) flags |= VirDomainSaveRestoreFlags.VIR_DOMAIN_SAVE_BYPASS_CACHE;
  if (options.startAs === 'running') flags |= VirDomainSaveRestoreFlags.VIR_DOMAIN_SAVE_RUNNING;
  if (options.startAs === 'paused') flags |= VirDomainSaveRestoreFlags.VIR_DOMAIN_SAVE_PAUSED;
  return flags;
}
