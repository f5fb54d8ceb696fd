import { ElementReader, compact, withExtras, type Extensible } from '../core/reader.js';
import { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';

/**
 * Where a device sits on its bus, exactly as libvirt writes it: the attributes
 * of `<address>` (`{ type: 'pci', domain: '0x0000', bus: '0x01', slot: '0x00', function: '0x0' }`).
 * Builders emit an address only when one is given; libvirt assigns the rest.
 */
export interface DeviceAddress {
  type: string;
  [attribute: string]: string;
}

/** What every device has: an alias, an address, and unknown content kept for read-modify-write. */
export interface DeviceCommon extends Extensible {
  /**
   * `<alias name>`. libvirt keeps a user alias in the persistent definition only
   * when it starts with `ua-`; other aliases are generated for running domains.
   */
  alias?: string;
  /** `<address>`; omitted unless given (libvirt assigns one). */
  address?: DeviceAddress;
}

/** How one device kind is written and read. */
export interface DeviceCodec<T> {
  /** Element name, e.g. `'disk'`. */
  readonly element: string;
  write(w: ElementWriter, device: T): void;
  read(r: ElementReader): T;
}

/** Read `<alias>` and `<address>` and the remaining unknown content into `device`. Call last. */
export function readCommon<T extends object>(r: ElementReader, device: T): T & DeviceCommon {
  const out = device as T & DeviceCommon;
  const alias = r.child('alias')?.attr('name');
  const addressEl = r.child('address');
  let address: DeviceAddress | undefined;
  if (addressEl !== undefined) {
    const raw = addressEl.extras();
    if (raw.extraElements !== undefined) {
      // An address with children (s390 zPCI) is kept whole rather than half-understood.
      (out.extraElements ??= []).push(addressEl.raw());
    } else {
      const attrs = raw.extraAttributes ?? {};
      address = { ...attrs, type: attrs['type'] ?? '' };
    }
  }
  compact(Object.assign(out, { alias, address }));
  return withExtras(out, r.extras());
}

/** Write `<alias>`, `<address>` and unknown content. Call last. */
export function writeCommon(w: ElementWriter, device: DeviceCommon): void {
  if (device.alias !== undefined) w.child('alias', { name: device.alias }, w.path);
  if (device.address !== undefined) {
    if (typeof device.address.type !== 'string' || device.address.type === '') throw invalidSpec(`${w.path}.address.type`, 'is required');
    const address = w.child('address', {}, `${w.path}.address`);
    for (const [name, value] of Object.entries(device.address)) address.attr(name, value);
  }
  w.extras(device);
}

/** `<boot order='N'/>` of disks and interfaces. */
export function readBootOrder(r: ElementReader): number | undefined {
  return r.child('boot')?.int('order');
}

export function writeBootOrder(w: ElementWriter, order: number | undefined): void {
  if (order === undefined) return;
  if (!Number.isSafeInteger(order) || order < 1) throw invalidSpec(`${w.path}.bootOrder`, 'must be an integer ≥ 1');
  w.child('boot', { order });
}

/** `true` when a presence-only child (`<readonly/>`) exists; marks it used. */
export function readFlag(r: ElementReader, name: string): boolean | undefined {
  return r.child(name) === undefined ? undefined : true;
}

export function writeFlag(w: ElementWriter, name: string, value: boolean | undefined): void {
  if (value === true) w.child(name);
}

/**
 * Read a child element that carries one modelled attribute (`<mac address>`).
 * When the element has anything more, it is kept whole in `keep` instead and
 * undefined is returned, so nothing is half-understood.
 */
export function readSimple(r: ElementReader, element: string, attr: string, keep: string[]): string | undefined {
  const child = r.child(element);
  if (child === undefined) return undefined;
  const value = child.attr(attr);
  if (value !== undefined && !child.hasUnused()) return value;
  keep.push(child.raw());
  return undefined;
}

/** Build one device's XML on its own (for `virDomainAttachDevice` and friends). */
export function codecToXml<T>(codec: DeviceCodec<T>, device: T, path: string = codec.element): string {
  const w = ElementWriter.document(codec.element, path);
  codec.write(w, device);
  return w.toXml();
}

/** Parse one device's XML on its own. */
export function codecFromXml<T>(codec: DeviceCodec<T>, xml: string): T {
  return codec.read(ElementReader.root(xml, codec.element));
}

/** Read an optional child into a typed object with its own extras, or undefined when absent. */
export function readPart<T extends object>(r: ElementReader, name: string, read: (part: ElementReader) => T): (T & Extensible) | undefined {
  const part = r.child(name);
  if (part === undefined) return undefined;
  const value = read(part);
  return compact(withExtras(value, part.extras()));
}
