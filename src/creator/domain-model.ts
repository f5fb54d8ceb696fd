/**
 * Spec + platform defaults + planned storage → the typed `DomainModel` that
 * `buildDomainXml` writes. Pure. Also the SDK's ownership record: what this
 * create made, kept in the domain's `<metadata>`.
 *
 * @module
 */
import type { Platform } from './defaults.js';
import { addHardwareDevices, cpuWithNuma } from './hardware.js';
import { specError, underPath } from './errors.js';
import type { DiskPlacement } from './placement.js';
import { seedCdrom } from './seed.js';
import type { PlannedDisk, PlannedVolume } from './storage.js';
import type { CheckedSpec } from './validate.js';
import {
  QEMU_GUEST_AGENT_CHANNEL,
  type DiskDevice,
  type DomainDevices,
  type DomainModel,
  type GraphicsDevice,
  type InterfaceDevice,
  type Ownership,
} from '../xml/index.js';

/**
 * The version of this package (kept equal to package.json's by a unit test): written into ownership records, and
 * what `libvirt-manager --version` prints.
 *
 * @example
 * import { SDK_VERSION } from 'libvirt-manager';
 * console.log(`libvirt-manager ${SDK_VERSION}`);
 */
export const SDK_VERSION = '0.2.0';

/**
 * The ownership record: every volume this create makes (with its key once
 * made), the seed, and the UUID of the domain it is written for. Unowned
 * disks are not listed.
 */
export function ownershipRecord(
  volumes: readonly (PlannedVolume & { path: string; key?: string })[],
  seed: { volume: PlannedVolume & { path: string; key?: string }; sha256: string; target: string } | undefined,
  createdAt: Date,
  domainUuid?: string,
): Ownership {
  const key = (v: { key?: string }): { key?: string } => (v.key === undefined ? {} : { key: v.key });
  return {
    createdAt: createdAt.toISOString(),
    sdkVersion: SDK_VERSION,
    ...(domainUuid === undefined ? {} : { domainUuid }),
    volumes: volumes.map((v) => ({
      role: v.role,
      pool: v.pool,
      name: v.name,
      path: v.path,
      format: v.format,
      ...key(v),
      ...(v.encryption?.owned === true ? { secret: v.encryption.secret } : {}),
    })),
    ...(seed === undefined
      ? {}
      : {
          cloudInit: {
            pool: seed.volume.pool,
            name: seed.volume.name,
            path: seed.volume.path,
            contentHash: `sha256:${seed.sha256}`,
            target: seed.target,
            ...key(seed.volume),
          },
        }),
  };
}

/** The `<disk>` of a planned disk at its placement (a create's disks, and a disk added later). */
export function diskDevice(d: PlannedDisk, placement: DiskPlacement): DiskDevice {
  const spec = d.checked.spec;
  const owned = d.volume !== undefined;
  const discard = spec.kind === 'cdrom' ? undefined : (spec.discard ?? (owned ? 'unmap' : undefined));
  const disk: DiskDevice = {
    type: 'file',
    device: d.device,
    driver: {
      name: 'qemu',
      type: d.format,
      ...(spec.cache === undefined ? {} : { cache: spec.cache }),
      ...(discard === undefined ? {} : { discard }),
    },
    target: { dev: placement.target, bus: placement.bus },
  };
  if (d.file !== undefined) disk.source = { file: d.file };
  if (d.device === 'cdrom' || (spec.kind !== 'cdrom' && spec.readonly === true)) disk.readonly = true;
  if (spec.kind === 'existing' && spec.shareable === true) disk.shareable = true;
  if (spec.serial !== undefined) disk.serial = spec.serial;
  if (spec.bootOrder !== undefined) disk.bootOrder = spec.bootOrder;
  if (d.volume?.encryption !== undefined) disk.encryption = { format: 'luks', secret: d.volume.encryption.secret };
  return disk;
}

/** The `<interface>` of a checked NIC spec (a create's NICs, and a NIC added later). */
export function nicDevice(nic: CheckedSpec['networks'][number], model: string): InterfaceDevice {
  const device: InterfaceDevice =
    nic.network !== undefined
      ? { type: 'network', source: { network: nic.network } }
      : nic.bridge !== undefined
        ? { type: 'bridge', source: { bridge: nic.bridge } }
        : { type: 'user' };
  device.model = nic.model ?? model;
  if (nic.mac !== undefined) device.mac = nic.mac;
  if (nic.mtu !== undefined) device.mtu = nic.mtu;
  if (nic.bootOrder !== undefined) device.bootOrder = nic.bootOrder;
  if (nic.filter !== undefined)
    device.filterref = { filter: nic.filter.filter, ...(nic.filter.parameters ? { parameters: nic.filter.parameters } : {}) };
  return device;
}

function graphicsDevice(g: NonNullable<CheckedSpec['graphics']>): GraphicsDevice {
  const listen = g.listen ?? '127.0.0.1';
  // A secret's value is read by resolveReferences (create, VmCreator.buildXml); buildVmXml has no connection.
  if (typeof g.password === 'object') throw specError('graphics.password', 'is a secret: only a create or VmCreator.buildXml can read it');
  return {
    type: g.type,
    port: g.port ?? -1,
    autoport: g.port === undefined || g.port === -1,
    listens: [{ type: 'address', address: listen }],
    ...(g.password === undefined ? {} : { passwd: g.password }),
  };
}

/** What {@link buildDomainModel} assembles. */
export interface DomainModelInput {
  checked: CheckedSpec;
  platform: Platform;
  disks: readonly PlannedDisk[];
  placements: { disks: DiskPlacement[]; seed: DiskPlacement | undefined };
  /** Path of the seed volume, when there is a seed. */
  seedPath: string | undefined;
  ownership: Ownership;
}

/**
 * Assemble the domain model, then apply the spec's overrides (raw elements, then the model callback).
 *
 * @throws InvalidArgumentError (path `overrides.model`) when the callback does not return a model.
 */
export function buildDomainModel(input: DomainModelInput): DomainModel {
  const { checked, platform, placements } = input;
  const spec = checked.spec;
  const devices: DomainDevices = {};
  if (platform.emulator !== undefined) devices.emulator = platform.emulator;
  const disks = input.disks.map((d, i) => diskDevice(d, placements.disks[i]!));
  if (placements.seed !== undefined && input.seedPath !== undefined)
    disks.push(seedCdrom(input.seedPath, placements.seed.bus, placements.seed.target));
  if (disks.length > 0) devices.disks = disks;
  // Linux guests see SCSI disks through virtio-scsi; libvirt's own default SCSI model would be an emulated LSI.
  if (platform.qemu && disks.some((d) => d.target.bus === 'scsi')) devices.controllers = [{ type: 'scsi', index: 0, model: 'virtio-scsi' }];
  if (checked.networks.length > 0) devices.interfaces = checked.networks.map((n) => nicDevice(n, platform.nicModel));
  if (checked.serial !== null) {
    const log =
      checked.serial.logFile === undefined ? undefined : { file: checked.serial.logFile, append: checked.serial.logAppend === true };
    devices.serials = [{ type: 'pty', ...(log === undefined ? {} : { log }), target: { port: 0 } }];
    devices.consoles = [{ type: 'pty', target: { type: 'serial', port: 0 } }];
  }
  if (platform.guestAgent)
    devices.channels = [{ type: 'unix', source: { mode: 'bind' }, target: { type: 'virtio', name: QEMU_GUEST_AGENT_CHANNEL } }];
  if (checked.graphics !== undefined) {
    devices.graphics = [graphicsDevice(checked.graphics)];
    devices.videos = [
      {
        model: platform.videoModel === 'none' ? { type: 'none' } : { type: platform.videoModel, heads: platform.videoHeads, primary: true },
      },
    ];
    if (platform.tablet) devices.inputs = [{ type: 'tablet', bus: 'usb' }];
  }
  const hw = platform.hardware;
  addHardwareDevices(devices, hw);
  devices.memballoon = { model: platform.memballoon ? 'virtio' : 'none' };
  if (platform.rng !== undefined) devices.rngs = [platform.rng];
  if (spec.overrides?.devicesXml !== undefined) devices.extraElements = [...spec.overrides.devicesXml];

  const boot = spec.boot ?? {};
  const perDeviceBoot = disks.some((d) => d.bootOrder !== undefined) || (devices.interfaces ?? []).some((n) => n.bootOrder !== undefined);
  const defaultOrder = (): DomainModel['os']['boot'] => {
    if (boot.kernel !== undefined || perDeviceBoot) return undefined;
    if (input.disks.some((d) => d.device === 'disk')) return ['hd'];
    if (input.disks.some((d) => d.device === 'cdrom')) return ['cdrom'];
    return checked.networks.length > 0 ? ['network'] : ['hd'];
  };
  const order = boot.order ?? defaultOrder();

  const model: DomainModel = {
    type: platform.domainType,
    name: checked.name,
    ...(checked.uuid === undefined ? {} : { uuid: checked.uuid }),
    ...(spec.title === undefined ? {} : { title: spec.title }),
    ...(spec.description === undefined ? {} : { description: spec.description }),
    metadata: { ownership: input.ownership },
    memory: checked.memory,
    ...(hw.memoryBacking === undefined ? {} : { memoryBacking: hw.memoryBacking }),
    vcpu: { count: checked.vcpus, placement: 'static' },
    ...(hw.cputune === undefined ? {} : { cputune: hw.cputune }),
    os: {
      type: 'hvm',
      arch: platform.arch,
      ...(platform.machine === undefined ? {} : { machine: platform.machine }),
      ...platform.firmware,
      ...(boot.kernel === undefined ? {} : { kernel: boot.kernel }),
      ...(boot.initrd === undefined ? {} : { initrd: boot.initrd }),
      ...(boot.cmdline === undefined ? {} : { cmdline: boot.cmdline }),
      ...(order === undefined || order.length === 0 ? {} : { boot: order }),
      ...(boot.menu === undefined ? {} : { bootMenu: { enable: boot.menu } }),
    },
    features: platform.features,
    ...cpuWithNuma(platform.cpu, hw.numa),
    clock: platform.clock,
    onPoweroff: 'destroy',
    onReboot: 'restart',
    onCrash: 'destroy',
    devices,
  };
  if (spec.overrides?.domainXml !== undefined) model.extraElements = [...spec.overrides.domainXml];
  const edit = spec.overrides?.model;
  if (edit === undefined) return model;
  const edited = underPath('overrides.model', () => edit(model));
  const result = edited === undefined ? model : edited;
  if (typeof result !== 'object' || result === null)
    throw specError('overrides.model', 'must return a domain model (or nothing, after editing it in place)');
  return result;
}
