/**
 * cloud-init NoCloud seeds in pure TypeScript: no `genisoimage`, `xorriso` or
 * `cloud-localds` on the host, no file system access. Everything returns
 * Buffers or strings; uploading the image and attaching it as a cdrom is the
 * creator's job.
 *
 * - {@link buildCloudConfig}: typed options → `#cloud-config` user-data.
 * - {@link buildNoCloudSeed}: user-data, meta-data, network-config, vendor-data → a `cidata` ISO, its SHA-256
 *   and a content-addressed file name.
 * - {@link buildIso9660}: the underlying ISO 9660 writer (Joliet + Rock Ridge names).
 * - {@link redactCloudConfig} / {@link describeSeed}: log-safe views; never log a seed's content.
 *
 * @example
 * ```ts
 * import { buildCloudConfig, buildNoCloudSeed, describeSeed } from './creator/cloud-init/index.js';
 *
 * const seed = buildNoCloudSeed({
 *   userData: buildCloudConfig({ hostname: 'web-1', user: { name: 'ops', sudo: true, sshAuthorizedKeys: [publicKey] } }),
 *   instanceId: uuid,
 * });
 * log.info(describeSeed(seed)); // names and sizes only
 * ```
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 * @module
 */

/**
 * Build `#cloud-config` user-data from typed options (see the function's own documentation).
 * @throws {InvalidArgumentError} `ERR_LIBVIRT_INVALID_SPEC` with the offending `path`; never the value.
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 */
export { buildCloudConfig, type CloudConfigInput, type CloudConfigUser, type CloudConfigWriteFile } from './cloud-config.js';

/**
 * Build a NoCloud seed ISO labelled `cidata` (see the function's own documentation).
 * @throws {InvalidArgumentError} `ERR_LIBVIRT_INVALID_SPEC` with the offending `path`.
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 */
export { buildNoCloudSeed, NOCLOUD_LABEL, type NoCloudSeed, type NoCloudSeedInput } from './nocloud.js';

/**
 * The ISO 9660 writer (see the function's own documentation).
 * @throws {InvalidArgumentError} `ERR_LIBVIRT_INVALID_SPEC` with the offending `path`.
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 */
export { buildIso9660, ISO9660_LIMITS, type BuildIso9660Options, type IsoFile } from './iso9660.js';

/**
 * Log-safe views of cloud-init data (see each function's own documentation).
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 */
export { describeSeed, redactCloudConfig, REDACTED } from './redact.js';
