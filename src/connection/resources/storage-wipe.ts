/**
 * Wiping a storage volume: overwrite its data with zeros or with one of
 * libvirt's algorithms (`virsh vol-wipe [--algorithm]`).
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors/index.js';
import {
  CALL_OPTION_KEYS,
  STORAGE_VOL_WIPE,
  STORAGE_VOL_WIPE_PATTERN,
  VirStorageVolWipeAlgorithm,
  type CallOptions,
  type StorageVolRef,
} from '../../rpc/index.js';
import { checkOptions } from './check-options.js';
import type { ResourceCall } from './types.js';

/**
 * How `conn.storage.volumes.wipe` overwrites a volume (`virStorageVolWipeAlgorithm`):
 * `zero` (one pass of zeros), `random` (one pass of random data), the multi-pass
 * patterns of scrub(1) — `nnsa` (4 passes), `dod` (4), `bsi` (9), `gutmann` (35),
 * `schneier` (7), `pfitzner7` (7), `pfitzner33` (33) — or `trim` (discard the
 * blocks; only where the storage supports it, and the data may stay readable).
 */
export type WipeAlgorithm = 'zero' | 'nnsa' | 'dod' | 'bsi' | 'gutmann' | 'schneier' | 'pfitzner7' | 'pfitzner33' | 'random' | 'trim';

/**
 * Options of `conn.storage.volumes.wipe`. Wiping destroys the volume's data,
 * and a multi-pass algorithm writes the whole volume many times.
 *
 * @example
 * await conn.storage.volumes.wipe(vol); // zeros (virStorageVolWipe)
 * await conn.storage.volumes.wipe(vol, { algorithm: 'random', timeout: 0 }); // virStorageVolWipePattern
 */
export interface WipeOptions extends CallOptions {
  /** Unset: zeros with `virStorageVolWipe` (what libvirt does by default). Set: `virStorageVolWipePattern` with it. */
  algorithm?: WipeAlgorithm;
}

const A = VirStorageVolWipeAlgorithm;
const ALGORITHMS: Record<WipeAlgorithm, number> = {
  zero: A.VIR_STORAGE_VOL_WIPE_ALG_ZERO,
  nnsa: A.VIR_STORAGE_VOL_WIPE_ALG_NNSA,
  dod: A.VIR_STORAGE_VOL_WIPE_ALG_DOD,
  bsi: A.VIR_STORAGE_VOL_WIPE_ALG_BSI,
  gutmann: A.VIR_STORAGE_VOL_WIPE_ALG_GUTMANN,
  schneier: A.VIR_STORAGE_VOL_WIPE_ALG_SCHNEIER,
  pfitzner7: A.VIR_STORAGE_VOL_WIPE_ALG_PFITZNER7,
  pfitzner33: A.VIR_STORAGE_VOL_WIPE_ALG_PFITZNER33,
  random: A.VIR_STORAGE_VOL_WIPE_ALG_RANDOM,
  trim: A.VIR_STORAGE_VOL_WIPE_ALG_TRIM,
};

/**
 * Check a wipe request and return the call that performs it (the volume
 * resource runs it under the pool's lock). Throws before anything is sent.
 * @throws {@link InvalidArgumentError} for an unknown algorithm or option
 */
export function wipeRequest(call: ResourceCall, vol: StorageVolRef, options: WipeOptions | undefined): () => Promise<void> {
  const o = checkOptions(options, { ...CALL_OPTION_KEYS, algorithm: true } as const);
  const name: unknown = o.algorithm;
  if (name === undefined) return async () => call(STORAGE_VOL_WIPE, { vol, flags: 0 }, o);
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(ALGORITHMS, name))
    throw new InvalidArgumentError(`algorithm must be one of ${Object.keys(ALGORITHMS).join(', ')}`, { path: 'algorithm' });
  const algorithm = ALGORITHMS[name as WipeAlgorithm];
  return async () => call(STORAGE_VOL_WIPE_PATTERN, { vol, algorithm, flags: 0 }, o);
}
