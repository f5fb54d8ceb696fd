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
import { SpecIssues } from './issues.js';
import { MAX_BOOT_ORDER, MAX_DOMAIN_XML_ELEMENTS, MAX_VM_DEVICES, MAX_VM_DEVICES_REASON } from './limits.js';
import { planSeed, type PlannedSeed } from './seed.js';
import { validateHardware, type CheckedHardware } from './validate-hardware.js';
import { checkGraphics } from './validate-graphics.js';
import { checkDisk, DISK_BUSES, DISK_TARGET, type CheckedDisk } from './validate-disk.js';
import { checkNetwork } from './validate-network.js';
import { BOOT_KEYS, DEFAULT_DEVICES_KEYS, OVERRIDES_KEYS, SERIAL_KEYS, VM_SPEC_KEYS, checkSpecKeys } from './spec-keys.js';
import { hostPath, optionalBool, xmlElement, xmlText } from './validate-text.js';
import type { DiskSpec, GraphicsSpec, NetworkSpec, SerialConsoleSpec, VmSpec } from './spec.js';
import { normalizeUuid, parseSize, validateName, validateVolumeName } from '../xml/index.js';

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

function checkSerial(value: VmSpec['serialConsole']): SerialConsoleSpec | null {
  if (value === false) return null;
  if (value === undefined || value === true) return {};
  if (!isObject(value)) throw specError('serialConsole', 'must be a boolean or { logFile }');
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(value, SERIAL_KEYS, 'serialConsole'));
  if (value.logFile !== undefined) issues.field(() => hostPath(value.logFile, 'serialConsole.logFile'));
  issues.field(() => optionalBool(value.logAppend, 'serialConsole.logAppend'));
  issues.throwIfAny();
  return value;
}

function checkBoot(spec: VmSpec, disks: CheckedDisk[], nics: NetworkSpec[]): void {
  const boot = spec.boot;
  if (boot === undefined) return;
  if (!isObject(boot)) throw specError('boot', 'must be an object');
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(boot, BOOT_KEYS, 'boot'));
  if (boot.order !== undefined) {
    const order = issues.field(() =>
      denseArray(boot.order, 'boot.order', MAX_BOOT_ORDER, `libvirt reads at most ${MAX_BOOT_ORDER} boot entries`),
    );
    order?.forEach((dev, i) =>
      issues.expect(dev === 'hd' || dev === 'cdrom' || dev === 'network', `boot.order[${i}]`, "must be 'hd', 'cdrom' or 'network'"),
    );
    const perDevice = disks.some((d) => d.spec.bootOrder !== undefined) || nics.some((n) => n.bootOrder !== undefined);
    if (order !== undefined)
      issues.expect(
        !perDevice || order.length === 0,
        'boot.order',
        'cannot be combined with per-device bootOrder (libvirt refuses the mix)',
      );
  }
  if (boot.kernel !== undefined) issues.field(() => hostPath(boot.kernel, 'boot.kernel'));
  for (const key of ['initrd', 'cmdline'] as const)
    if (boot[key] !== undefined) issues.expect(boot.kernel !== undefined, `boot.${key}`, 'needs boot.kernel (direct kernel boot)');
  if (boot.initrd !== undefined) issues.field(() => hostPath(boot.initrd, 'boot.initrd'));
  if (boot.cmdline !== undefined) issues.field(() => xmlText(boot.cmdline, 'boot.cmdline'));
  issues.field(() => optionalBool(boot.menu, 'boot.menu'));
  issues.throwIfAny();
}

/** A checked NIC and its spec path (`networks[2]`): NICs that failed their own checks are left out. */
type PathedNic = readonly [NetworkSpec & { mac?: string }, string];

function checkDuplicates(disks: CheckedDisk[], nics: readonly PathedNic[], seedTarget: string | undefined, issues: SpecIssues): void {
  const seen = new Map<string, string>();
  const once = (key: string, path: string, what: string): void => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, path);
    else issues.expect(false, path, `${what} is already used by ${first}`);
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
  for (const [n, path] of nics) if (n.mac !== undefined) once(`mac:${n.mac}`, `${path}.mac`, `MAC ${n.mac}`);
  const orders = [
    ...disks.map((d) => [d.spec.bootOrder, `${d.path}.bootOrder`] as const),
    ...nics.map(([n, path]) => [n.bootOrder, `${path}.bootOrder`] as const),
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
 * all. The path of a refusal is the list that goes over the cap; a list that
 * is refused (and every list after the cap is passed) comes back empty, so
 * its entries are not checked.
 */
function deviceLists(spec: VmSpec, issues: SpecIssues): DeviceLists {
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
    if (value === undefined || total > MAX_VM_DEVICES) return [];
    const list = issues.field(() => denseArray(value, path, MAX_VM_DEVICES, MAX_VM_DEVICES_REASON)) ?? [];
    total += list.length;
    return issues.expect(total <= MAX_VM_DEVICES, path, `brings the spec to ${total} devices: ${MAX_VM_DEVICES_REASON}`) ? list : [];
  });
  return { disks: disks!, networks: networks!, devicesXml: devicesXml!, filesystems: filesystems!, hostdevs: hostdevs! };
}

/** `overrides`: its keys, `model`, and the raw XML elements of `devicesXml` (already a dense list) and `domainXml`. */
function checkOverrides(o: VmSpec['overrides'], devicesXml: unknown[]): void {
  if (o === undefined) return;
  if (!isObject(o)) throw specError('overrides', 'must be an object');
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(o, OVERRIDES_KEYS, 'overrides'));
  if (o.model !== undefined) issues.expect(typeof o.model === 'function', 'overrides.model', 'must be a function');
  const domainXml =
    o.domainXml === undefined
      ? []
      : issues.field(() =>
          denseArray(
            o.domainXml,
            'overrides.domainXml',
            MAX_DOMAIN_XML_ELEMENTS,
            `the domain XML is at most ${MAX_DOMAIN_XML_ELEMENTS * 4} bytes`,
          ),
        );
  const raw = { devicesXml, domainXml };
  for (const key of ['devicesXml', 'domainXml'] as const) {
    const list = raw[key];
    if (
      list !== undefined &&
      issues.expect(
        list.every((x) => typeof x === 'string'),
        `overrides.${key}`,
        'must be an array of XML strings',
      )
    )
      list.forEach((xml, i) => issues.field(() => xmlElement(xml, `overrides.${key}[${i}]`)));
  }
  issues.throwIfAny();
}

/** The cloud-init seed, and its bus and target (checked here: they place the seed among the disks). */
function checkCloudInit(
  spec: VmSpec,
  uuid: string | undefined,
  issues: SpecIssues,
): { seed: PlannedSeed | undefined; target: string | undefined } {
  const ci = spec.cloudInit;
  if (ci === undefined) return { seed: undefined, target: undefined };
  const seed = issues.field(() => planSeed(ci, { name: spec.name, uuid, start: spec.start === true }));
  if (!isObject(ci)) return { seed, target: undefined };
  if (ci.bus !== undefined) issues.expect(DISK_BUSES.includes(ci.bus), 'cloudInit.bus', `must be one of ${DISK_BUSES.join(', ')}`);
  const target =
    ci.target !== undefined && issues.expect(DISK_TARGET.test(ci.target), 'cloudInit.target', 'must be a device name such as "sdb"')
      ? ci.target
      : undefined;
  return { seed, target };
}

/**
 * Check a spec without asking libvirt, and build its cloud-init seed. Every
 * problem is found, not just the first: the error lists them all
 * (`issues`), its `path` and first message line are the first one's. A
 * field's checks stop at its first problem (its type before its range), and
 * a rule across fields is checked only when those fields passed.
 *
 * @param options.uuid the UUID the domain will get (instance-id of the seed), when not in the spec
 * @example const checked = validateSpec({ name: 'web-1', memory: '1GiB' });
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path` the first problem's, `issues` every problem).
 * @see https://libvirt.org/formatdomain.html
 */
export function validateSpec(spec: VmSpec, options: { uuid?: string } = {}): CheckedSpec {
  if (!isObject(spec)) throw specError('spec', 'must be an object');
  const issues = new SpecIssues();
  // A misspelled field would be ignored and its default used: report it first, it is often why other fields look wrong.
  issues.field(() => checkSpecKeys(spec, VM_SPEC_KEYS, ''));
  issues.field(() => validateName(spec.name, 'name'));
  const uuid = issues.field(() =>
    spec.uuid !== undefined
      ? normalizeUuid(spec.uuid, 'uuid')
      : options.uuid === undefined
        ? undefined
        : normalizeUuid(options.uuid, 'uuid'),
  );
  if (
    spec.title !== undefined &&
    issues.expect(typeof spec.title === 'string' && !/[\r\n]/.test(spec.title), 'title', 'must be a single line of text')
  )
    issues.field(() => xmlText(spec.title, 'title'));
  if (spec.description !== undefined) issues.field(() => xmlText(spec.description, 'description'));
  const memory = issues.field(() => {
    const bytes = parseSize(spec.memory, { path: 'memory' });
    if (bytes % 1024n !== 0n) throw specError('memory', 'must be a whole number of KiB');
    if (bytes < MIB) throw specError('memory', 'must be at least 1 MiB');
    return bytes;
  });
  const vcpus = spec.vcpus ?? 1;
  const vcpusOk = issues.expect(Number.isSafeInteger(vcpus) && vcpus >= 1 && vcpus <= 4096, 'vcpus', 'must be an integer from 1 to 4096');
  for (const key of ['virtType', 'arch', 'machine'] as const)
    if (spec[key] !== undefined)
      issues.expect(typeof spec[key] === 'string' && IDENTIFIER.test(spec[key]), key, 'must be a plain identifier');
  const lists = deviceLists(spec, issues);
  const hardware = issues.field(() => validateHardware(spec, vcpusOk ? vcpus : undefined, memory, lists));
  const disks = lists.disks.flatMap((d, i) => issues.field(() => checkDisk(d as DiskSpec, i)) ?? []);
  const nics = lists.networks.flatMap((n, i) => {
    const nic = issues.field(() => checkNetwork(n as NetworkSpec, i));
    return nic === undefined ? [] : [[nic, `networks[${i}]`] as const];
  });
  const networks = nics.map(([nic]) => nic);
  issues.field(() => checkBoot(spec, disks, networks));
  const graphics = issues.field(() => checkGraphics(spec.graphics));
  const serial = issues.field(() => checkSerial(spec.serialConsole));
  const dd = spec.defaultDevices;
  if (dd !== undefined && issues.expect(isObject(dd), 'defaultDevices', 'must be an object')) {
    issues.field(() => checkSpecKeys(dd, DEFAULT_DEVICES_KEYS, 'defaultDevices'));
    for (const key of ['guestAgent', 'rng', 'memballoon', 'tablet'] as const)
      issues.field(() => optionalBool(dd[key], `defaultDevices.${key}`));
  }
  issues.field(() => optionalBool(spec.autostart, 'autostart'));
  issues.field(() => optionalBool(spec.start, 'start'));
  issues.field(() => checkOverrides(spec.overrides, lists.devicesXml));
  const { seed, target } = checkCloudInit(spec, uuid, issues);
  checkDuplicates(disks, nics, target, issues);
  issues.throwIfAny();
  // Every check passed: each value is set (`undefined` only where the spec leaves it out).
  return { spec, name: spec.name, uuid, memory: memory!, vcpus, disks, networks, graphics, serial: serial!, seed, hardware: hardware! };
}

/** Run {@link validateSpec}'s name rule on a derived volume name, reporting it under `path`. */
export function checkDerivedVolumeName(name: string, path: string): void {
  underPath(
    () => path,
    () => validateVolumeName(name, 'name'),
  );
}
