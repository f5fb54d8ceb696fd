/**
 * Secret procedures: list, look up by UUID or usage, define, describe, set and
 * get the value, undefine. Values travel as raw bytes (`opaque<65536>`), never
 * base64; they are never logged (the client logs no arguments or results).
 */
import { array, int, opaque, struct, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_SECRET_LIST_MAX, REMOTE_SECRET_VALUE_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullSecret, nonnullString, uuid } from '../types.js';

/** `{ remote_nonnull_secret secret }`, as arguments and as a result. */
const secretArgs = struct({ secret: nonnullSecret });

/**
 * 287: every secret matching `flags` (EPHEMERAL=1, NO_EPHEMERAL=2, PRIVATE=4, NO_PRIVATE=8; 0 = all); need_results = 1.
 * @see virConnectListAllSecrets
 */
export const CONNECT_LIST_ALL_SECRETS = procedure(
  287,
  'CONNECT_LIST_ALL_SECRETS',
  struct({ need_results: int, flags: uint }),
  struct({ secrets: array(nonnullSecret, REMOTE_SECRET_LIST_MAX), ret: uint }),
  { priority: 'high' },
);

/**
 * 141: find a secret by UUID; VIR_ERR_NO_SECRET (66) when absent.
 * @see virSecretLookupByUUID
 */
export const SECRET_LOOKUP_BY_UUID = procedure(141, 'SECRET_LOOKUP_BY_UUID', struct({ uuid }), secretArgs, { priority: 'high' });

/**
 * 147: find a secret by usage type (1 volume, 2 ceph, 3 iscsi, 4 tls, 5 vtpm) and usage id.
 * @see virSecretLookupByUsage
 */
export const SECRET_LOOKUP_BY_USAGE = procedure(
  147,
  'SECRET_LOOKUP_BY_USAGE',
  struct({ usageType: int, usageID: nonnullString }),
  secretArgs,
  { priority: 'high' },
);

/**
 * 142: define (or, for an existing UUID, redefine) a secret; flags 0 on 9.0.
 * @see virSecretDefineXML
 */
export const SECRET_DEFINE_XML = procedure(142, 'SECRET_DEFINE_XML', struct({ xml: nonnullString, flags: uint }), secretArgs, {
  priority: 'high',
});

/**
 * 143: the secret's XML (never its value).
 * @see virSecretGetXMLDesc
 */
export const SECRET_GET_XML_DESC = procedure(
  143,
  'SECRET_GET_XML_DESC',
  struct({ secret: nonnullSecret, flags: uint }),
  struct({ xml: nonnullString }),
  { priority: 'high' },
);

/**
 * 144: set the value (raw bytes); emits SECRET_EVENT_VALUE_CHANGED.
 * @see virSecretSetValue
 */
export const SECRET_SET_VALUE = procedure(
  144,
  'SECRET_SET_VALUE',
  struct({ secret: nonnullSecret, value: opaque(REMOTE_SECRET_VALUE_MAX), flags: uint }),
  xdrVoid,
  { priority: 'high' },
);

/**
 * 145: read the value; refused for private secrets and read-only connections.
 * @see virSecretGetValue
 */
export const SECRET_GET_VALUE = procedure(
  145,
  'SECRET_GET_VALUE',
  struct({ secret: nonnullSecret, flags: uint }),
  struct({ value: opaque(REMOTE_SECRET_VALUE_MAX) }),
  { priority: 'high' },
);

/**
 * 146: remove the secret.
 * @see virSecretUndefine
 */
export const SECRET_UNDEFINE = procedure(146, 'SECRET_UNDEFINE', secretArgs, xdrVoid, { priority: 'high' });
