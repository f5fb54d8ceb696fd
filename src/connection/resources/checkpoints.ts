import { VirErrorCode, isLibvirtCode } from '../../errors/index.js';
import {
  DOMAIN_CHECKPOINT_CREATE_XML,
  DOMAIN_CHECKPOINT_DELETE,
  DOMAIN_CHECKPOINT_GET_PARENT,
  DOMAIN_CHECKPOINT_GET_XML_DESC,
  DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN,
  DOMAIN_CHECKPOINT_LOOKUP_BY_NAME,
  DOMAIN_LIST_ALL_CHECKPOINTS,
  type CallOptions,
  type CheckpointRef,
} from '../../rpc/index.js';
import { type CheckpointModel, buildCheckpointXml } from '../../xml/index.js';
import type { FlagsOptions } from './domain-control.js';
import { type DomainInput, checkName, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';

/**
 * Domain checkpoints (since libvirt 5.6): named points in time of a
 * domain's qcow2 disks (persistent dirty bitmaps), for incremental backups.
 * Flags are libvirt's (`VirDomainCheckpoint…Flags`).
 */
export class CheckpointResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /** Every checkpoint of a domain; flags = `VirDomainCheckpointListFlags`. @see virDomainListAllCheckpoints */
  async list(domain: DomainInput, options: FlagsOptions = {}): Promise<CheckpointRef[]> {
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_LIST_ALL_CHECKPOINTS, { dom, need_results: 1, flags: options.flags ?? 0 }, options)).checkpoints;
  }

  /**
   * Create a checkpoint (`virsh checkpoint-create`), from a model or raw XML; flags = `VirDomainCheckpointCreateFlags`.
   * @example await conn.domains.checkpoints.create('web1', { name: 'nightly-1' });
   * @see virDomainCheckpointCreateXML
   */
  async create(domain: DomainInput, checkpoint: CheckpointModel | string, options: FlagsOptions = {}): Promise<CheckpointRef> {
    const xml = typeof checkpoint === 'string' ? checkpoint : buildCheckpointXml(checkpoint);
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_CHECKPOINT_CREATE_XML, { dom, xml_desc: xml, flags: options.flags ?? 0 }, options)).checkpoint;
  }

  /** Find a checkpoint by name, or `null` when the domain has none of that name. @see virDomainCheckpointLookupByName */
  async lookup(domain: DomainInput, name: string, options?: CallOptions): Promise<CheckpointRef | null> {
    const dom = await resolveDomain(this.#call, domain, options);
    try {
      return (await this.#call(DOMAIN_CHECKPOINT_LOOKUP_BY_NAME, { dom, name: checkName(name, 'name'), flags: 0 }, options)).checkpoint;
    } catch (error) {
      if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_DOMAIN_CHECKPOINT)) return null;
      throw error;
    }
  }

  /** The checkpoint's XML; flags = `VirDomainCheckpointXMLFlags` (SIZE 4 adds each disk's changed bytes). @see virDomainCheckpointGetXMLDesc */
  async getXml(checkpoint: CheckpointRef, options: FlagsOptions = {}): Promise<string> {
    return (await this.#call(DOMAIN_CHECKPOINT_GET_XML_DESC, { checkpoint, flags: options.flags ?? 0 }, options)).xml;
  }

  /** The checkpoint's parent, or `null` for a root. @see virDomainCheckpointGetParent */
  async getParent(checkpoint: CheckpointRef, options?: CallOptions): Promise<CheckpointRef | null> {
    try {
      return (await this.#call(DOMAIN_CHECKPOINT_GET_PARENT, { checkpoint, flags: 0 }, options)).parent;
    } catch (error) {
      if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_DOMAIN_CHECKPOINT)) return null;
      throw error;
    }
  }

  /** The checkpoint's children (all descendants with flags 1). @see virDomainCheckpointListAllChildren */
  async listChildren(checkpoint: CheckpointRef, options: FlagsOptions = {}): Promise<CheckpointRef[]> {
    return (await this.#call(DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN, { checkpoint, need_results: 1, flags: options.flags ?? 0 }, options))
      .checkpoints;
  }

  /** Delete a checkpoint (its bitmaps merge into its parent's); flags = `VirDomainCheckpointDeleteFlags`. @see virDomainCheckpointDelete */
  async delete(checkpoint: CheckpointRef, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_CHECKPOINT_DELETE, { checkpoint, flags: options.flags ?? 0 }, options);
  }
}
