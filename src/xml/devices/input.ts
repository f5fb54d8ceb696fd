import { compact, type ElementReader } from '../core/reader.js';
import type { Open } from '../core/types.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { codecToXml, codecFromXml, readCommon, writeCommon, type DeviceCodec, type DeviceCommon } from './common.js';

/**
 * An `<input>` device. x86 machines always get a PS/2 mouse and keyboard,
 * which libvirt lists even when not asked for; a USB `tablet` gives absolute
 * pointer positions under VNC/SPICE.
 *
 * @see https://libvirt.org/formatdomain.html#input-devices
 */
export interface InputDevice extends DeviceCommon {
  type: Open<'tablet' | 'mouse' | 'keyboard' | 'passthrough' | 'evdev'>;
  bus?: Open<'usb' | 'ps2' | 'virtio' | 'xen' | 'none'>;
}

function write(w: ElementWriter, input: InputDevice): void {
  if (typeof input.type !== 'string' || input.type === '') throw invalidSpec(`${w.path}.type`, 'is required');
  w.attrs({ type: input.type, bus: input.bus });
  writeCommon(w, input);
}

function read(r: ElementReader): InputDevice {
  return readCommon(r, compact({ type: r.requiredAttr('type'), bus: r.attr('bus') }));
}

/** Writes and reads `<input>`. */
export const inputCodec: DeviceCodec<InputDevice> = { element: 'input', write, read };

/**
 * Build the XML of one input device.
 *
 * @example buildInputXml({ type: 'tablet', bus: 'usb' })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing type.
 * @see https://libvirt.org/formatdomain.html#input-devices
 */
export function buildInputXml(input: InputDevice): string {
  return codecToXml(inputCodec, input);
}

/**
 * Parse one `<input>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseInputXml(xml)
 * @throws XmlParseError when malformed
 * @see https://libvirt.org/formatdomain.html#input-devices
 */
export function parseInputXml(xml: string): InputDevice {
  return codecFromXml(inputCodec, xml);
}
