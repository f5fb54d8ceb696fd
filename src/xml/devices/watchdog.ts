import { compact, type ElementReader } from '../core/reader.js';
import type { Open } from '../core/types.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { codecToXml, codecFromXml, readCommon, writeCommon, type DeviceCodec, type DeviceCommon } from './common.js';

/**
 * A `<watchdog>` device.
 *
 * @see https://libvirt.org/formatdomain.html#watchdog-device
 */
export interface WatchdogDevice extends DeviceCommon {
  /** `'i6300esb'` (PCI), `'itco'` (built into q35), `'ib700'` (ISA), `'diag288'` (s390). */
  model: Open<'i6300esb' | 'ib700' | 'diag288' | 'itco'>;
  /** What happens when the guest stops petting the watchdog. @default 'reset' */
  action?: Open<'reset' | 'shutdown' | 'poweroff' | 'pause' | 'none' | 'dump' | 'inject-nmi'>;
}

function write(w: ElementWriter, wd: WatchdogDevice): void {
  if (typeof wd.model !== 'string' || wd.model === '') throw invalidSpec(`${w.path}.model`, 'is required');
  w.attrs({ model: wd.model, action: wd.action });
  writeCommon(w, wd);
}

function read(r: ElementReader): WatchdogDevice {
  return readCommon(r, compact({ model: r.requiredAttr('model'), action: r.attr('action') }));
}

/** Writes and reads `<watchdog>`. */
export const watchdogCodec: DeviceCodec<WatchdogDevice> = { element: 'watchdog', write, read };

/**
 * Build the XML of one watchdog.
 *
 * @example buildWatchdogXml({ model: 'i6300esb', action: 'reset' })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing model.
 * @see https://libvirt.org/formatdomain.html#watchdog-device
 */
export function buildWatchdogXml(watchdog: WatchdogDevice): string {
  return codecToXml(watchdogCodec, watchdog);
}

/**
 * Parse one `<watchdog>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseWatchdogXml(xml)
 * @throws XmlParseError when malformed
 * @see https://libvirt.org/formatdomain.html#watchdog-device
 */
export function parseWatchdogXml(xml: string): WatchdogDevice {
  return codecFromXml(watchdogCodec, xml);
}
