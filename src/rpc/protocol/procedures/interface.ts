/**
 * Host network interface procedures (virInterface*): list, look up, describe,
 * define / undefine, bring up / down, and the change transaction that can undo
 * every interface change made since it began. There are no interface events.
 */
import { array, int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullInterface, nonnullString } from '../types.js';

/** `REMOTE_INTERFACE_LIST_MAX`. */
const INTERFACE_LIST_MAX = 16_384;

/** `virConnectListAllInterfacesFlags`: neither bit lists both. */
export const VirConnectListAllInterfacesFlags = {
  VIR_CONNECT_LIST_INTERFACES_INACTIVE: 1,
  VIR_CONNECT_LIST_INTERFACES_ACTIVE: 2,
} as const;

/** `virInterfaceXMLFlags`: INACTIVE gives the persistent definition, not the running state. */
export const VirInterfaceXMLFlags = { VIR_INTERFACE_XML_INACTIVE: 1 } as const;

/** `virInterfaceDefineFlags`: VALIDATE checks the XML against libvirt's schema (libvirt ≥ 7.7). */
export const VirInterfaceDefineFlags = { VIR_INTERFACE_DEFINE_VALIDATE: 1 } as const;

/** `{ remote_nonnull_interface iface }`, as arguments and as a result. */
const ifaceArgs = struct({ iface: nonnullInterface });
/** `{ remote_nonnull_interface iface, unsigned int flags }`. */
const ifaceFlagsArgs = struct({ iface: nonnullInterface, flags: uint });
/** `{ unsigned int flags }` of the change transaction calls (flags: none yet). */
const changeArgs = struct({ flags: uint });

/**
 * 284: every host interface; flags = `VirConnectListAllInterfacesFlags`; need_results = 1.
 * @see virConnectListAllInterfaces
 */
export const CONNECT_LIST_ALL_INTERFACES = procedure(
  284,
  'CONNECT_LIST_ALL_INTERFACES',
  struct({ need_results: int, flags: uint }),
  struct({ ifaces: array(nonnullInterface, INTERFACE_LIST_MAX), ret: uint }),
  { priority: 'high' },
);

/**
 * 128: find an interface by name; VIR_ERR_NO_INTERFACE (57) when absent.
 * @see virInterfaceLookupByName
 */
export const INTERFACE_LOOKUP_BY_NAME = procedure(128, 'INTERFACE_LOOKUP_BY_NAME', struct({ name: nonnullString }), ifaceArgs, {
  priority: 'high',
});

/**
 * 129: find an interface by MAC address; VIR_ERR_MULTIPLE_INTERFACES (59) when several share it (a bond and
 * its slaves, VLANs on one NIC).
 * @see virInterfaceLookupByMACString
 */
export const INTERFACE_LOOKUP_BY_MAC_STRING = procedure(129, 'INTERFACE_LOOKUP_BY_MAC_STRING', struct({ mac: nonnullString }), ifaceArgs, {
  priority: 'high',
});

/**
 * 130: the interface's XML; flags = `VirInterfaceXMLFlags`.
 * @see virInterfaceGetXMLDesc
 */
export const INTERFACE_GET_XML_DESC = procedure(130, 'INTERFACE_GET_XML_DESC', ifaceFlagsArgs, struct({ xml: nonnullString }));

/**
 * 131: define (or redefine, same name) an interface; flags = `VirInterfaceDefineFlags`.
 * @see virInterfaceDefineXML
 */
export const INTERFACE_DEFINE_XML = procedure(131, 'INTERFACE_DEFINE_XML', struct({ xml: nonnullString, flags: uint }), ifaceArgs, {
  priority: 'high',
});

/**
 * 132: remove an interface's definition.
 * @see virInterfaceUndefine
 */
export const INTERFACE_UNDEFINE = procedure(132, 'INTERFACE_UNDEFINE', ifaceArgs, xdrVoid, { priority: 'high' });

/**
 * 133: bring an interface up (flags: none yet).
 * @see virInterfaceCreate
 */
export const INTERFACE_CREATE = procedure(133, 'INTERFACE_CREATE', ifaceFlagsArgs, xdrVoid);

/**
 * 134: bring an interface down (flags: none yet).
 * @see virInterfaceDestroy
 */
export const INTERFACE_DESTROY = procedure(134, 'INTERFACE_DESTROY', ifaceFlagsArgs, xdrVoid, { priority: 'high' });

/**
 * 156: whether the interface is up (`active` 1) or down (0).
 * @see virInterfaceIsActive
 */
export const INTERFACE_IS_ACTIVE = procedure(156, 'INTERFACE_IS_ACTIVE', ifaceArgs, struct({ active: int }), { priority: 'high' });

/**
 * 220: snapshot the host's interface configuration; a later ROLLBACK restores it, COMMIT drops the snapshot.
 * VIR_ERR_OPERATION_INVALID when one is already open.
 * @see virInterfaceChangeBegin
 */
export const INTERFACE_CHANGE_BEGIN = procedure(220, 'INTERFACE_CHANGE_BEGIN', changeArgs, xdrVoid);

/**
 * 221: keep the changes made since CHANGE_BEGIN; VIR_ERR_OPERATION_INVALID when none is open.
 * @see virInterfaceChangeCommit
 */
export const INTERFACE_CHANGE_COMMIT = procedure(221, 'INTERFACE_CHANGE_COMMIT', changeArgs, xdrVoid);

/**
 * 222: restore the interface configuration saved by CHANGE_BEGIN; VIR_ERR_OPERATION_INVALID when none is open.
 * @see virInterfaceChangeRollback
 */
export const INTERFACE_CHANGE_ROLLBACK = procedure(222, 'INTERFACE_CHANGE_ROLLBACK', changeArgs, xdrVoid);
