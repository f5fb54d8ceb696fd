import { compact, type ElementReader } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { onOff, type ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { codecToXml, codecFromXml, readCommon, writeCommon, type DeviceCodec, type DeviceCommon } from './common.js';

/**
 * The `<memballoon>` device. QEMU domains get a virtio balloon unless one with
 * `model: 'none'` is given. `<stats period>` and other children are kept in `extraElements`.
 *
 * @see https://libvirt.org/formatdomain.html#memory-balloon-device
 */
export interface MemballoonDevice extends DeviceCommon {
  model: Open<'virtio' | 'virtio-transitional' | 'virtio-non-transitional' | 'xen' | 'none'>;
  autodeflate?: boolean;
  freePageReporting?: boolean;
}

function write(w: ElementWriter, b: MemballoonDevice): void {
  if (typeof b.model !== 'string' || b.model === '') throw invalidSpec(`${w.path}.model`, 'is required');
  w.attrs({ model: b.model, autodeflate: onOff(b.autodeflate), freePageReporting: onOff(b.freePageReporting) });
  writeCommon(w, b);
}

function read(r: ElementReader): MemballoonDevice {
  return readCommon(
    r,
    compact({ model: r.requiredAttr('model'), autodeflate: r.bool('autodeflate'), freePageReporting: r.bool('freePageReporting') }),
  );
}

/** Writes and reads `<memballoon>`. */
export const memballoonCodec: DeviceCodec<MemballoonDevice> = { element: 'memballoon', write, read };

/**
 * Build the XML of the memory balloon.
 *
 * @example buildMemballoonXml({ model: 'virtio' })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing model.
 * @see https://libvirt.org/formatdomain.html#memory-balloon-device
 */
export function buildMemballoonXml(balloon: MemballoonDevice): string {
  return codecToXml(memballoonCodec, balloon);
}

/**
 * Parse one `<memballoon>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseMemballoonXml(xml)
 * @throws XmlParseError when malformed
 * @see https://libvirt.org/formatdomain.html#memory-balloon-device
 */
export function parseMemballoonXml(xml: string): MemballoonDevice {
  return codecFromXml(memballoonCodec, xml);
}
