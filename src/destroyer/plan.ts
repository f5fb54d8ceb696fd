import type { DiskBackingStore, DiskDevice, DomainModel, OwnedVolume } from '../xml/index.js';
import type { KeepReason, VolumeRecord } from './report.js';

/** Which volumes `destroy` deletes. */
export type StoragePolicy =
  /** Only volumes the SDK's ownership metadata says it created (default). */
  | 'owned'
  /** Also the VM's other disks, except read-only, shareable, removable media, backing images and disks other domains use. */
  | 'all-safe'
  /** Keep every volume. */
  | 'none';

/** The destroyer's plan before it looks at other domains. */
export interface VolumePlan {
  /** Volumes to delete, unless another domain turns out to use them. */
  delete: VolumeRecord[];
  /** Volumes kept, with the reason. */
  keep: { volume: VolumeRecord; reason: KeepReason; detail?: string }[];
  /** Paths in the backing chains of this domain's disks (never deleted unless owned). */
  backingPaths: Set<string>;
}

/** Paths of a disk's backing chain, as libvirt reports it for running domains. */
export function backingChainPaths(store: DiskBackingStore | undefined, out: Set<string> = new Set()): Set<string> {
  let current = store;
  while (current !== undefined) {
    const path = current.source?.file ?? current.source?.dev;
    if (path !== undefined) out.add(path);
    current = current.backingStore;
  }
  return out;
}

function diskPath(disk: DiskDevice): string | undefined {
  return disk.source?.file ?? disk.source?.dev;
}

function sameVolume(a: { path?: string; pool?: string; name?: string }, b: { path?: string; pool?: string; name?: string }): boolean {
  if (a.path !== undefined && b.path !== undefined) return a.path === b.path;
  return a.pool !== undefined && a.pool === b.pool && a.name !== undefined && a.name === b.name;
}

function recordOfDisk(disk: DiskDevice, owned: OwnedVolume | undefined): VolumeRecord {
  const path = diskPath(disk);
  return {
    ...(path === undefined ? {} : { path }),
    ...(disk.source?.pool === undefined ? {} : { pool: disk.source.pool }),
    ...(disk.source?.volume === undefined ? {} : { name: disk.source.volume }),
    ...(owned?.role === undefined ? {} : { role: owned.role }),
    ...(owned?.pool !== undefined && disk.source?.pool === undefined ? { pool: owned.pool } : {}),
    ...(owned?.name !== undefined && disk.source?.volume === undefined ? { name: owned.name } : {}),
    target: disk.target.dev,
    owned: owned !== undefined,
  };
}

function recordOfOwned(v: { path?: string; pool?: string; name?: string; role?: string }): VolumeRecord {
  return {
    ...(v.path === undefined ? {} : { path: v.path }),
    ...(v.pool === undefined ? {} : { pool: v.pool }),
    ...(v.name === undefined ? {} : { name: v.name }),
    ...(v.role === undefined ? {} : { role: v.role }),
    owned: true,
  };
}

/** Why a disk the SDK did not create must stay under `'all-safe'`, or `null` when it may go. */
function unsafeReason(disk: DiskDevice): KeepReason | null {
  const device = disk.device ?? 'disk';
  if (device === 'cdrom' || device === 'floppy') return 'removable-media';
  if (disk.readonly === true) return 'read-only';
  if (disk.shareable === true) return 'shareable';
  if (disk.type !== 'file' && disk.type !== 'block' && disk.type !== 'volume') return 'unmanaged';
  if (disk.type === 'volume' && (disk.source?.pool === undefined || disk.source.volume === undefined)) return 'unmanaged';
  if (disk.type !== 'volume' && diskPath(disk) === undefined) return 'unmanaged';
  return null;
}

/**
 * Decide, from the domain's own XML and ownership record, what to delete and
 * what to keep. Pure: the destroyer then drops anything another domain uses.
 */
export function planVolumes(model: DomainModel, policy: StoragePolicy): VolumePlan {
  const ownership = model.metadata?.ownership;
  const ownedList: { path?: string; pool?: string; name?: string; role?: string }[] = [
    ...(ownership?.volumes ?? []),
    ...(ownership?.cloudInit === undefined ? [] : [{ ...ownership.cloudInit, role: 'cloud-init' }]),
  ];
  const disks = model.devices?.disks ?? [];
  const backingPaths = new Set<string>();
  for (const disk of disks) backingChainPaths(disk.backingStore, backingPaths);

  const plan: VolumePlan = { delete: [], keep: [], backingPaths };
  const claimed = new Set<number>();

  for (const disk of disks) {
    if (disk.source === undefined) continue; // an empty CD-ROM drive
    const ownedIndex = ownedList.findIndex((o) => sameVolume(o, { path: diskPath(disk), pool: disk.source?.pool, name: disk.source?.volume }));
    const owned = ownedIndex === -1 ? undefined : (ownedList[ownedIndex] as OwnedVolume);
    if (ownedIndex !== -1) claimed.add(ownedIndex);
    const record = recordOfDisk(disk, owned);
    if (policy === 'none') {
      plan.keep.push({ volume: record, reason: 'policy-none' });
      continue;
    }
    const path = record.path;
    if (path !== undefined && backingPaths.has(path) && !record.owned) {
      plan.keep.push({ volume: record, reason: 'backing-image' });
      continue;
    }
    if (record.owned) {
      plan.delete.push(record);
      continue;
    }
    if (policy === 'owned') {
      plan.keep.push({ volume: record, reason: 'not-owned' });
      continue;
    }
    const reason = unsafeReason(disk);
    if (reason === null) plan.delete.push(record);
    else plan.keep.push({ volume: record, reason });
  }

  // Owned volumes no longer attached (e.g. a cloud-init seed detached after first boot) go too.
  ownedList.forEach((owned, index) => {
    if (claimed.has(index)) return;
    const record = recordOfOwned(owned);
    if (policy === 'none') plan.keep.push({ volume: record, reason: 'policy-none' });
    else plan.delete.push(record);
  });
  return plan;
}
