/**
 * The input of `buildCloudConfig` (`cloud-config.ts`): its types, and the
 * keys each object of it may have (a misspelled key is refused).
 *
 * @module
 */
import type { KnownKeys } from '../../errors/index.js';

/** The user `buildCloudConfig` creates (cloud-init `users` entry). */
export interface CloudConfigUser {
  /** Login name, `^[a-z_][a-z0-9_-]{0,31}$`. */
  name: string;
  /** OpenSSH public key lines for this user's `authorized_keys`. */
  sshAuthorizedKeys?: string[];
  /**
   * `true` grants passwordless sudo (`ALL=(ALL) NOPASSWD:ALL`); a string is
   * used as the sudoers rule; `false` or absent grants nothing.
   * @default undefined (no sudo rule)
   */
  sudo?: boolean | string;
  /**
   * A crypt(3) hash (`$6$…`, `$y$…`, e.g. from `mkpasswd -m sha-512`). Setting
   * it also unlocks the password (`lock_passwd: false`).
   */
  passwordHash?: string;
  /**
   * A clear-text password. Discouraged: it is stored readable in the seed ISO
   * (anyone who can read the image or the guest's
   * `/var/lib/cloud/instance/user-data.txt` sees it). Prefer SSH keys, or
   * {@link CloudConfigUser.passwordHash}. Never echoed in errors; hidden by
   * {@link redactCloudConfig}.
   */
  plainPassword?: string;
  /** Login shell, an absolute path such as `/bin/bash`. */
  shell?: string;
  /** Supplementary groups. */
  groups?: string[];
}

/** A file cloud-init writes (cloud-init `write_files` entry). */
export interface CloudConfigWriteFile {
  /** Absolute path in the guest. */
  path: string;
  /** Content: a string (UTF-8, no NUL) or a Buffer (written base64-encoded, for binary data). */
  content: string | Buffer;
  /** Octal mode as a string, e.g. `'0644'`. */
  permissions?: string;
  /** `user` or `user:group`. */
  owner?: string;
  /** Append instead of overwrite. */
  append?: boolean;
  /** Write late (after users and packages exist). */
  defer?: boolean;
}

/** Input of `buildCloudConfig`. */
export interface CloudConfigInput {
  /** Host name or FQDN. */
  hostname?: string;
  /** A user to create. */
  user?: CloudConfigUser;
  /**
   * Keep the distribution's default user (`users: [default, …]`) next to
   * {@link CloudConfigInput.user}. The top-level `sshAuthorizedKeys` go to that default user.
   * @default true
   */
  keepDefaultUser?: boolean;
  /** Keys for the default user (cloud-init top-level `ssh_authorized_keys`). */
  sshAuthorizedKeys?: string[];
  /** Packages to install (implies a package index update). */
  packages?: string[];
  /** Commands run once at first boot: a string runs through `sh -c`, an array is exec'd as argv. */
  runcmd?: (string | string[])[];
  /** Files to write. */
  writeFiles?: CloudConfigWriteFile[];
  /** Time zone name, e.g. `Europe/Paris`. */
  timezone?: string;
  /** Further top-level cloud-config keys, e.g. `{ ssh_pwauth: false }`. Must not repeat keys set by the fields above. */
  extra?: Record<string, unknown>;
}

/** `extra` is an open map (any cloud-config key); every other object of the input is checked key by key. */
export const INPUT_KEYS = {
  hostname: true,
  user: true,
  keepDefaultUser: true,
  sshAuthorizedKeys: true,
  packages: true,
  runcmd: true,
  writeFiles: true,
  timezone: true,
  extra: true,
} as const satisfies KnownKeys<CloudConfigInput>;
export const USER_KEYS = {
  name: true,
  sshAuthorizedKeys: true,
  sudo: true,
  passwordHash: true,
  plainPassword: true,
  shell: true,
  groups: true,
} as const satisfies KnownKeys<CloudConfigUser>;
export const WRITE_FILE_KEYS = {
  path: true,
  content: true,
  permissions: true,
  owner: true,
  append: true,
  defer: true,
} as const satisfies KnownKeys<CloudConfigWriteFile>;
