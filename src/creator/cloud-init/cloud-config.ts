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
import { SpecIssues } from '../issues.js';
import { ErrorCode, checkKeys } from '../../errors/index.js';
import {
  INPUT_KEYS,
  USER_KEYS,
  WRITE_FILE_KEYS,
  type CloudConfigInput,
  type CloudConfigUser,
  type CloudConfigWriteFile,
} from './cloud-config-input.js';

export type { CloudConfigInput, CloudConfigUser, CloudConfigWriteFile } from './cloud-config-input.js';

/** Refuse every misspelled key (it would be left out of the user-data in silence). */
function knownKeys(value: object, known: Readonly<Record<string, true>>, path: string): void {
  checkKeys(value, known, path, { code: ErrorCode.INVALID_SPEC, all: true });
}

/** The document key each typed field writes. */
const TYPED_FIELDS: Readonly<Record<string, keyof CloudConfigInput>> = {
  hostname: 'hostname',
  users: 'user',
  ssh_authorized_keys: 'sshAuthorizedKeys',
  packages: 'packages',
  runcmd: 'runcmd',
  write_files: 'writeFiles',
  timezone: 'timezone',
};

/** `key` is written by a typed field the input gives (even one refused, whose key is then missing from the document). */
function setByTypedField(input: CloudConfigInput, key: string): boolean {
  const field = Object.prototype.hasOwnProperty.call(TYPED_FIELDS, key) ? TYPED_FIELDS[key] : undefined;
  return field !== undefined && input[field] !== undefined;
}

const OWNER_RE = /^[a-z_][a-z0-9_-]{0,31}(?::[a-z_][a-z0-9_-]{0,31})?$/;
const TIMEZONE_RE = /^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)*$/;
const CRYPT_RE = /^\$[0-9a-z]+\$[^\s:]+$/;

function keys(list: unknown, path: string): string[] | undefined {
  const entries = optionalArray(list, path);
  if (entries === undefined) return undefined;
  const issues = new SpecIssues();
  const checked = entries.map((key, i) => issues.field(() => requireSshPublicKey(key, `${path}[${i}]`)));
  issues.throwIfAny();
  return checked as string[];
}

function buildUser(user: CloudConfigUser, path: string): Record<string, unknown> {
  if (!isPlainObject(user)) throw invalidSpec('must be an object', path);
  const issues = new SpecIssues();
  issues.field(() => knownKeys(user, USER_KEYS, path));
  const out: Record<string, unknown> = { name: user.name };
  issues.field(() => {
    if (typeof user.name !== 'string' || !USER_NAME_RE.test(user.name))
      throw invalidSpec('must match ^[a-z_][a-z0-9_-]{0,31}$', `${path}.name`);
  });
  const userKeys = issues.field(() => keys(user.sshAuthorizedKeys, `${path}.sshAuthorizedKeys`));
  if (userKeys) out.ssh_authorized_keys = userKeys;
  issues.field(() => {
    if (user.sudo === true) out.sudo = 'ALL=(ALL) NOPASSWD:ALL';
    else if (typeof user.sudo === 'string') out.sudo = requireLine(user.sudo, `${path}.sudo`);
    else if (user.sudo !== undefined && user.sudo !== false) throw invalidSpec('must be a boolean or a string', `${path}.sudo`);
  });
  const both = user.passwordHash !== undefined && user.plainPassword !== undefined;
  if (both) issues.record(invalidSpec('give either passwordHash or plainPassword, not both', `${path}.plainPassword`));
  if (user.passwordHash !== undefined)
    issues.field(() => {
      if (typeof user.passwordHash !== 'string' || !CRYPT_RE.test(user.passwordHash)) {
        throw invalidSpec(
          'must be a crypt(3) hash such as "$6$salt$hash" (use plainPassword for a clear-text password)',
          `${path}.passwordHash`,
        );
      }
      out.passwd = user.passwordHash;
      out.lock_passwd = false;
    });
  if (user.plainPassword !== undefined && !both)
    issues.field(() => {
      if (requireLine(user.plainPassword, `${path}.plainPassword`).length === 0)
        throw invalidSpec('must not be empty', `${path}.plainPassword`);
      out.plain_text_passwd = user.plainPassword;
      out.lock_passwd = false;
    });
  if (user.shell !== undefined)
    issues.field(() => {
      if (!/^\/[^\s]*$/.test(requireLine(user.shell, `${path}.shell`))) throw invalidSpec('must be an absolute path', `${path}.shell`);
      out.shell = user.shell;
    });
  const groups = issues.field(() => optionalArray(user.groups, `${path}.groups`));
  if (groups) {
    groups.forEach((g, i) => {
      if (typeof g !== 'string' || !USER_NAME_RE.test(g)) issues.record(invalidSpec('must be a group name', `${path}.groups[${i}]`));
    });
    out.groups = groups;
  }
  issues.throwIfAny();
  return out;
}

function buildWriteFile(file: CloudConfigWriteFile, path: string): Record<string, unknown> {
  if (!isPlainObject(file)) throw invalidSpec('must be an object', path);
  const issues = new SpecIssues();
  issues.field(() => knownKeys(file, WRITE_FILE_KEYS, path));
  const out: Record<string, unknown> = {};
  issues.field(() => {
    const target = requireLine(file.path, `${path}.path`);
    if (!target.startsWith('/')) throw invalidSpec('must be an absolute path', `${path}.path`);
    out.path = target;
  });
  if (Buffer.isBuffer(file.content)) {
    out.encoding = 'b64';
    out.content = file.content.toString('base64');
  } else {
    issues.field(() => (out.content = requireText(file.content, `${path}.content`)));
  }
  if (file.permissions !== undefined)
    issues.field(() => {
      if (typeof file.permissions !== 'string' || !/^0?[0-7]{3,4}$/.test(file.permissions)) {
        throw invalidSpec('must be an octal mode string such as "0644"', `${path}.permissions`);
      }
      out.permissions = file.permissions;
    });
  if (file.owner !== undefined)
    issues.field(() => {
      if (typeof file.owner !== 'string' || !OWNER_RE.test(file.owner))
        throw invalidSpec('must be "user" or "user:group"', `${path}.owner`);
      out.owner = file.owner;
    });
  for (const flag of ['append', 'defer'] as const) {
    if (file[flag] === undefined) continue;
    issues.field(() => {
      if (typeof file[flag] !== 'boolean') throw invalidSpec('must be a boolean', `${path}.${flag}`);
      out[flag] = file[flag];
    });
  }
  issues.throwIfAny();
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
  const issues = new SpecIssues();
  issues.field(() => knownKeys(input, INPUT_KEYS, ''));
  const doc: Record<string, unknown> = {};
  if (input.hostname !== undefined) issues.field(() => (doc.hostname = requireHostname(input.hostname, 'hostname')));
  if (input.user !== undefined) {
    const user = issues.field(() => buildUser(input.user!, 'user'));
    if (user !== undefined) doc.users = input.keepDefaultUser === false ? [user] : ['default', user];
  }
  const topKeys = issues.field(() => keys(input.sshAuthorizedKeys, 'sshAuthorizedKeys'));
  if (topKeys) doc.ssh_authorized_keys = topKeys;
  const packages = issues.field(() => optionalArray(input.packages, 'packages'));
  if (packages) {
    packages.forEach((p, i) => {
      if (typeof p !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9+._:=~*-]*$/.test(p))
        issues.record(invalidSpec('must be a package name (optionally with =version)', `packages[${i}]`));
    });
    doc.packages = packages;
  }
  const runcmd = issues.field(() => optionalArray(input.runcmd, 'runcmd'));
  if (runcmd) {
    doc.runcmd = runcmd.map((cmd, i) =>
      issues.field(() => {
        if (typeof cmd === 'string') return requireText(cmd, `runcmd[${i}]`);
        if (!Array.isArray(cmd) || cmd.length === 0) throw invalidSpec('must be a string or a non-empty argv array', `runcmd[${i}]`);
        return Array.from(cmd as unknown[], (arg, j) => requireText(arg, `runcmd[${i}][${j}]`)); // holes checked too
      }),
    );
  }
  const writeFiles = issues.field(() => optionalArray(input.writeFiles, 'writeFiles'));
  if (writeFiles)
    doc.write_files = writeFiles.map((f, i) => issues.field(() => buildWriteFile(f as CloudConfigWriteFile, `writeFiles[${i}]`)));
  if (input.timezone !== undefined)
    issues.field(() => {
      if (!TIMEZONE_RE.test(requireLine(input.timezone, 'timezone')))
        throw invalidSpec('must be a zone name such as "Europe/Paris"', 'timezone');
      doc.timezone = input.timezone;
    });
  const extra = input.extra;
  if (
    extra !== undefined &&
    issues.passes(() => {
      if (!isPlainObject(extra)) throw invalidSpec('must be a plain object', 'extra');
    })
  ) {
    issues.field(() => toYamlJson(extra, { sortKeys: false, path: 'extra' })); // reports bad values at extra.<key>
    for (const [key, value] of Object.entries(extra)) {
      if (key in doc || setByTypedField(input, key)) {
        issues.record(invalidSpec('repeats a key already set by a typed field', `extra.${key}`));
      } else if (value !== undefined) doc[key] = value;
    }
  }
  issues.throwIfAny();
  return `#cloud-config\n${toYamlJson(doc, { sortKeys: false, path: 'cloudConfig' })}\n`;
}
