import { compact, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { yesNo, type ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { codecToXml, codecFromXml, readCommon, readPart, writeCommon, type DeviceCodec, type DeviceCommon } from './common.js';

/** `<model>` of a video device. */
export interface VideoModel extends Extensible {
  type: Open<'vga' | 'cirrus' | 'vmvga' | 'qxl' | 'virtio' | 'bochs' | 'ramfb' | 'none' | 'xen' | 'vbox' | 'gop'>;
  /** Video memory in KiB (libvirt's `vram` attribute has no unit: it is always KiB). */
  vramKiB?: number;
  heads?: number;
  primary?: boolean;
}

/**
 * A `<video>` device.
 *
 * @see https://libvirt.org/formatdomain.html#video-devices
 */
export interface VideoDevice extends DeviceCommon {
  model: VideoModel;
}

function write(w: ElementWriter, v: VideoDevice): void {
  const p = `${w.path}.model`;
  if (v.model === undefined || typeof v.model.type !== 'string' || v.model.type === '') throw invalidSpec(`${p}.type`, 'is required');
  for (const [key, value] of [
    ['vramKiB', v.model.vramKiB],
    ['heads', v.model.heads],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw invalidSpec(`${p}.${key}`, 'must be an integer ≥ 0');
  }
  const { type, vramKiB, heads, primary } = v.model;
  w.child('model', { type, vram: vramKiB, heads, primary: yesNo(primary) }, p).extras(v.model);
  writeCommon(w, v);
}

function read(r: ElementReader): VideoDevice {
  const model =
    readPart(r, 'model', (m) =>
      compact({ type: m.requiredAttr('type'), vramKiB: m.int('vram'), heads: m.int('heads'), primary: m.bool('primary') }),
    ) ?? r.fail('missing <model>');
  return readCommon(r, { model });
}

/** Writes and reads `<video>`. */
export const videoCodec: DeviceCodec<VideoDevice> = { element: 'video', write, read };

/**
 * Build the XML of one video device.
 *
 * @example buildVideoXml({ model: { type: 'virtio', heads: 1, primary: true } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing model type or bad sizes.
 * @see https://libvirt.org/formatdomain.html#video-devices
 */
export function buildVideoXml(video: VideoDevice): string {
  return codecToXml(videoCodec, video);
}

/**
 * Parse one `<video>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseVideoXml(xml)
 * @throws XmlParseError when malformed or without `<model type>`
 * @see https://libvirt.org/formatdomain.html#video-devices
 */
export function parseVideoXml(xml: string): VideoDevice {
  return codecFromXml(videoCodec, xml);
}
