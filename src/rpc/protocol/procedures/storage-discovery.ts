/**
 * Storage discovery and small pool/volume calls: which pool types the storage
 * driver supports, the sources (disks, exports, volume groups) a pool type
 * can find, a pool by its target path, whether a pool is persistent, and
 * overwriting a volume with a chosen algorithm.
 */
import { int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullStoragePool, nonnullStorageVol, nonnullString, remoteString } from '../types.js';

/**
 * 75: the sources a pool `type` (`"logical"`, `"netfs"`, `"iscsi"`…) can find, as `<sources>` XML; `srcSpec`
 * is a `<source>` XML naming where to look (a `<host name>` for netfs/iscsi), or null (flags: none yet).
 * @see virConnectFindStoragePoolSources
 */
export const CONNECT_FIND_STORAGE_POOL_SOURCES = procedure(
  75,
  'CONNECT_FIND_STORAGE_POOL_SOURCES',
  struct({ type: nonnullString, srcSpec: remoteString, flags: uint }),
  struct({ xml: nonnullString }),
);

/**
 * 403: the `<storagepoolCapabilities>` XML: each pool type, whether it is supported, and its pool and
 * volume formats (flags: none yet).
 * @see virConnectGetStoragePoolCapabilities
 */
export const CONNECT_GET_STORAGE_POOL_CAPABILITIES = procedure(
  403,
  'CONNECT_GET_STORAGE_POOL_CAPABILITIES',
  struct({ flags: uint }),
  struct({ capabilities: nonnullString }),
);

/**
 * 391: the pool whose target path is `path`; VIR_ERR_NO_STORAGE_POOL (49) when none.
 * @see virStoragePoolLookupByTargetPath
 */
export const STORAGE_POOL_LOOKUP_BY_TARGET_PATH = procedure(
  391,
  'STORAGE_POOL_LOOKUP_BY_TARGET_PATH',
  struct({ path: nonnullString }),
  struct({ pool: nonnullStoragePool }),
  { priority: 'high' },
);

/**
 * 155: whether the pool has a persistent definition (1) or is transient (0).
 * @see virStoragePoolIsPersistent
 */
export const STORAGE_POOL_IS_PERSISTENT = procedure(
  155,
  'STORAGE_POOL_IS_PERSISTENT',
  struct({ pool: nonnullStoragePool }),
  struct({ persistent: int }),
  { priority: 'high' },
);

/**
 * 259: overwrite a volume's data; `algorithm` = `VirStorageVolWipeAlgorithm` (ZERO 0, NNSA 1, DOD 2, BSI 3,
 * GUTMANN 4, SCHNEIER 5, PFITZNER7 6, PFITZNER33 7, RANDOM 8, TRIM 9) (flags: none yet). Destroys
 * the data; runs until every pass is written.
 * @see virStorageVolWipePattern
 */
export const STORAGE_VOL_WIPE_PATTERN = procedure(
  259,
  'STORAGE_VOL_WIPE_PATTERN',
  struct({ vol: nonnullStorageVol, algorithm: uint, flags: uint }),
  xdrVoid,
);
