/**
 * Storage volume procedures: create/clone, delete, wipe, look up, describe,
 * resize, and the upload/download streams.
 */
import { char, struct, uhyper, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullStoragePool, nonnullStorageVol, nonnullString } from '../types.js';

/** `{ remote_nonnull_storage_vol vol }`. */
const volArgs = struct({ vol: nonnullStorageVol });
/** `{ remote_nonnull_storage_vol vol; unsigned int flags }`. */
const volFlagsArgs = struct({ vol: nonnullStorageVol, flags: uint });
/** `{ remote_nonnull_storage_vol vol }` as a result. */
const volRet = volArgs;
/** `{ vol, unsigned hyper offset, unsigned hyper length, flags }` of upload/download (length 0 = to the end). */
const transferArgs = struct({ vol: nonnullStorageVol, offset: uhyper, length: uhyper, flags: uint });

/**
 * 93: create a volume in `pool` from `<volume>` XML; flags = virStorageVolCreateFlags.
 * @see virStorageVolCreateXML
 */
export const STORAGE_VOL_CREATE_XML = procedure(
  93,
  'STORAGE_VOL_CREATE_XML',
  struct({ pool: nonnullStoragePool, xml: nonnullString, flags: uint }),
  volRet,
);

/**
 * 125: create a volume as a copy of `clonevol`.
 * @see virStorageVolCreateXMLFrom
 */
export const STORAGE_VOL_CREATE_XML_FROM = procedure(
  125,
  'STORAGE_VOL_CREATE_XML_FROM',
  struct({ pool: nonnullStoragePool, xml: nonnullString, clonevol: nonnullStorageVol, flags: uint }),
  volRet,
);

/**
 * 94: delete a volume; flags = virStorageVolDeleteFlags (ZEROED, WITH_SNAPSHOTS).
 * @see virStorageVolDelete
 */
export const STORAGE_VOL_DELETE = procedure(94, 'STORAGE_VOL_DELETE', volFlagsArgs, xdrVoid);

/**
 * 165: overwrite the volume with zeros. `flags` reserved, pass 0. Not in the test driver.
 * @see virStorageVolWipe
 */
export const STORAGE_VOL_WIPE = procedure(165, 'STORAGE_VOL_WIPE', volFlagsArgs, xdrVoid);

/**
 * 95: find a volume by name within a pool; VIR_ERR_NO_STORAGE_VOL (50) when absent.
 * @see virStorageVolLookupByName
 */
export const STORAGE_VOL_LOOKUP_BY_NAME = procedure(
  95,
  'STORAGE_VOL_LOOKUP_BY_NAME',
  struct({ pool: nonnullStoragePool, name: nonnullString }),
  volRet,
  { priority: 'high' },
);

/**
 * 96: find a volume by its key (usually the path for file-based pools).
 * @see virStorageVolLookupByKey
 */
export const STORAGE_VOL_LOOKUP_BY_KEY = procedure(96, 'STORAGE_VOL_LOOKUP_BY_KEY', struct({ key: nonnullString }), volRet, {
  priority: 'high',
});

/**
 * 97: find a volume by its path on the host.
 * @see virStorageVolLookupByPath
 */
export const STORAGE_VOL_LOOKUP_BY_PATH = procedure(97, 'STORAGE_VOL_LOOKUP_BY_PATH', struct({ path: nonnullString }), volRet, {
  priority: 'high',
});

/**
 * `remote_storage_vol_get_info_ret`. Wire trap: `char type`
 * (virStorageVolType) is widened to 4 bytes. Sizes in bytes.
 */
export const storageVolInfo = struct({ type: char, capacity: uhyper, allocation: uhyper });

/**
 * 98: type (virStorageVolType), capacity and allocation in bytes. `type` is a 4-byte `char` on the wire.
 * @see virStorageVolGetInfo
 */
export const STORAGE_VOL_GET_INFO = procedure(98, 'STORAGE_VOL_GET_INFO', volArgs, storageVolInfo, {
  priority: 'high',
});

/**
 * 378: as 98; flags VIR_STORAGE_VOL_GET_PHYSICAL=1 reports the physical size as allocation.
 * @see virStorageVolGetInfoFlags
 */
export const STORAGE_VOL_GET_INFO_FLAGS = procedure(378, 'STORAGE_VOL_GET_INFO_FLAGS', volFlagsArgs, storageVolInfo, {
  priority: 'high',
});

/**
 * 100: the volume's path. Wire quirk: the result field is named `name`.
 * @see virStorageVolGetPath
 */
export const STORAGE_VOL_GET_PATH = procedure(100, 'STORAGE_VOL_GET_PATH', volArgs, struct({ name: nonnullString }), {
  priority: 'high',
});

/**
 * 99: the volume's `<volume>` XML.
 * @see virStorageVolGetXMLDesc
 */
export const STORAGE_VOL_GET_XML_DESC = procedure(99, 'STORAGE_VOL_GET_XML_DESC', volFlagsArgs, struct({ xml: nonnullString }), {
  priority: 'high',
});

/**
 * 208: upload into the volume: after the reply the client sends STREAM data
 * (≤ 262120 bytes per packet) then an OK finish. flags SPARSE_STREAM=1 allows
 * STREAM_HOLE packets. Not in the test driver.
 * @see virStorageVolUpload
 */
export const STORAGE_VOL_UPLOAD = procedure(208, 'STORAGE_VOL_UPLOAD', transferArgs, xdrVoid, { stream: 'write' });

/**
 * 209: download the volume: after the reply the daemon sends STREAM data; an
 * empty CONTINUE packet (not OK) marks the end. Not in the test driver.
 * @see virStorageVolDownload
 */
export const STORAGE_VOL_DOWNLOAD = procedure(209, 'STORAGE_VOL_DOWNLOAD', transferArgs, xdrVoid, { stream: 'read' });

/**
 * 260: change the capacity; flags = virStorageVolResizeFlags (ALLOCATE, DELTA, SHRINK). Not in the test driver.
 * @see virStorageVolResize
 */
export const STORAGE_VOL_RESIZE = procedure(
  260,
  'STORAGE_VOL_RESIZE',
  struct({ vol: nonnullStorageVol, capacity: uhyper, flags: uint }),
  xdrVoid,
);
