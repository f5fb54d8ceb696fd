/**
 * Storage pool discovery and small pool calls: what the storage driver
 * supports, the sources a pool type can find, a pool by its target path, and
 * whether a pool is persistent. The methods on `conn.storage.pools` call these.
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors/index.js';
import {
  CALL_OPTION_KEYS,
  CONNECT_FIND_STORAGE_POOL_SOURCES,
  CONNECT_GET_STORAGE_POOL_CAPABILITIES,
  STORAGE_POOL_IS_PERSISTENT,
  STORAGE_POOL_LOOKUP_BY_TARGET_PATH,
  type CallOptions,
  type StoragePoolRef,
} from '../../rpc/index.js';
import { checkOptions } from './check-options.js';
import { type StoragePoolInput, checkName, resolvePool } from './refs.js';
import { type ResourceCall, flag } from './types.js';

/** Options of `conn.storage.pools.findSources`. */
export interface FindPoolSourcesOptions extends CallOptions {
  /**
   * Where to look, as a `<source>` XML: a `<host name='…'/>` for `netfs`, `iscsi`, `gluster`; an
   * `<adapter>` for `scsi`. Unset for local types (`logical`, `disk`…).
   */
  source?: string;
}

const CALL = CALL_OPTION_KEYS;
const POOL_TYPE = /^[a-z][a-z0-9-]*$/;

/** `virsh find-storage-pool-sources`: the `<sources>` XML a pool type can find. */
export async function findPoolSources(call: ResourceCall, type: string, options: FindPoolSourcesOptions | undefined): Promise<string> {
  if (typeof type !== 'string' || !POOL_TYPE.test(type))
    throw new InvalidArgumentError('type must be a pool type such as "logical", "netfs" or "iscsi"', { path: 'type' });
  const o = checkOptions(options, { ...CALL, source: true } as const);
  const source: unknown = o.source;
  if (source !== undefined && (typeof source !== 'string' || source.trim() === ''))
    throw new InvalidArgumentError('source must be a <source> XML document', { path: 'source' });
  return (await call(CONNECT_FIND_STORAGE_POOL_SOURCES, { type, srcSpec: (source as string | undefined) ?? null, flags: 0 }, o)).xml;
}

/** `virsh pool-capabilities`: the `<storagepoolCapabilities>` XML. */
export async function getPoolCapabilitiesXml(call: ResourceCall, options: CallOptions | undefined): Promise<string> {
  return (await call(CONNECT_GET_STORAGE_POOL_CAPABILITIES, { flags: 0 }, checkOptions(options, CALL))).capabilities;
}

/** The pool whose target is `path` (e.g. a dir pool's directory). */
export async function lookupPoolByTargetPath(call: ResourceCall, path: string, options: CallOptions | undefined): Promise<StoragePoolRef> {
  const target = checkName(path, 'path');
  if (!target.startsWith('/')) throw new InvalidArgumentError('path must be an absolute path', { path: 'path' });
  return (await call(STORAGE_POOL_LOOKUP_BY_TARGET_PATH, { path: target }, checkOptions(options, CALL))).pool;
}

/** Whether the pool has a persistent definition (`false`: transient, gone once stopped). */
export async function isPoolPersistent(call: ResourceCall, pool: StoragePoolInput, options: CallOptions | undefined): Promise<boolean> {
  const o = checkOptions(options, CALL);
  return flag((await call(STORAGE_POOL_IS_PERSISTENT, { pool: await resolvePool(call, pool, o) }, o)).persistent);
}
