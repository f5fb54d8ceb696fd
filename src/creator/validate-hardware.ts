/**
 * Pure validation of the production VmSpec fields (`spec-hardware.ts`):
 * shapes, ranges and how fields fit together. What the host offers is
 * checked later against its domain capabilities (`hardware.ts`), still
 * before anything is sent.
 *
 * @module
 */
import { denseArray } from './cloud-init/validate.js';
import { specError, show } from './errors.js';
import { checkHostdev, checkHostdevsDistinct } from './validate-hostdev.js';
import {
  CPU_FEATURE_KEYS,
  CPU_KEYS,
  CPU_PINNING_KEYS,
  CPU_TOPOLOGY_KEYS,
  FILESYSTEM_KEYS,
  FIRMWARE_KEYS,
  MEMORY_BACKING_KEYS,
  NUMA_CELL_KEYS,
  RNG_KEYS,
  TPM_KEYS,
  VIDEO_KEYS,
  WATCHDOG_KEYS,
  checkSpecKeys,
} from './spec-keys.js';
import { hostPath } from './validate-text.js';
import type { CpuSpec, FilesystemSpec, HostdevSpec, RngSpec, TpmSpec, VideoSpec, WatchdogSpec } from './spec-hardware.js';
import type { VmSpec } from './spec.js';
import { CPUSET_PATTERN, cpusetMembers, parseSize, type HostdevDevice } from '../xml/index.js';

/** The production fields after validation: sizes in bytes, host devices as `<hostdev>` models. */
export interface CheckedHardware {
  firmware: 'bios' | 'uefi';
  /** `undefined`: libvirt's choice (libvirt 9.0 then picks the secure-boot OVMF build when it is installed). */
  secureBoot: boolean | undefined;
  tpm: TpmSpec | undefined;
  filesystems: FilesystemSpec[];
  /** Huge page size in bytes, `true` for the host default. */
  hugepages: true | bigint | undefined;
  /** Shared memory backing: asked, or needed by virtiofs. */
  sharedMemory: boolean;
  lockedMemory: boolean;
  cpu: CpuSpec | undefined;
  numa: { cpus: string; memory: bigint }[];
  hostdevs: HostdevDevice[];
  /** USB devices named by node device: `hostdevs[index]` has an empty source until `resolveReferences` looks `name` up. */
  usbNodeDevices: { index: number; name: string }[];
  watchdog: WatchdogSpec | undefined;
  rng: RngSpec | undefined;
  video: VideoSpec | undefined;
  hyperv: boolean;
  clockOffset: 'utc' | 'localtime' | undefined;
}

/** Guest CPU models and features: libvirt's names. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const TAG = /^[A-Za-z0-9_.-]{1,36}$/;
const CPU_MODES = ['host-passthrough', 'host-model', 'maximum', 'custom'];
const POLICIES = ['force', 'require', 'optional', 'disable', 'forbid'];

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bool(value: unknown, path: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw specError(path, 'must be a boolean');
  return value === true;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw specError(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function cpuset(value: unknown, path: string): string {
  if (typeof value !== 'string' || !CPUSET_PATTERN.test(value)) throw specError(path, "must be a CPU list such as '2', '0-3' or '0-3,^2'");
  return value;
}

function checkFirmware(spec: VmSpec): { firmware: 'bios' | 'uefi'; secureBoot: boolean | undefined } {
  const fw = spec.firmware as unknown;
  bool(spec.secureBoot, 'secureBoot');
  let firmware: 'bios' | 'uefi' = 'bios';
  let secureBoot = spec.secureBoot === true ? true : undefined;
  if (fw === 'uefi') firmware = 'uefi';
  else if (isObject(fw)) {
    checkSpecKeys(fw, FIRMWARE_KEYS, 'firmware');
    const o = fw as { type: unknown; secureBoot?: unknown };
    if (o.type !== 'uefi') throw specError('firmware.type', "must be 'uefi'");
    firmware = 'uefi';
    bool(o.secureBoot, 'firmware.secureBoot');
    if (typeof o.secureBoot === 'boolean') {
      if (secureBoot === true && !o.secureBoot) throw specError('secureBoot', 'contradicts firmware.secureBoot');
      secureBoot = o.secureBoot;
    }
  } else if (fw !== undefined && fw !== 'bios') throw specError('firmware', "must be 'bios', 'uefi' or { type: 'uefi', secureBoot }");
  if (secureBoot === true && firmware !== 'uefi') throw specError('secureBoot', "needs firmware: 'uefi'");
  return { firmware, secureBoot };
}

function checkTpm(value: VmSpec['tpm']): TpmSpec | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  if (!isObject(value)) throw specError('tpm', 'must be a boolean or { model, version }');
  checkSpecKeys(value, TPM_KEYS, 'tpm');
  const tpm = value as TpmSpec;
  const model = oneOf(tpm.model, ['tpm-crb', 'tpm-tis'] as const, 'tpm.model');
  const version = oneOf(tpm.version, ['2.0', '1.2'] as const, 'tpm.version');
  if (model === 'tpm-crb' && version === '1.2') throw specError('tpm.model', 'a CRB interface is TPM 2.0 only: use tpm-tis for 1.2');
  return { ...(model === undefined ? {} : { model }), ...(version === undefined ? {} : { version }) };
}

function checkFilesystem(value: unknown, i: number, tags: Set<string>): FilesystemSpec {
  const path = `filesystems[${i}]`;
  if (!isObject(value)) throw specError(path, 'must be { source, tag }');
  const fs = value as Record<string, unknown>;
  // libvirt 9.0 refuses <readonly/> on virtiofs ("virtiofs does not yet support read-only mode"): say why, not just "unknown".
  if ('readonly' in fs) throw specError(`${path}.readonly`, 'virtiofs shares cannot be read-only (libvirt 9.0)');
  checkSpecKeys(fs, FILESYSTEM_KEYS, path);
  hostPath(fs['source'], `${path}.source`);
  const tag = fs['tag'];
  if (typeof tag !== 'string' || !TAG.test(tag)) throw specError(`${path}.tag`, 'must be 1-36 characters from A-Z a-z 0-9 _ . -');
  if (tags.has(tag)) throw specError(`${path}.tag`, `tag ${show(tag)} is already used`);
  tags.add(tag);
  return { source: fs['source'] as string, tag };
}

function checkCpu(value: VmSpec['cpu'], vcpus: number): CpuSpec | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw specError('cpu', 'must be an object');
  checkSpecKeys(value, CPU_KEYS, 'cpu');
  const cpu = value as CpuSpec;
  if (cpu.mode !== undefined && !CPU_MODES.includes(cpu.mode)) throw specError('cpu.mode', `must be one of ${CPU_MODES.join(', ')}`);
  if (cpu.mode === 'custom' || cpu.model !== undefined) {
    if (typeof cpu.model !== 'string' || !NAME.test(cpu.model))
      throw specError('cpu.model', 'must be a CPU model name such as "Skylake-Client"');
    if (cpu.mode !== undefined && cpu.mode !== 'custom') throw specError('cpu.model', "needs mode 'custom' (or no mode)");
  }
  if (cpu.topology !== undefined) {
    if (!isObject(cpu.topology)) throw specError('cpu.topology', 'must be { sockets, cores, threads }');
    checkSpecKeys(cpu.topology, CPU_TOPOLOGY_KEYS, 'cpu.topology');
    const t = cpu.topology;
    for (const key of ['sockets', 'dies', 'cores', 'threads'] as const) {
      const v = t[key];
      if ((v !== undefined || key !== 'dies') && (!Number.isSafeInteger(v) || (v as number) < 1))
        throw specError(`cpu.topology.${key}`, 'must be an integer ≥ 1');
    }
    const product = t.sockets * (t.dies ?? 1) * t.cores * t.threads;
    if (product !== vcpus) throw specError('cpu.topology', `sockets × dies × cores × threads is ${product}, not vcpus (${vcpus})`);
  }
  if (cpu.features !== undefined)
    denseArray(cpu.features, 'cpu.features', 1024, 'at most 1024 CPU features').forEach((value, i) => {
      const f = value as Record<string, unknown>;
      checkSpecKeys(f, CPU_FEATURE_KEYS, `cpu.features[${i}]`);
      if (!isObject(f) || typeof f['name'] !== 'string' || !NAME.test(f['name']))
        throw specError(`cpu.features[${i}].name`, 'must be a CPU feature name such as "vmx"');
      oneOf(f['policy'], POLICIES, `cpu.features[${i}].policy`);
    });
  if (cpu.pinning !== undefined) {
    if (!isObject(cpu.pinning)) throw specError('cpu.pinning', 'must be { vcpus, emulator }');
    checkSpecKeys(cpu.pinning, CPU_PINNING_KEYS, 'cpu.pinning');
    if (cpu.pinning.vcpus !== undefined)
      denseArray(cpu.pinning.vcpus, 'cpu.pinning.vcpus', vcpus, `one entry per vCPU (${vcpus})`).forEach((set, i) =>
        cpuset(set, `cpu.pinning.vcpus[${i}]`),
      );
    if (cpu.pinning.emulator !== undefined) cpuset(cpu.pinning.emulator, 'cpu.pinning.emulator');
  }
  return cpu;
}

function checkNuma(value: VmSpec['numa'], vcpus: number, memory: bigint): CheckedHardware['numa'] {
  if (value === undefined) return [];
  const cells = denseArray(value, 'numa', vcpus, `at most one cell per vCPU (${vcpus})`);
  const seen = new Set<number>();
  let total = 0n;
  const checked = cells.map((cell, i) => {
    const path = `numa[${i}]`;
    if (!isObject(cell)) throw specError(path, 'must be { cpus, memory }');
    checkSpecKeys(cell, NUMA_CELL_KEYS, path);
    const c = cell as Record<string, unknown>;
    const members = cpusetMembers(cpuset(c['cpus'], `${path}.cpus`), vcpus);
    if (members === undefined) throw specError(`${path}.cpus`, `names a vCPU past the last (${vcpus - 1})`);
    for (const cpu of members) {
      if (seen.has(cpu)) throw specError(`${path}.cpus`, `vCPU ${cpu} is already in another cell`);
      seen.add(cpu);
    }
    const bytes = parseSize(c['memory'] as never, { path: `${path}.memory` });
    if (bytes === 0n || bytes % 1024n !== 0n) throw specError(`${path}.memory`, 'must be a whole, non-zero number of KiB');
    total += bytes;
    return { cpus: c['cpus'] as string, memory: bytes };
  });
  if (cells.length > 0 && seen.size !== vcpus)
    throw specError('numa', `the cells hold ${seen.size} of the ${vcpus} vCPUs: every vCPU needs a cell`);
  if (cells.length > 0 && total !== memory) throw specError('numa', `the cells' memory adds up to ${total} bytes, not the VM's ${memory}`);
  return checked;
}

/**
 * Check the production fields of a spec whose memory and vCPU count are already valid;
 * `lists` are its `filesystems` and `hostdevs`, already checked dense and within the device cap.
 */
export function validateHardware(
  spec: VmSpec,
  vcpus: number,
  memory: bigint,
  lists: { filesystems: unknown[]; hostdevs: unknown[] },
): CheckedHardware {
  const tags = new Set<string>();
  const filesystems = lists.filesystems.map((fs, i) => checkFilesystem(fs, i, tags));
  const mb = spec.memoryBacking;
  if (mb !== undefined && !isObject(mb)) throw specError('memoryBacking', 'must be { hugepages, shared, locked }');
  checkSpecKeys(mb, MEMORY_BACKING_KEYS, 'memoryBacking');
  let hugepages: CheckedHardware['hugepages'];
  if (mb?.hugepages === true) hugepages = true;
  else if (mb?.hugepages !== undefined && mb.hugepages !== false) {
    hugepages = parseSize(mb.hugepages as never, { path: 'memoryBacking.hugepages' });
    if (hugepages === 0n || hugepages % 1024n !== 0n) throw specError('memoryBacking.hugepages', 'must be a page size such as "2MiB"');
    if (memory % hugepages !== 0n) throw specError('memoryBacking.hugepages', 'memory must be a whole number of pages');
  }
  const shared = bool(mb?.shared, 'memoryBacking.shared');
  if (mb?.shared === false && filesystems.length > 0) throw specError('memoryBacking.shared', 'virtiofs filesystems need shared memory');
  const hostdevs = lists.hostdevs.map((h, i) => checkHostdev(h, i));
  const usbNodeDevices = hostdevs.flatMap((h, index) =>
    h.type === 'usb' && h.source.vendor === undefined ? [{ index, name: (lists.hostdevs[index] as HostdevSpec).nodeDevice! }] : [],
  );
  checkHostdevsDistinct(hostdevs, usbNodeDevices);
  const w = spec.watchdog;
  if (w !== undefined && !isObject(w)) throw specError('watchdog', 'must be { model, action }');
  if (w !== undefined) {
    checkSpecKeys(w, WATCHDOG_KEYS, 'watchdog');
    oneOf(w.model, ['itco', 'i6300esb', 'ib700'], 'watchdog.model');
    oneOf(w.action, ['reset', 'shutdown', 'poweroff', 'pause', 'none', 'dump', 'inject-nmi'], 'watchdog.action');
  }
  if (spec.rng !== undefined) {
    if (!isObject(spec.rng)) throw specError('rng', 'must be { source }');
    checkSpecKeys(spec.rng, RNG_KEYS, 'rng');
    oneOf(spec.rng.source, ['/dev/urandom', '/dev/random', '/dev/hwrng'], 'rng.source');
    if (spec.defaultDevices?.rng === false) throw specError('rng', 'conflicts with defaultDevices.rng: false');
  }
  const video = spec.video;
  if (video !== undefined) {
    if (!isObject(video)) throw specError('video', 'must be { model, heads }');
    checkSpecKeys(video, VIDEO_KEYS, 'video');
    oneOf(video.model, ['virtio', 'vga', 'qxl', 'bochs', 'ramfb', 'cirrus', 'none'], 'video.model');
    if (video.heads !== undefined && (!Number.isSafeInteger(video.heads) || video.heads < 1 || video.heads > 16))
      throw specError('video.heads', 'must be an integer from 1 to 16');
  }
  return {
    ...checkFirmware(spec),
    tpm: checkTpm(spec.tpm),
    filesystems,
    hugepages,
    sharedMemory: shared || filesystems.length > 0,
    lockedMemory: bool(mb?.locked, 'memoryBacking.locked'),
    cpu: checkCpu(spec.cpu, vcpus),
    numa: checkNuma(spec.numa, vcpus, memory),
    hostdevs,
    usbNodeDevices,
    watchdog: w,
    rng: spec.rng,
    video,
    hyperv: bool(spec.hyperv, 'hyperv'),
    clockOffset: oneOf(spec.clockOffset, ['utc', 'localtime'] as const, 'clockOffset'),
  };
}
