/**
 * Node device procedures: list by capability, look up, describe, parent, and
 * the PCI passthrough trio detach / re-attach / reset. Most take the bare
 * device name (`string name`), not the `remote_nonnull_node_device` struct.
 */
import { array, int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_NODE_DEVICE_LIST_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullNodeDevice, nonnullString, remoteString } from '../types.js';

/** `{ remote_nonnull_string name }`. */
const nameArgs = struct({ name: nonnullString });

/**
 * 285: every node device with any of the capabilities in `flags` (virConnectListAllNodeDeviceFlags CAP_*, 0 = all).
 * @see virConnectListAllNodeDevices
 */
export const CONNECT_LIST_ALL_NODE_DEVICES = procedure(
  285,
  'CONNECT_LIST_ALL_NODE_DEVICES',
  struct({ need_results: int, flags: uint }),
  struct({ devices: array(nonnullNodeDevice, REMOTE_NODE_DEVICE_LIST_MAX), ret: uint }),
  { priority: 'high' },
);

/**
 * 113: find a device by name; VIR_ERR_NO_NODE_DEVICE (53) when absent.
 * @see virNodeDeviceLookupByName
 */
export const NODE_DEVICE_LOOKUP_BY_NAME = procedure(113, 'NODE_DEVICE_LOOKUP_BY_NAME', nameArgs, struct({ dev: nonnullNodeDevice }), {
  priority: 'high',
});

/**
 * 114: the device XML; flags VIR_NODE_DEVICE_XML_INACTIVE=1 (persistent mdev config).
 * @see virNodeDeviceGetXMLDesc
 */
export const NODE_DEVICE_GET_XML_DESC = procedure(
  114,
  'NODE_DEVICE_GET_XML_DESC',
  struct({ name: nonnullString, flags: uint }),
  struct({ xml: nonnullString }),
);

/**
 * 115: the parent device's name (`null` for the root, `computer`).
 * @see virNodeDeviceGetParent
 */
export const NODE_DEVICE_GET_PARENT = procedure(115, 'NODE_DEVICE_GET_PARENT', nameArgs, struct({ parentName: remoteString }), {
  priority: 'high',
});

/**
 * 301: unbind a PCI device from its host driver and bind it to the assignment
 * driver (`driverName` null or `"vfio"`); flags 0. Preferred over 118 (DETTACH).
 * @see virNodeDeviceDetachFlags
 */
export const NODE_DEVICE_DETACH_FLAGS = procedure(
  301,
  'NODE_DEVICE_DETACH_FLAGS',
  struct({ name: nonnullString, driverName: remoteString, flags: uint }),
  xdrVoid,
);

/**
 * 119: give a detached device back to its host driver; refused while a domain uses it.
 * @see virNodeDeviceReAttach
 */
export const NODE_DEVICE_RE_ATTACH = procedure(119, 'NODE_DEVICE_RE_ATTACH', nameArgs, xdrVoid);

/**
 * 120: function-level or bus reset of a detached, unused PCI device.
 * @see virNodeDeviceReset
 */
export const NODE_DEVICE_RESET = procedure(120, 'NODE_DEVICE_RESET', nameArgs, xdrVoid);
