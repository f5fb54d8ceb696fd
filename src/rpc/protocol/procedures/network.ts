/**
 * Virtual network procedures: list, look up, define/create, start/stop,
 * describe, autostart, bridge name and DHCP leases.
 */
import { array, hyper, int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_NETWORK_DHCP_LEASES_MAX, REMOTE_NETWORK_LIST_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullNetwork, nonnullString, remoteString, uuid } from '../types.js';

/** `{ remote_nonnull_network net }`. */
const netArgs = struct({ net: nonnullNetwork });
/** `{ remote_nonnull_network net; unsigned int flags }`. */
const netFlagsArgs = struct({ net: nonnullNetwork, flags: uint });
/** `{ remote_nonnull_network net }` as a result. */
const netRet = netArgs;

/**
 * 283: every network matching `flags` (virConnectListAllNetworksFlags, 0 = all); send need_results = 1.
 * @see virConnectListAllNetworks
 */
export const CONNECT_LIST_ALL_NETWORKS = procedure(
  283,
  'CONNECT_LIST_ALL_NETWORKS',
  struct({ need_results: int, flags: uint }),
  struct({ nets: array(nonnullNetwork, REMOTE_NETWORK_LIST_MAX), ret: uint }),
  { priority: 'high' },
);

/**
 * 46: find a network by name; VIR_ERR_NO_NETWORK (43) when absent.
 * @see virNetworkLookupByName
 */
export const NETWORK_LOOKUP_BY_NAME = procedure(46, 'NETWORK_LOOKUP_BY_NAME', struct({ name: nonnullString }), netRet, {
  priority: 'high',
});

/**
 * 47: find a network by UUID (16 raw bytes on the wire).
 * @see virNetworkLookupByUUID
 */
export const NETWORK_LOOKUP_BY_UUID = procedure(47, 'NETWORK_LOOKUP_BY_UUID', struct({ uuid }), netRet, {
  priority: 'high',
});

/**
 * 41: define a persistent network from XML (no flags; see 432).
 * @see virNetworkDefineXML
 */
export const NETWORK_DEFINE_XML = procedure(41, 'NETWORK_DEFINE_XML', struct({ xml: nonnullString }), netRet, {
  priority: 'high',
});

/**
 * 432: define a persistent network; flags VIR_NETWORK_DEFINE_VALIDATE=1. Newer
 * daemons only (libvirt ≥ 7.7); older ones answer "unknown procedure: 432".
 * @see virNetworkDefineXMLFlags
 */
export const NETWORK_DEFINE_XML_FLAGS = procedure(432, 'NETWORK_DEFINE_XML_FLAGS', struct({ xml: nonnullString, flags: uint }), netRet, {
  priority: 'high',
});

/**
 * 39: start a defined network.
 * @see virNetworkCreate
 */
export const NETWORK_CREATE = procedure(39, 'NETWORK_CREATE', netArgs, xdrVoid);

/**
 * 40: create and start a transient network from XML.
 * @see virNetworkCreateXML
 */
export const NETWORK_CREATE_XML = procedure(40, 'NETWORK_CREATE_XML', struct({ xml: nonnullString }), netRet);

/**
 * 42: stop a network.
 * @see virNetworkDestroy
 */
export const NETWORK_DESTROY = procedure(42, 'NETWORK_DESTROY', netArgs, xdrVoid, { priority: 'high' });

/**
 * 49: remove a network's persistent config.
 * @see virNetworkUndefine
 */
export const NETWORK_UNDEFINE = procedure(49, 'NETWORK_UNDEFINE', netArgs, xdrVoid, { priority: 'high' });

/**
 * 43: the network XML; flags VIR_NETWORK_XML_INACTIVE=1.
 * @see virNetworkGetXMLDesc
 */
export const NETWORK_GET_XML_DESC = procedure(43, 'NETWORK_GET_XML_DESC', netFlagsArgs, struct({ xml: nonnullString }), {
  priority: 'high',
});

/**
 * 44: whether the network starts with the daemon (0/1).
 * @see virNetworkGetAutostart
 */
export const NETWORK_GET_AUTOSTART = procedure(44, 'NETWORK_GET_AUTOSTART', netArgs, struct({ autostart: int }), {
  priority: 'high',
});

/**
 * 48: set autostart (0/1).
 * @see virNetworkSetAutostart
 */
export const NETWORK_SET_AUTOSTART = procedure(48, 'NETWORK_SET_AUTOSTART', struct({ net: nonnullNetwork, autostart: int }), xdrVoid, {
  priority: 'high',
});

/**
 * 45: the host bridge device of the network, e.g. `virbr0`.
 * @see virNetworkGetBridgeName
 */
export const NETWORK_GET_BRIDGE_NAME = procedure(45, 'NETWORK_GET_BRIDGE_NAME', netArgs, struct({ name: nonnullString }), {
  priority: 'high',
});

/**
 * 152: 1 when the network is running.
 * @see virNetworkIsActive
 */
export const NETWORK_IS_ACTIVE = procedure(152, 'NETWORK_IS_ACTIVE', netArgs, struct({ active: int }), {
  priority: 'high',
});

/**
 * `remote_network_dhcp_lease`. `expirytime` is a signed `hyper` (seconds since
 * the epoch, `bigint`); `type` is virIPAddrType (0 IPv4, 1 IPv6).
 */
export const networkDhcpLease = struct({
  iface: nonnullString,
  expirytime: hyper,
  type: int,
  mac: remoteString,
  iaid: remoteString,
  ipaddr: nonnullString,
  prefix: uint,
  hostname: remoteString,
  clientid: remoteString,
});

/**
 * 341: the network's DHCP leases, optionally only for `mac`; send
 * need_results = 1. Not in the test driver (VIR_ERR_NO_SUPPORT).
 * @see virNetworkGetDHCPLeases
 */
export const NETWORK_GET_DHCP_LEASES = procedure(
  341,
  'NETWORK_GET_DHCP_LEASES',
  struct({ net: nonnullNetwork, mac: remoteString, need_results: int, flags: uint }),
  struct({ leases: array(networkDhcpLease, REMOTE_NETWORK_DHCP_LEASES_MAX), ret: uint }),
);
