/**
 * The cloud-init seed of a create: spec → NoCloud ISO (pure), the cdrom that
 * carries it, and detaching that cdrom from the persistent definition after
 * the first boot.
 *
 * Uploading the ISO is storage's job (`storage.ts` creates a raw volume and
 * streams the image into it); this file only decides what is uploaded and how
 * it is attached. Nothing here logs or quotes seed content.
 *
 * @module
 */
import { buildCloudConfig, buildNoCloudSeed, type CloudConfigInput, type NoCloudSeed } from './cloud-init/index.js';
import { specError, underPath } from './errors.js';
import { SpecIssues } from './issues.js';
import { CLOUD_INIT_KEYS, checkSpecKeys } from './spec-keys.js';
import { objectName } from './validate-text.js';
import type { CloudInitSpec, DiskBus, SeedDetachPolicy } from './spec.js';
import { AFFECT_CONFIG, type LibvirtConnection, type DomainRef, type CallOptions } from '../connection/internal.js';
import { buildDeviceXml, type DiskDevice } from '../xml/index.js';

/** A seed ready to upload, with what the create needs to know about it. */
export interface PlannedSeed {
  seed: NoCloudSeed;
  /** Pool named by the spec, if any (else the creator picks the first disk's pool). */
  pool: string | undefined;
  bus: DiskBus | undefined;
  target: string | undefined;
  detach: SeedDetachPolicy;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const SHORTHANDS = ['user', 'sshAuthorizedKeys', 'hostname'] as const;

function userData(ci: CloudInitSpec): string | undefined {
  const usesConfig = ci.config !== undefined || ci.user !== undefined || ci.sshAuthorizedKeys !== undefined;
  if (ci.userData !== undefined) {
    if (usesConfig) throw specError('cloudInit.userData', 'give either userData or config/user/sshAuthorizedKeys, not both');
    return ci.userData;
  }
  if (!usesConfig && ci.hostname === undefined) return undefined;
  if (ci.config !== undefined && (typeof ci.config !== 'object' || ci.config === null))
    throw specError('cloudInit.config', 'must be an object');
  const config: CloudConfigInput = { ...ci.config };
  const fromShorthand = new Set<string>();
  const conflicts = new SpecIssues();
  for (const key of SHORTHANDS) {
    if (ci[key] === undefined) continue;
    if (!conflicts.expect(config[key] === undefined, `cloudInit.${key}`, `conflicts with cloudInit.config.${key}`)) continue;
    (config as Record<string, unknown>)[key] = ci[key];
    fromShorthand.add(key);
  }
  // Which value would be meant is unknown: the user-data is not built from either.
  conflicts.throwIfAny();
  // Errors name the field as the user wrote it: a shorthand, or under `config`.
  const where = (path: string): string =>
    fromShorthand.has(path.split(/[.[]/)[0] ?? '') ? `cloudInit.${path}` : `cloudInit.config.${path}`;
  return underPath(where, () => buildCloudConfig(config));
}

/**
 * Build the seed ISO for `spec.cloudInit` (pure). `instance-id` defaults to
 * the domain's UUID, `local-hostname` to `hostname` or the VM name when that
 * is a valid host name.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, path `cloudInit.…`, every problem in `issues`); never quotes content.
 */
export function planSeed(ci: CloudInitSpec, vm: { name: string; uuid: string | undefined; start: boolean }): PlannedSeed {
  if (typeof ci !== 'object' || ci === null) throw specError('cloudInit', 'must be an object');
  // metaData and networkConfig objects are cloud-init's own documents: open, not checked key by key.
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(ci, CLOUD_INIT_KEYS, 'cloudInit'));
  const detach = ci.detach ?? 'never';
  if (issues.expect(detach === 'never' || detach === 'after-first-boot', 'cloudInit.detach', "must be 'never' or 'after-first-boot'"))
    issues.expect(
      detach !== 'after-first-boot' || vm.start,
      'cloudInit.detach',
      "'after-first-boot' needs start: true (the seed is detached once this create has started the VM)",
    );
  if (ci.pool !== undefined) issues.field(() => objectName(ci.pool, 'cloudInit.pool'));
  const metaIsText = typeof ci.metaData === 'string';
  const hostnameOk =
    ci.hostname === undefined ||
    issues.expect(typeof ci.hostname === 'string' && HOSTNAME.test(ci.hostname), 'cloudInit.hostname', 'must be a host name or FQDN');
  // A refused host name is left out of the image: it would only come back as a second report of itself.
  const hostname = hostnameOk ? (ci.hostname ?? (typeof vm.name === 'string' && HOSTNAME.test(vm.name) ? vm.name : undefined)) : undefined;
  const instanceId = ci.instanceId ?? vm.uuid;
  // A refused host name is reported once: not again by the cloud-config builder it is also handed to.
  const user = issues.field(() => userData(hostnameOk ? ci : { ...ci, hostname: undefined }));
  const seed = issues.field(() =>
    underPath('cloudInit', () =>
      buildNoCloudSeed({
        userData: user,
        metaData: ci.metaData,
        networkConfig: ci.networkConfig,
        vendorData: ci.vendorData,
        // A meta-data string carries its own instance-id and host name.
        ...(metaIsText ? {} : { instanceId, localHostname: hostname }),
      }),
    ),
  );
  issues.throwIfAny();
  return { seed: seed!, pool: ci.pool, bus: ci.bus, target: ci.target, detach };
}

/** Volume name of a seed: `<vm>-cidata-<first 16 hex of its sha256>.iso`. */
export function seedVolumeName(vmName: string, seed: NoCloudSeed): string {
  return `${vmName}-cidata-${seed.sha256.slice(0, 16)}.iso`;
}

/** The read-only cdrom that carries the seed. */
export function seedCdrom(path: string, bus: DiskBus, target: string): DiskDevice {
  return {
    type: 'file',
    device: 'cdrom',
    driver: { name: 'qemu', type: 'raw' },
    source: { file: path },
    target: { dev: target, bus },
    readonly: true,
  };
}

/**
 * Remove the seed cdrom from the persistent definition (the running guest
 * keeps it until it powers off).
 *
 * @see virDomainDetachDeviceFlags
 */
export async function detachSeedFromConfig(
  connection: LibvirtConnection,
  domain: DomainRef,
  cdrom: DiskDevice,
  options: CallOptions = {},
): Promise<void> {
  await connection.domains.control.detachDevice(domain, buildDeviceXml('disks', cdrom), { ...options, flags: AFFECT_CONFIG });
}
