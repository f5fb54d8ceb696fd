import { DomainNotFoundError, type LibvirtManagerError, isFlagRefusal } from '../errors/index.js';
import type { CallOptions, DomainRef, LibvirtConnection } from '../connection/internal.js';

/** `virDomainUndefineFlagsValues` the SDK negotiates. */
export const UndefineFlag = {
  MANAGED_SAVE: 1,
  SNAPSHOTS_METADATA: 2,
  NVRAM: 4,
  CHECKPOINTS_METADATA: 16,
  TPM: 32,
} as const;

/**
 * Flag sets tried in order: everything first, then without the newest flags a
 * daemon may not know (TPM: libvirt 8.9; checkpoints: 5.6; NVRAM: 1.2.9),
 * down to plain undefine. The test driver, for one, accepts only
 * MANAGED_SAVE | SNAPSHOTS_METADATA.
 */
export const UNDEFINE_FLAG_LADDER: readonly number[] = [
  UndefineFlag.MANAGED_SAVE | UndefineFlag.SNAPSHOTS_METADATA | UndefineFlag.NVRAM | UndefineFlag.CHECKPOINTS_METADATA | UndefineFlag.TPM,
  UndefineFlag.MANAGED_SAVE | UndefineFlag.SNAPSHOTS_METADATA | UndefineFlag.NVRAM | UndefineFlag.CHECKPOINTS_METADATA,
  UndefineFlag.MANAGED_SAVE | UndefineFlag.SNAPSHOTS_METADATA | UndefineFlag.NVRAM,
  UndefineFlag.MANAGED_SAVE | UndefineFlag.SNAPSHOTS_METADATA,
  UndefineFlag.MANAGED_SAVE,
  0,
];

/** What an undefine did. */
export interface UndefineResult {
  /** `true` when this call removed the definition; `false` when it was already gone or transient. */
  undefined: boolean;
  /** The domain did not exist (NO_DOMAIN): nothing to do. */
  alreadyGone: boolean;
  /** Flags of the successful attempt (`null` when nothing was sent successfully). */
  flags: number | null;
  /** Flag sets the daemon refused before one worked. */
  refused: number[];
}

/**
 * Remove a domain's persistent definition with libvirt's undefine-flag
 * negotiation: ask for managed-save, snapshot and checkpoint metadata, NVRAM
 * and TPM state to go with it, and drop flags one step at a time when the
 * daemon refuses them. As a last resort the managed save image is removed
 * explicitly and a plain undefine is tried. "No such domain" counts as done.
 *
 * This is the single implementation of undefine in the SDK: `VmDestroyer` and
 * the creator's rollback both use it.
 *
 * @throws the daemon's last error when every attempt failed for another reason
 * @see virDomainUndefineFlags
 */
export async function undefineDomain(connection: LibvirtConnection, domain: DomainRef, options: CallOptions = {}): Promise<UndefineResult> {
  const refused: number[] = [];
  let lastError: unknown;
  for (const flags of UNDEFINE_FLAG_LADDER) {
    try {
      await connection.domains.control.undefine(domain, { ...options, flags });
      return { undefined: true, alreadyGone: false, flags, refused };
    } catch (error) {
      if (error instanceof DomainNotFoundError) return { undefined: false, alreadyGone: true, flags: null, refused };
      if (!isFlagRefusal(error)) {
        lastError = error;
        break;
      }
      refused.push(flags);
      lastError = error;
    }
  }
  // Last resort (Nova, virt-install): drop the managed save image, then plain undefine.
  try {
    await connection.domains.control.managedSaveRemove(domain, options).catch(() => undefined);
    await connection.domains.control.undefine(domain, { ...options, flags: 0 });
    return { undefined: true, alreadyGone: false, flags: 0, refused };
  } catch (error) {
    if (error instanceof DomainNotFoundError) return { undefined: false, alreadyGone: true, flags: null, refused };
    throw (lastError ?? error) as LibvirtManagerError;
  }
}
