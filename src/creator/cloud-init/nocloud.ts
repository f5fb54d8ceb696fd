/**
 * cloud-init NoCloud seed images: an ISO 9660 volume labelled `cidata` with
 * `user-data`, `meta-data` and optionally `network-config` and `vendor-data`
 * in its root, attached to the guest as a cdrom.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { buildIso9660 } from './iso9660.js';
import { invalidSpec, isPlainObject, requireHostname, requireText } from './validate.js';
import { toYamlJson } from './yaml-json.js';
import { SpecIssues } from '../issues.js';

/** Volume label cloud-init's NoCloud datasource looks for (it accepts `cidata` and `CIDATA`). */
export const NOCLOUD_LABEL = 'cidata';

/** Input of {@link buildNoCloudSeed}. */
export interface NoCloudSeedInput {
  /**
   * The `user-data` file, verbatim: a `#cloud-config` document (see
   * `buildCloudConfig`), a `#!` script, MIME multi-part… Its first line
   * decides its format, so cloud-config must start with `#cloud-config`.
   * @default "#cloud-config\n{}\n" (nothing to do)
   */
  userData?: string;
  /**
   * The `meta-data` file. An object is written as JSON (valid YAML) with
   * `instance-id` (and `local-hostname`) filled in; a string is written
   * verbatim and must then carry its own `instance-id`. Meta-data is plain
   * YAML: no `#cloud-config` header.
   */
  metaData?: string | Record<string, unknown>;
  /**
   * The `network-config` file: network config version 1 or 2, either bare
   * (`{ version: 2, ethernets: … }`) or under a `network` key. An object is
   * written as JSON; a string verbatim. No header line.
   */
  networkConfig?: string | Record<string, unknown>;
  /** The `vendor-data` file, verbatim; same formats (and header rule) as user-data. */
  vendorData?: string;
  /**
   * `instance-id` for meta-data. cloud-init runs its once-per-instance steps
   * again whenever it changes; a VM's UUID is a good choice.
   * @default `iid-` + 16 hex digits of a SHA-256 over all other seed content
   */
  instanceId?: string;
  /** `local-hostname` for meta-data. */
  localHostname?: string;
}

/** A built seed image. */
export interface NoCloudSeed {
  /** The ISO 9660 image. */
  iso: Buffer;
  /** Hex SHA-256 of {@link NoCloudSeed.iso}: equal inputs give equal images and hashes. */
  sha256: string;
  /** Names of the files in the image, sorted. */
  files: string[];
  /** Size in bytes of each file in the image. */
  sizes: Record<string, number>;
  /** A content-addressed file name for the image, `cidata-<first 16 hex of sha256>.iso`. */
  fileName: string;
  /** The meta-data `instance-id`, when meta-data was built from an object (undefined for string meta-data). */
  instanceId: string | undefined;
}

const INSTANCE_ID_RE = /^[A-Za-z0-9._:@+-]{1,128}$/;

function requireInstanceId(value: unknown, path: string): string {
  if (typeof value !== 'string' || !INSTANCE_ID_RE.test(value) || value === '.' || value === '..') {
    // cloud-init uses it as a directory name under /var/lib/cloud/instances.
    throw invalidSpec('must be 1-128 characters of [A-Za-z0-9._:@+-], not "." or ".."', path);
  }
  return value;
}

function documentFile(value: string | Record<string, unknown>, path: string): string {
  if (typeof value === 'string') return requireText(value, path);
  if (!isPlainObject(value)) throw invalidSpec('must be a string or a plain object', path);
  return `${toYamlJson(value, { sortKeys: true, path })}\n`;
}

function checkNetworkConfig(value: Record<string, unknown>): void {
  const inner = isPlainObject(value.network) ? value.network : value;
  if (inner.version !== 1 && inner.version !== 2) {
    throw invalidSpec('must have version 1 or 2 (at the top level or under "network")', 'networkConfig.version');
  }
}

/** `iid-` + 16 hex digits hashing every file but meta-data's own instance-id. */
function defaultInstanceId(parts: Record<string, string | undefined>): string {
  const hash = createHash('sha256');
  for (const [name, content] of Object.entries(parts)) {
    if (content === undefined) continue;
    hash.update(`${name}\0${Buffer.byteLength(content)}\0`).update(content);
  }
  return `iid-${hash.digest('hex').slice(0, 16)}`;
}

function buildMetaData(
  input: NoCloudSeedInput,
  otherFiles: Record<string, string | undefined>,
): { text: string; instanceId: string | undefined } {
  const { metaData } = input;
  if (typeof metaData === 'string') {
    if (input.instanceId !== undefined || input.localHostname !== undefined) {
      throw invalidSpec('instanceId and localHostname need metaData as an object (or put them in the metaData string)', 'metaData');
    }
    return { text: requireText(metaData, 'metaData'), instanceId: undefined };
  }
  if (metaData !== undefined && !isPlainObject(metaData)) throw invalidSpec('must be a string or a plain object', 'metaData');
  const meta: Record<string, unknown> = { ...metaData };
  if (input.localHostname !== undefined) {
    const host = requireHostname(input.localHostname, 'localHostname');
    if (meta['local-hostname'] !== undefined && meta['local-hostname'] !== host) {
      throw invalidSpec('conflicts with metaData["local-hostname"]', 'localHostname');
    }
    meta['local-hostname'] = host;
  }
  if (input.instanceId !== undefined) {
    const id = requireInstanceId(input.instanceId, 'instanceId');
    if (meta['instance-id'] !== undefined && meta['instance-id'] !== id)
      throw invalidSpec('conflicts with metaData["instance-id"]', 'instanceId');
    meta['instance-id'] = id;
  }
  if (meta['instance-id'] === undefined) {
    const withoutId = documentFile(meta, 'metaData');
    meta['instance-id'] = defaultInstanceId({ ...otherFiles, 'meta-data': withoutId });
  }
  const instanceId = requireInstanceId(meta['instance-id'], 'metaData["instance-id"]');
  return { text: documentFile(meta, 'metaData'), instanceId };
}

/**
 * Build a NoCloud seed ISO (volume label `cidata`) for cloud-init.
 *
 * Object inputs are written as JSON, which is valid YAML: no YAML emitter,
 * no quoting bugs. The `#cloud-config` header belongs to user-data (and
 * vendor-data) only; meta-data and network-config are plain YAML documents.
 * The image is byte-for-byte deterministic, so `sha256`/`fileName` can name
 * it and an unchanged seed is not uploaded twice.
 *
 * The image contains every input in clear text: treat it (and any storage
 * volume it is uploaded to) as secret if the user-data holds passwords or
 * tokens. Log it with {@link describeSeed}, never by content.
 *
 * @example
 * ```ts
 * const seed = buildNoCloudSeed({
 *   userData: buildCloudConfig({ user: { name: 'ops', sshAuthorizedKeys: [key] } }),
 *   instanceId: domainUuid,
 *   localHostname: 'web-1',
 *   networkConfig: { version: 2, ethernets: { eth0: { dhcp4: true } } },
 * });
 * // seed.fileName === 'cidata-3f0c…iso'; attach seed.iso as a read-only cdrom.
 * ```
 * @throws {InvalidArgumentError} code `ERR_LIBVIRT_INVALID_SPEC` with `path` (`userData`, `metaData.<key>`,
 *   `networkConfig.version`, `instanceId`, …): a NUL character, a non-serialisable object, a bad instance id or
 *   host name, conflicting values, or more than 16 MiB of content.
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 */
export function buildNoCloudSeed(input: NoCloudSeedInput = {}): NoCloudSeed {
  if (!isPlainObject(input as unknown)) throw invalidSpec('must be an object', 'seed');
  const issues = new SpecIssues();
  const userData = input.userData === undefined ? '#cloud-config\n{}\n' : issues.field(() => requireText(input.userData, 'userData'));
  const vendorData = input.vendorData === undefined ? undefined : issues.field(() => requireText(input.vendorData, 'vendorData'));
  let networkConfig: string | undefined;
  if (input.networkConfig !== undefined) {
    const config = input.networkConfig;
    networkConfig = issues.field(() => {
      if (isPlainObject(config)) checkNetworkConfig(config);
      return documentFile(config, 'networkConfig');
    });
  }
  const others = { 'user-data': userData, 'network-config': networkConfig, 'vendor-data': vendorData };
  // With a file refused the default instance-id hashes the others only: the seed is refused anyway, meta-data is still checked.
  const meta = issues.field(() => buildMetaData(input, others));
  issues.throwIfAny();
  const contents: Record<string, string> = { 'meta-data': meta!.text };
  for (const [name, text] of Object.entries(others)) if (text !== undefined) contents[name] = text;

  const files = Object.keys(contents).sort();
  const iso = buildIso9660({ volumeId: NOCLOUD_LABEL, files: files.map((name) => ({ name, data: contents[name]! })) });
  const sha256 = createHash('sha256').update(iso).digest('hex');
  const sizes = Object.fromEntries(files.map((name) => [name, Buffer.byteLength(contents[name]!)]));
  return { iso, sha256, files, sizes, fileName: `${NOCLOUD_LABEL}-${sha256.slice(0, 16)}.iso`, instanceId: meta!.instanceId };
}
