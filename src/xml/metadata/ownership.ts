import { ElementReader, compact, withExtras, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { ElementWriter } from '../core/writer.js';
import { XmlParseError, invalidSpec } from '../errors.js';

/** XML namespace of the SDK's ownership record in a domain's `<metadata>`. Versioned: a new layout gets a new URI. */
export const OWNERSHIP_NAMESPACE = 'https://libvirt-manager.dev/xmlns/ownership/1';
/** Prefix used when writing the ownership record (readers go by namespace, not prefix). */
export const OWNERSHIP_PREFIX = 'lvm';
/** Local name of the ownership record's element. */
export const OWNERSHIP_ELEMENT = 'manager';

/** What an SDK-created volume is for. */
export type OwnedVolumeRole = Open<'disk' | 'overlay' | 'base' | 'cloud-init' | 'nvram' | 'tpm-state' | 'kernel' | 'initrd' | 'other'>;

/** A volume (or file) the SDK created for a domain and may delete with it. */
export interface OwnedVolume extends Extensible {
  role: OwnedVolumeRole;
  /** Storage pool, when the volume was created through a pool. */
  pool?: string;
  /** Volume name in `pool`. */
  name?: string;
  /** Resolved path (what the domain's `<source file>` points at). */
  path?: string;
  /** Image format, e.g. `'qcow2'`. */
  format?: string;
  /**
   * The volume's key as libvirt reported it when the SDK created it
   * (`virStorageVolGetKey`). Teardown deletes a recorded volume that is no
   * longer attached only when its key still matches (and the record's
   * `domainUuid` is the domain's own).
   */
  key?: string;
  /**
   * UUID of the libvirt secret the SDK created for this volume's encryption
   * (its LUKS passphrase). Owned with the volume: teardown undefines it when,
   * and only when, it deletes the volume — a kept volume keeps its secret.
   */
  secret?: string;
  /**
   * Why the volume is recorded though no disk of the VM uses it: `'revert'`
   * — a snapshot revert took its disk off the VM (the definition saved with
   * the snapshot did not have it) and the SDK kept it recorded. Teardown
   * deletes such a volume, as a snapshot's overlay, when the record has its
   * key and the domain's UUID and the key still matches.
   */
  leftBy?: Open<'revert'>;
}

/** The cloud-init NoCloud seed (ISO labelled `cidata`) the SDK attached. */
export interface OwnedCloudInit extends Extensible {
  pool?: string;
  name?: string;
  path?: string;
  /** Content hash the seed was named after (idempotent re-creation). */
  contentHash?: string;
  /** Target device of the seed's CD-ROM (e.g. `'sdb'`), to detach it after first boot. */
  target?: string;
  /** The seed volume's key when the SDK created it (see {@link OwnedVolume.key}). */
  key?: string;
}

/**
 * The SDK's record of what it created for a domain, kept in the domain's own
 * `<metadata>` so that teardown after a restart deletes exactly what the SDK
 * made, and nothing else.
 *
 * ```xml
 * <lvm:manager xmlns:lvm="https://libvirt-manager.dev/xmlns/ownership/1">
 *   <lvm:created-at>2024-05-01T12:00:00.000Z</lvm:created-at>
 *   <lvm:sdk-version>0.1.0</lvm:sdk-version>
 *   <lvm:domain-uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</lvm:domain-uuid>
 *   <lvm:volume role="disk" pool="default" name="vm1.qcow2" path="/var/lib/libvirt/images/vm1.qcow2" format="qcow2" key="/var/lib/libvirt/images/vm1.qcow2"/>
 *   <lvm:volume role="disk" pool="default" name="vm1-disk1.qcow2" … secret="0f628a87-28df-4c31-ba7a-b9350a0f41bf"/>
 *   <lvm:cloud-init pool="default" name="vm1-seed.iso" path="…" hash="sha256:…" target="sdb" key="…"/>
 * </lvm:manager>
 * ```
 */
export interface Ownership extends Extensible {
  /** ISO 8601 timestamp of creation. */
  createdAt: string;
  /** Version of libvirt-manager that created the domain. */
  sdkVersion: string;
  /**
   * UUID of the domain this record was written for. A record whose UUID is
   * not its domain's own was copied with the XML of another domain (`virsh
   * dumpxml a | … | virsh define`): teardown then trusts none of it. Absent in
   * records of SDK 0.1.0.
   */
  domainUuid?: string;
  volumes: OwnedVolume[];
  cloudInit?: OwnedCloudInit;
}

/** @internal Write the `<lvm:manager>` element as a child of `parent`. */
export function writeOwnership(parent: ElementWriter, o: Ownership): void {
  writeInto(parent.childNs(OWNERSHIP_NAMESPACE, `${OWNERSHIP_PREFIX}:${OWNERSHIP_ELEMENT}`, {}, parent.path), o, `${OWNERSHIP_PREFIX}:`);
}

/** Write the record's content; elements are named `${prefix}name` in {@link OWNERSHIP_NAMESPACE}. */
function writeInto(w: ElementWriter, o: Ownership, prefix: string): void {
  const p = w.path;
  if (typeof o.createdAt !== 'string' || Number.isNaN(Date.parse(o.createdAt)))
    throw invalidSpec(`${p}.createdAt`, 'must be an ISO 8601 timestamp');
  if (typeof o.sdkVersion !== 'string' || o.sdkVersion === '') throw invalidSpec(`${p}.sdkVersion`, 'is required');
  if (!Array.isArray(o.volumes)) throw invalidSpec(`${p}.volumes`, 'must be an array');
  const el = (name: string, path: string, attrs = {}) => w.childNs(OWNERSHIP_NAMESPACE, `${prefix}${name}`, attrs, path);
  el('created-at', p).text(o.createdAt, 'createdAt');
  el('sdk-version', p).text(o.sdkVersion, 'sdkVersion');
  if (o.domainUuid !== undefined) el('domain-uuid', p).text(o.domainUuid, 'domainUuid');
  o.volumes.forEach((v, i) => {
    const path = `${p}.volumes[${i}]`;
    if (typeof v.role !== 'string' || v.role === '') throw invalidSpec(`${path}.role`, 'is required');
    if (v.path === undefined && (v.pool === undefined || v.name === undefined))
      throw invalidSpec(path, 'needs a path, or a pool and a name');
    el('volume', path, {
      role: v.role,
      pool: v.pool,
      name: v.name,
      path: v.path,
      format: v.format,
      key: v.key,
      secret: v.secret,
      'left-by': v.leftBy,
    }).extras(v);
  });
  if (o.cloudInit !== undefined) {
    const c = o.cloudInit;
    el('cloud-init', `${p}.cloudInit`, {
      pool: c.pool,
      name: c.name,
      path: c.path,
      hash: c.contentHash,
      target: c.target,
      key: c.key,
    }).extras(c);
  }
  w.extras(o);
}

/** @internal Read a `<lvm:manager>` element. */
export function readOwnership(r: ElementReader): Ownership {
  const ns = OWNERSHIP_NAMESPACE;
  const createdAt = r.child('created-at', ns)?.text().trim() ?? r.fail('missing <created-at>');
  const sdkVersion = r.child('sdk-version', ns)?.text().trim() ?? r.fail('missing <sdk-version>');
  const domainUuid = r.child('domain-uuid', ns)?.text().trim();
  const volumes = r.children('volume', ns).map((v) =>
    compact(
      withExtras(
        {
          role: v.requiredAttr('role'),
          pool: v.attr('pool'),
          name: v.attr('name'),
          path: v.attr('path'),
          format: v.attr('format'),
          key: v.attr('key'),
          secret: v.attr('secret'),
          leftBy: v.attr('left-by'),
        },
        v.extras(),
      ),
    ),
  );
  const c = r.child('cloud-init', ns);
  const cloudInit =
    c &&
    compact(
      withExtras(
        {
          pool: c.attr('pool'),
          name: c.attr('name'),
          path: c.attr('path'),
          contentHash: c.attr('hash'),
          target: c.attr('target'),
          key: c.attr('key'),
        },
        c.extras(),
      ),
    );
  const extras = r.extras();
  // The xmlns declaration is the writer's business, not unknown content.
  if (extras.extraAttributes !== undefined) {
    for (const key of Object.keys(extras.extraAttributes))
      if (key === 'xmlns' || key.startsWith('xmlns:')) delete extras.extraAttributes[key];
    if (Object.keys(extras.extraAttributes).length === 0) delete extras.extraAttributes;
  }
  return withExtras(compact({ createdAt, sdkVersion, domainUuid, volumes, cloudInit }), extras);
}

/**
 * Build the ownership record element on its own, for `virDomainSetMetadata`
 * with key `lvm` and {@link OWNERSHIP_NAMESPACE}: `<manager xmlns="…">`, in
 * the namespace by default rather than by a prefix — libvirt declares the
 * prefix itself and refuses an element that already declares it.
 *
 * @example buildOwnershipXml({ createdAt: new Date().toISOString(), sdkVersion: '0.1.0', volumes: [{ role: 'disk', pool: 'default', name: 'vm1.qcow2', path: '/var/lib/libvirt/images/vm1.qcow2' }] })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad timestamp, a missing version, or a volume without path or pool+name.
 * @see https://libvirt.org/formatdomain.html#general-metadata
 */
export function buildOwnershipXml(ownership: Ownership): string {
  const w = ElementWriter.document(OWNERSHIP_ELEMENT, 'ownership', OWNERSHIP_NAMESPACE);
  writeInto(w, ownership, '');
  return w.toXml();
}

/**
 * Read the ownership record from a whole domain XML document, or from the
 * `<lvm:manager>` element alone (what `virDomainGetMetadata` returns).
 * Other applications' metadata is ignored.
 *
 * @example
 * const owned = parseOwnership(domainXml);
 * if (owned !== null) for (const v of owned.volumes) console.log(v.role, v.pool, v.name);
 * @returns the record, or `null` when the domain has none (not created by this SDK).
 * @throws XmlParseError when the XML is malformed or the record is incomplete.
 * @see https://libvirt.org/formatdomain.html#general-metadata
 */
export function parseOwnership(xml: string): Ownership | null {
  const root = ElementReader.anyRoot(xml, 'ownership or domain document');
  if (root.name === OWNERSHIP_ELEMENT && root.namespace === OWNERSHIP_NAMESPACE) return readOwnership(root);
  if (root.name !== 'domain' || root.namespace !== null)
    throw new XmlParseError(`expected a <domain> or <${OWNERSHIP_PREFIX}:${OWNERSHIP_ELEMENT}> document`);
  const record = root.child('metadata')?.child(OWNERSHIP_ELEMENT, OWNERSHIP_NAMESPACE);
  return record === undefined ? null : readOwnership(record);
}
