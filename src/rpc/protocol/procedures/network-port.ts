/**
 * Network port procedures (libvirt ≥ 5.5): the ports a network driver hands
 * to guest NICs, each named by its network and a UUID.
 */
import { type Codec, array, int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { type NetworkRef, nonnullNetwork, nonnullString, uuid } from '../types.js';

/** `REMOTE_NETWORK_PORT_LIST_MAX`. */
const NETWORK_PORT_LIST_MAX = 16_384;
/** `REMOTE_NETWORK_PORT_PARAMETERS_MAX`. */
const NETWORK_PORT_PARAMETERS_MAX = 16;

/** `remote_nonnull_network_port`: the network a port belongs to and the port's UUID. */
export interface NetworkPortRef {
  net: NetworkRef;
  uuid: string;
}

/** `remote_nonnull_network_port { remote_nonnull_network net; remote_uuid uuid }`. */
export const nonnullNetworkPort: Codec<NetworkPortRef> = struct({ net: nonnullNetwork, uuid });

/** `{ remote_nonnull_network_port port; unsigned int flags }`. */
const portFlagsArgs = struct({ port: nonnullNetworkPort, flags: uint });

/**
 * 404: the network's ports (flags 0); need_results = 1.
 * @see virNetworkListAllPorts
 */
export const NETWORK_LIST_ALL_PORTS = procedure(
  404,
  'NETWORK_LIST_ALL_PORTS',
  struct({ network: nonnullNetwork, need_results: int, flags: uint }),
  struct({ ports: array(nonnullNetworkPort, NETWORK_PORT_LIST_MAX), ret: uint }),
  { priority: 'high' },
);

/**
 * 405: find a port of a network by UUID; VIR_ERR_NO_NETWORK_PORT (107) when absent.
 * @see virNetworkPortLookupByUUID
 */
export const NETWORK_PORT_LOOKUP_BY_UUID = procedure(
  405,
  'NETWORK_PORT_LOOKUP_BY_UUID',
  struct({ network: nonnullNetwork, uuid }),
  struct({ port: nonnullNetworkPort }),
  { priority: 'high' },
);

/**
 * 406: create a port from `<networkport>` XML; flags RECLAIM=1 (take over a
 * port a guest already uses, after a daemon restart), VALIDATE=2.
 * @see virNetworkPortCreateXML
 */
export const NETWORK_PORT_CREATE_XML = procedure(
  406,
  'NETWORK_PORT_CREATE_XML',
  struct({ network: nonnullNetwork, xml: nonnullString, flags: uint }),
  struct({ port: nonnullNetworkPort }),
);

/**
 * 407: the port's bandwidth parameters (`inbound.average`…, uint KiB/s or KiB);
 * send nparams = 0 to get them all at once (unlike older GET_*_PARAMETERS, no size probe).
 * @see virNetworkPortGetParameters
 */
export const NETWORK_PORT_GET_PARAMETERS = procedure(
  407,
  'NETWORK_PORT_GET_PARAMETERS',
  struct({ port: nonnullNetworkPort, nparams: int, flags: uint }),
  struct({ params: typedParams(NETWORK_PORT_PARAMETERS_MAX), nparams: int }),
);

/**
 * 408: change the port's bandwidth parameters (flags 0).
 * @see virNetworkPortSetParameters
 */
export const NETWORK_PORT_SET_PARAMETERS = procedure(
  408,
  'NETWORK_PORT_SET_PARAMETERS',
  struct({ port: nonnullNetworkPort, params: typedParams(NETWORK_PORT_PARAMETERS_MAX), flags: uint }),
  xdrVoid,
);

/**
 * 409: the port's `<networkport>` XML (flags 0).
 * @see virNetworkPortGetXMLDesc
 */
export const NETWORK_PORT_GET_XML_DESC = procedure(409, 'NETWORK_PORT_GET_XML_DESC', portFlagsArgs, struct({ xml: nonnullString }));

/**
 * 410: delete a port (flags 0).
 * @see virNetworkPortDelete
 */
export const NETWORK_PORT_DELETE = procedure(410, 'NETWORK_PORT_DELETE', portFlagsArgs, xdrVoid);
