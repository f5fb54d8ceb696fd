/**
 * Domain checkpoint procedures (since libvirt 5.6): a checkpoint names a point
 * in time through a persistent dirty bitmap in each qcow2 disk; an incremental
 * backup copies what changed since one. A checkpoint travels as
 * `remote_nonnull_domain_checkpoint { name, dom }`.
 */
import { array, int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_DOMAIN_CHECKPOINT_LIST_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullCheckpoint, nonnullDomain, nonnullString } from '../types.js';

/** `{ remote_nonnull_domain_checkpoint checkpoint; unsigned int flags }`. */
const checkpointFlagsArgs = struct({ checkpoint: nonnullCheckpoint, flags: uint });
/** `{ remote_nonnull_domain_checkpoint checkpoint<>; int ret }`. */
const checkpointList = struct({ checkpoints: array(nonnullCheckpoint, REMOTE_DOMAIN_CHECKPOINT_LIST_MAX), ret: int });

/**
 * 411: create a checkpoint from `<domaincheckpoint>` XML; flags = virDomainCheckpointCreateFlags (REDEFINE 1,
 * QUIESCE 2, REDEFINE_VALIDATE 4). Adds a persistent bitmap to each qcow2 disk it covers.
 * @see virDomainCheckpointCreateXML
 */
export const DOMAIN_CHECKPOINT_CREATE_XML = procedure(
  411,
  'DOMAIN_CHECKPOINT_CREATE_XML',
  struct({ dom: nonnullDomain, xml_desc: nonnullString, flags: uint }),
  struct({ checkpoint: nonnullCheckpoint }),
);

/**
 * 412: the checkpoint's XML; flags = virDomainCheckpointXMLFlags (SECURE 1, NO_DOMAIN 2, SIZE 4: each disk's
 * bytes changed since the checkpoint, running domain only).
 * @see virDomainCheckpointGetXMLDesc
 */
export const DOMAIN_CHECKPOINT_GET_XML_DESC = procedure(
  412,
  'DOMAIN_CHECKPOINT_GET_XML_DESC',
  checkpointFlagsArgs,
  struct({ xml: nonnullString }),
);

/**
 * 413: the domain's checkpoints (need_results = 1 to get them); flags = virDomainCheckpointListFlags (ROOTS 1,
 * TOPOLOGICAL 2, LEAVES 4, NO_LEAVES 8).
 * @see virDomainListAllCheckpoints
 */
export const DOMAIN_LIST_ALL_CHECKPOINTS = procedure(
  413,
  'DOMAIN_LIST_ALL_CHECKPOINTS',
  struct({ dom: nonnullDomain, need_results: int, flags: uint }),
  checkpointList,
  { priority: 'high' },
);

/**
 * 414: a checkpoint's children (DESCENDANTS 1 for all of them).
 * @see virDomainCheckpointListAllChildren
 */
export const DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN = procedure(
  414,
  'DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN',
  struct({ checkpoint: nonnullCheckpoint, need_results: int, flags: uint }),
  checkpointList,
  { priority: 'high' },
);

/**
 * 415: find a checkpoint by name; VIR_ERR_NO_DOMAIN_CHECKPOINT (103) when absent. flags 0.
 * @see virDomainCheckpointLookupByName
 */
export const DOMAIN_CHECKPOINT_LOOKUP_BY_NAME = procedure(
  415,
  'DOMAIN_CHECKPOINT_LOOKUP_BY_NAME',
  struct({ dom: nonnullDomain, name: nonnullString, flags: uint }),
  struct({ checkpoint: nonnullCheckpoint }),
  { priority: 'high' },
);

/**
 * 416: the checkpoint's parent; VIR_ERR_NO_DOMAIN_CHECKPOINT for a root. flags 0.
 * @see virDomainCheckpointGetParent
 */
export const DOMAIN_CHECKPOINT_GET_PARENT = procedure(
  416,
  'DOMAIN_CHECKPOINT_GET_PARENT',
  checkpointFlagsArgs,
  struct({ parent: nonnullCheckpoint }),
  {
    priority: 'high',
  },
);

/**
 * 417: delete a checkpoint (its bitmaps are merged into its parent's); flags = virDomainCheckpointDeleteFlags
 * (CHILDREN 1, METADATA_ONLY 2, CHILDREN_ONLY 4).
 * @see virDomainCheckpointDelete
 */
export const DOMAIN_CHECKPOINT_DELETE = procedure(417, 'DOMAIN_CHECKPOINT_DELETE', checkpointFlagsArgs, xdrVoid);
