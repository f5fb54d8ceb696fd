import { compact, type ElementReader, type Extensible } from '../core/reader.js';
import { type StorageEncryption, readEncryption, writeEncryption } from '../storage/encryption.js';
import type { Open } from '../core/types.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import {
  codecToXml,
  codecFromXml,
  readBootOrder,
  readCommon,
  readFlag,
  readPart,
  writeBootOrder,
  writeCommon,
  writeFlag,
  type DeviceCodec,
  type DeviceCommon,
} from './common.js';

/** `<driver>` of a disk: which QEMU block driver and how it caches. */
export interface DiskDriver extends Extensible {
  /** `'qemu'` for QEMU domains. */
  name?: string;
  /** Image format: `'qcow2'`, `'raw'`… */
  type?: Open<'raw' | 'qcow2' | 'vmdk' | 'vdi' | 'vpc' | 'qed' | 'iso'>;
  cache?: Open<'default' | 'none' | 'writethrough' | 'writeback' | 'directsync' | 'unsafe'>;
  discard?: Open<'unmap' | 'ignore'>;
  io?: Open<'threads' | 'native' | 'io_uring'>;
}

/**
 * `<source>` of a disk: `file` (type file), `dev` (type block), `dir` (type
 * dir), `pool`+`volume` (type volume), `protocol`+`name` (type network).
 */
export interface DiskSource extends Extensible {
  file?: string;
  dev?: string;
  dir?: string;
  pool?: string;
  volume?: string;
  /** Network disks: `'rbd'`, `'iscsi'`, `'nbd'`, `'gluster'`, `'http'`… */
  protocol?: string;
  /** Network disks: the image or target name, e.g. `'rbd-pool/image'` or `'iqn.2013-06.com.example:iscsi-pool/1'`. */
  name?: string;
  /** For `type='volume'` on iSCSI pools: `'host'` or `'direct'`. */
  mode?: string;
  startupPolicy?: Open<'mandatory' | 'requisite' | 'optional'>;
}

/**
 * `<backingStore>`: the image chain below a disk. Read-only information that
 * libvirt reports for running domains; it is written back unchanged on
 * read-modify-write. An empty object stands for `<backingStore/>` (no backing image).
 */
export interface DiskBackingStore extends Extensible {
  type?: string;
  index?: number;
  /** `<format type>` */
  format?: string;
  source?: DiskSource;
  backingStore?: DiskBackingStore;
}

/** `<target>` of a disk: the device name in the guest and the bus. */
export interface DiskTarget extends Extensible {
  /** `'vda'`, `'sda'`, `'hdc'`… */
  dev: string;
  bus?: Open<'virtio' | 'sata' | 'scsi' | 'ide' | 'usb' | 'fdc' | 'xen' | 'sd'>;
  tray?: 'open' | 'closed';
}

/**
 * A `<disk>`.
 *
 * @see https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms
 */
export interface DiskDevice extends DeviceCommon {
  /** Where the data lives: `'file'` (a path; preferred, see AppArmor), `'block'`, `'volume'` (pool + volume)… */
  type: Open<'file' | 'block' | 'volume' | 'network' | 'dir' | 'nvme' | 'vhostuser'>;
  /** @default 'disk' (libvirt's default) */
  device?: Open<'disk' | 'cdrom' | 'floppy' | 'lun'>;
  driver?: DiskDriver;
  /** Absent for an empty CD-ROM drive. */
  source?: DiskSource;
  backingStore?: DiskBackingStore;
  target: DiskTarget;
  readonly?: boolean;
  shareable?: boolean;
  /** `<serial>` shown to the guest (e.g. in `/dev/disk/by-id`). */
  serial?: string;
  /** `<boot order>`: per-device boot order (do not mix with `os.boot`). */
  bootOrder?: number;
  /** `<encryption>`: the image is LUKS-encrypted; QEMU opens it with this secret's passphrase and the guest sees plain data. */
  encryption?: StorageEncryption;
}

function writeSource(w: ElementWriter, source: DiskSource | undefined, path: string): void {
  if (source === undefined) return;
  const { file, dev, dir, pool, volume, protocol, name, mode, startupPolicy } = source;
  w.child('source', { protocol, name, file, dev, dir, pool, volume, mode, startupPolicy }, path).extras(source);
}

function readSource(r: ElementReader): DiskSource | undefined {
  return readPart(r, 'source', (s) =>
    compact({
      protocol: s.attr('protocol'),
      name: s.attr('name'),
      file: s.attr('file'),
      dev: s.attr('dev'),
      dir: s.attr('dir'),
      pool: s.attr('pool'),
      volume: s.attr('volume'),
      mode: s.attr('mode'),
      startupPolicy: s.attr('startupPolicy'),
    }),
  );
}

function writeBackingStore(w: ElementWriter, store: DiskBackingStore | undefined, path: string): void {
  if (store === undefined) return;
  const b = w.child('backingStore', { type: store.type, index: store.index }, path);
  if (store.format !== undefined) b.child('format', { type: store.format });
  writeSource(b, store.source, `${path}.source`);
  writeBackingStore(b, store.backingStore, `${path}.backingStore`);
  b.extras(store);
}

function readBackingStore(r: ElementReader): DiskBackingStore | undefined {
  return readPart(r, 'backingStore', (b) =>
    compact({
      type: b.attr('type'),
      index: b.int('index'),
      format: b.child('format')?.attr('type'),
      source: readSource(b),
      backingStore: readBackingStore(b),
    }),
  );
}

function write(w: ElementWriter, disk: DiskDevice): void {
  const p = w.path;
  if (typeof disk.type !== 'string' || disk.type === '') throw invalidSpec(`${p}.type`, 'is required');
  if (disk.target === undefined || typeof disk.target.dev !== 'string' || disk.target.dev === '')
    throw invalidSpec(`${p}.target.dev`, 'is required');
  if (disk.type === 'volume' && disk.source !== undefined && (disk.source.pool === undefined || disk.source.volume === undefined)) {
    throw invalidSpec(`${p}.source`, "a type 'volume' disk needs source.pool and source.volume");
  }
  if (disk.type === 'file' && disk.source?.file === undefined && disk.device !== 'cdrom' && disk.device !== 'floppy') {
    throw invalidSpec(`${p}.source.file`, "is required for a type 'file' disk");
  }
  w.attrs({ type: disk.type, device: disk.device });
  if (disk.driver !== undefined) {
    const { name, type, cache, discard, io } = disk.driver;
    w.child('driver', { name, type, cache, discard, io }, `${p}.driver`).extras(disk.driver);
  }
  writeSource(w, disk.source, `${p}.source`);
  writeBackingStore(w, disk.backingStore, `${p}.backingStore`);
  const { dev, bus, tray } = disk.target;
  w.child('target', { dev, bus, tray }, `${p}.target`).extras(disk.target);
  writeFlag(w, 'readonly', disk.readonly);
  writeFlag(w, 'shareable', disk.shareable);
  w.textChild('serial', disk.serial);
  if (disk.encryption !== undefined) writeEncryption(w, disk.encryption, `${p}.encryption`);
  writeBootOrder(w, disk.bootOrder);
  writeCommon(w, disk);
}

function read(r: ElementReader): DiskDevice {
  const disk: DiskDevice = {
    type: r.attr('type') ?? 'file',
    device: r.attr('device'),
    driver: readPart(r, 'driver', (d) =>
      compact({ name: d.attr('name'), type: d.attr('type'), cache: d.attr('cache'), discard: d.attr('discard'), io: d.attr('io') }),
    ),
    source: readSource(r),
    backingStore: readBackingStore(r),
    target:
      readPart(r, 'target', (t) =>
        compact({ dev: t.requiredAttr('dev'), bus: t.attr('bus'), tray: t.attr('tray') as DiskTarget['tray'] }),
      ) ?? r.fail('missing <target>'),
    readonly: readFlag(r, 'readonly'),
    shareable: readFlag(r, 'shareable'),
    serial: r.childText('serial'),
    bootOrder: readBootOrder(r),
    encryption: readEncryption(r.child('encryption')),
  };
  return readCommon(r, compact(disk));
}

/** Writes and reads `<disk>`. */
export const diskCodec: DeviceCodec<DiskDevice> = { element: 'disk', write, read };

/**
 * Build the XML of one disk (for `virDomainAttachDeviceFlags`).
 *
 * @example buildDiskXml({ type: 'file', device: 'disk', driver: { name: 'qemu', type: 'qcow2' }, source: { file: '/var/lib/libvirt/images/vm.qcow2' }, target: { dev: 'vda', bus: 'virtio' } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) when a required field is missing or a value cannot be written.
 * @see https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms
 */
export function buildDiskXml(disk: DiskDevice): string {
  return codecToXml(diskCodec, disk);
}

/**
 * Parse one `<disk>` element.
 *
 * @example parseDiskXml(xml)
 * @throws XmlParseError when the XML is malformed or has no `<target dev>`.
 * @see https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms
 */
export function parseDiskXml(xml: string): DiskDevice {
  return codecFromXml(diskCodec, xml);
}
