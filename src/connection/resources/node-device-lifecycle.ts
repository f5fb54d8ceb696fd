import { InvalidArgumentError, type KnownKeys } from '../../errors/index.js';
import {
  CALL_OPTION_KEYS,
  NODE_DEVICE_CAPS_MAX,
  NODE_DEVICE_CREATE,
  NODE_DEVICE_CREATE_XML,
  NODE_DEVICE_DEFINE_XML,
  NODE_DEVICE_DESTROY,
  NODE_DEVICE_GET_AUTOSTART,
  NODE_DEVICE_IS_ACTIVE,
  NODE_DEVICE_IS_PERSISTENT,
  NODE_DEVICE_LIST_CAPS,
  NODE_DEVICE_LOOKUP_SCSI_HOST_BY_WWN,
  NODE_DEVICE_SET_AUTOSTART,
  NODE_DEVICE_UNDEFINE,
  NODE_DEVICE_UPDATE,
  type CallOptions,
  type NodeDeviceRef,
} from '../../rpc/index.js';
import { checkCallOnly, checkOptions, checkXml } from './check-options.js';
import { impactFlags } from './impact.js';
import { checkName } from './refs.js';
import { type AutostartOptions, type ResourceCall, checkAutostart, flag } from './types.js';

/** A node device named by its libvirt name (`'pci_0000_00_1f_2'`) or a reference. */
export type NodeDeviceInput = string | NodeDeviceRef;

/** Options of {@link NodeDeviceResource.update}. Neither `live` nor `config`: libvirt's "current". */
export interface NodeDeviceUpdateOptions extends CallOptions {
  /** Change the active device (`VIR_NODE_DEVICE_UPDATE_AFFECT_LIVE`). */
  live?: boolean;
  /** Change the persistent definition (`VIR_NODE_DEVICE_UPDATE_AFFECT_CONFIG`). */
  config?: boolean;
}

const UPDATE_KEYS = { ...CALL_OPTION_KEYS, live: true, config: true } as const satisfies KnownKeys<NodeDeviceUpdateOptions>;
const AUTOSTART_KEYS = { ...CALL_OPTION_KEYS, enabled: true } as const satisfies KnownKeys<AutostartOptions>;
/** A fibre-channel World Wide Name: 16 hex digits, optionally after `0x` (libvirt's virValidateWWN). */
const WWN = /^(0x)?[0-9a-f]{16}$/i;

/** The device's name, checked before anything is sent. */
export function deviceName(device: NodeDeviceInput): string {
  return checkName(typeof device === 'object' && device !== null ? device.name : device, 'device');
}

/** Create a transient device from `<device>` XML (`virsh nodedev-create`). */
export async function createDevice(call: ResourceCall, xml: string, options?: CallOptions): Promise<NodeDeviceRef> {
  const opts = checkCallOnly(options);
  return (await call(NODE_DEVICE_CREATE_XML, { xml_desc: checkXml(xml, 'xml', 'device'), flags: 0 }, opts)).dev;
}

/** Define a persistent device from `<device>` XML (`virsh nodedev-define`). */
export async function defineDevice(call: ResourceCall, xml: string, options?: CallOptions): Promise<NodeDeviceRef> {
  const opts = checkCallOnly(options);
  return (await call(NODE_DEVICE_DEFINE_XML, { xml_desc: checkXml(xml, 'xml', 'device'), flags: 0 }, opts)).dev;
}

/** One call that takes the device name and nothing else (`flags` 0 where the procedure has them). */
export async function deviceCall(
  call: ResourceCall,
  op: 'undefine' | 'start' | 'destroy',
  device: NodeDeviceInput,
  options?: CallOptions,
): Promise<void> {
  const opts = checkCallOnly(options);
  const name = deviceName(device);
  if (op === 'destroy') await call(NODE_DEVICE_DESTROY, { name }, opts);
  else await call(op === 'start' ? NODE_DEVICE_CREATE : NODE_DEVICE_UNDEFINE, { name, flags: 0 }, opts);
}

/** A yes/no question about a device: active, persistent, autostart. */
export async function deviceFlag(
  call: ResourceCall,
  question: 'active' | 'persistent' | 'autostart',
  device: NodeDeviceInput,
  options?: CallOptions,
): Promise<boolean> {
  const opts = checkCallOnly(options);
  const name = deviceName(device);
  if (question === 'active') return flag((await call(NODE_DEVICE_IS_ACTIVE, { name }, opts)).active);
  if (question === 'persistent') return flag((await call(NODE_DEVICE_IS_PERSISTENT, { name }, opts)).persistent);
  return flag((await call(NODE_DEVICE_GET_AUTOSTART, { name }, opts)).autostart);
}

/** Set whether a defined device starts with the host (`virsh nodedev-autostart`). */
export async function setDeviceAutostart(call: ResourceCall, device: NodeDeviceInput, options: AutostartOptions): Promise<void> {
  const { enabled, ...rest } = checkAutostart(checkOptions(options, AUTOSTART_KEYS));
  await call(NODE_DEVICE_SET_AUTOSTART, { name: deviceName(device), autostart: enabled ? 1 : 0 }, rest);
}

/** Change a device's definition (`virsh nodedev-update`, libvirt ≥ 10.x). */
export async function updateDevice(
  call: ResourceCall,
  device: NodeDeviceInput,
  xml: string,
  options?: NodeDeviceUpdateOptions,
): Promise<void> {
  const opts = checkOptions(options, UPDATE_KEYS);
  const flags = impactFlags({ live: opts.live, config: opts.config }, 'change');
  await call(NODE_DEVICE_UPDATE, { name: deviceName(device), xml_desc: checkXml(xml, 'xml', 'device'), flags }, opts);
}

/** The device's capability names (`pci`, `net`, `scsi_host`, `fc_host`, `vports`…). */
export async function listDeviceCapabilities(call: ResourceCall, device: NodeDeviceInput, options?: CallOptions): Promise<string[]> {
  const opts = checkCallOnly(options);
  return (await call(NODE_DEVICE_LIST_CAPS, { name: deviceName(device), maxnames: NODE_DEVICE_CAPS_MAX }, opts)).names;
}

/** The SCSI host (an HBA or vHBA) with these fibre-channel node and port names. */
export async function lookupScsiHostByWwn(call: ResourceCall, wwnn: string, wwpn: string, options?: CallOptions): Promise<NodeDeviceRef> {
  const opts = checkCallOnly(options);
  for (const [path, value] of [
    ['wwnn', wwnn],
    ['wwpn', wwpn],
  ] as const) {
    if (typeof value !== 'string' || !WWN.test(value))
      throw new InvalidArgumentError(`${path} must be a World Wide Name: 16 hex digits, e.g. '2000000012341234'`, { path });
  }
  return (await call(NODE_DEVICE_LOOKUP_SCSI_HOST_BY_WWN, { wwnn, wwpn, flags: 0 }, opts)).dev;
}
