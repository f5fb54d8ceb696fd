import { InvalidArgumentError, VirErrorCode, isLibvirtCode } from '../../errors/index.js';
import {
  DOMAIN_LIST_ALL_SNAPSHOTS,
  DOMAIN_REVERT_TO_SNAPSHOT,
  DOMAIN_SNAPSHOT_CREATE_XML,
  DOMAIN_SNAPSHOT_CURRENT,
  DOMAIN_SNAPSHOT_DELETE,
  DOMAIN_SNAPSHOT_GET_XML_DESC,
  DOMAIN_SNAPSHOT_HAS_METADATA,
  DOMAIN_SNAPSHOT_IS_CURRENT,
  DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN,
  DOMAIN_SNAPSHOT_LOOKUP_BY_NAME,
  type SnapshotRef,
} from '../../rpc/index.js';
import { type SnapshotModel, buildSnapshotXml } from '../../xml/index.js';
import { checkCallOnly, checkOptions, flagBits } from './check-options.js';
import type { FlagsOptions } from './domain-control.js';
import { type DomainInput, checkName, resolveDomain } from './refs.js';
import { type ResourceCall, flag } from './types.js';
import { CALL_OPTION_KEYS, type CallOptions } from '../../rpc/index.js';
import type { KnownKeys } from '../../errors/index.js';

/** Options of {@link SnapshotResource.listChildren}. */
export interface SnapshotChildrenOptions extends CallOptions {
  /** The whole subtree, not only direct children (`VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS`). @default false */
  descendants?: boolean;
  /** Parents before their children (`VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL`). @default false (libvirt's order) */
  topological?: boolean;
}

const CHILDREN_KEYS = { ...CALL_OPTION_KEYS, descendants: true, topological: true } as const satisfies KnownKeys<SnapshotChildrenOptions>;
/** `virDomainSnapshotListFlags` bits of {@link SnapshotChildrenOptions}. */
const LIST_DESCENDANTS = 1;
const LIST_TOPOLOGICAL = 1024;

/** The snapshot reference libvirt needs, checked before anything is sent. */
function snapshotRef(snapshot: SnapshotRef): SnapshotRef {
  const s = snapshot as Partial<SnapshotRef> | null;
  if (typeof s !== 'object' || s === null || typeof s.name !== 'string' || typeof s.dom !== 'object' || s.dom === null)
    throw new InvalidArgumentError(
      'snapshot must be a snapshot reference { name, dom } (from snapshots.lookup, create or list), not a name',
      {
        path: 'snapshot',
      },
    );
  return snapshot;
}

/** Domain snapshots. */
export class SnapshotResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /** Every snapshot of a domain; flags = `VirDomainSnapshotListFlags`. @see virDomainListAllSnapshots */
  async list(domain: DomainInput, options: FlagsOptions = {}): Promise<SnapshotRef[]> {
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_LIST_ALL_SNAPSHOTS, { dom, need_results: 1, flags: options.flags ?? 0 }, options)).snapshots;
  }

  /**
   * Create a snapshot, described by name (and description) or by raw
   * `<domainsnapshot>` XML; flags = `VirDomainSnapshotCreateFlags`.
   * @example await conn.domains.snapshots.create('web1', { name: 'before-upgrade' });
   * @see virDomainSnapshotCreateXML
   */
  async create(domain: DomainInput, snapshot: SnapshotModel | string, options: FlagsOptions = {}): Promise<SnapshotRef> {
    const xml = typeof snapshot === 'string' ? snapshot : buildSnapshotXml(snapshot);
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_SNAPSHOT_CREATE_XML, { dom, xml_desc: xml, flags: options.flags ?? 0 }, options)).snap;
  }

  /** Find a snapshot by name. @see virDomainSnapshotLookupByName */
  async lookup(domain: DomainInput, name: string, options?: CallOptions): Promise<SnapshotRef> {
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_SNAPSHOT_LOOKUP_BY_NAME, { dom, name: checkName(name, 'name'), flags: 0 }, options)).snap;
  }

  /** The current snapshot, or `null` when the domain has none. @see virDomainSnapshotCurrent */
  async current(domain: DomainInput, options?: CallOptions): Promise<SnapshotRef | null> {
    const dom = await resolveDomain(this.#call, domain, options);
    try {
      return (await this.#call(DOMAIN_SNAPSHOT_CURRENT, { dom, flags: 0 }, options)).snap;
    } catch (error) {
      if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_DOMAIN_SNAPSHOT)) return null;
      throw error;
    }
  }

  /** The snapshot's XML. @see virDomainSnapshotGetXMLDesc */
  async getXml(snapshot: SnapshotRef, options: FlagsOptions = {}): Promise<string> {
    return (await this.#call(DOMAIN_SNAPSHOT_GET_XML_DESC, { snap: snapshotRef(snapshot), flags: options.flags ?? 0 }, options)).xml;
  }

  /** Revert the domain to a snapshot; flags = `VirDomainSnapshotRevertFlags`. @see virDomainRevertToSnapshot */
  async revert(snapshot: SnapshotRef, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_REVERT_TO_SNAPSHOT, { snap: snapshotRef(snapshot), flags: options.flags ?? 0 }, options);
  }

  /** Delete a snapshot; flags = `VirDomainSnapshotDeleteFlags`. @see virDomainSnapshotDelete */
  async delete(snapshot: SnapshotRef, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_SNAPSHOT_DELETE, { snap: snapshotRef(snapshot), flags: options.flags ?? 0 }, options);
  }

  /**
   * Whether the snapshot is the domain's current one (the one the next snapshot will be a child of).
   * @example await conn.domains.snapshots.isCurrent(snap) // true right after create
   * @throws InvalidArgumentError for a malformed reference · LibvirtError VIR_ERR_NO_DOMAIN_SNAPSHOT
   * @see virDomainSnapshotIsCurrent
   */
  async isCurrent(snapshot: SnapshotRef, options?: CallOptions): Promise<boolean> {
    const snap = snapshotRef(snapshot);
    const opts = checkCallOnly(options);
    return flag((await this.#call(DOMAIN_SNAPSHOT_IS_CURRENT, { snap, flags: 0 }, opts)).current);
  }

  /**
   * Whether libvirt keeps metadata for the snapshot (`false` for one made with
   * NO_METADATA, or whose metadata was deleted: libvirt cannot revert to it).
   * @example await conn.domains.snapshots.hasMetadata(snap) // true
   * @throws InvalidArgumentError for a malformed reference · LibvirtError VIR_ERR_NO_DOMAIN_SNAPSHOT
   * @see virDomainSnapshotHasMetadata
   */
  async hasMetadata(snapshot: SnapshotRef, options?: CallOptions): Promise<boolean> {
    const snap = snapshotRef(snapshot);
    const opts = checkCallOnly(options);
    return flag((await this.#call(DOMAIN_SNAPSHOT_HAS_METADATA, { snap, flags: 0 }, opts)).metadata);
  }

  /**
   * The snapshot's children, or with `descendants` its whole subtree (`virsh snapshot-list --from`).
   * @example const subtree = await conn.domains.snapshots.listChildren(root, { descendants: true, topological: true });
   * @throws InvalidArgumentError for a malformed reference or option (nothing sent) · LibvirtError VIR_ERR_NO_DOMAIN_SNAPSHOT
   * @see virDomainSnapshotListAllChildren
   */
  async listChildren(snapshot: SnapshotRef, options?: SnapshotChildrenOptions): Promise<SnapshotRef[]> {
    const ref = snapshotRef(snapshot);
    const opts = checkOptions(options, CHILDREN_KEYS);
    const flags = flagBits(opts, { descendants: LIST_DESCENDANTS, topological: LIST_TOPOLOGICAL });
    const args = { snapshot: ref, need_results: 1, flags };
    return (await this.#call(DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN, args, opts)).snapshots;
  }
}
