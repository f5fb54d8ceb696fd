/**
 * libvirt flag bits the lifecycle module sends. Values from libvirt's headers
 * (shared reference §8.2); kept here because modules above the connection do
 * not import `src/rpc`. Names mirror libvirt's so they can be grepped.
 */

/** `virDomainShutdownFlagValues` and `virDomainRebootFlagValues` (the same bits). */
export const VirDomainPowerFlags = {
  VIR_DOMAIN_SHUTDOWN_DEFAULT: 0,
  VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN: 1,
  VIR_DOMAIN_SHUTDOWN_GUEST_AGENT: 2,
} as const;

/** `virDomainCreateFlags` (DOMAIN_CREATE_WITH_FLAGS). */
export const VirDomainCreateFlags = {
  VIR_DOMAIN_START_PAUSED: 1,
  VIR_DOMAIN_START_AUTODESTROY: 2,
  VIR_DOMAIN_START_BYPASS_CACHE: 4,
  VIR_DOMAIN_START_FORCE_BOOT: 8,
  VIR_DOMAIN_START_VALIDATE: 16,
  VIR_DOMAIN_START_RESET_NVRAM: 32,
} as const;

/** `virDomainDestroyFlagsValues`: GRACEFUL sends only SIGTERM to the hypervisor process. */
export const VirDomainDestroyFlags = { VIR_DOMAIN_DESTROY_DEFAULT: 0, VIR_DOMAIN_DESTROY_GRACEFUL: 1 } as const;

/** `virDomainSaveRestoreFlags` as DOMAIN_MANAGED_SAVE takes them. */
export const VirDomainSaveFlags = {
  VIR_DOMAIN_SAVE_BYPASS_CACHE: 1,
  VIR_DOMAIN_SAVE_RUNNING: 2,
  VIR_DOMAIN_SAVE_PAUSED: 4,
} as const;

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
  if (options.bypassCache === true) flags |= VirDomainSaveFlags.VIR_DOMAIN_SAVE_BYPASS_CACHE;
  if (options.startAs === 'running') flags |= VirDomainSaveFlags.VIR_DOMAIN_SAVE_RUNNING;
  if (options.startAs === 'paused') flags |= VirDomainSaveFlags.VIR_DOMAIN_SAVE_PAUSED;
  return flags;
}
