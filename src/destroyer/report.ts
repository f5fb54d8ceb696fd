import type { DomainStateName } from '../connection/internal.js';
import type { LibvirtManagerError } from '../errors/index.js';

/** A storage volume the destroyer looked at. */
export interface VolumeRecord {
  /** Path on the host, when known. */
  path?: string;
  /** Storage pool and volume name, when the volume is in a pool. */
  pool?: string;
  name?: string;
  /** The SDK's role for it (from the ownership metadata), when the SDK created it. */
  role?: string;
  /** Target device in the guest (`vda`…), when it is an attached disk. */
  target?: string;
  /**
   * The volume's key as the ownership record has it; before deleting, the
   * destroyer checks that the volume it found still has this key.
   */
  key?: string;
  /**
   * `'sha256:<hex>'` of the content the SDK wrote (the cloud-init seed); a
   * detached seed is deleted only when its content still has this hash.
   */
  contentHash?: string;
  /**
   * UUID of the secret the SDK created for this volume's encryption (LUKS
   * passphrase): undefined once the volume is deleted or found gone, never
   * while the volume is kept.
   */
  secret?: string;
  /** The SDK created this volume (listed in the domain's ownership metadata, and the record is believed). */
  owned: boolean;
}

/** Why a volume was not deleted. */
export type KeepReason =
  /** `storage: 'none'`. */
  | 'policy-none'
  /** `storage: 'owned'` and the SDK did not create it. */
  | 'not-owned'
  /** Marked `<readonly/>`. */
  | 'read-only'
  /** Marked `<shareable/>`. */
  | 'shareable'
  /** A CD-ROM or floppy medium. */
  | 'removable-media'
  /** Another domain uses it as a disk or in its backing chain. */
  | 'in-use'
  /** It is the backing image of a disk (of this or another domain). */
  | 'backing-image'
  /** Not a file or volume the SDK can delete through a storage pool (network disk, a path no active pool holds, iSCSI…). */
  | 'unmanaged'
  /**
   * The ownership record names it, but cannot be believed for it: the record
   * was written for another domain (copied XML), or the volume is not attached
   * and was recorded without a key and domain UUID to check, or its key
   * changed since (another volume now has its name). See `detail`.
   */
  | 'ownership-unverified';

/** One step that failed; teardown went on where it safely could. */
export interface DestroyStepError {
  step: 'inspect' | 'stop' | 'delete-volume' | 'delete-secret' | 'undefine';
  volume?: VolumeRecord;
  error: LibvirtManagerError;
}

/** How the domain was stopped. */
export type StopOutcome =
  /** It was not running. */
  | 'was-stopped'
  /** The guest shut down when asked. */
  | 'graceful'
  /** The guest did not shut down in time and was forced off. */
  | 'escalated'
  /** Forced off, as asked. */
  | 'forced'
  /** It could not be stopped (see `errors`). */
  | 'failed'
  /** The domain was already gone. */
  | 'none';

/** What `VmDestroyer.destroy` did, and what is left. */
export interface DestroyReport {
  /** The domain, as it was found (`null` when it did not exist). */
  domain: { name: string; uuid: string } | null;
  /** Nothing existed: there was nothing to do. */
  alreadyGone: boolean;
  /** The domain had no persistent definition (it vanished when stopped). */
  transient: boolean;
  stopped: StopOutcome;
  /**
   * The VM's state and reason when the teardown found it (`null` when it was
   * not read: the domain was gone). A paused VM shows how it was stopped:
   * paused by the user → resumed, then shut down; otherwise forced off.
   */
  stateBefore: { state: DomainStateName; reason: string } | null;
  /** This call removed the definition. */
  undefined: boolean;
  /** Undefine flags libvirt accepted (NVRAM, TPM, snapshots… — see `UndefineFlag`). */
  undefineFlags: number | null;
  volumesDeleted: VolumeRecord[];
  /**
   * Volumes that were already gone when the destroyer got to them (a previous
   * partial run): their pool is active and does not hold them, and — when the
   * SDK shares the daemon's filesystem — no file is at their path. A volume
   * whose pool is inactive is never reported here (it is an error, and stays
   * in `volumesLeft`).
   */
  volumesAlreadyGone: VolumeRecord[];
  volumesKept: { volume: VolumeRecord; reason: KeepReason; detail?: string }[];
  /**
   * Volumes this teardown was to delete and did not: their deletion failed, or
   * was not tried because who else uses them could not be read (see `errors`).
   * `VmDestroyer.finish` retries them even when the domain, and its ownership
   * record, are gone (a transient domain vanishes when stopped).
   */
  volumesLeft: VolumeRecord[];
  /** UUIDs of the secrets the SDK had made for deleted volumes (LUKS passphrases), now undefined. */
  secretsDeleted: string[];
  /** Steps that failed. Teardown collects these instead of throwing midway. */
  errors: DestroyStepError[];
  /**
   * Everything that was to be removed is gone. When `false`, the domain and
   * its ownership record are left in place on purpose, so calling `destroy`
   * again finishes the job.
   */
  complete: boolean;
}

/** A fresh, empty report. */
export function emptyReport(): DestroyReport {
  return {
    domain: null,
    alreadyGone: false,
    transient: false,
    stopped: 'none',
    stateBefore: null,
    undefined: false,
    undefineFlags: null,
    volumesDeleted: [],
    volumesAlreadyGone: [],
    volumesKept: [],
    volumesLeft: [],
    secretsDeleted: [],
    errors: [],
    complete: false,
  };
}
