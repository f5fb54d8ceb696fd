/**
 * Storage and network enums as `as const` objects with libvirt's names
 * (libvirt-storage.h, libvirt-network.h), values from libvirt 11.x.
 */
import type { EnumValue } from './enums.js';

/** virConnectListAllStoragePoolsFlags (CONNECT_LIST_ALL_STORAGE_POOLS; 0 = no filter). */
export const VirConnectListAllStoragePoolsFlags = {
  VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE: 1,
  VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE: 2,
  VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT: 4,
  VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT: 8,
  VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART: 16,
  VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART: 32,
  VIR_CONNECT_LIST_STORAGE_POOLS_DIR: 64,
  VIR_CONNECT_LIST_STORAGE_POOLS_FS: 128,
  VIR_CONNECT_LIST_STORAGE_POOLS_NETFS: 256,
  VIR_CONNECT_LIST_STORAGE_POOLS_LOGICAL: 512,
  VIR_CONNECT_LIST_STORAGE_POOLS_DISK: 1024,
  VIR_CONNECT_LIST_STORAGE_POOLS_ISCSI: 2048,
  VIR_CONNECT_LIST_STORAGE_POOLS_SCSI: 4096,
  VIR_CONNECT_LIST_STORAGE_POOLS_MPATH: 8192,
  VIR_CONNECT_LIST_STORAGE_POOLS_RBD: 16384,
  VIR_CONNECT_LIST_STORAGE_POOLS_SHEEPDOG: 32768,
  VIR_CONNECT_LIST_STORAGE_POOLS_GLUSTER: 65536,
  VIR_CONNECT_LIST_STORAGE_POOLS_ZFS: 131072,
  VIR_CONNECT_LIST_STORAGE_POOLS_VSTORAGE: 262144,
  VIR_CONNECT_LIST_STORAGE_POOLS_ISCSI_DIRECT: 524288,
} as const;
/** One of the {@link VirConnectListAllStoragePoolsFlags} values. */
export type VirConnectListAllStoragePoolsFlags = EnumValue<typeof VirConnectListAllStoragePoolsFlags>;

/** virConnectListAllNetworksFlags (CONNECT_LIST_ALL_NETWORKS; 0 = no filter). */
export const VirConnectListAllNetworksFlags = {
  VIR_CONNECT_LIST_NETWORKS_INACTIVE: 1,
  VIR_CONNECT_LIST_NETWORKS_ACTIVE: 2,
  VIR_CONNECT_LIST_NETWORKS_PERSISTENT: 4,
  VIR_CONNECT_LIST_NETWORKS_TRANSIENT: 8,
  VIR_CONNECT_LIST_NETWORKS_AUTOSTART: 16,
  VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART: 32,
} as const;
/** One of the {@link VirConnectListAllNetworksFlags} values. */
export type VirConnectListAllNetworksFlags = EnumValue<typeof VirConnectListAllNetworksFlags>;

/** virStoragePoolState (STORAGE_POOL_GET_INFO `state`). */
export const VirStoragePoolState = {
  VIR_STORAGE_POOL_INACTIVE: 0,
  VIR_STORAGE_POOL_BUILDING: 1,
  VIR_STORAGE_POOL_RUNNING: 2,
  VIR_STORAGE_POOL_DEGRADED: 3,
  VIR_STORAGE_POOL_INACCESSIBLE: 4,
} as const;
/** One of the {@link VirStoragePoolState} values. */
export type VirStoragePoolState = EnumValue<typeof VirStoragePoolState>;

/** virStoragePoolBuildFlags (STORAGE_POOL_BUILD). */
export const VirStoragePoolBuildFlags = {
  VIR_STORAGE_POOL_BUILD_NEW: 0,
  VIR_STORAGE_POOL_BUILD_REPAIR: 1,
  VIR_STORAGE_POOL_BUILD_RESIZE: 2,
  VIR_STORAGE_POOL_BUILD_NO_OVERWRITE: 4,
  VIR_STORAGE_POOL_BUILD_OVERWRITE: 8,
} as const;
/** One of the {@link VirStoragePoolBuildFlags} values. */
export type VirStoragePoolBuildFlags = EnumValue<typeof VirStoragePoolBuildFlags>;

/** virStoragePoolCreateFlags (STORAGE_POOL_CREATE, STORAGE_POOL_CREATE_XML). */
export const VirStoragePoolCreateFlags = {
  VIR_STORAGE_POOL_CREATE_NORMAL: 0,
  VIR_STORAGE_POOL_CREATE_WITH_BUILD: 1,
  VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE: 2,
  VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE: 4,
} as const;
/** One of the {@link VirStoragePoolCreateFlags} values. */
export type VirStoragePoolCreateFlags = EnumValue<typeof VirStoragePoolCreateFlags>;

/** virStoragePoolDeleteFlags (STORAGE_POOL_DELETE). */
export const VirStoragePoolDeleteFlags = {
  VIR_STORAGE_POOL_DELETE_NORMAL: 0,
  VIR_STORAGE_POOL_DELETE_ZEROED: 1,
} as const;
/** One of the {@link VirStoragePoolDeleteFlags} values. */
export type VirStoragePoolDeleteFlags = EnumValue<typeof VirStoragePoolDeleteFlags>;

/** virStorageXMLFlags (STORAGE_POOL_GET_XML_DESC). */
export const VirStorageXMLFlags = { VIR_STORAGE_XML_INACTIVE: 1 } as const;
/** One of the {@link VirStorageXMLFlags} values. */
export type VirStorageXMLFlags = EnumValue<typeof VirStorageXMLFlags>;

/** virStorageVolType (STORAGE_VOL_GET_INFO `type`). */
export const VirStorageVolType = {
  VIR_STORAGE_VOL_FILE: 0,
  VIR_STORAGE_VOL_BLOCK: 1,
  VIR_STORAGE_VOL_DIR: 2,
  VIR_STORAGE_VOL_NETWORK: 3,
  VIR_STORAGE_VOL_NETDIR: 4,
  VIR_STORAGE_VOL_PLOOP: 5,
} as const;
/** One of the {@link VirStorageVolType} values. */
export type VirStorageVolType = EnumValue<typeof VirStorageVolType>;

/** virStorageVolCreateFlags (STORAGE_VOL_CREATE_XML, …_FROM). */
export const VirStorageVolCreateFlags = {
  VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA: 1,
  VIR_STORAGE_VOL_CREATE_REFLINK: 2,
  VIR_STORAGE_VOL_CREATE_VALIDATE: 4,
} as const;
/** One of the {@link VirStorageVolCreateFlags} values. */
export type VirStorageVolCreateFlags = EnumValue<typeof VirStorageVolCreateFlags>;

/** virStorageVolDeleteFlags (STORAGE_VOL_DELETE). */
export const VirStorageVolDeleteFlags = {
  VIR_STORAGE_VOL_DELETE_NORMAL: 0,
  VIR_STORAGE_VOL_DELETE_ZEROED: 1,
  VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS: 2,
} as const;
/** One of the {@link VirStorageVolDeleteFlags} values. */
export type VirStorageVolDeleteFlags = EnumValue<typeof VirStorageVolDeleteFlags>;

/** virStorageVolResizeFlags (STORAGE_VOL_RESIZE). */
export const VirStorageVolResizeFlags = {
  VIR_STORAGE_VOL_RESIZE_ALLOCATE: 1,
  VIR_STORAGE_VOL_RESIZE_DELTA: 2,
  VIR_STORAGE_VOL_RESIZE_SHRINK: 4,
} as const;
/** One of the {@link VirStorageVolResizeFlags} values. */
export type VirStorageVolResizeFlags = EnumValue<typeof VirStorageVolResizeFlags>;

/** virStorageVolUploadFlags (STORAGE_VOL_UPLOAD). */
export const VirStorageVolUploadFlags = { VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM: 1 } as const;
/** One of the {@link VirStorageVolUploadFlags} values. */
export type VirStorageVolUploadFlags = EnumValue<typeof VirStorageVolUploadFlags>;

/** virStorageVolDownloadFlags (STORAGE_VOL_DOWNLOAD). */
export const VirStorageVolDownloadFlags = { VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM: 1 } as const;
/** One of the {@link VirStorageVolDownloadFlags} values. */
export type VirStorageVolDownloadFlags = EnumValue<typeof VirStorageVolDownloadFlags>;

/** virStorageVolWipeAlgorithm (STORAGE_VOL_WIPE_PATTERN). */
export const VirStorageVolWipeAlgorithm = {
  VIR_STORAGE_VOL_WIPE_ALG_ZERO: 0,
  VIR_STORAGE_VOL_WIPE_ALG_NNSA: 1,
  VIR_STORAGE_VOL_WIPE_ALG_DOD: 2,
  VIR_STORAGE_VOL_WIPE_ALG_BSI: 3,
  VIR_STORAGE_VOL_WIPE_ALG_GUTMANN: 4,
  VIR_STORAGE_VOL_WIPE_ALG_SCHNEIER: 5,
  VIR_STORAGE_VOL_WIPE_ALG_PFITZNER7: 6,
  VIR_STORAGE_VOL_WIPE_ALG_PFITZNER33: 7,
  VIR_STORAGE_VOL_WIPE_ALG_RANDOM: 8,
  VIR_STORAGE_VOL_WIPE_ALG_TRIM: 9,
} as const;
/** One of the {@link VirStorageVolWipeAlgorithm} values. */
export type VirStorageVolWipeAlgorithm = EnumValue<typeof VirStorageVolWipeAlgorithm>;

/** virNetworkXMLFlags (NETWORK_GET_XML_DESC). */
export const VirNetworkXMLFlags = { VIR_NETWORK_XML_INACTIVE: 1 } as const;
/** One of the {@link VirNetworkXMLFlags} values. */
export type VirNetworkXMLFlags = EnumValue<typeof VirNetworkXMLFlags>;

/** virNetworkEventID (CONNECT_NETWORK_EVENT_REGISTER_ANY). */
export const VirNetworkEventID = {
  VIR_NETWORK_EVENT_ID_LIFECYCLE: 0,
  VIR_NETWORK_EVENT_ID_METADATA_CHANGE: 1,
} as const;
/** One of the {@link VirNetworkEventID} values. */
export type VirNetworkEventID = EnumValue<typeof VirNetworkEventID>;

/** virNetworkEventLifecycleType (NETWORK_EVENT_LIFECYCLE `event`). */
export const VirNetworkEventLifecycleType = {
  VIR_NETWORK_EVENT_DEFINED: 0,
  VIR_NETWORK_EVENT_UNDEFINED: 1,
  VIR_NETWORK_EVENT_STARTED: 2,
  VIR_NETWORK_EVENT_STOPPED: 3,
} as const;
/** One of the {@link VirNetworkEventLifecycleType} values. */
export type VirNetworkEventLifecycleType = EnumValue<typeof VirNetworkEventLifecycleType>;

/** virStoragePoolEventID (CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY). */
export const VirStoragePoolEventID = {
  VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE: 0,
  VIR_STORAGE_POOL_EVENT_ID_REFRESH: 1,
} as const;
/** One of the {@link VirStoragePoolEventID} values. */
export type VirStoragePoolEventID = EnumValue<typeof VirStoragePoolEventID>;

/** virStoragePoolEventLifecycleType (STORAGE_POOL_EVENT_LIFECYCLE `event`). */
export const VirStoragePoolEventLifecycleType = {
  VIR_STORAGE_POOL_EVENT_DEFINED: 0,
  VIR_STORAGE_POOL_EVENT_UNDEFINED: 1,
  VIR_STORAGE_POOL_EVENT_STARTED: 2,
  VIR_STORAGE_POOL_EVENT_STOPPED: 3,
  VIR_STORAGE_POOL_EVENT_CREATED: 4,
  VIR_STORAGE_POOL_EVENT_DELETED: 5,
} as const;
/** One of the {@link VirStoragePoolEventLifecycleType} values. */
export type VirStoragePoolEventLifecycleType = EnumValue<typeof VirStoragePoolEventLifecycleType>;
