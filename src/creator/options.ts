/**
 * Options and results of `VmCreator` (kept apart from the class so the
 * class file holds only the create itself).
 *
 * @module
 */
import type { UploadProgress } from './spec.js';
import { type CallOptions, type DomainRef, InvalidArgumentError, type KnownKeys, type Logger, checkKeys } from '../connection/internal.js';
import { checkCallOptions } from '../runtime/index.js';
import type { OwnedVolumeRole } from '../xml/index.js';

/**
 * What the creator needs from `VmLifecycleManager` (structural: the manager
 * fits, and tests can pass a fake).
 */
export interface CreatorLifecycle {
  /** Start the VM and resolve once libvirt confirms it running (a result with `domain` carries its new id). */
  start(vm: DomainRef, options?: CallOptions): Promise<unknown>;
  /** Power the VM off at once and wait until it is off; a VM already off is fine (a result with `changed: false`). */
  forceOff(vm: DomainRef, options?: CallOptions): Promise<unknown>;
  /** Set whether the VM starts with the host. */
  setAutostart(vm: DomainRef, options: CallOptions & { enabled: boolean }): Promise<unknown>;
}

/** @internal Test hooks. */
export interface CreatorHooks {
  /**
   * Runs before each step of a create; throwing fails that step. Steps: `volume:disks[i]` / `volume:cloudInit`
   * (create a volume), `upload:disks[i]` / `upload:cloudInit`, `define`, `autostart`, `start`, `detach-seed`.
   */
  beforeStep?(step: string): void | Promise<void>;
}

/** Options of {@link VmCreator}. */
export interface VmCreatorOptions {
  /** Structured logger; the creator logs steps and rollbacks, never seed content or passwords. */
  logger?: Logger;
  /**
   * Starts the VM and, on rollback, powers it off.
   * @default a `VmLifecycleManager` on the same connection (sharing the caller's manager keeps one lock per VM)
   */
  lifecycle?: CreatorLifecycle;
  /** Timeout of each call made while rolling back, in ms. @default 60000 */
  rollbackTimeout?: number;
  /** @internal Test hooks (failure injection). */
  hooks?: CreatorHooks;
}

/** A progress event of `VmCreator.create`. */
export type CreateProgress =
  { type: 'step'; step: string; description: string } | ({ type: 'upload'; step: string; pool: string; volume: string } & UploadProgress);

/** Options of `VmCreator.create`. */
export interface CreateOptions extends CallOptions {
  /** Called as each step starts, and as upload chunks go out. */
  onProgress?: (event: CreateProgress) => void;
}

/** A volume a create made (and the VM owns). */
export interface CreatedVolume {
  role: OwnedVolumeRole;
  pool: string;
  name: string;
  path: string;
  format: string;
  /** Index of the spec disk it backs; absent for the seed. */
  disk?: number;
}

/** The cloud-init seed a create made. */
export interface CreatedSeed extends CreatedVolume {
  /** Hex SHA-256 of the ISO image. */
  sha256: string;
  /** meta-data `instance-id` (undefined when meta-data was given as a string). */
  instanceId: string | undefined;
  /** Target of its cdrom, e.g. `'sda'`. */
  target: string;
  /** `true` once removed from the persistent definition (`detach: 'after-first-boot'`). */
  detached: boolean;
}

/** What `VmCreator.create` made. */
export interface CreateResult {
  /** The new domain (with its id when started). */
  domain: DomainRef;
  /** The domain XML that was defined (with the graphics password in it, literal or read from a secret: do not log it). */
  xml: string;
  created: { volumes: CreatedVolume[]; seed?: CreatedSeed };
  /** `true` when this create started the VM. */
  started: boolean;
}

const CREATE_OPTION_KEYS = { signal: true, timeout: true, onProgress: true } as const satisfies KnownKeys<CreateOptions>;

/**
 * Check the options of a create before anything is sent: `{ signal, timeout }`
 * (the one check every operation runs; a create has no time limit unless
 * given one), `onProgress`, and no other key.
 * @returns the timeout of the whole create (0: none)
 * @throws InvalidArgumentError naming the option, also an unknown one (`unknown option 'onprogress' (did you mean 'onProgress'?)`)
 */
export function checkCreateOptions(options: unknown): number {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object', { path: 'options' });
  const timeout = checkCallOptions(options, 0);
  checkKeys(options, CREATE_OPTION_KEYS, '', { kind: 'option' });
  const { onProgress } = options as { onProgress?: unknown };
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new InvalidArgumentError('onProgress must be a function', { path: 'onProgress' });
  return timeout;
}
