/**
 * Storage pool procedures: list, look up, define/create, start/stop, build,
 * delete, refresh, describe, autostart, and list a pool's volumes.
 */
import { array, int, struct, uchar, uhyper, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_STORAGE_POOL_LIST_MAX, REMOTE_STORAGE_VOL_LIST_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullStoragePool, nonnullStorageVol, nonnullString, uuid } from '../types.js';

/** `{ remote_nonnull_storage_pool pool }`. */
const poolArgs = struct({ pool: nonnullStoragePool });
/** `{ remote_nonnull_storage_pool pool; unsigned int flags }`. */
const poolFlagsArgs = struct({ pool: nonnullStoragePool, flags: uint });
/** `{ remote_nonnull_storage_pool pool }` as a result. */
const poolRet = poolArgs;

/**
 * 281: every pool matching `flags` (virConnectListAllStoragePoolsFlags, 0 = all); send need_results = 1.
 * @see virConnectListAllStoragePools
 */
export const CONNECT_LIST_ALL_STORAGE_POOLS = procedure(
  281,
  'CONNECT_LIST_ALL_STORAGE_POOLS',
  struct({ need_results: int, flags: uint }),
  struct({ pools: array(nonnullStoragePool, REMOTE_STORAGE_POOL_LIST_MAX), ret: uint }),
  { priority: 'high' },
);

/**
 * 84: find a pool by name; VIR_ERR_NO_STORAGE_POOL (49) when absent.
 * @see virStoragePoolLookupByName
 */
export const STORAGE_POOL_LOOKUP_BY_NAME = procedure(84, 'STORAGE_POOL_LOOKUP_BY_NAME', struct({ name: nonnullString }), poolRet, {
  priority: 'high',
});

/**
 * 85: find a pool by UUID (16 raw bytes on the wire).
 * @see virStoragePoolLookupByUUID
 */
export const STORAGE_POOL_LOOKUP_BY_UUID = procedure(85, 'STORAGE_POOL_LOOKUP_BY_UUID', struct({ uuid }), poolRet, {
  priority: 'high',
});

/**
 * 86: the pool that holds a volume.
 * @see virStoragePoolLookupByVolume
 */
export const STORAGE_POOL_LOOKUP_BY_VOLUME = procedure(86, 'STORAGE_POOL_LOOKUP_BY_VOLUME', struct({ vol: nonnullStorageVol }), poolRet, {
  priority: 'high',
});

/**
 * 76: create and start a transient pool from XML; flags = virStoragePoolCreateFlags.
 * @see virStoragePoolCreateXML
 */
export const STORAGE_POOL_CREATE_XML = procedure(76, 'STORAGE_POOL_CREATE_XML', struct({ xml: nonnullString, flags: uint }), poolRet);

/**
 * 77: define a persistent pool from XML; flags VIR_STORAGE_POOL_DEFINE_VALIDATE=1.
 * @see virStoragePoolDefineXML
 */
export const STORAGE_POOL_DEFINE_XML = procedure(77, 'STORAGE_POOL_DEFINE_XML', struct({ xml: nonnullString, flags: uint }), poolRet, {
  priority: 'high',
});

/**
 * 78: start a defined pool; flags = virStoragePoolCreateFlags (WITH_BUILD…).
 * @see virStoragePoolCreate
 */
export const STORAGE_POOL_CREATE = procedure(78, 'STORAGE_POOL_CREATE', poolFlagsArgs, xdrVoid);

/**
 * 79: build the pool's underlying storage (e.g. mkdir); flags = virStoragePoolBuildFlags.
 * @see virStoragePoolBuild
 */
export const STORAGE_POOL_BUILD = procedure(79, 'STORAGE_POOL_BUILD', poolFlagsArgs, xdrVoid);

/**
 * 80: stop a pool (its data stays). No flags field on the wire.
 * @see virStoragePoolDestroy
 */
export const STORAGE_POOL_DESTROY = procedure(80, 'STORAGE_POOL_DESTROY', poolArgs, xdrVoid, { priority: 'high' });

/**
 * 81: delete the pool's underlying storage; flags = virStoragePoolDeleteFlags.
 * @see virStoragePoolDelete
 */
export const STORAGE_POOL_DELETE = procedure(81, 'STORAGE_POOL_DELETE', poolFlagsArgs, xdrVoid);

/**
 * 82: remove an inactive pool's persistent config. No flags field on the wire.
 * @see virStoragePoolUndefine
 */
export const STORAGE_POOL_UNDEFINE = procedure(82, 'STORAGE_POOL_UNDEFINE', poolArgs, xdrVoid, { priority: 'high' });

/**
 * 83: rescan the pool's volumes. `flags` reserved, pass 0.
 * @see virStoragePoolRefresh
 */
export const STORAGE_POOL_REFRESH = procedure(83, 'STORAGE_POOL_REFRESH', poolFlagsArgs, xdrVoid);

/**
 * 88: the pool XML; flags VIR_STORAGE_XML_INACTIVE=1.
 * @see virStoragePoolGetXMLDesc
 */
export const STORAGE_POOL_GET_XML_DESC = procedure(88, 'STORAGE_POOL_GET_XML_DESC', poolFlagsArgs, struct({ xml: nonnullString }), {
  priority: 'high',
});

/**
 * `remote_storage_pool_get_info_ret`. Wire trap: `unsigned char state` is 4
 * bytes. Sizes are in bytes.
 */
export const storagePoolInfo = struct({ state: uchar, capacity: uhyper, allocation: uhyper, available: uhyper });

/**
 * 87: state (virStoragePoolState) and capacity/allocation/available in bytes. `state` is 4 bytes on the wire.
 * @see virStoragePoolGetInfo
 */
export const STORAGE_POOL_GET_INFO = procedure(87, 'STORAGE_POOL_GET_INFO', poolArgs, storagePoolInfo, {
  priority: 'high',
});

/**
 * 89: whether the pool starts with the daemon (0/1).
 * @see virStoragePoolGetAutostart
 */
export const STORAGE_POOL_GET_AUTOSTART = procedure(89, 'STORAGE_POOL_GET_AUTOSTART', poolArgs, struct({ autostart: int }), {
  priority: 'high',
});

/**
 * 90: set autostart (0/1).
 * @see virStoragePoolSetAutostart
 */
export const STORAGE_POOL_SET_AUTOSTART = procedure(
  90,
  'STORAGE_POOL_SET_AUTOSTART',
  struct({ pool: nonnullStoragePool, autostart: int }),
  xdrVoid,
  { priority: 'high' },
);

/**
 * 154: 1 when the pool is running.
 * @see virStoragePoolIsActive
 */
export const STORAGE_POOL_IS_ACTIVE = procedure(154, 'STORAGE_POOL_IS_ACTIVE', poolArgs, struct({ active: int }), {
  priority: 'high',
});

/**
 * 282: the pool's volumes (need_results = 1 to get them); `ret` is the count.
 * @see virStoragePoolListAllVolumes
 */
export const STORAGE_POOL_LIST_ALL_VOLUMES = procedure(
  282,
  'STORAGE_POOL_LIST_ALL_VOLUMES',
  struct({ pool: nonnullStoragePool, need_results: int, flags: uint }),
  struct({ vols: array(nonnullStorageVol, REMOTE_STORAGE_VOL_LIST_MAX), ret: uint }),
  { priority: 'high' },
);
