/**
 * A disk or NIC added to an existing domain is planned by the same code as a
 * create's: the spec is validated as a one-device `VmSpec` named after the
 * domain (so the rules, defaults and errors are `createVm`'s), placed next to
 * the targets the domain already uses, and turned into storage + XML by the
 * same functions. The devices module carries the plan out.
 *
 * @module
 */
import { resolvePlatform } from './defaults.js';
import { diskDevice, nicDevice } from './domain-model.js';
import { placeDisks, type DiskPlacement } from './placement.js';
import { prefixSpecError, specError } from './errors.js';
import { checkVolumesFree, gatherFacts } from './facts.js';
import type { DiskSpec, NetworkSpec, VmSpec } from './spec.js';
import { checkFreeSpace, planDisks, type PlannedVolume } from './storage.js';
import { validateSpec, type CheckedSpec } from './validate.js';
import type { CallOptions, LibvirtConnection } from '../connection/internal.js';
import type { DiskDevice, DomainModel, InterfaceDevice } from '../xml/index.js';

/** A disk to add: its storage (when the SDK makes a volume), its place and its `<disk>`. */
export interface PlannedAddedDisk {
  /** The volume to make (and own), for `new`, `overlay`, `clone` and `upload` disks. */
  volume: PlannedVolume | undefined;
  placement: DiskPlacement;
  /** The `<disk>`, with the volume at `path` once made (the predicted path before). */
  device(path?: string): DiskDevice;
}

/** A NIC to add: its `<interface>` (libvirt fills in a MAC when the spec has none). */
export interface PlannedAddedNic {
  device: InterfaceDevice;
  /** The MAC the spec asked for, normalized; `undefined` when libvirt picks one. */
  mac: string | undefined;
}

/** The parts of the domain a new device must fit next to. */
function shapeOf(domain: DomainModel): VmSpec {
  return {
    // The spec's name only names default volumes, which `planAddedDisk` names itself: a placeholder
    // keeps the SDK's strict name rule from refusing a domain created elsewhere.
    name: 'added-device',
    memory: domain.memory,
    vcpus: Math.max(1, domain.vcpu?.count ?? 1),
    virtType: domain.type,
    ...(domain.os.arch === undefined ? {} : { arch: domain.os.arch }),
    ...(domain.os.machine === undefined ? {} : { machine: domain.os.machine }),
  };
}

/** Validate `spec` as `createVm` would, reporting paths under `path` (`disk`, `nic`) instead of `disks[0]`. */
function validateOne(domain: DomainModel, extra: Partial<VmSpec>, listPath: string, path: string): CheckedSpec {
  try {
    return validateSpec({ ...shapeOf(domain), ...extra, serialConsole: false });
  } catch (error) {
    throw prefixSpecError(error, (p) => (p.startsWith(listPath) ? `${path}${p.slice(listPath.length)}` : p));
  }
}

/**
 * Plan a disk added to `domain` (its live definition when it runs, else its
 * persistent one): validated, placed after the targets the domain uses
 * (an explicit target already in use is refused), its volume named
 * `<domain>-<target>.<ext>` unless the spec names it, checked against the
 * pool's free space and existing volume names. Reads host facts; makes
 * nothing.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path` under `disk`) · AlreadyExistsError for a taken volume name
 */
export async function planAddedDisk(
  connection: LibvirtConnection,
  domain: DomainModel,
  spec: DiskSpec,
  call: CallOptions,
): Promise<PlannedAddedDisk> {
  const checked = validateOne(domain, { disks: [spec] }, 'disks[0]', 'disk');
  const rename = (error: unknown): unknown => prefixSpecError(error, (p) => (p.startsWith('disks[0]') ? `disk${p.slice(8)}` : p));
  try {
    const facts = await gatherFacts(connection, checked, call);
    const platform = resolvePlatform(checked, facts);
    const taken = (domain.devices?.disks ?? []).map((d) => d.target.dev);
    const placement = placeDisks(checked, platform, taken).disks[0]!;
    const [planned] = planDisks(checked, facts, { volumeName: (_d, extension) => `${domain.name}-${placement.target}.${extension}` });
    // Named for the attach: its step is `volume:disk` and its errors point under `disk`.
    const disk =
      planned!.volume === undefined ? planned! : { ...planned!, volume: { ...planned!.volume, step: 'volume:disk', specPath: 'disk' } };
    const volumes = disk.volume === undefined ? [] : [disk.volume];
    checkFreeSpace(volumes, Object.values(facts.pools));
    await checkVolumesFree(connection, volumes, call);
    return {
      volume: disk.volume,
      placement,
      device: (path) => diskDevice(path === undefined ? disk : { ...disk, file: path }, placement),
    };
  } catch (error) {
    throw rename(error);
  }
}

/**
 * Plan a NIC added to `domain`: validated as `createVm`'s `networks[0]`
 * (its network must exist), with the model the host's defaults pick; a MAC
 * the domain already uses is refused.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path` under `nic`)
 */
export async function planAddedNic(
  connection: LibvirtConnection,
  domain: DomainModel,
  spec: NetworkSpec,
  call: CallOptions,
): Promise<PlannedAddedNic> {
  const checked = validateOne(domain, { networks: [spec] }, 'networks[0]', 'nic');
  const nic = checked.networks[0]!;
  if (nic.mac !== undefined && (domain.devices?.interfaces ?? []).some((i) => i.mac?.toLowerCase() === nic.mac)) {
    throw specError('nic.mac', `${nic.mac} is already used by a NIC of the domain`);
  }
  try {
    const facts = await gatherFacts(connection, checked, call);
    const platform = resolvePlatform(checked, facts);
    return { device: nicDevice(nic, platform.nicModel), mac: nic.mac };
  } catch (error) {
    throw prefixSpecError(error, (p) => (p.startsWith('networks[0]') ? `nic${p.slice(11)}` : p));
  }
}
