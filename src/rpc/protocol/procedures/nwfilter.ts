/**
 * Network filter procedures (and filter bindings): list, look up, define,
 * describe, undefine. There are no nwfilter events.
 */
import { array, int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { type Codec } from '../../xdr/index.js';
import { nonnullNwfilter, nonnullString, uuid } from '../types.js';

/** `REMOTE_NWFILTER_LIST_MAX` and `REMOTE_NWFILTER_BINDING_LIST_MAX`. */
const NWFILTER_LIST_MAX = 16_384;

/** `remote_nonnull_nwfilter_binding`: the host tap device and the filter it applies. */
export interface NwfilterBindingRef {
  portdev: string;
  filtername: string;
}

/** `remote_nonnull_nwfilter_binding`. */
export const nonnullNwfilterBinding: Codec<NwfilterBindingRef> = struct({ portdev: nonnullString, filtername: nonnullString });

/** `{ remote_nonnull_nwfilter nwfilter }`, as arguments and as a result. */
const filterArgs = struct({ nwfilter: nonnullNwfilter });

/**
 * 286: every network filter (flags 0); need_results = 1.
 * @see virConnectListAllNWFilters
 */
export const CONNECT_LIST_ALL_NWFILTERS = procedure(
  286,
  'CONNECT_LIST_ALL_NWFILTERS',
  struct({ need_results: int, flags: uint }),
  struct({ filters: array(nonnullNwfilter, NWFILTER_LIST_MAX), ret: uint }),
  { priority: 'high' },
);

/**
 * 175: find a filter by name; VIR_ERR_NO_NWFILTER (62) when absent.
 * @see virNWFilterLookupByName
 */
export const NWFILTER_LOOKUP_BY_NAME = procedure(175, 'NWFILTER_LOOKUP_BY_NAME', struct({ name: nonnullString }), filterArgs, {
  priority: 'high',
});

/**
 * 176: find a filter by UUID.
 * @see virNWFilterLookupByUUID
 */
export const NWFILTER_LOOKUP_BY_UUID = procedure(176, 'NWFILTER_LOOKUP_BY_UUID', struct({ uuid }), filterArgs, { priority: 'high' });

/**
 * 177: the filter's XML (flags 0).
 * @see virNWFilterGetXMLDesc
 */
export const NWFILTER_GET_XML_DESC = procedure(
  177,
  'NWFILTER_GET_XML_DESC',
  struct({ nwfilter: nonnullNwfilter, flags: uint }),
  struct({ xml: nonnullString }),
  { priority: 'high' },
);

/**
 * 180: define (or redefine, same name and UUID) a filter; no flags field (431 adds VALIDATE, libvirt ≥ 7.7).
 * @see virNWFilterDefineXML
 */
export const NWFILTER_DEFINE_XML = procedure(180, 'NWFILTER_DEFINE_XML', struct({ xml: nonnullString }), filterArgs, {
  priority: 'high',
});

/**
 * 181: remove a filter; refused while a domain interface or another filter uses it.
 * @see virNWFilterUndefine
 */
export const NWFILTER_UNDEFINE = procedure(181, 'NWFILTER_UNDEFINE', filterArgs, xdrVoid, { priority: 'high' });

/**
 * 401: every filter binding (one per running interface with a `<filterref>`); need_results = 1.
 * @see virConnectListAllNWFilterBindings
 */
export const CONNECT_LIST_ALL_NWFILTER_BINDINGS = procedure(
  401,
  'CONNECT_LIST_ALL_NWFILTER_BINDINGS',
  struct({ need_results: int, flags: uint }),
  struct({ bindings: array(nonnullNwfilterBinding, NWFILTER_LIST_MAX), ret: uint }),
  { priority: 'high' },
);

/**
 * 398: a binding's XML (owner, portdev, MAC, filterref with parameters).
 * @see virNWFilterBindingGetXMLDesc
 */
export const NWFILTER_BINDING_GET_XML_DESC = procedure(
  398,
  'NWFILTER_BINDING_GET_XML_DESC',
  struct({ nwfilter: nonnullNwfilterBinding, flags: uint }),
  struct({ xml: nonnullString }),
  { priority: 'high' },
);
