/**
 * Pure validation of one disk of a {@link VmSpec}: its kind, bus, target,
 * serial, boot order, and what each kind needs (sizes, locations, formats,
 * LUKS encryption). Pools and volumes are looked up later, still before
 * anything is made.
 *
 * @module
 */
import { specError } from './errors.js';
import { SpecIssues } from './issues.js';
import type { DiskBus, DiskSpec, VolumeLocation } from './spec-disk.js';
import { DISK_KEYS, ENCRYPTION_KEYS, UPLOAD_STREAM_KEYS, VOLUME_LOCATION_KEYS, checkSpecKeys } from './spec-keys.js';
import { hostPath, objectName, optionalBool } from './validate-text.js';
import { normalizeUuid, parseSize, validateVolumeName } from '../xml/index.js';

/** A disk after validation. */
export interface CheckedDisk {
  index: number;
  /** Spec path, e.g. `disks[1]`. */
  path: string;
  spec: DiskSpec;
  /** Parsed `size`, when given. */
  size?: bigint;
}

/** The buses a disk (or the seed cdrom) may use. */
export const DISK_BUSES: readonly DiskBus[] = ['virtio', 'scsi', 'sata', 'ide', 'usb'];
/** A disk's (or the seed's) target device name. */
export const DISK_TARGET = /^(vd|sd|hd|xvd)[a-z]{1,3}$/;
const KINDS = ['new', 'overlay', 'clone', 'upload', 'existing', 'cdrom'] as const;
const FORMAT = /^[a-z0-9]{2,10}$/;
const SERIAL = /^[A-Za-z0-9_.+-]{1,36}$/;

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
  checkSpecKeys(value, VOLUME_LOCATION_KEYS, path);
  const loc = value as unknown as VolumeLocation;
  objectName(loc.pool, `${path}.pool`);
  validateVolumeName(loc.volume, `${path}.volume`);
}

function format(value: unknown, path: string): void {
  if (value !== undefined && (typeof value !== 'string' || !FORMAT.test(value)))
    throw specError(path, 'must be an image format such as "qcow2" or "raw"');
}

/** Unknown keys of a disk; a key of another kind says which kinds have it (`size` on an `existing` disk). */
function checkDiskKeys(disk: DiskSpec, path: string): void {
  const known: Readonly<Record<string, true>> = DISK_KEYS[disk.kind];
  const issues = new SpecIssues();
  for (const key of Object.keys(disk)) {
    if (Object.prototype.hasOwnProperty.call(known, key)) continue;
    const kinds = KINDS.filter((kind) => Object.prototype.hasOwnProperty.call(DISK_KEYS[kind], key));
    if (kinds.length > 0)
      issues.expect(false, `${path}.${key}`, `is not a field of '${disk.kind}' disks (only of ${kinds.map((k) => `'${k}'`).join(', ')})`);
    else issues.field(() => checkSpecKeys({ [key]: true }, known, path));
  }
  issues.throwIfAny();
}

/** Upload data: a local file path, or `{ data, size }` (its size checked). */
function uploadSource(source: unknown, path: string): bigint | undefined {
  if (typeof source === 'string') {
    if (source === '' || source.includes('\0')) throw specError(`${path}.source`, 'must be a local file path');
    return undefined;
  }
  if (!isObject(source) || (source as { data?: unknown }).data === undefined)
    throw specError(`${path}.source`, 'must be a local file path or { data, size }');
  const stream = source as { data: unknown; size: unknown };
  if (!isBytes(stream.data)) throw specError(`${path}.source.data`, 'must be a Uint8Array or an (async) iterable of Uint8Array chunks');
  checkSpecKeys(stream, UPLOAD_STREAM_KEYS, `${path}.source`);
  return positiveSize(stream.size, `${path}.source.size`);
}

/** Check `disks[index]` (shape only: pools and volumes are looked up later); every problem of the disk at once. */
export function checkDisk(disk: DiskSpec, index: number): CheckedDisk {
  const path = `disks[${index}]`;
  if (!isObject(disk)) throw specError(path, 'must be an object');
  // The kind says which fields the disk has: nothing else is checked without a valid one.
  if (!(KINDS as readonly string[]).includes(disk.kind)) throw specError(`${path}.kind`, `must be one of ${KINDS.join(', ')}`);
  const issues = new SpecIssues();
  issues.field(() => checkDiskKeys(disk, path));
  if (disk.bus !== undefined) issues.expect(DISK_BUSES.includes(disk.bus), `${path}.bus`, `must be one of ${DISK_BUSES.join(', ')}`);
  if (disk.target !== undefined)
    issues.expect(
      typeof disk.target === 'string' && DISK_TARGET.test(disk.target),
      `${path}.target`,
      'must be a device name such as "vda" or "sdb"',
    );
  if (disk.serial !== undefined)
    issues.expect(
      typeof disk.serial === 'string' && SERIAL.test(disk.serial),
      `${path}.serial`,
      'must be 1-36 characters from A-Z a-z 0-9 _ . + -',
    );
  if (disk.bootOrder !== undefined)
    issues.expect(Number.isSafeInteger(disk.bootOrder) && disk.bootOrder >= 1, `${path}.bootOrder`, 'must be an integer ≥ 1');
  const checked: CheckedDisk = { index, path, spec: disk };
  const size = (value: unknown, at: string): void => {
    const bytes = issues.field(() => positiveSize(value, at));
    if (bytes !== undefined) checked.size = bytes;
  };
  if (disk.kind === 'cdrom') {
    if (disk.source !== undefined) issues.field(() => location(disk.source, `${path}.source`));
  } else {
    issues.field(() => optionalBool(disk.readonly, `${path}.readonly`));
  }
  if (disk.kind === 'existing') {
    if (issues.expect((disk.path === undefined) !== (disk.volume === undefined), path, 'give exactly one of path and volume')) {
      if (disk.path !== undefined) issues.field(() => hostPath(disk.path, `${path}.path`));
      else issues.field(() => location(disk.volume, `${path}.volume`));
    }
    issues.field(() => format(disk.format, `${path}.format`));
    issues.field(() => optionalBool(disk.shareable, `${path}.shareable`));
  } else if (disk.kind !== 'cdrom') {
    issues.field(() => objectName(disk.pool, `${path}.pool`));
    if (disk.name !== undefined) issues.field(() => validateVolumeName(disk.name!, `${path}.name`));
  }
  switch (disk.kind) {
    case 'new':
      size(disk.size, `${path}.size`);
      issues.field(() => format(disk.format, `${path}.format`));
      issues.field(() => optionalBool(disk.preallocate, `${path}.preallocate`));
      if (disk.encryption !== undefined) issues.field(() => checkEncryption(disk, `${path}.encryption`));
      break;
    case 'overlay':
      issues.field(() => location(disk.base, `${path}.base`));
      issues.field(() => format(disk.baseFormat, `${path}.baseFormat`));
      if (disk.size !== undefined) size(disk.size, `${path}.size`);
      break;
    case 'clone':
      issues.field(() => location(disk.source, `${path}.source`));
      issues.field(() => format(disk.format, `${path}.format`));
      issues.field(() => optionalBool(disk.reflink, `${path}.reflink`));
      if (disk.size !== undefined) size(disk.size, `${path}.size`);
      break;
    case 'upload': {
      issues.field(() => format(disk.format, `${path}.format`));
      if (disk.onProgress !== undefined) issues.expect(typeof disk.onProgress === 'function', `${path}.onProgress`, 'must be a function');
      issues.field(() => optionalBool(disk.sparse, `${path}.sparse`));
      const bytes = issues.field(() => uploadSource(disk.source, path));
      if (bytes !== undefined) checked.size = bytes;
      break;
    }
  }
  issues.throwIfAny();
  return checked;
}

function checkEncryption(disk: Extract<DiskSpec, { kind: 'new' }>, path: string): void {
  const e = disk.encryption as unknown;
  if (!isObject(e) || (e as { format?: unknown }).format !== 'luks') throw specError(path, "must be { format: 'luks', secret?: '<uuid>' }");
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(e, ENCRYPTION_KEYS, path));
  const secret = (e as { secret?: unknown }).secret;
  if (secret !== undefined) issues.field(() => normalizeUuid(secret as string, `${path}.secret`));
  if (disk.format !== undefined)
    issues.expect(disk.format === 'qcow2' || disk.format === 'raw', `${path}`, "LUKS encryption needs format 'qcow2' or 'raw'");
  issues.throwIfAny();
}
