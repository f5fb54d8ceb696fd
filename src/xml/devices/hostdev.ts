import { compact, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { yesNo, type ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { codecToXml, codecFromXml, readCommon, readPart, writeCommon, type DeviceCodec, type DeviceCommon } from './common.js';

/** `<source>` of a host device: a host address (PCI, USB bus/device, mdev UUID) or a USB vendor/product pair. */
export interface HostdevSource extends Extensible {
  /**
   * `<address>` attributes as libvirt writes them: PCI `{ domain: '0x0000', bus: '0x00', slot: '0x1f', function: '0x2' }`,
   * USB `{ bus: '1', device: '3' }`, mdev `{ uuid }`.
   */
  address?: Record<string, string>;
  /** USB `<vendor id>`, e.g. `'0x046d'`. */
  vendor?: string;
  /** USB `<product id>`, e.g. `'0xc52b'`. */
  product?: string;
}

/**
 * A host device passed through to the guest, `<hostdev mode='subsystem'>`.
 *
 * @see https://libvirt.org/formatdomain.html#host-device-assignment
 */
export interface HostdevDevice extends DeviceCommon {
  /** @default 'subsystem' */
  mode?: Open<'subsystem' | 'capabilities'>;
  type: Open<'pci' | 'usb' | 'mdev' | 'scsi' | 'scsi_host'>;
  /** libvirt detaches the device from its host driver at start and gives it back at stop (PCI, USB). */
  managed?: boolean;
  /** mdev: the device API, e.g. `'vfio-pci'`. */
  model?: string;
  source: HostdevSource;
}

function write(w: ElementWriter, h: HostdevDevice): void {
  const p = w.path;
  if (typeof h.type !== 'string' || h.type === '') throw invalidSpec(`${p}.type`, 'is required');
  if (h.source === undefined || typeof h.source !== 'object') throw invalidSpec(`${p}.source`, 'is required');
  w.attrs({ mode: h.mode ?? 'subsystem', type: h.type, managed: yesNo(h.managed), model: h.model });
  const s = w.child('source', {}, `${p}.source`);
  if (h.source.vendor !== undefined) s.child('vendor', { id: h.source.vendor }, `${p}.source.vendor`);
  if (h.source.product !== undefined) s.child('product', { id: h.source.product }, `${p}.source.product`);
  if (h.source.address !== undefined) s.child('address', h.source.address, `${p}.source.address`);
  s.extras(h.source);
  writeCommon(w, h);
}

function read(r: ElementReader): HostdevDevice {
  const source =
    readPart(r, 'source', (s) => {
      const keep: string[] = [];
      const id = (name: string): string | undefined => {
        const el = s.child(name);
        if (el === undefined) return undefined;
        const value = el.attr('id');
        if (value !== undefined && !el.hasUnused()) return value;
        keep.push(el.raw());
        return undefined;
      };
      const vendor = id('vendor');
      const product = id('product');
      const addr = s.child('address');
      let address: Record<string, string> | undefined;
      if (addr !== undefined) {
        const extras = addr.extras();
        if (extras.extraElements !== undefined) keep.push(addr.raw());
        else address = extras.extraAttributes ?? {};
      }
      const value: HostdevSource = compact({ vendor, product, address });
      return keep.length > 0 ? { ...value, extraElements: keep } : value;
    }) ?? r.fail('missing <source>');
  return readCommon(
    r,
    compact({ mode: r.attr('mode'), type: r.requiredAttr('type'), managed: r.bool('managed'), model: r.attr('model'), source }),
  );
}

/** Writes and reads `<hostdev>`. */
export const hostdevCodec: DeviceCodec<HostdevDevice> = { element: 'hostdev', write, read };

/**
 * Build a `<hostdev>` element.
 *
 * @example buildHostdevXml({ type: 'pci', managed: true, source: { address: { domain: '0x0000', bus: '0x00', slot: '0x1f', function: '0x2' } } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) when `type` or `source` is missing.
 * @see https://libvirt.org/formatdomain.html#host-device-assignment
 */
export function buildHostdevXml(hostdev: HostdevDevice): string {
  return codecToXml(hostdevCodec, hostdev);
}

/**
 * Parse a `<hostdev>` element.
 *
 * @example parseHostdevXml(xml).source.address?.['slot']
 * @throws XmlParseError when malformed or not a `<hostdev>`.
 * @see https://libvirt.org/formatdomain.html#host-device-assignment
 */
export function parseHostdevXml(xml: string): HostdevDevice {
  return codecFromXml(hostdevCodec, xml);
}
