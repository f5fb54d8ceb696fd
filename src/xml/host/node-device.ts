import { ElementReader, compact } from '../core/reader.js';

/** A vendor or product: libvirt's hex id (`'0x8086'`) and, when the host's ID database knows it, its name. */
export interface NodeDeviceId {
  id: string;
  name?: string;
}

/** `<capability type='pci'>`: a PCI function. `address` is the `dddd:bb:ss.f` form `lspci -D` prints. */
export interface PciCapability {
  type: 'pci';
  address: string;
  domain: number;
  bus: number;
  slot: number;
  function: number;
  /** PCI class code, e.g. `'0x020000'` (Ethernet). */
  class?: string;
  product?: NodeDeviceId;
  vendor?: NodeDeviceId;
  /** IOMMU group: every device of a group must be passed through together. Absent without an IOMMU. */
  iommuGroup?: number;
}

/** `<capability type='usb_device'>`: a USB device, passed through by `bus`/`device` or vendor/product. */
export interface UsbDeviceCapability {
  type: 'usb_device';
  bus: number;
  device: number;
  product?: NodeDeviceId;
  vendor?: NodeDeviceId;
}

/** `<capability type='net'>`: a host network interface. */
export interface NetCapability {
  type: 'net';
  interface: string;
  address?: string;
  link?: { state?: string; speed?: number };
}

/** `<capability type='scsi'>`: a SCSI LUN (`host:bus:target:lun`). */
export interface ScsiCapability {
  type: 'scsi';
  host: number;
  bus: number;
  target: number;
  lun: number;
  /** `'disk'`, `'cdrom'`… */
  scsiType?: string;
}

/** `<capability type='scsi_host'>`: a SCSI host adapter. */
export interface ScsiHostCapability {
  type: 'scsi_host';
  host: number;
}

/** `<capability type='mdev'>`: a mediated device (vGPU slice…); `mdevType` is its type id, e.g. `'nvidia-11'`. */
export interface MdevCapability {
  type: 'mdev';
  mdevType?: string;
  uuid?: string;
  iommuGroup?: number;
}

/**
 * The capability names of libvirt 9.0 that this model keeps as raw XML.
 * `'unknown'` stands for a name a newer libvirt may add: it is a closed set of
 * literals (not `string`) so that `c.type === 'pci'` narrows to
 * {@link PciCapability} — a `type: string` member would overlap every name.
 */
export type OtherCapabilityType =
  | 'system'
  | 'usb'
  | 'scsi_target'
  | 'storage'
  | 'fc_host'
  | 'vports'
  | 'scsi_generic'
  | 'drm'
  | 'mdev_types'
  | 'ccw'
  | 'css'
  | 'vdpa'
  | 'ap_card'
  | 'ap_queue'
  | 'ap_matrix'
  | 'vpd'
  | 'unknown';

/**
 * A capability this model does not type (`storage`, `drm`, `system`…): its
 * name and raw XML. `name` is always libvirt's own name; `type` equals it,
 * except for a name libvirt 9.0 does not have, where `type` is `'unknown'`.
 *
 * @example
 * const storage = dev.capabilities.find((c) => c.type === 'storage'); // OtherCapability | undefined
 */
export interface OtherCapability {
  type: OtherCapabilityType;
  /** libvirt's name of the capability (`<capability type='…'>`). */
  name: string;
  xml: string;
}

// A Record, not a list, so the compiler checks it names exactly the union's members.
const OTHER_CAPABILITY_TYPES: Record<Exclude<OtherCapabilityType, 'unknown'>, true> = {
  system: true,
  usb: true,
  scsi_target: true,
  storage: true,
  fc_host: true,
  vports: true,
  scsi_generic: true,
  drm: true,
  mdev_types: true,
  ccw: true,
  css: true,
  vdpa: true,
  ap_card: true,
  ap_queue: true,
  ap_matrix: true,
  vpd: true,
};

function otherCapabilityType(name: string): OtherCapabilityType {
  return Object.hasOwn(OTHER_CAPABILITY_TYPES, name) ? (name as OtherCapabilityType) : 'unknown';
}

/** One capability of a node device. */
export type NodeDeviceCapability =
  PciCapability | UsbDeviceCapability | NetCapability | ScsiCapability | ScsiHostCapability | MdevCapability | OtherCapability;

/**
 * A host device as libvirt's node-device driver describes it (read-only:
 * libvirt builds these from sysfs/udev; only mdevs and vHBAs are created from
 * XML, which this model does not cover).
 *
 * @see https://libvirt.org/formatnode.html
 */
export interface NodeDeviceModel {
  /** e.g. `'pci_0000_00_1f_2'`, `'net_eth0_52_54_00_12_34_56'`. */
  name: string;
  /** sysfs path. */
  path?: string;
  /** Parent device name (`'computer'` for top-level devices). */
  parent?: string;
  /** The host driver bound now (`'vfio-pci'` once detached for passthrough); absent when none is. */
  driver?: string;
  /** `/dev` nodes of the device. */
  devnodes?: string[];
  capabilities: NodeDeviceCapability[];
}

/**
 * Parse node device XML (from `virNodeDeviceGetXMLDesc`).
 *
 * @example parseNodeDeviceXml(xml).capabilities.find((c) => c.type === 'pci')?.address // narrowed to PciCapability
 * @throws XmlParseError when malformed, not a `<device>`, or without `<name>`.
 * @see https://libvirt.org/formatnode.html
 */
export function parseNodeDeviceXml(xml: string): NodeDeviceModel {
  const r = ElementReader.root(xml, 'device');
  const devnodes = r.children('devnode').map((d) => d.text());
  return compact({
    name: r.childText('name') ?? r.fail('missing <name>'),
    path: r.childText('path'),
    parent: r.childText('parent'),
    driver: r.child('driver')?.childText('name'),
    devnodes: devnodes.length > 0 ? devnodes : undefined,
    capabilities: r.children('capability').map(readCapability),
  });
}

function readCapability(c: ElementReader): NodeDeviceCapability {
  const type = c.requiredAttr('type');
  const num = (name: string): number => {
    const child = c.child(name);
    return child === undefined ? c.fail(`missing <${name}>`) : child.intText();
  };
  switch (type) {
    case 'pci': {
      const [domain, bus, slot, fn] = [num('domain'), num('bus'), num('slot'), num('function')];
      const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
      return compact({
        type,
        address: `${hex(domain, 4)}:${hex(bus, 2)}:${hex(slot, 2)}.${fn.toString(16)}`,
        domain,
        bus,
        slot,
        function: fn,
        class: c.childText('class'),
        product: readId(c.child('product')),
        vendor: readId(c.child('vendor')),
        iommuGroup: c.child('iommuGroup')?.int('number'),
      });
    }
    case 'usb_device':
      return compact({
        type,
        bus: num('bus'),
        device: num('device'),
        product: readId(c.child('product')),
        vendor: readId(c.child('vendor')),
      });
    case 'net': {
      const link = c.child('link');
      return compact({
        type,
        interface: c.childText('interface') ?? c.fail('missing <interface>'),
        address: c.childText('address'),
        link: link && compact({ state: link.attr('state'), speed: link.int('speed') }),
      });
    }
    case 'scsi':
      return compact({ type, host: num('host'), bus: num('bus'), target: num('target'), lun: num('lun'), scsiType: c.childText('type') });
    case 'scsi_host':
      return { type, host: num('host') };
    case 'mdev':
      return compact({
        type,
        mdevType: c.child('type')?.attr('id'),
        uuid: c.childText('uuid'),
        iommuGroup: c.child('iommuGroup')?.int('number'),
      });
    default:
      return { type: otherCapabilityType(type), name: type, xml: c.raw() };
  }
}

function readId(el: ElementReader | undefined): NodeDeviceId | undefined {
  if (el === undefined) return undefined;
  const name = el.text().trim();
  return compact({ id: el.requiredAttr('id'), name: name.length > 0 ? name : undefined });
}
