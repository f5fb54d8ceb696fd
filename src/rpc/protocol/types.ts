import { type Codec, int, optional, string, struct, uint } from '../xdr/index.js';
import { REMOTE_STRING_MAX, VIR_UUID_BUFLEN } from './constants.js';
import { uuidTextAt } from './uuid-text.js';
import { uuidToBytes } from './uuid.js';

/** `remote_nonnull_string`: a string of at most 4 MiB. */
export const nonnullString: Codec<string> = string(REMOTE_STRING_MAX);

/** `remote_string`: an optional `remote_nonnull_string` (`null` = NULL). */
export const remoteString: Codec<string | null> = optional(nonnullString);

/** `remote_uuid`: 16 raw bytes on the wire, the 36-character text form in the API. */
export const uuid: Codec<string> = {
  encode: (w, v, path) => w.fixedOpaque(uuidToBytes(v, path), VIR_UUID_BUFLEN, path),
  // Read in place, not copied first: a list of 1,000 domains decodes 1,000 of them.
  decode: (r) => r.fixedInPlace(VIR_UUID_BUFLEN, uuidTextAt),
  minSize: VIR_UUID_BUFLEN,
};

/**
 * A domain as libvirt names it on the wire (`remote_nonnull_domain`).
 * `id` is -1 while the domain is not running.
 */
export interface DomainRef {
  name: string;
  uuid: string;
  id: number;
}

/** A network reference (`remote_nonnull_network`). */
export interface NetworkRef {
  name: string;
  uuid: string;
}

/** A storage pool reference (`remote_nonnull_storage_pool`). */
export interface StoragePoolRef {
  name: string;
  uuid: string;
}

/** A storage volume reference (`remote_nonnull_storage_vol`); `key` is usually the path. */
export interface StorageVolRef {
  pool: string;
  name: string;
  key: string;
}

/** A domain snapshot reference (`remote_nonnull_domain_snapshot`). */
export interface SnapshotRef {
  name: string;
  dom: DomainRef;
}

/** A domain checkpoint reference (`remote_nonnull_domain_checkpoint`). */
export interface CheckpointRef {
  name: string;
  dom: DomainRef;
}

/** A node device reference (`remote_nonnull_node_device`). */
export interface NodeDeviceRef {
  name: string;
}

/** A host interface reference (`remote_nonnull_interface`). */
export interface InterfaceRef {
  name: string;
  mac: string;
}

/** A secret reference (`remote_nonnull_secret`). */
export interface SecretRef {
  uuid: string;
  usageType: number;
  usageID: string;
}

/** A network filter reference (`remote_nonnull_nwfilter`). */
export interface NwfilterRef {
  name: string;
  uuid: string;
}

/** `remote_nonnull_domain`. */
export const nonnullDomain: Codec<DomainRef> = struct({ name: nonnullString, uuid, id: int });
/** `remote_domain`: optional domain (`null` = all domains, in event registration). */
export const remoteDomain: Codec<DomainRef | null> = optional(nonnullDomain);
/** `remote_nonnull_network`. */
export const nonnullNetwork: Codec<NetworkRef> = struct({ name: nonnullString, uuid });
/** `remote_network`. */
export const remoteNetwork: Codec<NetworkRef | null> = optional(nonnullNetwork);
/** `remote_nonnull_storage_pool`. */
export const nonnullStoragePool: Codec<StoragePoolRef> = struct({ name: nonnullString, uuid });
/** `remote_storage_pool`. */
export const remoteStoragePool: Codec<StoragePoolRef | null> = optional(nonnullStoragePool);
/** `remote_nonnull_storage_vol`. */
export const nonnullStorageVol: Codec<StorageVolRef> = struct({
  pool: nonnullString,
  name: nonnullString,
  key: nonnullString,
});
/** `remote_nonnull_domain_snapshot`. */
export const nonnullSnapshot: Codec<SnapshotRef> = struct({ name: nonnullString, dom: nonnullDomain });
/** `remote_nonnull_domain_checkpoint`. */
export const nonnullCheckpoint: Codec<CheckpointRef> = struct({ name: nonnullString, dom: nonnullDomain });
/** `remote_nonnull_node_device`. */
export const nonnullNodeDevice: Codec<NodeDeviceRef> = struct({ name: nonnullString });
/** `remote_nonnull_interface`. */
export const nonnullInterface: Codec<InterfaceRef> = struct({ name: nonnullString, mac: nonnullString });
/** `remote_nonnull_secret`. */
export const nonnullSecret: Codec<SecretRef> = struct({ uuid, usageType: int, usageID: nonnullString });
/** `remote_nonnull_nwfilter`. */
export const nonnullNwfilter: Codec<NwfilterRef> = struct({ name: nonnullString, uuid });

/** `unsigned int flags`, the last argument of most procedures. */
export const flags: Codec<number> = uint;
