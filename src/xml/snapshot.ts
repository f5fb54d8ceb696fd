import { ElementReader, compact } from './core/reader.js';
import type { Open } from './core/types.js';
import { ElementWriter } from './core/writer.js';
import { invalidSpec } from './errors.js';

/** How a disk (or the memory) takes part in a snapshot: `internal` (inside its qcow2 file), `external` (a new file), `no`. */
export type SnapshotDiskMode = 'internal' | 'external' | 'no';

/**
 * The domain's state a snapshot recorded: `disk-snapshot` for a disk-only
 * snapshot of an active domain, else the domain's state (`running`,
 * `paused`, `shutoff`…).
 */
export type SnapshotState = Open<'running' | 'paused' | 'shutoff' | 'disk-snapshot' | 'crashed' | 'pmsuspended' | 'blocked'>;

/** One disk in `<domainsnapshot><disks>`. */
export interface SnapshotDiskModel {
  /** The disk's target (`vda`) or source path. */
  name: string;
  snapshot: SnapshotDiskMode;
  /** For `external`: the overlay's path (libvirt makes one next to the image when omitted, for file disks only). */
  file?: string;
  /** For `external`: the overlay's format. @default 'qcow2' */
  format?: string;
}

/** What to put in a new domain snapshot (`<domainsnapshot>`). */
export interface SnapshotModel {
  /** Snapshot name; libvirt picks a timestamp when omitted. */
  name?: string;
  description?: string;
  /** The memory state: not saved, saved inside the qcow2 disks (`internal`), or to `file` (`external`). */
  memory?: { snapshot: SnapshotDiskMode; file?: string };
  /** Per disk; disks not listed get the domain's default (libvirt). */
  disks?: SnapshotDiskModel[];
}

/** A snapshot's XML as libvirt reports it (`virDomainSnapshotGetXMLDesc`), the parts the SDK reads. */
export interface ParsedSnapshot {
  name: string;
  description?: string;
  state?: SnapshotState;
  parent?: string;
  /** Seconds since the epoch. */
  creationTime?: number;
  memory?: { snapshot: SnapshotDiskMode; file?: string };
  disks: { name: string; snapshot: SnapshotDiskMode; file?: string; type?: string; format?: string }[];
}

const MODES: readonly string[] = ['internal', 'external', 'no'];

function mode(value: unknown, path: string): SnapshotDiskMode {
  if (typeof value !== 'string' || !MODES.includes(value)) throw invalidSpec(path, "must be 'internal', 'external' or 'no'");
  return value as SnapshotDiskMode;
}

/**
 * Build `<domainsnapshot>` XML for `virDomainSnapshotCreateXML`.
 *
 * @example buildSnapshotXml({ name: 'before-upgrade', description: 'clean install' })
 * @example buildSnapshotXml({ name: 's1', memory: { snapshot: 'external', file: '/var/lib/libvirt/images/web1.s1.mem' }, disks: [{ name: 'vda', snapshot: 'external', file: '/var/lib/libvirt/images/web1-vda.s1.qcow2' }] })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a name with `/` or characters XML cannot carry, an unknown mode, an external memory without a file.
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
  if (snapshot.memory !== undefined) {
    const m = mode(snapshot.memory.snapshot, 'memory.snapshot');
    if (m === 'external' && snapshot.memory.file === undefined)
      throw invalidSpec('memory.file', 'is required for an external memory snapshot');
    w.child('memory', { snapshot: m, file: snapshot.memory.file }, 'memory');
  }
  if (snapshot.disks !== undefined) {
    const disks = w.child('disks', {}, 'disks');
    snapshot.disks.forEach((d, i) => {
      const path = `disks[${i}]`;
      if (typeof d.name !== 'string' || d.name === '') throw invalidSpec(`${path}.name`, 'is required');
      const m = mode(d.snapshot, `${path}.snapshot`);
      const disk = disks.child(
        'disk',
        { name: d.name, snapshot: m, type: m === 'external' && d.file !== undefined ? 'file' : undefined },
        path,
      );
      if (m !== 'external') return;
      disk.child('driver', { type: d.format ?? 'qcow2' }, path);
      if (d.file !== undefined) disk.child('source', { file: d.file }, `${path}.file`);
    });
  }
  return w.toXml();
}

/**
 * Read a snapshot's XML (`virDomainSnapshotGetXMLDesc`): name, description,
 * state, parent, creation time, memory and disks. The embedded `<domain>` is
 * not read.
 *
 * @example parseSnapshotXml(xml).disks // [{ name: 'vda', snapshot: 'external', file: '/…/web1-vda.s1.qcow2', type: 'file', format: 'qcow2' }]
 * @throws XmlParseError for malformed XML or a document that is not a `<domainsnapshot>`.
 * @see https://libvirt.org/formatsnapshot.html
 */
export function parseSnapshotXml(xml: string): ParsedSnapshot {
  const r = ElementReader.root(xml, 'domainsnapshot');
  const name = r.childText('name') ?? r.fail('missing <name>');
  const creation = r.childText('creationTime');
  const m = r.child('memory');
  const readMode = (value: string | undefined, el: ElementReader): SnapshotDiskMode =>
    value === undefined ? 'no' : MODES.includes(value) ? (value as SnapshotDiskMode) : el.fail(`unknown snapshot mode ${value}`);
  return compact({
    name,
    description: r.childText('description'),
    state: r.childText('state') as SnapshotState | undefined,
    parent: r.child('parent')?.childText('name'),
    creationTime: creation === undefined ? undefined : r.toInt(creation, 'creationTime'),
    memory: m && compact({ snapshot: readMode(m.attr('snapshot'), m), file: m.attr('file') }),
    disks: (r.child('disks')?.children('disk') ?? []).map((d) => {
      const source = d.child('source');
      return compact({
        name: d.requiredAttr('name'),
        // libvirt omits the attribute for a disk that keeps the domain's default: a disk it lists without one is not taken.
        snapshot: readMode(d.attr('snapshot'), d),
        file: source?.attr('file') ?? source?.attr('dev'),
        type: d.attr('type'),
        format: d.child('driver')?.attr('type'),
      });
    }),
  }) as ParsedSnapshot;
}
