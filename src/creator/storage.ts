/**
 * Storage of a create, planned: which volumes to make (pure, from the spec
 * and what the pools hold) and the free-space check. The calls that make,
 * fill and remove volumes are in `storage-ops.ts`.
 *
 * Disks point at volumes by resolved path (`<disk type='file'>`), not by
 * pool/volume: AppArmor's virt-aa-helper only labels file paths.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { isQcow2 } from '../destroyer/qcow2.js';
import { specError, underPath } from './errors.js';
import type { DiskSpec, UploadProgress, VolumeLocation } from './spec.js';
import type { CheckedDisk, CheckedSpec } from './validate.js';
import type { PoolFacts, StorageFacts, VolumeFacts } from './storage-facts.js';
import type { StorageVolRef, UploadSource } from '../connection/internal.js';
import { buildStorageVolumeXml, normalizeUuid, validateVolumeName, type OwnedVolumeRole, type StorageVolumeModel } from '../xml/index.js';

export type { LocalImageFacts, PoolFacts, StorageFacts, VolumeFacts } from './storage-facts.js';

/** A volume this create makes (and owns). */
export interface PlannedVolume {
  /** Transaction step that creates it: `volume:<specPath>` (`volume:disks[0]`, `volume:cloudInit`). */
  step: string;
  /** Spec path of what asked for it: `disks[0]` or `cloudInit`. */
  specPath: string;
  role: OwnedVolumeRole;
  /** Canonical pool name. */
  pool: string;
  name: string;
  /** Path it will most likely get (the real one is read back after creation). */
  predictedPath: string;
  /** Format the domain reads it as. */
  format: string;
  /** Volume XML sent to libvirt. */
  xml: string;
  /** Copy this volume instead of creating an empty one. */
  cloneOf?: { source: StorageVolRef | null; reflink: boolean };
  /** Data to stream into it once created (`sparse`: all-zero blocks sent as holes). */
  upload?: { source: string | UploadSource; size: bigint; sparse: boolean; onProgress: ((progress: UploadProgress) => void) | undefined };
  /** Bytes written into the pool right away (the free-space check). */
  writes: bigint;
  /** LUKS encryption: the passphrase secret's UUID, and whether this create makes (and owns) that secret. */
  encryption?: { secret: string; owned: boolean };
}

/** A disk of the domain with where its data is. */
export interface PlannedDisk {
  checked: CheckedDisk;
  device: 'disk' | 'cdrom';
  /** Host path (predicted for owned volumes); undefined for an empty cdrom. */
  file: string | undefined;
  format: string | undefined;
  volume: PlannedVolume | undefined;
}

/**
 * Key of a volume reference in {@link StorageFacts.volumes} (for hand-written facts in previews and tests).
 * @example facts.volumes[volumeKey({ pool: 'default', volume: 'base.qcow2' })] = { pool: 'default', name: 'base.qcow2', path: '/var/lib/libvirt/images/base.qcow2', format: 'qcow2', capacity, allocation, ref: null };
 * @see buildVmXml
 */
export function volumeKey(location: VolumeLocation | string): string {
  return typeof location === 'string' ? `path:${location}` : `volume:${location.pool}\0${location.volume}`;
}

/** qcow2 images start with `QFI\xfb`; anything else is uploaded as raw. */
export function detectImageFormat(header: Uint8Array): 'qcow2' | 'raw' {
  return isQcow2(header) ? 'qcow2' : 'raw';
}

function pool(facts: StorageFacts, name: string, path: string): PoolFacts {
  const p = facts.pools[name];
  if (p === undefined) throw specError(path, `no storage pool named ${JSON.stringify(name)}`);
  if (!p.active) throw specError(path, `storage pool ${JSON.stringify(p.name)} is not active`);
  return p;
}

function existing(facts: StorageFacts, location: VolumeLocation | string, path: string): VolumeFacts {
  const v = facts.volumes[volumeKey(location)];
  if (v === undefined)
    throw specError(
      path,
      typeof location === 'string'
        ? 'is not a volume of any active storage pool'
        : `no volume ${JSON.stringify(location.volume)} in pool ${JSON.stringify(location.pool)}`,
    );
  return v;
}

/**
 * `<compat>1.1</compat>` for a qcow2 volume: libvirt 9.0 makes qcow2 v2 (compat 0.10) when the volume XML does not
 * say, and v2 cannot hold persistent dirty bitmaps — such a disk can take no checkpoint, hence no incremental
 * backup ("Cannot store dirty bitmaps in qcow2 v2 files"). qemu-img itself has defaulted to 1.1 since QEMU 1.7.
 */
function qcow2v3(format: string): { compat?: string } {
  return format === 'qcow2' ? { compat: '1.1' } : {};
}

function extension(format: string): string {
  return format === 'raw' ? 'img' : format;
}

function planOwned(checked: CheckedSpec, d: CheckedDisk, facts: StorageFacts, volumeName: VolumeNamer | undefined): PlannedVolume {
  const spec = d.spec as Exclude<DiskSpec, { kind: 'existing' | 'cdrom' }>;
  const p = pool(facts, spec.pool, `${d.path}.pool`);
  let model: StorageVolumeModel;
  let format: string;
  let role: OwnedVolumeRole = 'disk';
  let writes = 0n;
  let cloneOf: PlannedVolume['cloneOf'];
  let upload: PlannedVolume['upload'];
  let encryption: PlannedVolume['encryption'];
  switch (spec.kind) {
    case 'new':
      format = spec.format ?? 'qcow2';
      // The UUID of a secret this create makes is chosen now, so the volume and disk XML can name it before it exists.
      if (spec.encryption !== undefined)
        encryption = { secret: normalizeUuid(spec.encryption.secret ?? randomUUID()), owned: spec.encryption.secret === undefined };
      model = {
        name: '',
        capacity: d.size!,
        allocation: spec.preallocate === true ? d.size! : 0n,
        target: {
          format,
          ...qcow2v3(format),
          ...(encryption === undefined ? {} : { encryption: { format: 'luks', secret: encryption.secret } }),
        },
      };
      if (spec.preallocate === true) writes = d.size!;
      break;
    case 'overlay': {
      const base = facts.volumes[volumeKey(spec.base)];
      const baseFormat = spec.baseFormat ?? base?.format;
      if (baseFormat === undefined)
        throw specError(`${d.path}.baseFormat`, 'is required when the base image is not a volume of an active storage pool');
      const capacity = d.size ?? base?.capacity;
      if (capacity === undefined)
        throw specError(`${d.path}.size`, 'is required when the base image is not a volume of an active storage pool');
      if (base !== undefined && capacity < base.capacity)
        throw specError(`${d.path}.size`, `must be at least the base image's virtual size (${base.capacity} bytes)`);
      format = 'qcow2';
      role = 'overlay';
      const basePath = base?.path ?? (spec.base as string);
      model = {
        name: '',
        capacity,
        allocation: 0n,
        target: { format, ...qcow2v3(format) },
        backingStore: { path: basePath, format: baseFormat },
      };
      break;
    }
    case 'clone': {
      const source = existing(facts, spec.source, `${d.path}.source`);
      format = spec.format ?? source.format ?? 'raw';
      const capacity = d.size ?? source.capacity;
      if (capacity < source.capacity)
        throw specError(`${d.path}.size`, `must be at least the source's virtual size (${source.capacity} bytes)`);
      model = { name: '', capacity, target: { format, ...qcow2v3(format) } };
      cloneOf = { source: source.ref, reflink: spec.reflink === true };
      writes = source.allocation;
      break;
    }
    case 'upload': {
      const local = typeof spec.source === 'string' ? facts.uploads[d.index] : undefined;
      if (typeof spec.source === 'string' && local === undefined) throw specError(`${d.path}.source`, 'was not found on this machine');
      const size = local?.size ?? d.size!;
      format = spec.format ?? local?.format ?? 'raw';
      // Created as a raw file of the image's byte size, unallocated (allocation 0: the holes of a sparse upload stay
      // holes); the upload writes the image as is.
      model = { name: '', capacity: size, allocation: 0n, target: { format: 'raw' } };
      const source = typeof spec.source === 'string' ? spec.source : spec.source.data;
      upload = { source, size, sparse: spec.sparse ?? true, onProgress: spec.onProgress };
      writes = size;
      break;
    }
  }
  const name = spec.name ?? volumeName?.(d, extension(format)) ?? `${checked.name}-disk${d.index}.${extension(format)}`;
  underPath(
    () => `${d.path}.name`,
    () => validateVolumeName(name, 'name'),
  );
  model.name = name;
  const xml = underPath(
    (path) => `${d.path}.${path === 'name' ? 'name' : path === 'capacity' ? 'size' : path}`,
    () => buildStorageVolumeXml(model),
  );
  return {
    step: `volume:${d.path}`,
    specPath: d.path,
    role,
    pool: p.name,
    name,
    predictedPath: p.path === undefined ? name : `${p.path.replace(/\/+$/, '')}/${name}`,
    format,
    xml,
    ...(cloneOf === undefined ? {} : { cloneOf }),
    ...(upload === undefined ? {} : { upload }),
    ...(encryption === undefined ? {} : { encryption }),
    writes,
  };
}

/**
 * Plan the disks' storage: a volume for each `new`, `overlay`, `clone` and
 * `upload` disk, resolved paths for the rest. Pure.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for unknown or inactive pools, unknown volumes,
 *   missing base formats or sizes, sizes below the source's, two volumes with one name.
 */
/** Names the volume of a disk given without `name` (from its file extension); the default is `<vm>-disk<i>.<ext>`. */
export type VolumeNamer = (disk: CheckedDisk, extension: string) => string;

export function planDisks(checked: CheckedSpec, facts: StorageFacts, options: { volumeName?: VolumeNamer } = {}): PlannedDisk[] {
  const disks = checked.disks.map((d): PlannedDisk => {
    const spec = d.spec;
    if (spec.kind === 'existing') {
      if (spec.path !== undefined) return { checked: d, device: 'disk', file: spec.path, format: spec.format ?? 'raw', volume: undefined };
      const v = existing(facts, spec.volume!, `${d.path}.volume`);
      return { checked: d, device: 'disk', file: v.path, format: spec.format ?? v.format ?? 'raw', volume: undefined };
    }
    if (spec.kind === 'cdrom') {
      const file =
        spec.source === undefined
          ? undefined
          : typeof spec.source === 'string'
            ? spec.source
            : existing(facts, spec.source, `${d.path}.source`).path;
      return { checked: d, device: 'cdrom', file, format: 'raw', volume: undefined };
    }
    const volume = planOwned(checked, d, facts, options.volumeName);
    return { checked: d, device: 'disk', file: volume.predictedPath, format: volume.format, volume };
  });
  const names = new Map<string, string>();
  for (const v of disks.map((d) => d.volume)) {
    if (v === undefined) continue;
    const key = `${v.pool}\0${v.name}`;
    const first = names.get(key);
    if (first !== undefined) throw specError(`${v.specPath}.name`, `volume ${JSON.stringify(v.name)} is also made by ${first}`);
    names.set(key, v.specPath);
  }
  return disks;
}

/** Plan the seed volume: a raw volume the size of the ISO, named after its content. */
export function planSeedVolume(poolFacts: PoolFacts, name: string, iso: Buffer): PlannedVolume {
  const xml = underPath('cloudInit', () =>
    buildStorageVolumeXml({ name, capacity: BigInt(iso.length), allocation: 0n, target: { format: 'raw' } }),
  );
  return {
    step: 'volume:cloudInit',
    specPath: 'cloudInit',
    role: 'cloud-init',
    pool: poolFacts.name,
    name,
    predictedPath: poolFacts.path === undefined ? name : `${poolFacts.path.replace(/\/+$/, '')}/${name}`,
    format: 'raw',
    xml,
    upload: { source: iso, size: BigInt(iso.length), sparse: true, onProgress: undefined },
    writes: BigInt(iso.length),
  };
}

/**
 * Refuse a plan that writes more into a pool than it has free. Counts what is
 * written at once (uploads, clones, preallocated volumes, the seed); thin
 * volumes reserve nothing, as in virt-install.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) at the first volume that no longer fits.
 */
export function checkFreeSpace(volumes: readonly PlannedVolume[], pools: Iterable<PoolFacts>): void {
  const available = new Map<string, bigint>();
  for (const p of pools) available.set(p.name, p.available);
  const used = new Map<string, bigint>();
  for (const v of volumes) {
    const total = (used.get(v.pool) ?? 0n) + v.writes;
    used.set(v.pool, total);
    const free = available.get(v.pool) ?? 0n;
    if (total > free) {
      const path = v.specPath === 'cloudInit' ? 'cloudInit.pool' : `${v.specPath}.${v.upload !== undefined ? 'source' : 'size'}`;
      throw specError(path, `storage pool ${JSON.stringify(v.pool)} has ${free} bytes free, but this spec writes ${total} bytes into it`);
    }
  }
}
