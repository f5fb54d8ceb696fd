import { InvalidArgumentError } from '../../errors/index.js';
import {
  CONNECT_LIST_ALL_NODE_DEVICES,
  NODE_DEVICE_DETACH_FLAGS,
  NODE_DEVICE_GET_PARENT,
  NODE_DEVICE_GET_XML_DESC,
  NODE_DEVICE_LOOKUP_BY_NAME,
  NODE_DEVICE_RESET,
  NODE_DEVICE_RE_ATTACH,
  type CallOptions,
  type NodeDeviceRef,
} from '../../rpc/index.js';
import { type NodeDeviceModel, parseNodeDeviceXml } from '../../xml/index.js';
import {
  type NodeDeviceInput,
  type NodeDeviceUpdateOptions,
  createDevice,
  defineDevice,
  deviceCall,
  deviceFlag,
  deviceName,
  listDeviceCapabilities,
  lookupScsiHostByWwn,
  setDeviceAutostart,
  updateDevice,
} from './node-device-lifecycle.js';
import { checkName } from './refs.js';
import type { AutostartOptions, ResourceCall } from './types.js';

export type { NodeDeviceInput, NodeDeviceUpdateOptions } from './node-device-lifecycle.js';

/** virConnectListAllNodeDeviceFlags CAP_* bits, by the capability name `virsh nodedev-list --cap` takes. */
export const NODE_DEVICE_CAPABILITIES = {
  system: 1,
  pci: 2,
  usb_device: 4,
  usb: 8,
  net: 16,
  scsi_host: 32,
  scsi_target: 64,
  scsi: 128,
  storage: 256,
  fc_host: 512,
  vports: 1024,
  scsi_generic: 2048,
  drm: 4096,
  mdev_types: 8192,
  mdev: 16384,
  ccw: 32768,
  css: 65536,
  vdpa: 131072,
  ap_card: 262144,
  ap_queue: 524288,
  ap_matrix: 1048576,
  vpd: 2097152,
} as const;

/** A capability name {@link NodeDeviceResource.list} filters by. */
export type NodeDeviceCapabilityName = keyof typeof NODE_DEVICE_CAPABILITIES;

/** Options of {@link NodeDeviceResource.list}. */
export interface NodeDeviceListOptions extends CallOptions {
  /** Only devices with any of these capabilities (OR-ed, as `virsh nodedev-list --cap pci,net`). @default all devices */
  capabilities?: readonly NodeDeviceCapabilityName[];
}

/** Options of {@link NodeDeviceResource.detach}. */
export interface NodeDeviceDetachOptions extends CallOptions {
  /** The assignment driver to bind. @default libvirt's choice (`'vfio'`) */
  driver?: 'vfio' | 'kvm' | 'xen';
}

/**
 * Host devices (libvirt's node-device driver): list them by capability, read
 * their typed XML, and hand PCI devices to and from the passthrough driver.
 * A domain `<hostdev managed='yes'>` makes libvirt detach and re-attach by
 * itself; the explicit calls are for `managed='no'`.
 *
 * @example
 * const gpus = await conn.nodeDevices.list({ capabilities: ['pci'] });
 * const dev = await conn.nodeDevices.get(gpus[0]!);
 */
export class NodeDeviceResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * Devices with any of `capabilities`, as `virsh nodedev-list --cap` lists them.
   * @throws {@link InvalidArgumentError} for an unknown capability name (nothing sent)
   * @see virConnectListAllNodeDevices
   */
  async list(options: NodeDeviceListOptions = {}): Promise<NodeDeviceRef[]> {
    let flags = 0;
    for (const cap of options.capabilities ?? []) {
      const bit = (NODE_DEVICE_CAPABILITIES as Record<string, number>)[cap];
      if (bit === undefined)
        throw new InvalidArgumentError(`unknown node device capability ${JSON.stringify(cap)}`, { path: 'capabilities' });
      flags |= bit;
    }
    return (await this.#call(CONNECT_LIST_ALL_NODE_DEVICES, { need_results: 1, flags: flags >>> 0 }, options)).devices;
  }

  /** Find a device by name. @throws LibvirtError VIR_ERR_NO_NODE_DEVICE @see virNodeDeviceLookupByName */
  async lookup(name: string, options?: CallOptions): Promise<NodeDeviceRef> {
    return (await this.#call(NODE_DEVICE_LOOKUP_BY_NAME, { name: checkName(name, 'name') }, options)).dev;
  }

  /** The device XML. @throws LibvirtError VIR_ERR_NO_NODE_DEVICE @see virNodeDeviceGetXMLDesc */
  async getXml(device: NodeDeviceInput, options?: CallOptions): Promise<string> {
    return (await this.#call(NODE_DEVICE_GET_XML_DESC, { name: deviceName(device), flags: 0 }, options)).xml;
  }

  /** The device, parsed (typed PCI, USB, net, SCSI and mdev capabilities). @see virNodeDeviceGetXMLDesc */
  async get(device: NodeDeviceInput, options?: CallOptions): Promise<NodeDeviceModel> {
    return parseNodeDeviceXml(await this.getXml(device, options));
  }

  /** The parent device's name; `null` for the root (`computer`). @see virNodeDeviceGetParent */
  async getParent(device: NodeDeviceInput, options?: CallOptions): Promise<string | null> {
    return (await this.#call(NODE_DEVICE_GET_PARENT, { name: deviceName(device) }, options)).parentName;
  }

  /**
   * Unbind a PCI device from its host driver and bind it to the assignment
   * driver (vfio-pci), for `<hostdev managed='no'>`. The SDK reads the device
   * first and refuses anything that is not a PCI device before asking libvirt.
   * Detaching the host's own disk or network controller takes it away from
   * the host: choose the device with care.
   * @throws {@link InvalidArgumentError} when the device is not a PCI device (nothing detached)
   * @throws LibvirtError when the host has no IOMMU / vfio, or the device is in use
   * @see virNodeDeviceDetachFlags
   */
  async detach(device: NodeDeviceInput, options: NodeDeviceDetachOptions = {}): Promise<void> {
    const name = await this.#pciName(device, options);
    await this.#call(NODE_DEVICE_DETACH_FLAGS, { name, driverName: options.driver ?? null, flags: 0 }, options);
  }

  /**
   * Give a detached PCI device back to its host driver.
   * @throws {@link InvalidArgumentError} when the device is not a PCI device (nothing sent)
   * @throws LibvirtError while a domain uses it
   * @see virNodeDeviceReAttach
   */
  async reattach(device: NodeDeviceInput, options?: CallOptions): Promise<void> {
    await this.#call(NODE_DEVICE_RE_ATTACH, { name: await this.#pciName(device, options) }, options);
  }

  /**
   * Reset a detached, unused PCI device (function-level or bus reset).
   * @throws {@link InvalidArgumentError} when the device is not a PCI device (nothing sent)
   * @see virNodeDeviceReset
   */
  async reset(device: NodeDeviceInput, options?: CallOptions): Promise<void> {
    await this.#call(NODE_DEVICE_RESET, { name: await this.#pciName(device, options) }, options);
  }

  /**
   * The device's capability names, outermost first (`['scsi_host', 'fc_host', 'vport_ops']`).
   * @example const caps = await conn.nodeDevices.listCapabilities('scsi_host1');
   * @throws LibvirtError VIR_ERR_NO_NODE_DEVICE
   * @see virNodeDeviceListCaps
   */
  async listCapabilities(device: NodeDeviceInput, options?: CallOptions): Promise<string[]> {
    return listDeviceCapabilities(this.#call, device, options);
  }

  /**
   * The SCSI host (HBA or vHBA) with these fibre-channel World Wide Node and Port Names.
   * @example const host = await conn.nodeDevices.lookupScsiHostByWwn('2000000012341234', '1000000012341234');
   * @throws InvalidArgumentError for a malformed WWN (nothing sent) · LibvirtError VIR_ERR_NO_NODE_DEVICE
   * @see virNodeDeviceLookupSCSIHostByWWN
   */
  async lookupScsiHostByWwn(wwnn: string, wwpn: string, options?: CallOptions): Promise<NodeDeviceRef> {
    return lookupScsiHostByWwn(this.#call, wwnn, wwpn, options);
  }

  /**
   * Create a transient device from `<device>` XML (`virsh nodedev-create`): a
   * vHBA on an NPIV-capable fibre-channel host, or a mediated device.
   * @example const vhba = await conn.nodeDevices.createTransient(xml);
   * @throws LibvirtError for XML the driver cannot create
   * @see virNodeDeviceCreateXML
   */
  async createTransient(xml: string, options?: CallOptions): Promise<NodeDeviceRef> {
    return createDevice(this.#call, xml, options);
  }

  /**
   * Define a persistent device (a mediated device) without starting it (`virsh nodedev-define`).
   * @example const mdev = await conn.nodeDevices.define(xml);
   * @throws LibvirtError (UnsupportedError on drivers without persistent devices, e.g. the test driver)
   * @see virNodeDeviceDefineXML
   */
  async define(xml: string, options?: CallOptions): Promise<NodeDeviceRef> {
    return defineDevice(this.#call, xml, options);
  }

  /**
   * Remove a defined device's persistent config (`virsh nodedev-undefine`).
   * @example await conn.nodeDevices.undefine('mdev_…');
   * @throws LibvirtError VIR_ERR_NO_NODE_DEVICE
   * @see virNodeDeviceUndefine
   */
  async undefine(device: NodeDeviceInput, options?: CallOptions): Promise<void> {
    await deviceCall(this.#call, 'undefine', device, options);
  }

  /**
   * Start a defined device (`virsh nodedev-start`).
   * @example await conn.nodeDevices.start('mdev_…');
   * @throws LibvirtError VIR_ERR_NO_NODE_DEVICE, or when it is active already
   * @see virNodeDeviceCreate
   */
  async start(device: NodeDeviceInput, options?: CallOptions): Promise<void> {
    await deviceCall(this.#call, 'start', device, options);
  }

  /**
   * Destroy a device the node-device driver created (a vHBA, an active mdev) (`virsh nodedev-destroy`).
   * A transient device is gone afterwards; a defined one stays defined, inactive.
   * @example await conn.nodeDevices.destroy(vhba);
   * @throws LibvirtError VIR_ERR_NO_NODE_DEVICE, or for a device the driver did not create
   * @see virNodeDeviceDestroy
   */
  async destroy(device: NodeDeviceInput, options?: CallOptions): Promise<void> {
    await deviceCall(this.#call, 'destroy', device, options);
  }

  /**
   * Whether the device exists on the host now.
   * @example await conn.nodeDevices.isActive('computer')
   * @throws LibvirtError VIR_ERR_NO_NODE_DEVICE
   * @see virNodeDeviceIsActive
   */
  async isActive(device: NodeDeviceInput, options?: CallOptions): Promise<boolean> {
    return deviceFlag(this.#call, 'active', device, options);
  }

  /**
   * Whether the device has a persistent definition.
   * @example await conn.nodeDevices.isPersistent('computer')
   * @throws LibvirtError VIR_ERR_NO_NODE_DEVICE
   * @see virNodeDeviceIsPersistent
   */
  async isPersistent(device: NodeDeviceInput, options?: CallOptions): Promise<boolean> {
    return deviceFlag(this.#call, 'persistent', device, options);
  }

  /**
   * Whether a defined device starts with the host.
   * @example await conn.nodeDevices.getAutostart('computer')
   * @throws LibvirtError VIR_ERR_NO_NODE_DEVICE
   * @see virNodeDeviceGetAutostart
   */
  async getAutostart(device: NodeDeviceInput, options?: CallOptions): Promise<boolean> {
    return deviceFlag(this.#call, 'autostart', device, options);
  }

  /**
   * Set whether a defined device starts with the host (`virsh nodedev-autostart`).
   * @example await conn.nodeDevices.setAutostart('mdev_…', { enabled: true });
   * @throws InvalidArgumentError without a boolean `enabled` (nothing sent) · LibvirtError
   * @see virNodeDeviceSetAutostart
   */
  async setAutostart(device: NodeDeviceInput, options: AutostartOptions): Promise<void> {
    await setDeviceAutostart(this.#call, device, options);
  }

  /**
   * Change a device's definition (`virsh nodedev-update`). Newer than libvirt
   * 9.0 (10.x): older daemons answer with `UnsupportedError`.
   * @example await conn.nodeDevices.update('mdev_…', xml, { live: true, config: true });
   * @throws InvalidArgumentError for an empty XML or a bad option (nothing sent) · UnsupportedError before libvirt 10.x
   * @see virNodeDeviceUpdate
   */
  async update(device: NodeDeviceInput, xml: string, options?: NodeDeviceUpdateOptions): Promise<void> {
    await updateDevice(this.#call, device, xml, options);
  }

  /** The device's name, once its XML says it is a PCI device. */
  async #pciName(device: NodeDeviceInput, options?: CallOptions): Promise<string> {
    const model = await this.get(device, options);
    if (!model.capabilities.some((c) => c.type === 'pci'))
      throw new InvalidArgumentError(`${model.name} is not a PCI device: only PCI devices are detached, re-attached or reset`, {
        path: 'device',
      });
    return model.name;
  }
}
