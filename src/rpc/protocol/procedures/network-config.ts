/**
 * Network configuration procedures beyond define/start/stop: change one part
 * of a network in place (NETWORK_UPDATE), persistence, transient creation with
 * validation, and the network's metadata (libvirt ≥ 9.7).
 */
import { int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullNetwork, nonnullString, remoteString } from '../types.js';

/** `virNetworkUpdateCommand`: what NETWORK_UPDATE does with the XML fragment. */
export const VirNetworkUpdateCommand = {
  VIR_NETWORK_UPDATE_COMMAND_MODIFY: 1,
  VIR_NETWORK_UPDATE_COMMAND_DELETE: 2,
  VIR_NETWORK_UPDATE_COMMAND_ADD_LAST: 3,
  VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST: 4,
} as const;

/** `virNetworkUpdateSection`: which part of the network XML the fragment is. */
export const VirNetworkUpdateSection = {
  VIR_NETWORK_SECTION_BRIDGE: 1,
  VIR_NETWORK_SECTION_DOMAIN: 2,
  VIR_NETWORK_SECTION_IP: 3,
  VIR_NETWORK_SECTION_IP_DHCP_HOST: 4,
  VIR_NETWORK_SECTION_IP_DHCP_RANGE: 5,
  VIR_NETWORK_SECTION_FORWARD: 6,
  VIR_NETWORK_SECTION_FORWARD_INTERFACE: 7,
  VIR_NETWORK_SECTION_FORWARD_PF: 8,
  VIR_NETWORK_SECTION_PORTGROUP: 9,
  VIR_NETWORK_SECTION_DNS_HOST: 10,
  VIR_NETWORK_SECTION_DNS_TXT: 11,
  VIR_NETWORK_SECTION_DNS_SRV: 12,
} as const;

/**
 * 291: change one section of a network (add, delete or modify a DHCP host, a
 * DNS record, a portgroup…); `parentIndex` picks the `<ip>` element (-1: the
 * first that fits); flags = virNetworkUpdateFlags (AFFECT_LIVE 1, AFFECT_CONFIG 2).
 * libvirt before the NETWORK_UPDATE_HAS_CORRECT_ORDER feature (16) swapped
 * `command` and `section` on the wire; daemons with the feature read them as
 * laid out here.
 * @see virNetworkUpdate
 */
export const NETWORK_UPDATE = procedure(
  291,
  'NETWORK_UPDATE',
  struct({ net: nonnullNetwork, command: uint, section: uint, parentIndex: int, xml: nonnullString, flags: uint }),
  xdrVoid,
  { priority: 'high' },
);

/**
 * 153: 1 when the network has a persistent config (0 for a transient one).
 * @see virNetworkIsPersistent
 */
export const NETWORK_IS_PERSISTENT = procedure(153, 'NETWORK_IS_PERSISTENT', struct({ net: nonnullNetwork }), struct({ persistent: int }), {
  priority: 'high',
});

/**
 * 437: create and start a transient network; flags VIR_NETWORK_CREATE_VALIDATE=1
 * (check the XML against libvirt's schema first). libvirt ≥ 7.8.
 * @see virNetworkCreateXMLFlags
 */
export const NETWORK_CREATE_XML_FLAGS = procedure(
  437,
  'NETWORK_CREATE_XML_FLAGS',
  struct({ xml: nonnullString, flags: uint }),
  struct({ net: nonnullNetwork }),
  { priority: 'high' },
);

/**
 * 444: set the network's description (type 0), title (1) or a custom element
 * (2: `key` prefix, namespace `uri`); `metadata` null removes it; flags
 * AFFECT_LIVE 1 / AFFECT_CONFIG 2. libvirt ≥ 9.7: older daemons answer
 * "unknown procedure" (layout as virDomainSetMetadata's, not checked against a daemon here).
 * @see virNetworkSetMetadata
 */
export const NETWORK_SET_METADATA = procedure(
  444,
  'NETWORK_SET_METADATA',
  struct({ network: nonnullNetwork, type: int, metadata: remoteString, key: remoteString, uri: remoteString, flags: uint }),
  xdrVoid,
);

/**
 * 445: read the network's metadata of `type`; missing metadata is
 * VIR_ERR_NO_NETWORK_METADATA (111). libvirt ≥ 9.7.
 * @see virNetworkGetMetadata
 */
export const NETWORK_GET_METADATA = procedure(
  445,
  'NETWORK_GET_METADATA',
  struct({ network: nonnullNetwork, type: int, uri: remoteString, flags: uint }),
  struct({ metadata: nonnullString }),
);
