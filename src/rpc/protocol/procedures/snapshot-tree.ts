/**
 * Domain snapshot tree queries: is a snapshot the current one, does libvirt
 * hold its metadata, and its children (the name-list/count variants 246/247
 * are superseded by LIST_ALL_CHILDREN).
 */
import { array, int, struct, uint } from '../../xdr/index.js';
import { REMOTE_DOMAIN_SNAPSHOT_LIST_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullSnapshot } from '../types.js';

/** `{ remote_nonnull_domain_snapshot snap; unsigned int flags }`. */
const snapFlagsArgs = struct({ snap: nonnullSnapshot, flags: uint });

/**
 * 271: 1 when the snapshot is the domain's current one (flags 0).
 * @see virDomainSnapshotIsCurrent
 */
export const DOMAIN_SNAPSHOT_IS_CURRENT = procedure(271, 'DOMAIN_SNAPSHOT_IS_CURRENT', snapFlagsArgs, struct({ current: int }));

/**
 * 272: 1 when libvirt keeps metadata for the snapshot (0 for one created with
 * NO_METADATA or whose metadata was deleted; such a snapshot cannot be reverted to by libvirt).
 * @see virDomainSnapshotHasMetadata
 */
export const DOMAIN_SNAPSHOT_HAS_METADATA = procedure(272, 'DOMAIN_SNAPSHOT_HAS_METADATA', snapFlagsArgs, struct({ metadata: int }));

/**
 * 275: the snapshot's children (need_results = 1); flags =
 * virDomainSnapshotListFlags, with DESCENDANTS (1) for the whole subtree.
 * Note the argument is named `snapshot` in libvirt; `ret` is a signed int.
 * @see virDomainSnapshotListAllChildren
 */
export const DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN = procedure(
  275,
  'DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN',
  struct({ snapshot: nonnullSnapshot, need_results: int, flags: uint }),
  struct({ snapshots: array(nonnullSnapshot, REMOTE_DOMAIN_SNAPSHOT_LIST_MAX), ret: int }),
  { priority: 'high' },
);
