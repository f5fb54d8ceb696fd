/**
 * `<domainbackup>`: what a backup job copies, and where (push mode).
 *
 * @see https://libvirt.org/formatbackup.html
 * @module
 */
import { type Extensible, ElementReader, compact, withExtras } from '../core/reader.js';
import { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';

/** One disk of a backup: copied to `target` (a file, or a block device with `type: 'block'`), or left out. */
export interface BackupDiskModel extends Extensible {
  /** The disk's target in the domain (`vda`). */
  name: string;
  /** `false` leaves the disk out of the backup. @default true */
  backup?: boolean;
  /** What `target` is. @default 'file' */
  type?: 'file' | 'block';
  /** Where the copy goes: a file path, or a block device with `type: 'block'`. */
  target?: string;
  /** Format of the target (`<driver type>`): `qcow2` or `raw`. */
  format?: string;
}

/** A backup job (`<domainbackup>`). Only push mode (QEMU writes the copies itself) is modelled. */
export interface BackupModel extends Extensible {
  /** @default 'push' */
  mode?: 'push' | 'pull';
  /** Copy only what changed since this checkpoint (an incremental backup); every block when absent. */
  incremental?: string;
  disks: BackupDiskModel[];
}

/**
 * Build `<domainbackup>` XML for `virDomainBackupBegin`.
 *
 * @example buildBackupXml({ disks: [{ name: 'vda', target: '/backups/vda.qcow2', format: 'qcow2' }] })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a backup without disks, a disk without a name,
 *   a copied disk without a target
 * @see https://libvirt.org/formatbackup.html
 */
export function buildBackupXml(model: BackupModel): string {
  if (model === null || typeof model !== 'object') throw invalidSpec('backup', 'must be an object');
  if (!Array.isArray(model.disks) || model.disks.length === 0) throw invalidSpec('disks', 'must list at least one disk');
  const w = ElementWriter.document('domainbackup', '').attr('mode', model.mode ?? 'push');
  w.textChild('incremental', model.incremental);
  const disks = w.child('disks', {}, 'disks');
  model.disks.forEach((disk, i) => {
    const path = `disks[${i}]`;
    if (typeof disk.name !== 'string' || disk.name === '') throw invalidSpec(`${path}.name`, 'must be a disk target such as "vda"');
    const copied = disk.backup !== false;
    const d = disks.child('disk', {}, path).attrs({ name: disk.name, backup: copied ? 'yes' : 'no' });
    if (copied) {
      if (disk.target === undefined || disk.target === '') throw invalidSpec(`${path}.target`, 'is required for a disk that is backed up');
      const type = disk.type ?? 'file';
      d.attr('type', type);
      d.child('target').attr(type === 'block' ? 'dev' : 'file', disk.target, 'target');
      if (disk.format !== undefined) d.child('driver').attr('type', disk.format, 'format');
    }
    d.extras(disk);
  });
  return w.extras(model).toXml();
}

/**
 * Parse `<domainbackup>` XML (`virDomainBackupGetXMLDesc`).
 *
 * @throws XmlParseError for a document that is not a `<domainbackup>`
 */
export function parseBackupXml(xml: string): BackupModel {
  const r = ElementReader.root(xml, 'domainbackup');
  const mode = r.attr('mode');
  const incremental = r.childText('incremental');
  const disks = (r.child('disks')?.children('disk') ?? []).map((d): BackupDiskModel => {
    const backup = d.bool('backup');
    const type = d.attr('type') as BackupDiskModel['type'] | undefined;
    const target = d.child('target');
    const model = compact<BackupDiskModel>({
      name: d.requiredAttr('name'),
      backup,
      type,
      target:
        target === undefined ? undefined : (target.attr(type === 'block' ? 'dev' : 'file') ?? target.attr('file') ?? target.attr('dev')),
      format: d.child('driver')?.attr('type'),
    });
    if (target?.hasUnused() === true) (model.extraElements ??= []).push(target.raw());
    return withExtras(model, d.extras());
  });
  return withExtras(compact<BackupModel>({ mode: mode as BackupModel['mode'], incremental, disks }), r.extras());
}
