/**
 * The pure half of a create: spec + host facts → the volumes to make and the
 * domain XML, with nothing sent anywhere. `buildVmXml` is this, for previews
 * and golden tests; `VmCreator.create` plans first, then carries the plan out.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors/index.js';
import { resolvePlatform, type Platform } from './defaults.js';
import { buildDomainModel, ownershipRecord } from './domain-model.js';
import { placeDisks, type DiskPlacement } from './placement.js';
import { prefixSpecError, specError } from './errors.js';
import { seedVolumeName } from './seed.js';
import type { VmSpec } from './spec.js';
import { checkFreeSpace, planDisks, planSeedVolume, type PlannedDisk, type PlannedVolume } from './storage.js';
import { validateSpec, type CheckedSpec } from './validate.js';
import { MAX_TEXT_BYTES } from './validate-text.js';
import type { CreatorFacts } from './facts.js';
import { buildDomainXml, type DomainModel } from '../xml/index.js';

/** Everything a create will do, decided before anything is made. */
export interface CreatePlan {
  checked: CheckedSpec;
  platform: Platform;
  disks: PlannedDisk[];
  placements: { disks: DiskPlacement[]; seed: DiskPlacement | undefined };
  /** The seed volume, when the spec has cloud-init. */
  seedVolume: PlannedVolume | undefined;
  /** Every volume to make, in creation order (disks, then the seed). */
  volumes: PlannedVolume[];
  createdAt: Date;
}

/**
 * Plan a create from a validated spec and the host's facts. Pure.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for anything the host cannot do, or too little free space.
 */
export function planCreate(checked: CheckedSpec, facts: CreatorFacts, options: { createdAt?: Date } = {}): CreatePlan {
  const platform = resolvePlatform(checked, facts);
  const disks = planDisks(checked, facts);
  const placements = placeDisks(checked, platform);
  let seedVolume: PlannedVolume | undefined;
  if (checked.seed !== undefined) {
    const firstPool = checked.disks.map((d) => d.spec).find((s) => 'pool' in s);
    const name = checked.seed.pool ?? (firstPool !== undefined && 'pool' in firstPool ? firstPool.pool : undefined);
    if (name === undefined) throw specError('cloudInit.pool', 'is required when no disk names a pool');
    const pool = facts.pools[name];
    if (pool === undefined) throw specError('cloudInit.pool', `no storage pool named ${JSON.stringify(name)}`);
    if (!pool.active) throw specError('cloudInit.pool', `storage pool ${JSON.stringify(pool.name)} is not active`);
    seedVolume = planSeedVolume(pool, seedVolumeName(checked.name, checked.seed.seed), checked.seed.seed.iso);
    const clash = disks.find((d) => d.volume?.pool === seedVolume!.pool && d.volume.name === seedVolume!.name);
    if (clash !== undefined) throw specError(`${clash.checked.path}.name`, 'is the name of the cloud-init seed volume');
  }
  const volumes = [...disks.flatMap((d) => (d.volume === undefined ? [] : [d.volume])), ...(seedVolume === undefined ? [] : [seedVolume])];
  checkFreeSpace(volumes, Object.values(facts.pools));
  return { checked, platform, disks, placements, seedVolume, volumes, createdAt: options.createdAt ?? new Date() };
}

/** Map `buildDomainXml`'s model paths back to the spec field they come from, where there is one. */
function specPath(path: string, diskCount: number): string {
  const raw = /^(devices\.)?extraElements(\[\d+\])/.exec(path);
  if (raw !== null) return `overrides.${raw[1] === undefined ? 'domainXml' : 'devicesXml'}${raw[2]}`;
  const disk = /^devices\.disks\[(\d+)\]/.exec(path);
  if (disk !== null) return Number(disk[1]) < diskCount ? `disks[${disk[1]}]` : 'cloudInit';
  const nic = /^devices\.interfaces\[(\d+)\]/.exec(path);
  if (nic !== null) return `networks[${nic[1]}]`;
  if (path.startsWith('devices.serials[0].log')) return 'serialConsole.logFile';
  if (path.startsWith('devices.graphics[0]')) return 'graphics';
  const os = /^os\.(kernel|initrd|cmdline)$/.exec(path);
  if (os !== null) return `boot.${os[1]}`;
  return path;
}

/** A volume the create made: where libvirt put it, and its key. */
export interface MadeVolume {
  path: string;
  key?: string;
}

/**
 * The domain model and XML of a plan. `paths` gives the real path of each
 * volume once made; without it the predicted paths are used.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) when the XML cannot be written (bad override XML,
 *   characters XML cannot carry).
 */
export function renderDomain(
  plan: CreatePlan,
  made: ReadonlyMap<PlannedVolume, MadeVolume> = new Map(),
): { model: DomainModel; xml: string } {
  const pathOf = (v: PlannedVolume): string => made.get(v)?.path ?? v.predictedPath;
  const keyOf = (v: PlannedVolume): { key?: string } => {
    const key = made.get(v)?.key;
    return key === undefined ? {} : { key };
  };
  const disks = plan.disks.map((d) => (d.volume === undefined ? d : { ...d, file: pathOf(d.volume) }));
  const owned = plan.volumes.map((v) => ({ ...v, path: pathOf(v), ...keyOf(v) }));
  const seed = plan.seedVolume;
  const seedRecord =
    seed === undefined || plan.checked.seed === undefined || plan.placements.seed === undefined
      ? undefined
      : {
          volume: { ...seed, path: pathOf(seed), ...keyOf(seed) },
          sha256: plan.checked.seed.seed.sha256,
          target: plan.placements.seed.target,
        };
  const model = buildDomainModel({
    checked: plan.checked,
    platform: plan.platform,
    disks,
    placements: plan.placements,
    seedPath: seed === undefined ? undefined : pathOf(seed),
    ownership: ownershipRecord(owned, seedRecord, plan.createdAt, plan.checked.uuid),
  });
  let xml: string;
  try {
    xml = buildDomainXml(model);
  } catch (error) {
    throw prefixSpecError(error, (path) => specPath(path, plan.checked.disks.length));
  }
  // Each field fits, but together they may not: libvirt takes the XML as one string.
  if (Buffer.byteLength(xml, 'utf8') > MAX_TEXT_BYTES)
    throw specError('spec', `makes domain XML longer than libvirt's ${MAX_TEXT_BYTES}-byte string limit`);
  return { model, xml };
}

/** Options of {@link buildVmXml}. */
export interface BuildVmXmlOptions {
  /** The host's facts (capabilities, pools, volumes…); `VmCreator.buildXml` looks them up. */
  facts: CreatorFacts;
  /** UUID to write (and the seed's instance-id) when the spec has none. @default none: libvirt generates one */
  uuid?: string;
  /** Timestamp of the ownership record. @default now */
  createdAt?: Date;
}

/**
 * Validation, defaults and XML, with nothing created and nothing sent: the
 * domain XML `VmCreator.create` would define for `spec` on a host described
 * by `facts` (volume paths predicted from pool paths).
 *
 * @example
 * const xml = buildVmXml({ name: 'web-1', memory: '1GiB', disks: [{ kind: 'new', pool: 'default', size: '10GiB' }] },
 *   { facts: { capabilities, domainCapabilities, pools: { default: { name: 'default', path: '/var/lib/libvirt/images', available: 10n ** 12n, active: true } }, volumes: {}, uploads: {} } });
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`) for an invalid spec or one the host cannot run.
 * @see VmCreator.buildXml
 */
export function buildVmXml(spec: VmSpec, options: BuildVmXmlOptions): string {
  // JavaScript callers can leave it out; the facts are what the XML is built against.
  if (typeof options !== 'object' || options === null || typeof options.facts !== 'object' || options.facts === null)
    throw new InvalidArgumentError("options must be { facts } (the host's facts: VmCreator.buildXml looks them up)", { path: 'options' });
  const checked = validateSpec(spec, options.uuid === undefined ? {} : { uuid: options.uuid });
  return renderDomain(planCreate(checked, options.facts, options.createdAt === undefined ? {} : { createdAt: options.createdAt })).xml;
}
