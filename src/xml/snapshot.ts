import { invalidSpec } from './errors.js';
import { ElementWriter } from './core/writer.js';

/** What to put in a new domain snapshot (`<domainsnapshot>`). */
export interface SnapshotModel {
  /** Snapshot name; libvirt picks a timestamp when omitted. */
  name?: string;
  description?: string;
}

/**
 * Build `<domainsnapshot>` XML for `virDomainSnapshotCreateXML`.
 *
 * @example buildSnapshotXml({ name: 'before-upgrade', description: 'clean install' })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a name with `/` or characters XML cannot carry.
 * @see https://libvirt.org/formatsnapshot.html
 */
export function buildSnapshotXml(snapshot: SnapshotModel = {}): string {
  if (snapshot === null || typeof snapshot !== 'object') throw invalidSpec('snapshot', 'must be an object');
  if (snapshot.name !== undefined && (snapshot.name === '' || snapshot.name.includes('/'))) {
    throw invalidSpec('name', 'must be non-empty and must not contain "/"');
  }
  const w = ElementWriter.document('domainsnapshot', '');
  if (snapshot.name !== undefined) w.textChild('name', snapshot.name);
  if (snapshot.description !== undefined) w.textChild('description', snapshot.description);
  return w.toXml();
}
