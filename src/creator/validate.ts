/**
 * Pure validation of a {@link VmSpec}: everything that can be checked without
 * asking libvirt, checked before anything is sent. Failures are
 * `InvalidArgumentError` with code `ERR_LIBVIRT_INVALID_SPEC` and a `path`
 * such as `disks[1].size`; messages never carry secret values.
 *
 * What needs the host (pools exist and have room, names are free, buses the
 * hypervisor offers) is checked later, still before anything is made.
 *
 * @module
 */
import { denseArray } from './cloud-init/validate.js';
import { specError, show, underPath } from './errors.js';
import { MAX_BOOT_ORDER, MAX_DOMAIN_XML_ELEMENTS, MAX_VM_DEVICES, MAX_VM_DEVICES_REASON } from './limits.js';
import { planSeed, type PlannedSeed } from './seed.js';
import { validateHardware, type CheckedHardware } from './validate-hardware.js';
import { checkGraphics } from './validate-graphics.js';
import { bridgeName, hostPath, objectName, xmlElement, xmlText } from './validate-text.js';
import type { DiskBus, DiskSpec, GraphicsSpec, NetworkSpec, SerialConsoleSpec, VmSpec, VolumeLocation } from './spec.js';
import { normalizeMac, normalizeUuid, parseSize, validateName, validateVolumeName } from '../xml/index.js';

/** A disk after validation. */
export interface CheckedDisk {
  index: number;
  /** Spec path, e.g. `disks[1]`. */
  path: string;
  spec: DiskSpec;
  /** Parsed `size`, when given. */
  size?: bigint;
}

/** A spec after validation: sizes in bytes, the seed built. */
export interface CheckedSpec {
  spec: VmSpec;
  name: string;
  /** Canonical UUID, when the spec or the caller fixed one. */
  uuid: string | undefined;
  memory: bigint;
  vcpus: number;
  disks: CheckedDisk[];
  networks: (NetworkSpec & { mac?: string })[];
  graphics: GraphicsSpec | undefined;
  /** `null` = no serial console. */
  serial: SerialConsoleSpec | null;
  seed: PlannedSeed | undefined;
  /** Firmware, TPM, shares, memory, CPU, NUMA, host devices… checked. */
  hardware: CheckedHardware;
}

const BUSES: readonly DiskBus[] = ['virtio', 'scsi', 'sata', 'ide', 'usb'];
const KINDS = ['new', 'overlay', 'clone', 'upload', 'existing', 'cdrom'] as const;
const TARGET = /^(vd|sd|hd|xvd)[a-z]{1,3}$/;
const FORMAT = /^[a-z0-9]{2,10}$/;
const SERIAL = /^[A-Za-z0-9_.+-]{1,36}$/;
/** Hypervisor types, architectures, machine types, CPU models. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MIB = 1024n * 1024n;

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Upload data: a Uint8Array or an object that is (async) iterable (not a string: it iterates characters). */
function isBytes(value: unknown): boolean {
  if (value instanceof Uint8Array) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown };
  return typeof v[Symbol.asyncIterator] === 'function' || typeof v[Symbol.iterator] === 'function';
}

function optionalBool(value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw specError(path, 'must be a boolean');
}

function positiveSize(value: unknown, path: string): bigint {
  const bytes = parseSize(value as never, { path });
  if (bytes === 0n) throw specError(path, 'must be greater than zero');
  return bytes;
}

function location(value: unknown, path: string): void {
  if (typeof value === 'string') {
    hostPath(value, path);
    return;
  }
  if (!isObject(value)) throw specError(path, 'must be a host path or { pool, volume }');
  const loc = value as unknown as VolumeLocation;
  objectName(loc.pool, `${path}.pool`);
  validateVolumeName(loc.volume, `${path}.volume`);
}

function format(value: unknown, path: string): void {
  if (value !== undefined && (typeof value !== 'string' || !FORMAT.test(value)))
    throw specError(path, 'must be an image format such as "qcow2" or "raw"');
}

function checkDisk(disk: DiskSpec, index: number): CheckedDisk {
  const path = `disks[${index}]`;
  if (!isObject(disk)) throw specError(path, 'must be an object');
  if (!(KINDS as readonly string[]).includes(disk.kind)) throw specError(`${path}.kind`, `must be one of ${KINDS.join(', ')}`);
  if (disk.bus !== undefined && !BUSES.includes(disk.bus)) throw specError(`${path}.bus`, `must be one of ${BUSES.join(', ')}`);
  if (disk.target !== undefined && (typeof disk.target !== 'string' || !TARGET.test(disk.target)))
    throw specError(`${path}.target`, 'must be a device name such as "vda" or "sdb"');
  if (disk.serial !== undefined && (typeof disk.serial !== 'string' || !SERIAL.test(disk.serial)))
    throw specError(`${path}.serial`, 'must be 1-36 characters from A-Z a-z 0-9 _ . + -');
  if (disk.bootOrder !== undefined && (!Number.isSafeInteger(disk.bootOrder) || disk.bootOrder < 1))
    throw specError(`${path}.bootOrder`, 'must be an integer ≥ 1');
  const checked: CheckedDisk = { index, path, spec: disk };
  if (disk.kind === 'cdrom') {
    if (disk.source !== undefined) location(disk.source, `${path}.source`);
    return checked;
  }
  optionalBool(disk.readonly, `${path}.readonly`);
  if (disk.kind === 'existing') {
    if ((disk.path === undefined) === (disk.volume === undefined)) throw specError(path, 'give exactly one of path and volume');
    if (disk.path !== undefined) hostPath(disk.path, `${path}.path`);
    else location(disk.volume, `${path}.volume`);
    format(disk.format, `${path}.format`);
    optionalBool(disk.shareable, `${path}.shareable`);
    return checked;
  }
  objectName(disk.pool, `${path}.pool`);
  if (disk.name !== undefined) validateVolumeName(disk.name, `${path}.name`);
  switch (disk.kind) {
    case 'new':
      checked.size = positiveSize(disk.size, `${path}.size`);
      format(disk.format, `${path}.format`);
      optionalBool(disk.preallocate, `${path}.preallocate`);
      if (disk.encryption !== undefined) checkEncryption(disk, `${path}.encryption`);
      break;
    case 'overlay':
      location(disk.base, `${path}.base`);
      format(disk.baseFormat, `${path}.baseFormat`);
      if (disk.size !== undefined) checked.size = positiveSize(disk.size, `${path}.size`);
      break;
    case 'clone':
      location(disk.source, `${path}.source`);
      format(disk.format, `${path}.format`);
      optionalBool(disk.reflink, `${path}.reflink`);
      if (disk.size !== undefined) checked.size = positiveSize(disk.size, `${path}.size`);
      break;
    case 'upload':
      format(disk.format, `${path}.format`);
      if (disk.onProgress !== undefined && typeof disk.onProgress !== 'function')
        throw specError(`${path}.onProgress`, 'must be a function');
      if (typeof disk.source === 'string') {
        if (disk.source === '' || disk.source.includes('\0')) throw specError(`${path}.source`, 'must be a local file path');
      } else if (!isObject(disk.source) || disk.source.data === undefined) {
        throw specError(`${path}.source`, 'must be a local file path or { data, size }');
      } else if (!isBytes(disk.source.data)) {
        throw specError(`${path}.source.data`, 'must be a Uint8Array or an (async) iterable of Uint8Array chunks');
      } else {
        checked.size = positiveSize(disk.source.size, `${path}.source.size`);
      }
      break;
  }
  return checked;
}

function checkNetwork(nic: NetworkSpec, index: number): NetworkSpec & { mac?: string } {
  const path = `networks[${index}]`;
  if (!isObject(nic)) throw specError(path, 'must be an object');
  const sources = [nic.network !== undefined, nic.bridge !== undefined, nic.user === true].filter(Boolean).length;
  if (sources !== 1) throw specError(path, 'give exactly one of network, bridge or user: true');
  if (nic.network !== undefined) objectName(nic.network, `${path}.network`);
  if (nic.bridge !== undefined) bridgeName(nic.bridge, `${path}.bridge`);
  if (nic.model !== undefined && (typeof nic.model !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(nic.model)))
    throw specError(`${path}.model`, 'must be a NIC model such as "virtio"');
  if (nic.mtu !== undefined && (!Number.isSafeInteger(nic.mtu) || nic.mtu < 68 || nic.mtu > 65535))
    throw specError(`${path}.mtu`, 'must be an integer from 68 to 65535');
  if (nic.bootOrder !== undefined && (!Number.isSafeInteger(nic.bootOrder) || nic.bootOrder < 1))
    throw specError(`${path}.bootOrder`, 'must be an integer ≥ 1');
  if (nic.filter !== undefined) checkNicFilter(nic.filter, `${path}.filter`);
  return nic.mac === undefined ? { ...nic } : { ...nic, mac: normalizeMac(nic.mac, `${path}.mac`) };
}

function checkEncryption(disk: Extract<DiskSpec, { kind: 'new' }>, path: string): void {
  const e = disk.encryption as unknown;
  if (!isObject(e) || (e as { format?: unknown }).format !== 'luks') throw specError(path, "must be { format: 'luks', secret?: '<uuid>' }");
  const secret = (e as { secret?: unknown }).secret;
  if (secret !== undefined) normalizeUuid(secret as string, `${path}.secret`);
  if (disk.format !== undefined && disk.format !== 'qcow2' && disk.format !== 'raw')
    throw specError(`${path}`, "LUKS encryption needs format 'qcow2' or 'raw'");
}

function checkNicFilter(filter: NonNullable<NetworkSpec['filter']>, path: string): void {
  if (!isObject(filter)) throw specError(path, "must be { filter: 'name', parameters?: { VAR: 'value' } }");
  objectName(filter.filter, `${path}.filter`);
  if (filter.parameters === undefined) return;
  if (!isObject(filter.parameters)) throw specError(`${path}.parameters`, 'must be an object of variable → value(s)');
  for (const [name, value] of Object.entries(filter.parameters)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name))
      throw specError(`${path}.parameters`, `${JSON.stringify(name)} is not a filter variable name`);
    for (const v of Array.isArray(value) ? value : [value]) xmlText(v as string, `${path}.parameters.${name}`);
  }
}

function checkSerial(value: VmSpec['serialConsole']): SerialConsoleSpec | null {
  if (value === false) return null;
  if (value === undefined || value === true) return {};
  if (!isObject(value)) throw specError('serialConsole', 'must be a boolean or { logFile }');
  if (value.logFile !== undefined) hostPath(value.logFile, 'serialConsole.logFile');
  optionalBool(value.logAppend, 'serialConsole.logAppend');
  return value;
}

function checkBoot(spec: VmSpec, disks: CheckedDisk[], nics: NetworkSpec[]): void {
  const boot = spec.boot;
  if (boot === undefined) return;
  if (!isObject(boot)) throw specError('boot', 'must be an object');
  if (boot.order !== undefined) {
    const order = denseArray(boot.order, 'boot.order', MAX_BOOT_ORDER, `libvirt reads at most ${MAX_BOOT_ORDER} boot entries`);
    order.forEach((dev, i) => {
      if (dev !== 'hd' && dev !== 'cdrom' && dev !== 'network') throw specError(`boot.order[${i}]`, "must be 'hd', 'cdrom' or 'network'");
    });
    const perDevice = disks.some((d) => d.spec.bootOrder !== undefined) || nics.some((n) => n.bootOrder !== undefined);
    if (perDevice && order.length > 0)
      throw specError('boot.order', 'cannot be combined with per-device bootOrder (libvirt refuses the mix)');
  }
  if (boot.kernel !== undefined) hostPath(boot.kernel, 'boot.kernel');
  for (const key of ['initrd', 'cmdline'] as const) {
    if (boot[key] !== undefined && boot.kernel === undefined) throw specError(`boot.${key}`, 'needs boot.kernel (direct kernel boot)');
  }
  if (boot.initrd !== undefined) hostPath(boot.initrd, 'boot.initrd');
  if (boot.cmdline !== undefined) xmlText(boot.cmdline, 'boot.cmdline');
  optionalBool(boot.menu, 'boot.menu');
}

function checkDuplicates(disks: CheckedDisk[], nics: (NetworkSpec & { mac?: string })[], seedTarget: string | undefined): void {
  const seen = new Map<string, string>();
  const once = (key: string, path: string, what: string): void => {
    const first = seen.get(key);
    if (first !== undefined) throw specError(path, `${what} is already used by ${first}`);
    seen.set(key, path);
  };
  for (const d of disks) {
    if (d.spec.target !== undefined) once(`target:${d.spec.target}`, `${d.path}.target`, `target ${show(d.spec.target)}`);
    if (d.spec.kind === 'existing' && d.spec.path !== undefined) once(`path:${d.spec.path}`, `${d.path}.path`, 'this path');
    if (d.spec.kind === 'existing' && d.spec.volume !== undefined)
      once(`volume:${d.spec.volume.pool}/${d.spec.volume.volume}`, `${d.path}.volume`, `volume ${show(d.spec.volume.volume)}`);
    if ('name' in d.spec && d.spec.name !== undefined)
      once(`volume:${d.spec.pool}/${d.spec.name}`, `${d.path}.name`, `volume ${show(d.spec.name)}`);
  }
  if (seedTarget !== undefined) once(`target:${seedTarget}`, 'cloudInit.target', `target ${show(seedTarget)}`);
  nics.forEach((n, i) => {
    if (n.mac !== undefined) once(`mac:${n.mac}`, `networks[${i}].mac`, `MAC ${n.mac}`);
  });
  const orders = [
    ...disks.map((d) => [d.spec.bootOrder, `${d.path}.bootOrder`] as const),
    ...nics.map((n, i) => [n.bootOrder, `networks[${i}].bootOrder`] as const),
  ];
  for (const [order, path] of orders) if (order !== undefined) once(`boot:${order}`, path, `boot order ${order}`);
}

/** The spec's lists that become devices, each a {@link denseArray}, together at most {@link MAX_VM_DEVICES}. */
interface DeviceLists {
  disks: unknown[];
  networks: unknown[];
  devicesXml: unknown[];
  filesystems: unknown[];
  hostdevs: unknown[];
}

/**
 * Check the shape of the lists that become devices before any entry is
 * looked at: arrays, no holes, and at most {@link MAX_VM_DEVICES} devices in
 * all. The path of a refusal is the list that goes over the cap.
 */
function deviceLists(spec: VmSpec): DeviceLists {
  const overrides = spec.overrides as { devicesXml?: unknown } | undefined;
  const lists = [
    ['disks', spec.disks],
    ['networks', spec.networks],
    ['overrides.devicesXml', typeof overrides === 'object' && overrides !== null ? overrides.devicesXml : undefined],
    ['filesystems', spec.filesystems],
    ['hostdevs', spec.hostdevs],
  ] as const;
  let total = 0;
  const [disks, networks, devicesXml, filesystems, hostdevs] = lists.map(([path, value]) => {
    if (value === undefined) return [];
    const list = denseArray(value, path, MAX_VM_DEVICES, MAX_VM_DEVICES_REASON);
    total += list.length;
    if (total > MAX_VM_DEVICES) throw specError(path, `brings the spec to ${total} devices: ${MAX_VM_DEVICES_REASON}`);
    return list;
  });
  return { disks: disks!, networks: networks!, devicesXml: devicesXml!, filesystems: filesystems!, hostdevs: hostdevs! };
}

/**
 * Check a spec without asking libvirt, and build its cloud-init seed.
 *
 * @param options.uuid the UUID the domain will get (instance-id of the seed), when not in the spec
 * @example const checked = validateSpec({ name: 'web-1', memory: '1GiB' });
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`) for the first problem found.
 * @see https://libvirt.org/formatdomain.html
 */
export function validateSpec(spec: VmSpec, options: { uuid?: string } = {}): CheckedSpec {
  if (!isObject(spec)) throw specError('spec', 'must be an object');
  validateName(spec.name, 'name');
  const uuid =
    spec.uuid !== undefined
      ? normalizeUuid(spec.uuid, 'uuid')
      : options.uuid === undefined
        ? undefined
        : normalizeUuid(options.uuid, 'uuid');
  if (spec.title !== undefined && (typeof spec.title !== 'string' || /[\r\n]/.test(spec.title)))
    throw specError('title', 'must be a single line of text');
  if (spec.title !== undefined) xmlText(spec.title, 'title');
  if (spec.description !== undefined) xmlText(spec.description, 'description');
  const memory = parseSize(spec.memory, { path: 'memory' });
  if (memory % 1024n !== 0n) throw specError('memory', 'must be a whole number of KiB');
  if (memory < MIB) throw specError('memory', 'must be at least 1 MiB');
  const vcpus = spec.vcpus ?? 1;
  if (!Number.isSafeInteger(vcpus) || vcpus < 1 || vcpus > 4096) throw specError('vcpus', 'must be an integer from 1 to 4096');
  for (const key of ['virtType', 'arch', 'machine'] as const) {
    if (spec[key] !== undefined && (typeof spec[key] !== 'string' || !IDENTIFIER.test(spec[key])))
      throw specError(key, 'must be a plain identifier');
  }
  const lists = deviceLists(spec);
  const hardware = validateHardware(spec, vcpus, memory, lists);
  const disks = lists.disks.map((d, i) => checkDisk(d as DiskSpec, i));
  const networks = lists.networks.map((n, i) => checkNetwork(n as NetworkSpec, i));
  checkBoot(spec, disks, networks);
  const graphics = checkGraphics(spec.graphics);
  const serial = checkSerial(spec.serialConsole);
  if (spec.defaultDevices !== undefined) {
    if (!isObject(spec.defaultDevices)) throw specError('defaultDevices', 'must be an object');
    for (const key of ['guestAgent', 'rng', 'memballoon', 'tablet'] as const)
      optionalBool(spec.defaultDevices[key], `defaultDevices.${key}`);
  }
  optionalBool(spec.autostart, 'autostart');
  optionalBool(spec.start, 'start');
  const o = spec.overrides;
  if (o !== undefined) {
    if (!isObject(o)) throw specError('overrides', 'must be an object');
    if (o.model !== undefined && typeof o.model !== 'function') throw specError('overrides.model', 'must be a function');
    const raw = {
      devicesXml: lists.devicesXml,
      domainXml:
        o.domainXml === undefined
          ? []
          : denseArray(
              o.domainXml,
              'overrides.domainXml',
              MAX_DOMAIN_XML_ELEMENTS,
              `the domain XML is at most ${MAX_DOMAIN_XML_ELEMENTS * 4} bytes`,
            ),
    };
    for (const key of ['devicesXml', 'domainXml'] as const) {
      if (raw[key].some((x) => typeof x !== 'string')) throw specError(`overrides.${key}`, 'must be an array of XML strings');
      raw[key].forEach((xml, i) => xmlElement(xml, `overrides.${key}[${i}]`));
    }
  }
  const seed = spec.cloudInit === undefined ? undefined : planSeed(spec.cloudInit, { name: spec.name, uuid, start: spec.start === true });
  if (seed?.bus !== undefined && !BUSES.includes(seed.bus)) throw specError('cloudInit.bus', `must be one of ${BUSES.join(', ')}`);
  if (seed?.target !== undefined && !TARGET.test(seed.target)) throw specError('cloudInit.target', 'must be a device name such as "sdb"');
  checkDuplicates(disks, networks, seed?.target);
  return { spec, name: spec.name, uuid, memory, vcpus, disks, networks, graphics, serial, seed, hardware };
}

/** Run {@link validateSpec}'s name rule on a derived volume name, reporting it under `path`. */
export function checkDerivedVolumeName(name: string, path: string): void {
  underPath(
    () => path,
    () => validateVolumeName(name, 'name'),
  );
}
