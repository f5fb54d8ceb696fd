/**
 * Pure validation of one disk of a {@link VmSpec}: its kind, bus, target,
 * serial, boot order, and what each kind needs (sizes, locations, formats,
 * LUKS encryption). Pools and volumes are looked up later, still before
 * anything is made.
 *
 * @module
 */
import { specError } from './errors.js';
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
  const key = Object.keys(disk).find((k) => !Object.prototype.hasOwnProperty.call(known, k));
  const kinds = key === undefined ? [] : KINDS.filter((kind) => Object.prototype.hasOwnProperty.call(DISK_KEYS[kind], key));
  if (key !== undefined && kinds.length > 0)
    throw specError(`${path}.${key}`, `is not a field of '${disk.kind}' disks (only of ${kinds.map((k) => `'${k}'`).join(', ')})`);
  checkSpecKeys(disk, known, path);
}

/** Check `disks[index]` (shape only: pools and volumes are looked up later). */
export function checkDisk(disk: DiskSpec, index: number): CheckedDisk {
  const path = `disks[${index}]`;
  if (!isObject(disk)) throw specError(path, 'must be an object');
  if (!(KINDS as readonly string[]).includes(disk.kind)) throw specError(`${path}.kind`, `must be one of ${KINDS.join(', ')}`);
  checkDiskKeys(disk, path);
  if (disk.bus !== undefined && !DISK_BUSES.includes(disk.bus)) throw specError(`${path}.bus`, `must be one of ${DISK_BUSES.join(', ')}`);
  if (disk.target !== undefined && (typeof disk.target !== 'string' || !DISK_TARGET.test(disk.target)))
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
      optionalBool(disk.sparse, `${path}.sparse`);
      if (typeof disk.source === 'string') {
        if (disk.source === '' || disk.source.includes('\0')) throw specError(`${path}.source`, 'must be a local file path');
      } else if (!isObject(disk.source) || disk.source.data === undefined) {
        throw specError(`${path}.source`, 'must be a local file path or { data, size }');
      } else if (!isBytes(disk.source.data)) {
        throw specError(`${path}.source.data`, 'must be a Uint8Array or an (async) iterable of Uint8Array chunks');
      } else {
        checkSpecKeys(disk.source, UPLOAD_STREAM_KEYS, `${path}.source`);
        checked.size = positiveSize(disk.source.size, `${path}.source.size`);
      }
      break;
  }
  return checked;
}

function checkEncryption(disk: Extract<DiskSpec, { kind: 'new' }>, path: string): void {
  const e = disk.encryption as unknown;
  if (!isObject(e) || (e as { format?: unknown }).format !== 'luks') throw specError(path, "must be { format: 'luks', secret?: '<uuid>' }");
  checkSpecKeys(e, ENCRYPTION_KEYS, path);
  const secret = (e as { secret?: unknown }).secret;
  if (secret !== undefined) normalizeUuid(secret as string, `${path}.secret`);
  if (disk.format !== undefined && disk.format !== 'qcow2' && disk.format !== 'raw')
    throw specError(`${path}`, "LUKS encryption needs format 'qcow2' or 'raw'");
}
