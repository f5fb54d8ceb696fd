import {
  CONNECT_LIST_ALL_NWFILTERS,
  CONNECT_LIST_ALL_NWFILTER_BINDINGS,
  NWFILTER_BINDING_GET_XML_DESC,
  NWFILTER_DEFINE_XML,
  NWFILTER_GET_XML_DESC,
  NWFILTER_LOOKUP_BY_NAME,
  NWFILTER_LOOKUP_BY_UUID,
  NWFILTER_UNDEFINE,
  type CallOptions,
  type NwfilterBindingRef,
  type NwfilterRef,
  isUuid,
} from '../../rpc/index.js';
import { type NwfilterModel, buildNwfilterXml, parseNwfilterXml } from '../../xml/index.js';
import { checkName } from './refs.js';
import type { ResourceCall } from './types.js';

/** A network filter named by name, UUID, or a reference returned by the SDK. */
export type NwfilterInput = string | NwfilterRef;

/**
 * Network filters (libvirt's nwfilter: ebtables/iptables rules per guest NIC)
 * and their bindings. A NIC uses a filter through `<filterref>`
 * (`NetworkSpec.filter`). libvirt has no nwfilter events.
 *
 * @example
 * await conn.nwfilters.define({ name: 'lvm-ssh-only', chain: 'ipv4', entries: [
 *   { kind: 'rule', action: 'accept', direction: 'in', matches: [{ protocol: 'tcp', attributes: { dstportstart: '22' } }] }] });
 */
export class NwfilterResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /** Every filter (libvirt ships ~40: `clean-traffic`, `no-ip-spoofing`…). @see virConnectListAllNWFilters */
  async list(options?: CallOptions): Promise<NwfilterRef[]> {
    return (await this.#call(CONNECT_LIST_ALL_NWFILTERS, { need_results: 1, flags: 0 }, options)).filters;
  }

  /** Find a filter by name or UUID. @throws LibvirtError VIR_ERR_NO_NWFILTER @see virNWFilterLookupByName */
  async lookup(nameOrUuid: string, options?: CallOptions): Promise<NwfilterRef> {
    const key = checkName(nameOrUuid, 'nameOrUuid');
    const { nwfilter } = isUuid(key)
      ? await this.#call(NWFILTER_LOOKUP_BY_UUID, { uuid: key }, options)
      : await this.#call(NWFILTER_LOOKUP_BY_NAME, { name: key }, options);
    return nwfilter;
  }

  /**
   * Define (or redefine, same name and UUID) a filter from a model or XML as is.
   * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad model (nothing sent)
   * @see virNWFilterDefineXML
   */
  async define(filter: NwfilterModel | string, options?: CallOptions): Promise<NwfilterRef> {
    const xml = typeof filter === 'string' ? filter : buildNwfilterXml(filter);
    return (await this.#call(NWFILTER_DEFINE_XML, { xml }, options)).nwfilter;
  }

  /** The filter's XML. @see virNWFilterGetXMLDesc */
  async getXml(filter: NwfilterInput, options?: CallOptions): Promise<string> {
    return (await this.#call(NWFILTER_GET_XML_DESC, { nwfilter: await this.#resolve(filter, options), flags: 0 }, options)).xml;
  }

  /** The filter, parsed. @see virNWFilterGetXMLDesc */
  async get(filter: NwfilterInput, options?: CallOptions): Promise<NwfilterModel> {
    return parseNwfilterXml(await this.getXml(filter, options));
  }

  /** Remove a filter. @throws LibvirtError VIR_ERR_OPERATION_INVALID while a NIC or another filter uses it @see virNWFilterUndefine */
  async undefine(filter: NwfilterInput, options?: CallOptions): Promise<void> {
    await this.#call(NWFILTER_UNDEFINE, { nwfilter: await this.#resolve(filter, options) }, options);
  }

  /** Every filter binding: one per running NIC with a `<filterref>` (`portdev` is its tap, e.g. `vnet3`). @see virConnectListAllNWFilterBindings */
  async listBindings(options?: CallOptions): Promise<NwfilterBindingRef[]> {
    return (await this.#call(CONNECT_LIST_ALL_NWFILTER_BINDINGS, { need_results: 1, flags: 0 }, options)).bindings;
  }

  /** A binding's XML (owner domain, portdev, MAC, filterref with the variables libvirt filled in). @see virNWFilterBindingGetXMLDesc */
  async getBindingXml(binding: NwfilterBindingRef, options?: CallOptions): Promise<string> {
    return (await this.#call(NWFILTER_BINDING_GET_XML_DESC, { nwfilter: binding, flags: 0 }, options)).xml;
  }

  async #resolve(filter: NwfilterInput, options?: CallOptions): Promise<NwfilterRef> {
    if (typeof filter === 'object' && filter !== null && typeof filter.uuid === 'string') return { name: filter.name, uuid: filter.uuid };
    return this.lookup(filter as string, options);
  }
}
