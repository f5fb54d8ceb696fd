import type { DiskDevice, DomainModel, OwnedVolume, Ownership } from '../xml/index.js';
import { normalizePath } from './paths.js';
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
  /** Volumes to delete, unless another domain turns out to use them (or they sit below another of this domain's disks). */
  delete: VolumeRecord[];
  /** Volumes kept, with the reason. */
  keep: { volume: VolumeRecord; reason: KeepReason; detail?: string }[];
}

function diskPath(disk: DiskDevice): string | undefined {
  return disk.source?.file ?? disk.source?.dev;
}

type Named = { path?: string; pool?: string; name?: string };

function sameVolume(a: Named, b: Named): boolean {
  if (a.pool !== undefined && a.name !== undefined && a.pool === b.pool && a.name === b.name) return true;
  return a.path !== undefined && b.path !== undefined && normalizePath(a.path) === normalizePath(b.path);
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
    ...(owned?.key === undefined ? {} : { key: owned.key }),
    ...(owned?.secret === undefined ? {} : { secret: owned.secret }),
    target: disk.target.dev,
    owned: owned !== undefined,
  };
}

/**
 * The images below a disk the SDK owns, top down, as its `<backingStore>`
 * chain names them (libvirt writes the chain in live and inactive XML), up to
 * the first one it does not own: what is under an image the SDK may not
 * delete must stay too.
 */
function ownedBelow(disk: DiskDevice, isOwned: (v: Named) => boolean): Named[] {
  const out: Named[] = [];
  for (let store = disk.backingStore; store?.source !== undefined; store = store.backingStore) {
    const { file, dev, pool, volume } = store.source;
    const path = file ?? dev;
    const layer: Named = {
      ...(path === undefined ? {} : { path }),
      ...(pool === undefined ? {} : { pool }),
      ...(volume === undefined ? {} : { name: volume }),
    };
    if (!isOwned(layer)) break;
    out.push(layer);
  }
  return out;
}

/** Files a snapshot made: recorded with their key, so they can be told apart when no longer attached. */
const SNAPSHOT_ROLES: readonly string[] = ['overlay', 'memory'];

function recordOfOwned(v: Named & { role?: string; key?: string; secret?: string }, owned: boolean): VolumeRecord {
  return {
    ...(v.secret === undefined || !owned ? {} : { secret: v.secret }),
    ...(v.path === undefined ? {} : { path: v.path }),
    ...(v.pool === undefined ? {} : { pool: v.pool }),
    ...(v.name === undefined ? {} : { name: v.name }),
    ...(v.role === undefined ? {} : { role: v.role }),
    ...(v.key === undefined ? {} : { key: v.key }),
    owned,
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

const canonicalUuid = (uuid: string): string => uuid.replace(/-/g, '').toLowerCase();

/**
 * Whether the ownership record may be believed for this domain: `null` when
 * it may, else why not. A record names the domain it was written for; one
 * naming another domain was copied along with that domain's XML.
 */
function distrust(model: DomainModel, ownership: Ownership): string | null {
  if (ownership.domainUuid === undefined || model.uuid === undefined) return null;
  if (canonicalUuid(ownership.domainUuid) === canonicalUuid(model.uuid)) return null;
  return `the ownership record was written for domain ${ownership.domainUuid}, not this one (${model.uuid}): copied with another domain's XML?`;
}

/**
 * Decide, from the domain's own XML and ownership record, what to delete and
 * what to keep. Pure: the destroyer then keeps anything another domain uses
 * or that sits below another of this domain's disks.
 *
 * An ownership record alone never makes a volume deletable:
 * - a record that names another domain's UUID is not believed at all;
 * - a recorded volume that is **attached** to the domain is deleted (its key,
 *   when recorded, must still match — checked at deletion);
 * - a recorded volume that is **not attached** is kept (`'ownership-unverified'`,
 *   with the reason), except the cloud-init seed the SDK detaches after the
 *   first boot: it is deleted when the record carries its volume key, its
 *   content hash and the domain's UUID — the destroyer checks the key and the
 *   content (the seed is a small ISO) before deleting;
 * - likewise a snapshot's overlay or memory file, and a volume whose disk a
 *   snapshot revert took off the VM (`leftBy: 'revert'`): deleted when the
 *   record carries its key and the domain's UUID, and the key still matches.
 */
export function planVolumes(model: DomainModel, policy: StoragePolicy): VolumePlan {
  const ownership = model.metadata?.ownership;
  const untrusted = ownership === undefined ? null : distrust(model, ownership);
  const ownedList: (Named & { role: string; key?: string; contentHash?: string })[] = [
    ...(ownership?.volumes ?? []),
    ...(ownership?.cloudInit === undefined ? [] : [{ ...ownership.cloudInit, role: 'cloud-init' }]),
  ];
  const disks = model.devices?.disks ?? [];
  const plan: VolumePlan = { delete: [], keep: [] };
  const claimed = new Set<number>();

  for (const disk of disks) {
    if (disk.source === undefined) continue; // an empty CD-ROM drive
    const ownedIndex = ownedList.findIndex((o) =>
      sameVolume(o, { path: diskPath(disk), pool: disk.source?.pool, name: disk.source?.volume }),
    );
    if (ownedIndex !== -1) claimed.add(ownedIndex);
    const owned = ownedIndex === -1 || untrusted !== null ? undefined : (ownedList[ownedIndex] as OwnedVolume);
    const record = recordOfDisk(disk, owned);
    if (policy === 'none') {
      plan.keep.push({ volume: record, reason: 'policy-none' });
      continue;
    }
    if (record.owned) {
      plan.delete.push(record);
      continue;
    }
    if (policy === 'owned') {
      if (ownedIndex !== -1 && untrusted !== null) plan.keep.push({ volume: record, reason: 'ownership-unverified', detail: untrusted });
      else plan.keep.push({ volume: record, reason: 'not-owned' });
      continue;
    }
    const reason = unsafeReason(disk);
    if (reason === null) plan.delete.push(record);
    else plan.keep.push({ volume: record, reason });
  }

  // Recorded volumes no longer attached (e.g. a cloud-init seed detached after first boot, a disk's image under a snapshot's overlay).
  const isOwned = (v: Named): boolean => ownedList.some((o) => sameVolume(o, v));
  const below =
    untrusted !== null
      ? []
      : plan.delete.flatMap((r) => {
          const disk = !r.owned || r.target === undefined ? undefined : disks.find((d) => d.target.dev === r.target);
          return disk === undefined ? [] : ownedBelow(disk, isOwned);
        });
  ownedList.forEach((owned, index) => {
    if (claimed.has(index)) return;
    if (policy === 'none') {
      plan.keep.push({ volume: recordOfOwned(owned, untrusted === null), reason: 'policy-none' });
      return;
    }
    if (untrusted !== null) {
      plan.keep.push({ volume: recordOfOwned(owned, false), reason: 'ownership-unverified', detail: untrusted });
      return;
    }
    const unverified = (detail: string): void => {
      plan.keep.push({ volume: recordOfOwned(owned, true), reason: 'ownership-unverified', detail });
    };
    // The image an external snapshot's overlay now covers: still the VM's disk, one layer down.
    if (below.some((b) => sameVolume(owned, b))) {
      plan.delete.push(recordOfOwned(owned, true));
      return;
    }
    // An overlay or memory file of a snapshot (kept by libvirt after a revert or a delete), or a volume whose disk a revert
    // took off the VM (the SDK knows why it is not attached): deleted when its key still matches.
    const leftBehind = SNAPSHOT_ROLES.includes(owned.role) || ('leftBy' in owned && owned.leftBy === 'revert');
    if (leftBehind && owned.key !== undefined && ownership?.domainUuid !== undefined) {
      plan.delete.push(recordOfOwned(owned, true));
      return;
    }
    if (owned.role !== 'cloud-init')
      return unverified('not attached to this domain: a recorded volume is deleted only while attached (the cloud-init seed excepted)');
    if (owned.key === undefined || owned.contentHash === undefined || ownership?.domainUuid === undefined) {
      return unverified(
        'not attached to this domain, and recorded without the key, content hash and domain UUID that let its identity be checked (a record of libvirt-manager 0.1)',
      );
    }
    plan.delete.push({ ...recordOfOwned(owned, true), contentHash: owned.contentHash });
  });
  return plan;
}
