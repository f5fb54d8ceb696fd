import {
  CONNECT_LIST_ALL_NWFILTERS,
  CALL_OPTION_KEYS,
  CONNECT_LIST_ALL_NWFILTER_BINDINGS,
  NWFILTER_BINDING_CREATE_XML,
  NWFILTER_BINDING_DELETE,
  NWFILTER_BINDING_GET_XML_DESC,
  NWFILTER_BINDING_LOOKUP_BY_PORT_DEV,
  NWFILTER_DEFINE_XML,
  NWFILTER_DEFINE_XML_FLAGS,
  NWFILTER_GET_XML_DESC,
  NWFILTER_LOOKUP_BY_NAME,
  NWFILTER_LOOKUP_BY_UUID,
  NWFILTER_UNDEFINE,
  type CallOptions,
  type NwfilterBindingRef,
  type NwfilterRef,
  isUuid,
} from '../../rpc/index.js';
import { InvalidArgumentError } from '../../errors/index.js';
import {
  type NwfilterBindingModel,
  type NwfilterModel,
  buildNwfilterBindingXml,
  buildNwfilterXml,
  parseNwfilterXml,
} from '../../xml/index.js';
import { checkCallOnly, checkOptions, flagBits } from './check-options.js';
import { checkName } from './refs.js';
import type { ResourceCall } from './types.js';
import type { KnownKeys } from '../../errors/index.js';

/** A network filter named by name, UUID, or a reference returned by the SDK. */
export type NwfilterInput = string | NwfilterRef;

/** Options of {@link NwfilterResource.define} and {@link NwfilterResource.createBinding}. */
export interface NwfilterValidateOptions extends CallOptions {
  /**
   * Check the XML against libvirt's schema first (`VIR_NWFILTER_DEFINE_VALIDATE` through
   * NWFILTER_DEFINE_XML_FLAGS, libvirt ≥ 7.7; `VIR_NWFILTER_BINDING_CREATE_VALIDATE`). @default false
   */
  validate?: boolean;
}

const VALIDATE_KEYS = { ...CALL_OPTION_KEYS, validate: true } as const satisfies KnownKeys<NwfilterValidateOptions>;

/** The `validate` flag (1 for both procedures), checked before anything is sent. */
function validateFlag(options: NwfilterValidateOptions | undefined): { opts: NwfilterValidateOptions; flags: number } {
  const opts = checkOptions(options, VALIDATE_KEYS);
  return { opts, flags: flagBits(opts, { validate: 1 }) };
}

/** The binding reference libvirt needs, checked before anything is sent. */
function bindingRef(binding: NwfilterBindingRef): NwfilterBindingRef {
  const b = binding as Partial<NwfilterBindingRef> | null;
  if (typeof b !== 'object' || b === null || typeof b.portdev !== 'string' || typeof b.filtername !== 'string')
    throw new InvalidArgumentError('binding must be a binding reference { portdev, filtername } returned by the SDK', { path: 'binding' });
  return { portdev: checkName(b.portdev, 'binding.portdev'), filtername: checkName(b.filtername, 'binding.filtername') };
}

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
   * Define (or redefine, same name and UUID) a filter from a model or XML as is;
   * with `validate`, libvirt checks the XML against its schema first.
   * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad model (nothing sent)
   * @see virNWFilterDefineXML
   * @see virNWFilterDefineXMLFlags
   */
  async define(filter: NwfilterModel | string, options?: NwfilterValidateOptions): Promise<NwfilterRef> {
    const { opts, flags } = validateFlag(options);
    const xml = typeof filter === 'string' ? filter : buildNwfilterXml(filter);
    if (flags !== 0) return (await this.#call(NWFILTER_DEFINE_XML_FLAGS, { xml, flags }, opts)).nwfilter;
    return (await this.#call(NWFILTER_DEFINE_XML, { xml }, opts)).nwfilter;
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

  /**
   * The binding of a host port device (a guest NIC's tap, `vnet0`) (`virsh nwfilter-binding-dumpxml` looks it up so).
   * @example const binding = await conn.nwfilters.lookupBinding('vnet0');
   * @throws LibvirtError VIR_ERR_NO_NWFILTER_BINDING (101) when the port has none
   * @see virNWFilterBindingLookupByPortDev
   */
  async lookupBinding(portdev: string, options?: CallOptions): Promise<NwfilterBindingRef> {
    const opts = checkCallOnly(options);
    return (await this.#call(NWFILTER_BINDING_LOOKUP_BY_PORT_DEV, { name: checkName(portdev, 'portdev') }, opts)).nwfilter;
  }

  /**
   * Apply a filter to a host port device (`virsh nwfilter-binding-create`), from a
   * model or `<filterbinding>` XML as is. libvirt installs the filter's rules at once.
   * @example await conn.nwfilters.createBinding({ owner: { name: 'web1', uuid }, portdev: 'vnet0', mac: '52:54:00:12:34:56', filterref: { filter: 'clean-traffic' } });
   * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad model (nothing sent) · LibvirtError (unknown filter, the port has a binding already…)
   * @see virNWFilterBindingCreateXML
   */
  async createBinding(binding: NwfilterBindingModel | string, options?: NwfilterValidateOptions): Promise<NwfilterBindingRef> {
    const { opts, flags } = validateFlag(options);
    const xml = typeof binding === 'string' ? binding : buildNwfilterBindingXml(binding);
    return (await this.#call(NWFILTER_BINDING_CREATE_XML, { xml, flags }, opts)).nwfilter;
  }

  /**
   * Remove a binding (`virsh nwfilter-binding-delete`): its rules leave the port device.
   * Deleting a running guest's binding leaves that NIC unfiltered until the guest restarts.
   * @example await conn.nwfilters.deleteBinding(await conn.nwfilters.lookupBinding('vnet0'));
   * @throws InvalidArgumentError for a malformed reference · LibvirtError VIR_ERR_NO_NWFILTER_BINDING
   * @see virNWFilterBindingDelete
   */
  async deleteBinding(binding: NwfilterBindingRef, options?: CallOptions): Promise<void> {
    const opts = checkCallOnly(options);
    await this.#call(NWFILTER_BINDING_DELETE, { nwfilter: bindingRef(binding) }, opts);
  }

  async #resolve(filter: NwfilterInput, options?: CallOptions): Promise<NwfilterRef> {
    if (typeof filter === 'object' && filter !== null && typeof filter.uuid === 'string') return { name: filter.name, uuid: filter.uuid };
    return this.lookup(filter as string, options);
  }
}
