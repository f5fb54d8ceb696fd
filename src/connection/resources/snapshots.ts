import { VirErrorCode, isLibvirtCode } from '../../errors/index.js';
import {
  DOMAIN_LIST_ALL_SNAPSHOTS,
  DOMAIN_REVERT_TO_SNAPSHOT,
  DOMAIN_SNAPSHOT_CREATE_XML,
  DOMAIN_SNAPSHOT_CURRENT,
  DOMAIN_SNAPSHOT_DELETE,
  DOMAIN_SNAPSHOT_GET_XML_DESC,
  DOMAIN_SNAPSHOT_LOOKUP_BY_NAME,
  type SnapshotRef,
} from '../../rpc/index.js';
import { type SnapshotModel, buildSnapshotXml } from '../../xml/index.js';
import type { FlagsOptions } from './domain-control.js';
import { type DomainInput, checkName, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';
import type { CallOptions } from '../../rpc/index.js';

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
    return (await this.#call(DOMAIN_SNAPSHOT_GET_XML_DESC, { snap: snapshot, flags: options.flags ?? 0 }, options)).xml;
  }

  /** Revert the domain to a snapshot; flags = `VirDomainSnapshotRevertFlags`. @see virDomainRevertToSnapshot */
  async revert(snapshot: SnapshotRef, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_REVERT_TO_SNAPSHOT, { snap: snapshot, flags: options.flags ?? 0 }, options);
  }

  /** Delete a snapshot; flags = `VirDomainSnapshotDeleteFlags`. @see virDomainSnapshotDelete */
  async delete(snapshot: SnapshotRef, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_SNAPSHOT_DELETE, { snap: snapshot, flags: options.flags ?? 0 }, options);
  }
}
