/**
 * `<domaincheckpoint>`: a named point in time of a domain's disks, kept as
 * a persistent dirty bitmap in each qcow2 disk, for incremental backups.
 *
 * @see https://libvirt.org/formatcheckpoint.html
 * @module
 */
import { type Extensible, ElementReader, compact, withExtras } from '../core/reader.js';
import { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';

/** One disk of a checkpoint. */
export interface CheckpointDiskModel extends Extensible {
  /** The disk's target in the domain (`vda`). */
  name: string;
  /** `'bitmap'`: tracked by a dirty bitmap; `'no'`: not part of the checkpoint. */
  checkpoint?: 'bitmap' | 'no';
  /** The bitmap's name in the qcow2 image (the checkpoint's name unless given). */
  bitmap?: string;
  /** Bytes changed since the checkpoint (read with the SIZE flag from a running domain). */
  size?: bigint;
}

/** A checkpoint (`<domaincheckpoint>`). */
export interface CheckpointModel extends Extensible {
  /** libvirt picks the creation time (in seconds) as the name when omitted. */
  name?: string;
  description?: string;
  /** The checkpoint this one follows (read only). */
  parent?: string;
  /** Seconds since the epoch (read only). */
  creationTime?: number;
  /** Per-disk choices; libvirt covers every qcow2 disk when omitted. */
  disks?: CheckpointDiskModel[];
}

const NAME_RULE = 'must be non-empty and must not contain "/"';

/**
 * Build `<domaincheckpoint>` XML for `virDomainCheckpointCreateXML` (or the
 * checkpoint argument of `virDomainBackupBegin`).
 *
 * @example buildCheckpointXml({ name: 'nightly-1' })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a name with `/` or a disk without a name
 * @see https://libvirt.org/formatcheckpoint.html
 */
export function buildCheckpointXml(model: CheckpointModel = {}): string {
  if (model === null || typeof model !== 'object') throw invalidSpec('checkpoint', 'must be an object');
  if (model.name !== undefined && (model.name === '' || model.name.includes('/'))) throw invalidSpec('name', NAME_RULE);
  const w = ElementWriter.document('domaincheckpoint', '');
  w.textChild('name', model.name);
  w.textChild('description', model.description);
  if (model.disks !== undefined) {
    const disks = w.child('disks', {}, 'disks');
    model.disks.forEach((disk, i) => {
      const path = `disks[${i}]`;
      if (typeof disk.name !== 'string' || disk.name === '') throw invalidSpec(`${path}.name`, 'must be a disk target such as "vda"');
      disks.child('disk', {}, path).attrs({ name: disk.name, checkpoint: disk.checkpoint, bitmap: disk.bitmap }).extras(disk);
    });
  }
  return w.extras(model).toXml();
}

/**
 * Parse `<domaincheckpoint>` XML (`virDomainCheckpointGetXMLDesc`). The
 * embedded `<domain>` (absent with the NO_DOMAIN flag) is kept raw in `extraElements`.
 *
 * @throws XmlParseError for a document that is not a `<domaincheckpoint>`
 */
export function parseCheckpointXml(xml: string): CheckpointModel {
  const r = ElementReader.root(xml, 'domaincheckpoint');
  const name = r.childText('name');
  const description = r.childText('description');
  const parent = r.child('parent')?.childText('name');
  const created = r.child('creationTime');
  const disksEl = r.child('disks');
  const disks = disksEl?.children('disk').map((d) => {
    const size = d.attr('size');
    const model = compact<CheckpointDiskModel>({
      name: d.requiredAttr('name'),
      checkpoint: d.attr('checkpoint') as CheckpointDiskModel['checkpoint'],
      bitmap: d.attr('bitmap'),
      size: size === undefined ? undefined : /^[0-9]+$/.test(size) ? BigInt(size) : d.fail('attribute "size" is not a byte count'),
    });
    return withExtras(model, d.extras());
  });
  return withExtras(compact<CheckpointModel>({ name, description, parent, creationTime: created?.intText(), disks }), r.extras());
}
