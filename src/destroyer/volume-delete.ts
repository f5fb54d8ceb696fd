/**
 * Delete one volume the teardown decided to delete — through its storage
 * pool, never by unlinking a path — and tell the truth about what happened:
 * "already gone" only when its pool is there and does not hold it (and, when
 * the SDK shares the daemon's filesystem, nothing is at its path).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { LibvirtError, UnsupportedError, VirErrorCode } from '../errors/index.js';
import type { CallOptions, LibvirtConnection, StorageVolRef } from '../connection/internal.js';
import type { LocalHost } from './local-host.js';
import { normalizePath } from './paths.js';
import type { KeepReason, VolumeRecord } from './report.js';

/** What became of one volume. */
export type VolumeOutcome =
  | { kind: 'deleted'; ref: StorageVolRef }
  | { kind: 'gone' }
  | { kind: 'kept'; reason: KeepReason; detail: string }
  | { kind: 'failed'; error: unknown };

/** Where the record's pool stands, when the record names one. */
type PoolState = 'active' | 'inactive' | 'missing' | 'unknown';

function code(error: unknown): number | undefined {
  return error instanceof LibvirtError ? error.code : undefined;
}

const isNoVolume = (error: unknown): boolean => code(error) === VirErrorCode.VIR_ERR_NO_STORAGE_VOL;
const isNoPool = (error: unknown): boolean => code(error) === VirErrorCode.VIR_ERR_NO_STORAGE_POOL;
/** libvirt's answer for a volume lookup in a pool that is defined but not running. */
const isPoolInactive = (error: unknown): boolean => code(error) === VirErrorCode.VIR_ERR_OPERATION_INVALID;

async function byPath(connection: LibvirtConnection, path: string, call: CallOptions): Promise<StorageVolRef | undefined> {
  const volumes = connection.storage.volumes;
  try {
    return await volumes.lookupByPath(path, call);
  } catch (error) {
    if (!isNoVolume(error)) throw error;
  }
  // The file may have been made after its pool's last scan.
  const pools = connection.storage.pools;
  for (const pool of await pools.list({ ...call, flags: 2 /* ACTIVE */ })) await pools.refresh(pool, call).catch(() => undefined);
  try {
    return await volumes.lookupByPath(path, call);
  } catch (error) {
    if (isNoVolume(error)) return undefined;
    throw error;
  }
}

/** Find the pool volume for a record: by pool and name, else by path (refreshing pools once on a miss). */
async function find(
  connection: LibvirtConnection,
  record: VolumeRecord,
  call: CallOptions,
): Promise<{ ref?: StorageVolRef; pool: PoolState; poolError?: LibvirtError }> {
  let pool: PoolState = 'unknown';
  let poolError: LibvirtError | undefined;
  if (record.pool !== undefined && record.name !== undefined) {
    const { pool: poolName, name } = record;
    const lookup = (): Promise<StorageVolRef> => connection.storage.volumes.lookup(poolName, name, call);
    try {
      return {
        ref: await lookup().catch(async (error: unknown) => {
          if (!isNoVolume(error)) throw error;
          // Not in the pool's last scan: scan again once before concluding.
          await connection.storage.pools.refresh(poolName, call).catch(() => undefined);
          return lookup();
        }),
        pool: 'active',
      };
    } catch (error) {
      if (isNoVolume(error)) pool = 'active';
      else if (isNoPool(error)) pool = 'missing';
      else if (isPoolInactive(error)) {
        pool = 'inactive';
        poolError = error as LibvirtError;
      } else throw error;
    }
  }
  const ref = record.path === undefined ? undefined : await byPath(connection, normalizePath(record.path), call);
  return { ...(ref === undefined ? {} : { ref }), pool, ...(poolError === undefined ? {} : { poolError }) };
}

/**
 * Delete one volume by reference: `true` when this call deleted it, `false`
 * when it was already gone. The one volume delete of the SDK (teardown, and
 * the creator's rollback).
 * @see virStorageVolDelete
 */
export async function deleteVolumeRef(connection: LibvirtConnection, ref: StorageVolRef, call: CallOptions): Promise<boolean> {
  try {
    await connection.storage.volumes.delete(ref, call);
    return true;
  } catch (error) {
    if (isNoVolume(error)) return false;
    throw error;
  }
}

/** The pool volume of `record`, or `undefined` when no active pool holds it (without refreshing pools). */
export async function findPoolVolume(
  connection: LibvirtConnection,
  record: VolumeRecord,
  call: CallOptions,
): Promise<StorageVolRef | undefined> {
  try {
    if (record.pool !== undefined && record.name !== undefined)
      return await connection.storage.volumes.lookup(record.pool, record.name, call);
    if (record.path !== undefined) return await connection.storage.volumes.lookupByPath(normalizePath(record.path), call);
  } catch (error) {
    if (!(error instanceof LibvirtError) || !(error.isNotFound || isPoolInactive(error))) throw error;
  }
  return undefined;
}

/**
 * Delete the volume of `record`.
 *
 * @param local the daemon's filesystem when shared (to check whether a file is still there), else `null`
 * @returns never throws for daemon errors: they come back as `{ kind: 'failed' }`
 */
export async function deleteRecordedVolume(
  connection: LibvirtConnection,
  record: VolumeRecord,
  local: LocalHost | null,
  call: CallOptions,
): Promise<VolumeOutcome> {
  try {
    const found = await find(connection, record, call);
    if (found.ref !== undefined) {
      if (record.key !== undefined && found.ref.key !== record.key) {
        return {
          kind: 'kept',
          reason: 'ownership-unverified',
          detail: `its key is ${found.ref.key}, the ownership record says ${record.key}: not the volume the SDK created`,
        };
      }
      if (record.contentHash !== undefined) {
        const mismatch = await contentMismatch(connection, found.ref, record.contentHash, call);
        if (mismatch !== null) return { kind: 'kept', reason: 'ownership-unverified', detail: mismatch };
      }
      return (await deleteVolumeRef(connection, found.ref, call)) ? { kind: 'deleted', ref: found.ref } : { kind: 'gone' };
    }
    if (found.pool === 'inactive') return { kind: 'failed', error: found.poolError! };
    const exists = record.path !== undefined && local !== null ? await local.exists(normalizePath(record.path)) : null;
    if (exists === true) {
      return {
        kind: 'kept',
        reason: 'unmanaged',
        detail: `a file is still at ${record.path}, but no active storage pool holds it (the SDK deletes only through libvirt's pools)`,
      };
    }
    if (exists === false) return { kind: 'gone' };
    if (found.pool === 'missing') {
      return {
        kind: 'kept',
        reason: 'unmanaged',
        detail: `its pool ${record.pool} no longer exists: whether the volume is still there cannot be told through libvirt`,
      };
    }
    if (found.pool === 'unknown') return { kind: 'kept', reason: 'unmanaged', detail: 'not in any active storage pool' };
    // Its pool is active and, refreshed, does not hold it.
    return { kind: 'gone' };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

/** Largest volume whose content the destroyer reads to check it (a cloud-init seed is a few hundred KiB). */
const MAX_CHECKED_BYTES = 16 * 1024 * 1024;

/**
 * `null` when the volume's content has the recorded `'sha256:<hex>'` hash,
 * else why it cannot be believed to be what the SDK wrote.
 */
async function contentMismatch(
  connection: LibvirtConnection,
  ref: StorageVolRef,
  expected: string,
  call: CallOptions,
): Promise<string | null> {
  const match = /^sha256:([0-9a-f]{64})$/.exec(expected);
  if (match === null) return `the recorded content hash ${JSON.stringify(expected)} is not a sha256 the SDK writes`;
  const { capacity } = await connection.storage.volumes.getInfo(ref, call);
  if (capacity > MAX_CHECKED_BYTES) return `it holds ${capacity} bytes: not the small seed image the SDK made`;
  const hash = createHash('sha256');
  try {
    for await (const chunk of await connection.storage.volumes.download(ref, call)) hash.update(chunk);
  } catch (error) {
    if (error instanceof UnsupportedError) return 'its content cannot be checked: this driver cannot download volumes';
    throw error;
  }
  const actual = hash.digest('hex');
  return actual === match[1] ? null : `its content (sha256:${actual}) is not the seed the SDK made (${expected})`;
}
