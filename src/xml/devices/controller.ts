import { compact, type ElementReader } from '../core/reader.js';
import type { Open } from '../core/types.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { codecToXml, codecFromXml, readCommon, writeCommon, type DeviceCodec, type DeviceCommon } from './common.js';

/**
 * A `<controller>`. libvirt adds the controllers a machine type needs (PCIe
 * root ports, USB, SATA) by itself; give one only to choose a model or index.
 * Children such as `<model name>`, `<target chassis port>` and `<driver queues>`
 * are kept in `extraElements`.
 *
 * @see https://libvirt.org/formatdomain.html#controllers
 */
export interface ControllerDevice extends DeviceCommon {
  type: Open<'pci' | 'usb' | 'sata' | 'scsi' | 'virtio-serial' | 'ide' | 'fdc' | 'ccid' | 'xenbus' | 'isa'>;
  index?: number;
  /** `'pcie-root'`, `'pcie-root-port'`, `'qemu-xhci'`, `'virtio-scsi'`… */
  model?: string;
}

function write(w: ElementWriter, c: ControllerDevice): void {
  if (typeof c.type !== 'string' || c.type === '') throw invalidSpec(`${w.path}.type`, 'is required');
  if (c.index !== undefined && (!Number.isSafeInteger(c.index) || c.index < 0))
    throw invalidSpec(`${w.path}.index`, 'must be an integer ≥ 0');
  w.attrs({ type: c.type, index: c.index, model: c.model });
  writeCommon(w, c);
}

function read(r: ElementReader): ControllerDevice {
  return readCommon(r, compact({ type: r.requiredAttr('type'), index: r.int('index'), model: r.attr('model') }));
}

/** Writes and reads `<controller>`. */
export const controllerCodec: DeviceCodec<ControllerDevice> = { element: 'controller', write, read };

/**
 * Build the XML of one controller.
 *
 * @example buildControllerXml({ type: 'scsi', index: 0, model: 'virtio-scsi' })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing type or bad index.
 * @see https://libvirt.org/formatdomain.html#controllers
 */
export function buildControllerXml(controller: ControllerDevice): string {
  return codecToXml(controllerCodec, controller);
}

/**
 * Parse one `<controller>` element.
 *
 * @example parseControllerXml(xml)
 * @throws XmlParseError when malformed or without `type`.
 * @see https://libvirt.org/formatdomain.html#controllers
 */
export function parseControllerXml(xml: string): ControllerDevice {
  return codecFromXml(controllerCodec, xml);
}
