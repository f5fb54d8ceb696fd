import { ElementReader, compact, withExtras, type Extensible } from '../core/reader.js';
import { type StorageEncryption, readEncryption, writeEncryption } from './encryption.js';
import type { Open } from '../core/types.js';
import { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { parseSize } from '../units.js';
import { validateVolumeName } from '../validate.js';
import { readPermissions, writePermissions, type StoragePermissions } from './permissions.js';

/** Image formats of file volumes. */
export type VolumeFormat = Open<'raw' | 'qcow2' | 'qcow' | 'qed' | 'vmdk' | 'vpc' | 'vdi' | 'iso' | 'dmg' | 'cow' | 'bochs' | 'cloop'>;

/** `<target>` of a volume. */
export interface StorageVolumeTarget extends Extensible {
  /** Path on the host; computed by libvirt from the pool (read-only on create). */
  path?: string;
  /** `<format type>` */
  format?: VolumeFormat;
  permissions?: StoragePermissions;
  /** qcow2 compatibility level, e.g. `'1.1'`. */
  compat?: string;
  /**
   * `<timestamps>` libvirt reports for file volumes (read-only): seconds since
   * the epoch with nanoseconds, exactly as libvirt printed them
   * (`'1796650168.050099193'`). Of the file a symlink points to, not the link.
   */
  timestamps?: StorageVolumeTimestamps;
  /** `<encryption>`: create the image encrypted (LUKS) with the passphrase of a libvirt secret. */
  encryption?: StorageEncryption;
}

/** File times of a volume, as libvirt reports them (`'seconds.nanoseconds'` strings, kept exact). */
export interface StorageVolumeTimestamps extends Extensible {
  atime?: string;
  mtime?: string;
  ctime?: string;
  /** Birth time; `'0'` where the filesystem does not record it. */
  btime?: string;
}

/** `<backingStore>` of a volume: the base image of a copy-on-write overlay. */
export interface StorageVolumeBackingStore extends Extensible {
  /** Path of the base image. */
  path: string;
  format?: VolumeFormat;
  permissions?: StoragePermissions;
}

/**
 * A storage volume (`<volume>`).
 *
 * @see https://libvirt.org/formatstorage.html#storage-volume-xml
 */
export interface StorageVolumeModel extends Extensible {
  type?: Open<'file' | 'block' | 'dir' | 'network' | 'netdir' | 'ploop'>;
  /** File name in the pool; see `validateVolumeName`. */
  name: string;
  /** Unique key; reported by libvirt (the path, for file volumes). */
  key?: string;
  /** Virtual size in bytes. */
  capacity: bigint;
  /** Bytes to preallocate now (0 = sparse); libvirt reports the actual allocation. */
  allocation?: bigint;
  /** Size of the file or device holding the volume, as libvirt reports it (read-only; e.g. a qcow2 file's length). */
  physical?: bigint;
  target?: StorageVolumeTarget;
  backingStore?: StorageVolumeBackingStore;
}

/**
 * Build storage volume XML (for `virStorageVolCreateXML`).
 *
 * @example buildStorageVolumeXml({ name: 'vm1.qcow2', capacity: parseSize('20GiB'), target: { format: 'qcow2' }, backingStore: { path: '/var/lib/libvirt/images/base.qcow2', format: 'qcow2' } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad name (see `validateVolumeName`), a bad size, or a backing store without a path.
 * @see https://libvirt.org/formatstorage.html#storage-volume-xml
 */
export function buildStorageVolumeXml(volume: StorageVolumeModel): string {
  if (volume === null || typeof volume !== 'object') throw invalidSpec('volume', 'must be an object');
  validateVolumeName(volume.name, 'name');
  const w = ElementWriter.document('volume', '');
  w.attr('type', volume.type);
  w.textChild('name', volume.name).textChild('key', volume.key);
  w.child('capacity', { unit: 'bytes' }, 'capacity').text(parseSize(volume.capacity, { path: 'capacity' }), 'capacity');
  if (volume.allocation !== undefined)
    w.child('allocation', { unit: 'bytes' }, 'allocation').text(parseSize(volume.allocation, { path: 'allocation' }), 'allocation');
  if (volume.physical !== undefined)
    w.child('physical', { unit: 'bytes' }, 'physical').text(parseSize(volume.physical, { path: 'physical' }), 'physical');
  if (volume.target !== undefined) {
    const t = w.child('target', {}, 'target');
    t.textChild('path', volume.target.path);
    if (volume.target.format !== undefined) t.child('format', { type: volume.target.format }, 'target.format');
    writePermissions(t, volume.target.permissions, 'target.permissions');
    t.textChild('compat', volume.target.compat);
    const times = volume.target.timestamps;
    if (times !== undefined) {
      const tw = t.child('timestamps', {}, 'target.timestamps');
      for (const key of ['atime', 'mtime', 'ctime', 'btime'] as const) tw.textChild(key, times[key]);
      tw.extras(times);
    }
    if (volume.target.encryption !== undefined) writeEncryption(t, volume.target.encryption, 'target.encryption');
    t.extras(volume.target);
  }
  if (volume.backingStore !== undefined) {
    const b = volume.backingStore;
    if (typeof b.path !== 'string' || b.path === '') throw invalidSpec('backingStore.path', 'is required');
    const bw = w.child('backingStore', {}, 'backingStore');
    bw.textChild('path', b.path);
    if (b.format !== undefined) bw.child('format', { type: b.format }, 'backingStore.format');
    writePermissions(bw, b.permissions, 'backingStore.permissions');
    bw.extras(b);
  }
  w.extras(volume);
  return w.toXml();
}

/**
 * Parse storage volume XML (from `virStorageVolGetXMLDesc`).
 *
 * @example parseStorageVolumeXml(xml).backingStore?.path
 * @throws XmlParseError when malformed, not a `<volume>`, or without `<name>`/`<capacity>`.
 * @see https://libvirt.org/formatstorage.html#storage-volume-xml
 */
export function parseStorageVolumeXml(xml: string): StorageVolumeModel {
  const r = ElementReader.root(xml, 'volume');
  const target = r.child('target');
  const backing = r.child('backingStore');
  const volume: StorageVolumeModel = compact({
    type: r.attr('type'),
    name: r.childText('name') ?? r.fail('missing <name>'),
    key: r.childText('key'),
    capacity: (r.child('capacity') ?? r.fail('missing <capacity>')).size('bytes'),
    allocation: r.child('allocation')?.size('bytes'),
    physical: r.child('physical')?.size('bytes'),
    target:
      target &&
      withExtras(
        compact({
          path: target.childText('path')?.trim(),
          format: target.child('format')?.attr('type'),
          permissions: readPermissions(target),
          compat: target.childText('compat'),
          timestamps: readTimestamps(target.child('timestamps')),
          encryption: readEncryption(target.child('encryption')),
        }),
        target.extras(),
      ),
    backingStore:
      backing &&
      withExtras(
        compact({
          path: backing.childText('path')?.trim() ?? backing.fail('missing <path>'),
          format: backing.child('format')?.attr('type'),
          permissions: readPermissions(backing),
        }),
        backing.extras(),
      ),
  });
  return withExtras(volume, r.extras());
}

function readTimestamps(r: ElementReader | undefined): StorageVolumeTimestamps | undefined {
  if (r === undefined) return undefined;
  const time = (name: string): string | undefined => r.childText(name)?.trim();
  return withExtras(compact({ atime: time('atime'), mtime: time('mtime'), ctime: time('ctime'), btime: time('btime') }), r.extras());
}
