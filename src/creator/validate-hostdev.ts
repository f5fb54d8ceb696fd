/**
 * Pure validation of `hostdevs`: PCI, USB and mdev devices by address, ids or
 * node device name. PCI and mdev names carry their address; USB names do not,
 * so their source is filled in at create time (`references.ts`).
 *
 * @module
 */
import { specError } from './errors.js';
import { SpecIssues } from './issues.js';
import type { HostdevSpec } from './spec-hardware.js';
import { HOSTDEV_KEYS, HOSTDEV_USB_KEYS, checkSpecKeys } from './spec-keys.js';
import { normalizeUuid, type HostdevDevice } from '../xml/index.js';

const PCI_NAME = /^pci_([0-9a-f]{4})_([0-9a-f]{2})_([0-9a-f]{2})_([0-7])$/;
const PCI_ADDRESS = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/;
/** libvirt names mdevs `mdev_<uuid with _>`, since 7.x followed by `_<parent>`. */
const MDEV_NAME = /^mdev_([0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12})(_.+)?$/;
const USB_ID = /^0x[0-9a-fA-F]{4}$/;
/** libvirt names USB devices after their sysfs path: `usb_1_3`, `usb_1_1_2`, root hubs `usb_usb1`. */
const USB_NAME = /^usb_[A-Za-z0-9_]{1,64}$/;

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pciSource(parts: string[]): HostdevDevice['source'] {
  const [domain, bus, slot, fn] = parts.map((p) => p.toLowerCase());
  return { address: { domain: `0x${domain}`, bus: `0x${bus}`, slot: `0x${slot}`, function: `0x${fn}` } };
}

/** Check one `hostdevs` entry and build its `<hostdev>` (a USB node device gets an empty source). */
export function checkHostdev(value: unknown, i: number): HostdevDevice {
  const path = `hostdevs[${i}]`;
  if (!isObject(value)) throw specError(path, 'must be an object');
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(value, HOSTDEV_KEYS, path));
  const h = value as HostdevSpec;
  const given = (['nodeDevice', 'pci', 'usb', 'mdev'] as const).filter((k) => h[k] !== undefined);
  const one = issues.expect(given.length === 1, path, 'give exactly one of nodeDevice, pci, usb and mdev');
  if (h.managed !== undefined) issues.expect(typeof h.managed === 'boolean', `${path}.managed`, 'must be a boolean');
  // The source is read only from exactly one way of naming the device.
  const device = one ? issues.field(() => hostdevSource(h, path, h.managed ?? true)) : undefined;
  issues.throwIfAny();
  return device!;
}

/** The `<hostdev>` of the one way `h` names its device. */
function hostdevSource(h: HostdevSpec, path: string, managed: boolean): HostdevDevice {
  if (h.nodeDevice !== undefined) {
    if (typeof h.nodeDevice !== 'string') throw specError(`${path}.nodeDevice`, 'must be a node device name');
    const pci = PCI_NAME.exec(h.nodeDevice);
    if (pci !== null) return { type: 'pci', managed, source: pciSource(pci.slice(1)) };
    const mdev = MDEV_NAME.exec(h.nodeDevice);
    if (mdev?.[1] !== undefined) return { type: 'mdev', model: 'vfio-pci', source: { address: { uuid: mdev[1].replaceAll('_', '-') } } };
    // The name does not carry the ids: the source is filled from the node device at create time.
    if (USB_NAME.test(h.nodeDevice)) return { type: 'usb', managed, source: {} };
    throw specError(`${path}.nodeDevice`, 'must be a PCI (pci_DDDD_BB_SS_F), USB (usb_…) or mdev (mdev_<uuid>) node device name');
  }
  if (h.pci !== undefined) {
    const pci = typeof h.pci === 'string' ? PCI_ADDRESS.exec(h.pci) : null;
    if (pci === null) throw specError(`${path}.pci`, "must be a PCI address such as '0000:01:00.0'");
    return { type: 'pci', managed, source: pciSource(pci.slice(1)) };
  }
  if (h.usb !== undefined) {
    if (!isObject(h.usb)) throw specError(`${path}.usb`, 'must be { vendor, product }');
    const usb = h.usb;
    const issues = new SpecIssues();
    issues.field(() => checkSpecKeys(usb, HOSTDEV_USB_KEYS, `${path}.usb`));
    for (const key of ['vendor', 'product'] as const)
      issues.expect(typeof usb[key] === 'string' && USB_ID.test(usb[key]), `${path}.usb.${key}`, "must be a USB id such as '0x046d'");
    issues.throwIfAny();
    return { type: 'usb', managed, source: { vendor: h.usb.vendor.toLowerCase(), product: h.usb.product.toLowerCase() } };
  }
  return { type: 'mdev', model: 'vfio-pci', source: { address: { uuid: normalizeUuid(h.mdev as string, `${path}.mdev`) } } };
}

/**
 * Refuse a host device given twice (by the same address or ids, or the same node device name).
 * Run again once USB node devices are resolved.
 */
export function checkHostdevsDistinct(hostdevs: readonly HostdevDevice[], pending: readonly { index: number; name: string }[]): void {
  const issues = new SpecIssues();
  const seen = new Map<string, number>();
  hostdevs.forEach((h, i) => {
    const name = pending.find((p) => p.index === i)?.name;
    const key = JSON.stringify(name === undefined ? [h.type, h.source] : ['node', name]);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else issues.expect(false, `hostdevs[${i}]`, `is the same device as hostdevs[${first}]`);
  });
  issues.throwIfAny();
}
