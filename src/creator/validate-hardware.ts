/**
 * Pure validation of the production VmSpec fields (`spec-hardware.ts`):
 * shapes, ranges and how fields fit together. What the host offers is
 * checked later against its domain capabilities (`hardware.ts`), still
 * before anything is sent.
 *
 * @module
 */
import { specError, show } from './errors.js';
import { SpecIssues } from './issues.js';
import { checkCpu, checkNuma, isObject, oneOf } from './validate-cpu.js';
import { checkHostdev, checkHostdevsDistinct } from './validate-hostdev.js';
import {
  FILESYSTEM_KEYS,
  FIRMWARE_KEYS,
  MEMORY_BACKING_KEYS,
  RNG_KEYS,
  TPM_KEYS,
  VIDEO_KEYS,
  WATCHDOG_KEYS,
  checkSpecKeys,
} from './spec-keys.js';
import { hostPath } from './validate-text.js';
import type { CpuSpec, FilesystemSpec, HostdevSpec, RngSpec, TpmSpec, VideoSpec, WatchdogSpec } from './spec-hardware.js';
import type { VmSpec } from './spec.js';
import { parseSize, type HostdevDevice } from '../xml/index.js';

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

const TAG = /^[A-Za-z0-9_.-]{1,36}$/;

function bool(value: unknown, path: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw specError(path, 'must be a boolean');
  return value === true;
}

function checkFirmware(spec: VmSpec): { firmware: 'bios' | 'uefi'; secureBoot: boolean | undefined } {
  const fw = spec.firmware as unknown;
  const issues = new SpecIssues();
  issues.field(() => bool(spec.secureBoot, 'secureBoot'));
  let firmware: 'bios' | 'uefi' = 'bios';
  let secureBoot = spec.secureBoot === true ? true : undefined;
  // The firmware read: "needs firmware: 'uefi'" is only checked against a firmware that passed.
  let known = true;
  if (fw === 'uefi') firmware = 'uefi';
  else if (isObject(fw)) {
    issues.field(() => checkSpecKeys(fw, FIRMWARE_KEYS, 'firmware'));
    const o = fw as { type: unknown; secureBoot?: unknown };
    known = issues.expect(o.type === 'uefi', 'firmware.type', "must be 'uefi'");
    firmware = 'uefi';
    if (issues.passes(() => bool(o.secureBoot, 'firmware.secureBoot')) && typeof o.secureBoot === 'boolean') {
      issues.expect(secureBoot !== true || o.secureBoot, 'secureBoot', 'contradicts firmware.secureBoot');
      secureBoot = o.secureBoot;
    }
  } else if (fw !== undefined && fw !== 'bios')
    known = issues.expect(false, 'firmware', "must be 'bios', 'uefi' or { type: 'uefi', secureBoot }");
  if (known && issues.count === 0) issues.expect(secureBoot !== true || firmware === 'uefi', 'secureBoot', "needs firmware: 'uefi'");
  issues.throwIfAny();
  return { firmware, secureBoot };
}

function checkTpm(value: VmSpec['tpm']): TpmSpec | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  if (!isObject(value)) throw specError('tpm', 'must be a boolean or { model, version }');
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(value, TPM_KEYS, 'tpm'));
  const tpm = value as TpmSpec;
  const model = issues.field(() => oneOf(tpm.model, ['tpm-crb', 'tpm-tis'] as const, 'tpm.model'));
  const version = issues.field(() => oneOf(tpm.version, ['2.0', '1.2'] as const, 'tpm.version'));
  issues.expect(model !== 'tpm-crb' || version !== '1.2', 'tpm.model', 'a CRB interface is TPM 2.0 only: use tpm-tis for 1.2');
  issues.throwIfAny();
  return { ...(model === undefined ? {} : { model }), ...(version === undefined ? {} : { version }) };
}

function checkFilesystem(value: unknown, i: number, tags: Set<string>): FilesystemSpec {
  const path = `filesystems[${i}]`;
  if (!isObject(value)) throw specError(path, 'must be { source, tag }');
  const fs = value as Record<string, unknown>;
  const issues = new SpecIssues();
  // libvirt 9.0 refuses <readonly/> on virtiofs ("virtiofs does not yet support read-only mode"): say why, not just "unknown".
  if ('readonly' in fs) issues.expect(false, `${path}.readonly`, 'virtiofs shares cannot be read-only (libvirt 9.0)');
  const { readonly: _, ...rest } = fs;
  issues.field(() => checkSpecKeys(rest, FILESYSTEM_KEYS, path));
  issues.field(() => hostPath(fs['source'], `${path}.source`));
  const tag = fs['tag'];
  if (issues.expect(typeof tag === 'string' && TAG.test(tag), `${path}.tag`, 'must be 1-36 characters from A-Z a-z 0-9 _ . -')) {
    issues.expect(!tags.has(tag as string), `${path}.tag`, `tag ${show(tag)} is already used`);
    tags.add(tag as string);
  }
  issues.throwIfAny();
  return { source: fs['source'] as string, tag: tag as string };
}

/** `memoryBacking` but `locked`: its huge page size (a whole divisor of `memory`, when that passed) and `shared`. */
function checkMemoryBacking(
  mb: VmSpec['memoryBacking'],
  memory: bigint | undefined,
  filesystems: number,
): Pick<CheckedHardware, 'hugepages' | 'sharedMemory'> {
  if (mb !== undefined && !isObject(mb)) throw specError('memoryBacking', 'must be { hugepages, shared, locked }');
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(mb, MEMORY_BACKING_KEYS, 'memoryBacking'));
  let hugepages: CheckedHardware['hugepages'];
  if (mb?.hugepages === true) hugepages = true;
  else if (mb?.hugepages !== undefined && mb.hugepages !== false)
    hugepages = issues.field(() => {
      const size = parseSize(mb.hugepages as never, { path: 'memoryBacking.hugepages' });
      if (size === 0n || size % 1024n !== 0n) throw specError('memoryBacking.hugepages', 'must be a page size such as "2MiB"');
      if (memory !== undefined && memory % size !== 0n)
        throw specError('memoryBacking.hugepages', 'memory must be a whole number of pages');
      return size;
    });
  const shared = issues.field(() => bool(mb?.shared, 'memoryBacking.shared')) ?? false;
  if (mb?.shared === false) issues.expect(filesystems === 0, 'memoryBacking.shared', 'virtiofs filesystems need shared memory');
  issues.throwIfAny();
  return { hugepages, sharedMemory: shared || filesystems > 0 };
}

/** `hostdevs`, each checked; the duplicate check needs them all valid. */
function checkHostdevs(list: unknown[]): Pick<CheckedHardware, 'hostdevs' | 'usbNodeDevices'> {
  const issues = new SpecIssues();
  const checked = list.map((h, i) => issues.field(() => checkHostdev(h, i)));
  issues.throwIfAny();
  const hostdevs = checked.map((h) => h!);
  const usbNodeDevices = hostdevs.flatMap((h, index) =>
    h.type === 'usb' && h.source.vendor === undefined ? [{ index, name: (list[index] as HostdevSpec).nodeDevice! }] : [],
  );
  checkHostdevsDistinct(hostdevs, usbNodeDevices);
  return { hostdevs, usbNodeDevices };
}

/** An optional `{ … }` device field: its keys and each sub-field checked by `check`. */
function device<T>(
  value: T | undefined,
  path: string,
  shape: string,
  known: Readonly<Record<string, true>>,
  check: (v: T, issues: SpecIssues) => void,
): T | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw specError(path, `must be ${shape}`);
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(value, known, path));
  check(value, issues);
  issues.throwIfAny();
  return value;
}

/**
 * Check the production fields of a spec. `vcpus` and `memory` are
 * `undefined` when refused themselves: the rules that need them are skipped.
 * `lists` are its `filesystems` and `hostdevs`, already checked dense and within the device cap.
 */
export function validateHardware(
  spec: VmSpec,
  vcpus: number | undefined,
  memory: bigint | undefined,
  lists: { filesystems: unknown[]; hostdevs: unknown[] },
): CheckedHardware {
  const issues = new SpecIssues();
  const tags = new Set<string>();
  const filesystems = lists.filesystems.flatMap((fs, i) => issues.field(() => checkFilesystem(fs, i, tags)) ?? []);
  const backing = issues.field(() => checkMemoryBacking(spec.memoryBacking, memory, lists.filesystems.length));
  const hostdevs = issues.field(() => checkHostdevs(lists.hostdevs));
  const watchdog = issues.field(() =>
    device(spec.watchdog, 'watchdog', '{ model, action }', WATCHDOG_KEYS, (w, found) => {
      found.field(() => oneOf(w.model, ['itco', 'i6300esb', 'ib700'], 'watchdog.model'));
      found.field(() => oneOf(w.action, ['reset', 'shutdown', 'poweroff', 'pause', 'none', 'dump', 'inject-nmi'], 'watchdog.action'));
    }),
  );
  const rng = issues.field(() =>
    device(spec.rng, 'rng', '{ source }', RNG_KEYS, (r, found) => {
      found.field(() => oneOf(r.source, ['/dev/urandom', '/dev/random', '/dev/hwrng'], 'rng.source'));
      found.expect(spec.defaultDevices?.rng !== false, 'rng', 'conflicts with defaultDevices.rng: false');
    }),
  );
  const video = issues.field(() =>
    device(spec.video, 'video', '{ model, heads }', VIDEO_KEYS, (v, found) => {
      found.field(() => oneOf(v.model, ['virtio', 'vga', 'qxl', 'bochs', 'ramfb', 'cirrus', 'none'], 'video.model'));
      if (v.heads !== undefined)
        found.expect(Number.isSafeInteger(v.heads) && v.heads >= 1 && v.heads <= 16, 'video.heads', 'must be an integer from 1 to 16');
    }),
  );
  const firmware = issues.field(() => checkFirmware(spec));
  const tpm = issues.field(() => checkTpm(spec.tpm));
  // After tpm, as ever: the order problems are found in is the order a first-error check met them.
  const locked = issues.field(() => bool((spec.memoryBacking as { locked?: unknown } | undefined)?.locked, 'memoryBacking.locked'));
  const cpu = issues.field(() => checkCpu(spec.cpu, vcpus));
  const numa = issues.field(() => checkNuma(spec.numa, vcpus, memory));
  const hyperv = issues.field(() => bool(spec.hyperv, 'hyperv'));
  const clockOffset = issues.field(() => oneOf(spec.clockOffset, ['utc', 'localtime'] as const, 'clockOffset'));
  issues.throwIfAny();
  // Every check passed: the values below are those checked.
  return {
    ...firmware!,
    tpm,
    filesystems,
    ...backing!,
    lockedMemory: locked!,
    cpu,
    numa: numa!,
    ...hostdevs!,
    watchdog,
    rng,
    video,
    hyperv: hyperv!,
    clockOffset,
  };
}
