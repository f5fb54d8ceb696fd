/**
 * Domain snapshot procedures. A snapshot travels as
 * `remote_nonnull_domain_snapshot { name, dom }` — echo back exactly what the
 * daemon returned.
 */
import { array, int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_DOMAIN_SNAPSHOT_LIST_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullDomain, nonnullSnapshot, nonnullString } from '../types.js';

/** `{ remote_nonnull_domain_snapshot snap; unsigned int flags }`. */
const snapFlagsArgs = struct({ snap: nonnullSnapshot, flags: uint });
/** `{ remote_nonnull_domain dom; unsigned int flags }`. */
const domFlagsArgs = struct({ dom: nonnullDomain, flags: uint });
/** `{ remote_nonnull_domain_snapshot snap }`. */
const snapRet = struct({ snap: nonnullSnapshot });

/**
 * 185: create a snapshot from `<domainsnapshot>` XML (note the field `xml_desc`);
 * flags = virDomainSnapshotCreateFlags. Can take long for a running guest.
 * @see virDomainSnapshotCreateXML
 */
export const DOMAIN_SNAPSHOT_CREATE_XML = procedure(
  185,
  'DOMAIN_SNAPSHOT_CREATE_XML',
  struct({ dom: nonnullDomain, xml_desc: nonnullString, flags: uint }),
  snapRet,
);

/**
 * 274: the domain's snapshots (need_results = 1 to get them); `ret` is a signed
 * `int` here, unlike the other list-all procedures. flags = virDomainSnapshotListFlags.
 * @see virDomainListAllSnapshots
 */
export const DOMAIN_LIST_ALL_SNAPSHOTS = procedure(
  274,
  'DOMAIN_LIST_ALL_SNAPSHOTS',
  struct({ dom: nonnullDomain, need_results: int, flags: uint }),
  struct({ snapshots: array(nonnullSnapshot, REMOTE_DOMAIN_SNAPSHOT_LIST_MAX), ret: int }),
  { priority: 'high' },
);

/**
 * 189: find a snapshot by name; VIR_ERR_NO_DOMAIN_SNAPSHOT (72) when absent. `flags` reserved, pass 0.
 * @see virDomainSnapshotLookupByName
 */
export const DOMAIN_SNAPSHOT_LOOKUP_BY_NAME = procedure(
  189,
  'DOMAIN_SNAPSHOT_LOOKUP_BY_NAME',
  struct({ dom: nonnullDomain, name: nonnullString, flags: uint }),
  snapRet,
  { priority: 'high' },
);

/**
 * 186: the snapshot's `<domainsnapshot>` XML.
 * @see virDomainSnapshotGetXMLDesc
 */
export const DOMAIN_SNAPSHOT_GET_XML_DESC = procedure(186, 'DOMAIN_SNAPSHOT_GET_XML_DESC', snapFlagsArgs, struct({ xml: nonnullString }), {
  priority: 'high',
});

/**
 * 190: 1 when the domain has a current snapshot.
 * @see virDomainHasCurrentSnapshot
 */
export const DOMAIN_HAS_CURRENT_SNAPSHOT = procedure(190, 'DOMAIN_HAS_CURRENT_SNAPSHOT', domFlagsArgs, struct({ result: int }));

/**
 * 191: the current snapshot; VIR_ERR_NO_DOMAIN_SNAPSHOT when there is none.
 * @see virDomainSnapshotCurrent
 */
export const DOMAIN_SNAPSHOT_CURRENT = procedure(191, 'DOMAIN_SNAPSHOT_CURRENT', domFlagsArgs, snapRet);

/**
 * 244: the snapshot's parent; VIR_ERR_NO_DOMAIN_SNAPSHOT for a root snapshot.
 * @see virDomainSnapshotGetParent
 */
export const DOMAIN_SNAPSHOT_GET_PARENT = procedure(244, 'DOMAIN_SNAPSHOT_GET_PARENT', snapFlagsArgs, snapRet, {
  priority: 'high',
});

/**
 * 193: delete a snapshot; flags = virDomainSnapshotDeleteFlags (CHILDREN, METADATA_ONLY, CHILDREN_ONLY).
 * @see virDomainSnapshotDelete
 */
export const DOMAIN_SNAPSHOT_DELETE = procedure(193, 'DOMAIN_SNAPSHOT_DELETE', snapFlagsArgs, xdrVoid);

/**
 * 192: revert the domain to a snapshot; flags = virDomainSnapshotRevertFlags (RUNNING, PAUSED, FORCE…).
 * @see virDomainRevertToSnapshot
 */
export const DOMAIN_REVERT_TO_SNAPSHOT = procedure(192, 'DOMAIN_REVERT_TO_SNAPSHOT', snapFlagsArgs, xdrVoid);
