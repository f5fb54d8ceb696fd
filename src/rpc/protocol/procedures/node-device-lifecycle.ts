/**
 * Node device lifecycle procedures: transient devices (vHBA, mdev) created
 * from XML, persistent mdev configs (define / start / undefine, libvirt ≥ 7.3),
 * their autostart and state, capability names, and a SCSI host by WWN. Like
 * the rest of the node-device procedures they take the bare device name.
 */
import { array, int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullNodeDevice, nonnullString } from '../types.js';

/** `REMOTE_NODE_DEVICE_CAPS_LIST_MAX`. */
const NODE_DEVICE_CAPS_LIST_MAX = 65_536;

/** `{ remote_nonnull_string name }`. */
const nameArgs = struct({ name: nonnullString });
/** `{ remote_nonnull_string name; unsigned int flags }`. */
const nameFlagsArgs = struct({ name: nonnullString, flags: uint });
/** `{ remote_nonnull_string xml_desc; unsigned int flags }`. */
const xmlFlagsArgs = struct({ xml_desc: nonnullString, flags: uint });
/** `{ remote_nonnull_node_device dev }`. */
const devRet = struct({ dev: nonnullNodeDevice });

/**
 * 117: the device's capability names (`pci`, `net`, `scsi_host`, `fc_host`…);
 * `maxnames` caps the reply (send the list maximum).
 * @see virNodeDeviceListCaps
 */
export const NODE_DEVICE_LIST_CAPS = procedure(
  117,
  'NODE_DEVICE_LIST_CAPS',
  struct({ name: nonnullString, maxnames: int }),
  struct({ names: array(nonnullString, NODE_DEVICE_CAPS_LIST_MAX) }),
  { priority: 'high' },
);

/** The most capability names NODE_DEVICE_LIST_CAPS may return (its `maxnames`). */
export const NODE_DEVICE_CAPS_MAX = NODE_DEVICE_CAPS_LIST_MAX;

/**
 * 123: create a transient device from XML (a vHBA on an NPIV-capable fc_host,
 * an mdev); flags: VALIDATE=1 on newer daemons (not offered by the SDK).
 * @see virNodeDeviceCreateXML
 */
export const NODE_DEVICE_CREATE_XML = procedure(123, 'NODE_DEVICE_CREATE_XML', xmlFlagsArgs, devRet);

/**
 * 124: destroy a device created by NODE_DEVICE_CREATE_XML or started with NODE_DEVICE_CREATE.
 * @see virNodeDeviceDestroy
 */
export const NODE_DEVICE_DESTROY = procedure(124, 'NODE_DEVICE_DESTROY', nameArgs, xdrVoid, { priority: 'high' });

/**
 * 297: the SCSI host (vHBA) with these fibre-channel node and port names (flags 0).
 * @see virNodeDeviceLookupSCSIHostByWWN
 */
export const NODE_DEVICE_LOOKUP_SCSI_HOST_BY_WWN = procedure(
  297,
  'NODE_DEVICE_LOOKUP_SCSI_HOST_BY_WWN',
  struct({ wwnn: nonnullString, wwpn: nonnullString, flags: uint }),
  devRet,
  { priority: 'high' },
);

/**
 * 428: define a persistent device (an mdev) from XML without starting it; flags: VALIDATE=1
 * on newer daemons (not offered by the SDK).
 * @see virNodeDeviceDefineXML
 */
export const NODE_DEVICE_DEFINE_XML = procedure(428, 'NODE_DEVICE_DEFINE_XML', xmlFlagsArgs, devRet);

/**
 * 429: remove a device's persistent config (flags 0).
 * @see virNodeDeviceUndefine
 */
export const NODE_DEVICE_UNDEFINE = procedure(429, 'NODE_DEVICE_UNDEFINE', nameFlagsArgs, xdrVoid, { priority: 'high' });

/**
 * 430: start a defined device (flags 0).
 * @see virNodeDeviceCreate
 */
export const NODE_DEVICE_CREATE = procedure(430, 'NODE_DEVICE_CREATE', nameFlagsArgs, xdrVoid, { priority: 'high' });

/**
 * 433: 1 when the defined device starts with the host (libvirt ≥ 7.8).
 * @see virNodeDeviceGetAutostart
 */
export const NODE_DEVICE_GET_AUTOSTART = procedure(433, 'NODE_DEVICE_GET_AUTOSTART', nameArgs, struct({ autostart: int }), {
  priority: 'high',
});

/**
 * 434: set autostart (0/1) of a defined device.
 * @see virNodeDeviceSetAutostart
 */
export const NODE_DEVICE_SET_AUTOSTART = procedure(
  434,
  'NODE_DEVICE_SET_AUTOSTART',
  struct({ name: nonnullString, autostart: int }),
  xdrVoid,
  { priority: 'high' },
);

/**
 * 435: 1 when the device has a persistent config.
 * @see virNodeDeviceIsPersistent
 */
export const NODE_DEVICE_IS_PERSISTENT = procedure(435, 'NODE_DEVICE_IS_PERSISTENT', nameArgs, struct({ persistent: int }), {
  priority: 'high',
});

/**
 * 436: 1 when the device exists on the host now (a defined mdev may be inactive).
 * @see virNodeDeviceIsActive
 */
export const NODE_DEVICE_IS_ACTIVE = procedure(436, 'NODE_DEVICE_IS_ACTIVE', nameArgs, struct({ active: int }), {
  priority: 'high',
});

/**
 * 447: change a device's definition (an mdev's attributes); flags AFFECT_LIVE 1 /
 * AFFECT_CONFIG 2. Newer than libvirt 9.0 (10.x): older daemons answer "unknown procedure".
 * @see virNodeDeviceUpdate
 */
export const NODE_DEVICE_UPDATE = procedure(
  447,
  'NODE_DEVICE_UPDATE',
  struct({ name: nonnullString, xml_desc: nonnullString, flags: uint }),
  xdrVoid,
  { priority: 'high' },
);
