import { compact, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { codecToXml, codecFromXml, readCommon, readPart, writeCommon, type DeviceCodec, type DeviceCommon } from './common.js';

/** `<backend>` of an RNG device. */
export interface RngBackend extends Extensible {
  /** `'random'` reads a host device (`path`), `'builtin'` uses QEMU's own generator, `'egd'` a character device. */
  model: Open<'random' | 'egd' | 'builtin'>;
  /** For `random`: the host entropy source, e.g. `/dev/urandom`. */
  path?: string;
}

/**
 * A `<rng>` device (virtio-rng): entropy for the guest.
 *
 * @see https://libvirt.org/formatdomain.html#random-number-generator-device
 */
export interface RngDevice extends DeviceCommon {
  model: Open<'virtio' | 'virtio-transitional' | 'virtio-non-transitional'>;
  backend: RngBackend;
}

function write(w: ElementWriter, rng: RngDevice): void {
  const p = w.path;
  if (typeof rng.model !== 'string' || rng.model === '') throw invalidSpec(`${p}.model`, 'is required');
  if (rng.backend === undefined || typeof rng.backend.model !== 'string' || rng.backend.model === '')
    throw invalidSpec(`${p}.backend.model`, 'is required');
  w.attr('model', rng.model);
  const backend = w.child('backend', { model: rng.backend.model }, `${p}.backend`);
  if (rng.backend.path !== undefined) backend.text(rng.backend.path, 'path');
  backend.extras(rng.backend);
  writeCommon(w, rng);
}

function read(r: ElementReader): RngDevice {
  const backend =
    readPart(r, 'backend', (b) => {
      const text = b.text().trim();
      return compact({ model: b.requiredAttr('model'), path: text === '' ? undefined : text });
    }) ?? r.fail('missing <backend>');
  return readCommon(r, { model: r.requiredAttr('model'), backend });
}

/** Writes and reads `<rng>`. */
export const rngCodec: DeviceCodec<RngDevice> = { element: 'rng', write, read };

/**
 * Build the XML of one RNG device.
 *
 * @example buildRngXml({ model: 'virtio', backend: { model: 'random', path: '/dev/urandom' } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing model or backend.
 * @see https://libvirt.org/formatdomain.html#random-number-generator-device
 */
export function buildRngXml(rng: RngDevice): string {
  return codecToXml(rngCodec, rng);
}

/**
 * Parse one `<rng>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseRngXml(xml)
 * @throws XmlParseError when malformed
 * @see https://libvirt.org/formatdomain.html#random-number-generator-device
 */
export function parseRngXml(xml: string): RngDevice {
  return codecFromXml(rngCodec, xml);
}
