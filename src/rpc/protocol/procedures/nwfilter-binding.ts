/**
 * Network filter binding procedures (libvirt ≥ 4.5): look a binding up by its
 * port device, create one from `<filterbinding>` XML, delete one; and
 * NWFILTER_DEFINE_XML_FLAGS (libvirt ≥ 7.7), the define that can validate.
 */
import { struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullNwfilter, nonnullString } from '../types.js';
import { nonnullNwfilterBinding } from './nwfilter.js';

/** `{ remote_nonnull_nwfilter_binding nwfilter }`. */
const bindingArgs = struct({ nwfilter: nonnullNwfilterBinding });

/**
 * 397: the binding of a host port device (a guest NIC's tap, `vnet0`);
 * VIR_ERR_NO_NWFILTER_BINDING (101) when there is none.
 * @see virNWFilterBindingLookupByPortDev
 */
export const NWFILTER_BINDING_LOOKUP_BY_PORT_DEV = procedure(
  397,
  'NWFILTER_BINDING_LOOKUP_BY_PORT_DEV',
  struct({ name: nonnullString }),
  bindingArgs,
  { priority: 'high' },
);

/**
 * 399: create a binding from `<filterbinding>` XML: the filter's rules are
 * applied to the port device at once; flags VIR_NWFILTER_BINDING_CREATE_VALIDATE=1.
 * @see virNWFilterBindingCreateXML
 */
export const NWFILTER_BINDING_CREATE_XML = procedure(
  399,
  'NWFILTER_BINDING_CREATE_XML',
  struct({ xml: nonnullString, flags: uint }),
  bindingArgs,
  { priority: 'high' },
);

/**
 * 400: delete a binding: its rules are removed from the port device.
 * @see virNWFilterBindingDelete
 */
export const NWFILTER_BINDING_DELETE = procedure(400, 'NWFILTER_BINDING_DELETE', bindingArgs, xdrVoid, { priority: 'high' });

/**
 * 431: define (or redefine) a filter; flags VIR_NWFILTER_DEFINE_VALIDATE=1
 * (check the XML against libvirt's schema first). libvirt ≥ 7.7.
 * @see virNWFilterDefineXMLFlags
 */
export const NWFILTER_DEFINE_XML_FLAGS = procedure(
  431,
  'NWFILTER_DEFINE_XML_FLAGS',
  struct({ xml: nonnullString, flags: uint }),
  struct({ nwfilter: nonnullNwfilter }),
  { priority: 'high' },
);
