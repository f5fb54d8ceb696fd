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
import { checkDisk, DISK_BUSES, DISK_TARGET, type CheckedDisk } from './validate-disk.js';
import {
  BOOT_KEYS,
  DEFAULT_DEVICES_KEYS,
  NETWORK_KEYS,
  NIC_FILTER_KEYS,
  OVERRIDES_KEYS,
  SERIAL_KEYS,
  VM_SPEC_KEYS,
  checkSpecKeys,
} from './spec-keys.js';
import { bridgeName, hostPath, objectName, optionalBool, xmlElement, xmlText } from './validate-text.js';
import type { DiskSpec, GraphicsSpec, NetworkSpec, SerialConsoleSpec, VmSpec } from './spec.js';
import { normalizeMac, normalizeUuid, parseSize, validateName, validateVolumeName } from '../xml/index.js';

export type { CheckedDisk } from './validate-disk.js';

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

/** Hypervisor types, architectures, machine types, CPU models. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MIB = 1024n * 1024n;

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkNetwork(nic: NetworkSpec, index: number): NetworkSpec & { mac?: string } {
  const path = `networks[${index}]`;
  if (!isObject(nic)) throw specError(path, 'must be an object');
  checkSpecKeys(nic, NETWORK_KEYS, path);
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

function checkNicFilter(filter: NonNullable<NetworkSpec['filter']>, path: string): void {
  if (!isObject(filter)) throw specError(path, "must be { filter: 'name', parameters?: { VAR: 'value' } }");
  checkSpecKeys(filter, NIC_FILTER_KEYS, path);
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
  checkSpecKeys(value, SERIAL_KEYS, 'serialConsole');
  if (value.logFile !== undefined) hostPath(value.logFile, 'serialConsole.logFile');
  optionalBool(value.logAppend, 'serialConsole.logAppend');
  return value;
}

function checkBoot(spec: VmSpec, disks: CheckedDisk[], nics: NetworkSpec[]): void {
  const boot = spec.boot;
  if (boot === undefined) return;
  if (!isObject(boot)) throw specError('boot', 'must be an object');
  checkSpecKeys(boot, BOOT_KEYS, 'boot');
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
  // A misspelled field would be ignored and its default used: refuse it first, it is often why other fields look wrong.
  checkSpecKeys(spec, VM_SPEC_KEYS, '');
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
    checkSpecKeys(spec.defaultDevices, DEFAULT_DEVICES_KEYS, 'defaultDevices');
    for (const key of ['guestAgent', 'rng', 'memballoon', 'tablet'] as const)
      optionalBool(spec.defaultDevices[key], `defaultDevices.${key}`);
  }
  optionalBool(spec.autostart, 'autostart');
  optionalBool(spec.start, 'start');
  const o = spec.overrides;
  if (o !== undefined) {
    if (!isObject(o)) throw specError('overrides', 'must be an object');
    checkSpecKeys(o, OVERRIDES_KEYS, 'overrides');
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
  if (seed?.bus !== undefined && !DISK_BUSES.includes(seed.bus))
    throw specError('cloudInit.bus', `must be one of ${DISK_BUSES.join(', ')}`);
  if (seed?.target !== undefined && !DISK_TARGET.test(seed.target))
    throw specError('cloudInit.target', 'must be a device name such as "sdb"');
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
