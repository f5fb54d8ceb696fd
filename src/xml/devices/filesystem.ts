import { compact, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import {
  codecToXml,
  codecFromXml,
  readCommon,
  readFlag,
  readPart,
  writeCommon,
  writeFlag,
  type DeviceCodec,
  type DeviceCommon,
} from './common.js';

/** `<driver>` of a shared file system. */
export interface FilesystemDriver extends Extensible {
  /** `'virtiofs'` (needs shared memory backing), `'path'` (9p)… */
  type?: Open<'virtiofs' | 'path' | 'handle' | 'loop' | 'nbd' | 'ploop'>;
  queue?: number;
}

/** `<source>` of a shared file system. */
export interface FilesystemSource extends Extensible {
  /** Host directory (type mount). */
  dir?: string;
  file?: string;
  socket?: string;
}

/**
 * A host directory shared with the guest, `<filesystem>`.
 *
 * @see https://libvirt.org/formatdomain.html#filesystems
 */
export interface FilesystemDevice extends DeviceCommon {
  /** @default 'mount' */
  type?: Open<'mount' | 'template' | 'file' | 'block' | 'ram' | 'bind'>;
  /** 9p security model. virtiofs only supports `'passthrough'`. */
  accessMode?: Open<'passthrough' | 'mapped' | 'squash'>;
  driver?: FilesystemDriver;
  source?: FilesystemSource;
  /** `<target dir>`: for QEMU this is the mount tag the guest uses (`mount -t virtiofs <tag> /mnt`). */
  target: { dir: string } & Extensible;
  readonly?: boolean;
}

function write(w: ElementWriter, fs: FilesystemDevice): void {
  const p = w.path;
  if (fs.target === undefined || typeof fs.target.dir !== 'string' || fs.target.dir === '')
    throw invalidSpec(`${p}.target.dir`, 'is required');
  w.attrs({ type: fs.type, accessmode: fs.accessMode });
  if (fs.driver !== undefined) w.child('driver', { type: fs.driver.type, queue: fs.driver.queue }, `${p}.driver`).extras(fs.driver);
  if (fs.source !== undefined) {
    const { dir, file, socket } = fs.source;
    w.child('source', { dir, file, socket }, `${p}.source`).extras(fs.source);
  }
  w.child('target', { dir: fs.target.dir }, `${p}.target`).extras(fs.target);
  writeFlag(w, 'readonly', fs.readonly);
  writeCommon(w, fs);
}

function read(r: ElementReader): FilesystemDevice {
  return readCommon(
    r,
    compact({
      type: r.attr('type'),
      accessMode: r.attr('accessmode'),
      driver: readPart(r, 'driver', (d) => compact({ type: d.attr('type'), queue: d.int('queue') })),
      source: readPart(r, 'source', (s) => compact({ dir: s.attr('dir'), file: s.attr('file'), socket: s.attr('socket') })),
      target: readPart(r, 'target', (t) => ({ dir: t.requiredAttr('dir') })) ?? r.fail('missing <target>'),
      readonly: readFlag(r, 'readonly'),
    }),
  );
}

/** Writes and reads `<filesystem>`. */
export const filesystemCodec: DeviceCodec<FilesystemDevice> = { element: 'filesystem', write, read };

/**
 * Build the XML of one shared file system.
 *
 * @example buildFilesystemXml({ type: 'mount', accessMode: 'passthrough', driver: { type: 'virtiofs' }, source: { dir: '/srv/share' }, target: { dir: 'share' } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing target.
 * @see https://libvirt.org/formatdomain.html#filesystems
 */
export function buildFilesystemXml(fs: FilesystemDevice): string {
  return codecToXml(filesystemCodec, fs);
}

/**
 * Parse one `<filesystem>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseFilesystemXml(xml)
 * @throws XmlParseError when malformed or without `<target dir>`
 * @see https://libvirt.org/formatdomain.html#filesystems
 */
export function parseFilesystemXml(xml: string): FilesystemDevice {
  return codecFromXml(filesystemCodec, xml);
}
