/**
 * A small, typed builder for the common parts of a `#cloud-config` user-data
 * document: host name, one user, SSH keys, packages, commands, files and time
 * zone, plus an escape hatch for anything else.
 *
 * @module
 */
import { requireSshPublicKey } from './ssh-keys.js';
import { USER_NAME_RE, invalidSpec, isPlainObject, optionalArray, requireHostname, requireLine, requireText } from './validate.js';
import { toYamlJson } from './yaml-json.js';
import { ErrorCode, checkKeys, type KnownKeys } from '../../errors/index.js';

/** The user {@link buildCloudConfig} creates (cloud-init `users` entry). */
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

/** Input of {@link buildCloudConfig}. */
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
const INPUT_KEYS = {
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
const USER_KEYS = {
  name: true,
  sshAuthorizedKeys: true,
  sudo: true,
  passwordHash: true,
  plainPassword: true,
  shell: true,
  groups: true,
} as const satisfies KnownKeys<CloudConfigUser>;
const WRITE_FILE_KEYS = {
  path: true,
  content: true,
  permissions: true,
  owner: true,
  append: true,
  defer: true,
} as const satisfies KnownKeys<CloudConfigWriteFile>;

/** Refuse a misspelled key (it would be left out of the user-data in silence). */
function knownKeys(value: object, known: Readonly<Record<string, true>>, path: string): void {
  checkKeys(value, known, path, { code: ErrorCode.INVALID_SPEC });
}

const OWNER_RE = /^[a-z_][a-z0-9_-]{0,31}(?::[a-z_][a-z0-9_-]{0,31})?$/;
const TIMEZONE_RE = /^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)*$/;
const CRYPT_RE = /^\$[0-9a-z]+\$[^\s:]+$/;

function keys(list: unknown, path: string): string[] | undefined {
  return optionalArray(list, path)?.map((key, i) => requireSshPublicKey(key, `${path}[${i}]`));
}

function buildUser(user: CloudConfigUser, path: string): Record<string, unknown> {
  if (!isPlainObject(user)) throw invalidSpec('must be an object', path);
  knownKeys(user, USER_KEYS, path);
  if (typeof user.name !== 'string' || !USER_NAME_RE.test(user.name)) {
    throw invalidSpec('must match ^[a-z_][a-z0-9_-]{0,31}$', `${path}.name`);
  }
  const out: Record<string, unknown> = { name: user.name };
  const userKeys = keys(user.sshAuthorizedKeys, `${path}.sshAuthorizedKeys`);
  if (userKeys) out.ssh_authorized_keys = userKeys;
  if (user.sudo === true) out.sudo = 'ALL=(ALL) NOPASSWD:ALL';
  else if (typeof user.sudo === 'string') out.sudo = requireLine(user.sudo, `${path}.sudo`);
  else if (user.sudo !== undefined && user.sudo !== false) throw invalidSpec('must be a boolean or a string', `${path}.sudo`);
  if (user.passwordHash !== undefined && user.plainPassword !== undefined) {
    throw invalidSpec('give either passwordHash or plainPassword, not both', `${path}.plainPassword`);
  }
  if (user.passwordHash !== undefined) {
    if (typeof user.passwordHash !== 'string' || !CRYPT_RE.test(user.passwordHash)) {
      throw invalidSpec(
        'must be a crypt(3) hash such as "$6$salt$hash" (use plainPassword for a clear-text password)',
        `${path}.passwordHash`,
      );
    }
    out.passwd = user.passwordHash;
    out.lock_passwd = false;
  }
  if (user.plainPassword !== undefined) {
    if (requireLine(user.plainPassword, `${path}.plainPassword`).length === 0) {
      throw invalidSpec('must not be empty', `${path}.plainPassword`);
    }
    out.plain_text_passwd = user.plainPassword;
    out.lock_passwd = false;
  }
  if (user.shell !== undefined && !/^\/[^\s]*$/.test(requireLine(user.shell, `${path}.shell`))) {
    throw invalidSpec('must be an absolute path', `${path}.shell`);
  }
  if (user.shell !== undefined) out.shell = user.shell;
  const groups = optionalArray(user.groups, `${path}.groups`);
  if (groups) {
    groups.forEach((g, i) => {
      if (typeof g !== 'string' || !USER_NAME_RE.test(g)) throw invalidSpec('must be a group name', `${path}.groups[${i}]`);
    });
    out.groups = groups;
  }
  return out;
}

function buildWriteFile(file: CloudConfigWriteFile, path: string): Record<string, unknown> {
  if (!isPlainObject(file)) throw invalidSpec('must be an object', path);
  knownKeys(file, WRITE_FILE_KEYS, path);
  const target = requireLine(file.path, `${path}.path`);
  if (!target.startsWith('/')) throw invalidSpec('must be an absolute path', `${path}.path`);
  const out: Record<string, unknown> = { path: target };
  if (Buffer.isBuffer(file.content)) {
    out.encoding = 'b64';
    out.content = file.content.toString('base64');
  } else {
    out.content = requireText(file.content, `${path}.content`);
  }
  if (file.permissions !== undefined) {
    if (typeof file.permissions !== 'string' || !/^0?[0-7]{3,4}$/.test(file.permissions)) {
      throw invalidSpec('must be an octal mode string such as "0644"', `${path}.permissions`);
    }
    out.permissions = file.permissions;
  }
  if (file.owner !== undefined) {
    if (typeof file.owner !== 'string' || !OWNER_RE.test(file.owner)) throw invalidSpec('must be "user" or "user:group"', `${path}.owner`);
    out.owner = file.owner;
  }
  for (const flag of ['append', 'defer'] as const) {
    if (file[flag] === undefined) continue;
    if (typeof file[flag] !== 'boolean') throw invalidSpec('must be a boolean', `${path}.${flag}`);
    out[flag] = file[flag];
  }
  return out;
}

/**
 * Build a `#cloud-config` user-data document from typed options.
 *
 * The body is JSON, which is valid YAML: cloud-init parses it as any other
 * cloud-config, and no value can be re-typed by YAML (`no`, `0755`, `on`).
 * The first line is the required `#cloud-config` header. Only the fields
 * given are written; key order is fixed, so equal input gives equal text.
 *
 * @example
 * ```ts
 * const userData = buildCloudConfig({
 *   hostname: 'web-1',
 *   user: { name: 'ops', sudo: true, sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… ops@laptop'] },
 *   packages: ['nginx'],
 *   runcmd: [['systemctl', 'enable', '--now', 'nginx']],
 * });
 * // "#cloud-config\n{\n  \"hostname\": \"web-1\",\n  \"users\": [\n    \"default\", …"
 * ```
 * @throws {InvalidArgumentError} code `ERR_LIBVIRT_INVALID_SPEC` with `path` (e.g. `user.sshAuthorizedKeys[0]`)
 *   for a bad host name, user name, SSH key, password hash, file, command, time zone, a NUL anywhere, or an
 *   `extra` key that repeats a typed field. Messages never contain the offending value.
 * @see https://cloudinit.readthedocs.io/en/latest/reference/modules.html
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 */
export function buildCloudConfig(input: CloudConfigInput): string {
  if (!isPlainObject(input as unknown)) throw invalidSpec('must be an object', 'cloudConfig');
  knownKeys(input, INPUT_KEYS, '');
  const doc: Record<string, unknown> = {};
  if (input.hostname !== undefined) doc.hostname = requireHostname(input.hostname, 'hostname');
  if (input.user !== undefined) {
    const user = buildUser(input.user, 'user');
    doc.users = input.keepDefaultUser === false ? [user] : ['default', user];
  }
  const topKeys = keys(input.sshAuthorizedKeys, 'sshAuthorizedKeys');
  if (topKeys) doc.ssh_authorized_keys = topKeys;
  const packages = optionalArray(input.packages, 'packages');
  if (packages) {
    doc.packages = packages.map((p, i) => {
      if (typeof p !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9+._:=~*-]*$/.test(p)) {
        throw invalidSpec('must be a package name (optionally with =version)', `packages[${i}]`);
      }
      return p;
    });
  }
  const runcmd = optionalArray(input.runcmd, 'runcmd');
  if (runcmd) {
    doc.runcmd = runcmd.map((cmd, i) => {
      if (typeof cmd === 'string') return requireText(cmd, `runcmd[${i}]`);
      if (!Array.isArray(cmd) || cmd.length === 0) throw invalidSpec('must be a string or a non-empty argv array', `runcmd[${i}]`);
      return Array.from(cmd as unknown[], (arg, j) => requireText(arg, `runcmd[${i}][${j}]`)); // holes checked too
    });
  }
  const writeFiles = optionalArray(input.writeFiles, 'writeFiles');
  if (writeFiles) doc.write_files = writeFiles.map((f, i) => buildWriteFile(f as CloudConfigWriteFile, `writeFiles[${i}]`));
  if (input.timezone !== undefined) {
    if (!TIMEZONE_RE.test(requireLine(input.timezone, 'timezone')))
      throw invalidSpec('must be a zone name such as "Europe/Paris"', 'timezone');
    doc.timezone = input.timezone;
  }
  if (input.extra !== undefined) {
    if (!isPlainObject(input.extra)) throw invalidSpec('must be a plain object', 'extra');
    toYamlJson(input.extra, { sortKeys: false, path: 'extra' }); // reports bad values at extra.<key>
    for (const [key, value] of Object.entries(input.extra)) {
      if (key in doc) throw invalidSpec('repeats a key already set by a typed field', `extra.${key}`);
      if (value !== undefined) doc[key] = value;
    }
  }
  return `#cloud-config\n${toYamlJson(doc, { sortKeys: false, path: 'cloudConfig' })}\n`;
}
