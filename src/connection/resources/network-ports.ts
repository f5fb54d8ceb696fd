import { InvalidArgumentError, type KnownKeys } from '../../errors/index.js';
import {
  CALL_OPTION_KEYS,
  NETWORK_LIST_ALL_PORTS,
  NETWORK_PORT_CREATE_XML,
  NETWORK_PORT_DELETE,
  NETWORK_PORT_GET_PARAMETERS,
  NETWORK_PORT_GET_XML_DESC,
  NETWORK_PORT_LOOKUP_BY_UUID,
  NETWORK_PORT_SET_PARAMETERS,
  type CallOptions,
  type NetworkPortRef,
  type TypedParam,
  isUuid,
} from '../../rpc/index.js';
import { type NetworkPortModel, buildNetworkPortXml } from '../../xml/index.js';
import { checkCallOnly, checkOptions, flagBits } from './check-options.js';
import { type NetworkInput, resolveNetwork } from './refs.js';
import type { ResourceCall } from './types.js';

/**
 * A port's bandwidth parameters, under libvirt's own names
 * (`VIR_NETWORK_PORT_BANDWIDTH_*`): averages and peaks in KiB/s, bursts in
 * KiB, `inbound.floor` the guaranteed minimum in KiB/s. All unsigned 32-bit.
 */
export interface NetworkPortParameters {
  'inbound.average'?: number;
  'inbound.peak'?: number;
  'inbound.burst'?: number;
  'inbound.floor'?: number;
  'outbound.average'?: number;
  'outbound.peak'?: number;
  'outbound.burst'?: number;
}

/** Options of {@link NetworkPortResource.create}. */
export interface NetworkPortCreateOptions extends CallOptions {
  /** Take over a port a running guest already uses (after a daemon restart) (`VIR_NETWORK_PORT_CREATE_RECLAIM`). @default false */
  reclaim?: boolean;
  /** Check the XML against libvirt's schema first (`VIR_NETWORK_PORT_CREATE_VALIDATE`). @default false */
  validate?: boolean;
}

const PARAMETER_NAMES: readonly (keyof NetworkPortParameters)[] = [
  'inbound.average',
  'inbound.peak',
  'inbound.burst',
  'inbound.floor',
  'outbound.average',
  'outbound.peak',
  'outbound.burst',
];
const CREATE_KEYS = { ...CALL_OPTION_KEYS, reclaim: true, validate: true } as const satisfies KnownKeys<NetworkPortCreateOptions>;
const U32_MAX = 0xffff_ffff;

/** The port reference libvirt needs, checked before anything is sent. */
function portRef(port: NetworkPortRef): NetworkPortRef {
  const p = port as Partial<NetworkPortRef> | null;
  const net = p?.net;
  if (typeof p !== 'object' || p === null || typeof p.uuid !== 'string' || !isUuid(p.uuid) || typeof net !== 'object' || net === null)
    throw new InvalidArgumentError('port must be a port reference { net, uuid } returned by the SDK', { path: 'port' });
  if (typeof net.name !== 'string' || typeof net.uuid !== 'string' || !isUuid(net.uuid))
    throw new InvalidArgumentError('port.net must be a network reference { name, uuid }', { path: 'port.net' });
  return { net: { name: net.name, uuid: net.uuid }, uuid: p.uuid };
}

/**
 * A virtual network's ports (libvirt ≥ 5.5): one per guest NIC plugged into
 * the network, created by the hypervisor driver when the NIC starts. Creating
 * one by hand is for an external port owner; its bandwidth can be read and changed live.
 *
 * @example
 * const [port] = await conn.networks.ports.list('lvm-net');
 * await conn.networks.ports.setParameters(port!, { 'inbound.average': 1024 });
 */
export class NetworkPortResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * The network's ports.
   * @example const ports = await conn.networks.ports.list('lvm-net');
   * @throws LibvirtError VIR_ERR_NO_NETWORK · UnsupportedError where the driver has no ports (the test driver)
   * @see virNetworkListAllPorts
   */
  async list(network: NetworkInput, options?: CallOptions): Promise<NetworkPortRef[]> {
    const opts = checkCallOnly(options);
    const net = await resolveNetwork(this.#call, network, opts);
    return (await this.#call(NETWORK_LIST_ALL_PORTS, { network: net, need_results: 1, flags: 0 }, opts)).ports;
  }

  /**
   * Find a port of a network by its UUID.
   * @example const port = await conn.networks.ports.lookup('lvm-net', 'c7a5fdbd-cdaf-9455-926a-d65c16db1809');
   * @throws InvalidArgumentError for a malformed UUID (nothing sent) · LibvirtError VIR_ERR_NO_NETWORK_PORT (107)
   * @see virNetworkPortLookupByUUID
   */
  async lookup(network: NetworkInput, uuid: string, options?: CallOptions): Promise<NetworkPortRef> {
    const opts = checkCallOnly(options);
    if (typeof uuid !== 'string' || !isUuid(uuid)) throw new InvalidArgumentError('uuid must be a UUID', { path: 'uuid' });
    const net = await resolveNetwork(this.#call, network, opts);
    return (await this.#call(NETWORK_PORT_LOOKUP_BY_UUID, { network: net, uuid }, opts)).port;
  }

  /**
   * The port's `<networkport>` XML: owner, MAC, the plug (bridge) and bandwidth.
   * @example const xml = await conn.networks.ports.getXml(port);
   * @throws InvalidArgumentError for a malformed reference · LibvirtError VIR_ERR_NO_NETWORK_PORT
   * @see virNetworkPortGetXMLDesc
   */
  async getXml(port: NetworkPortRef, options?: CallOptions): Promise<string> {
    const opts = checkCallOnly(options);
    return (await this.#call(NETWORK_PORT_GET_XML_DESC, { port: portRef(port), flags: 0 }, opts)).xml;
  }

  /**
   * Create a port on a running network, from a model (owner, MAC) or `<networkport>` XML as is.
   * @example const port = await conn.networks.ports.create('lvm-net', { owner: { name: 'web1', uuid }, mac: '52:54:00:12:34:56' });
   * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad model (nothing sent) · LibvirtError (network inactive, duplicate UUID…)
   * @see virNetworkPortCreateXML
   */
  async create(network: NetworkInput, port: NetworkPortModel | string, options?: NetworkPortCreateOptions): Promise<NetworkPortRef> {
    const opts = checkOptions(options, CREATE_KEYS);
    const xml = typeof port === 'string' ? port : buildNetworkPortXml(port);
    const flags = flagBits(opts, { reclaim: 1, validate: 2 });
    const net = await resolveNetwork(this.#call, network, opts);
    return (await this.#call(NETWORK_PORT_CREATE_XML, { network: net, xml, flags }, opts)).port;
  }

  /**
   * Delete a port: the network driver releases it (and its bandwidth reservation).
   * @example await conn.networks.ports.delete(port);
   * @throws InvalidArgumentError for a malformed reference · LibvirtError VIR_ERR_NO_NETWORK_PORT
   * @see virNetworkPortDelete
   */
  async delete(port: NetworkPortRef, options?: CallOptions): Promise<void> {
    const opts = checkCallOnly(options);
    await this.#call(NETWORK_PORT_DELETE, { port: portRef(port), flags: 0 }, opts);
  }

  /**
   * The port's bandwidth parameters; a port without `<bandwidth>` has none (`{}`).
   * @example const { 'inbound.average': average } = await conn.networks.ports.getParameters(port);
   * @throws InvalidArgumentError for a malformed reference · LibvirtError VIR_ERR_NO_NETWORK_PORT
   * @see virNetworkPortGetParameters
   */
  async getParameters(port: NetworkPortRef, options?: CallOptions): Promise<NetworkPortParameters> {
    const opts = checkCallOnly(options);
    const { params } = await this.#call(NETWORK_PORT_GET_PARAMETERS, { port: portRef(port), nparams: 0, flags: 0 }, opts);
    const out: Record<string, number> = {};
    for (const p of params) if (typeof p.value === 'number') out[p.field] = p.value;
    return out as NetworkPortParameters;
  }

  /**
   * Change the port's bandwidth (`virsh domiftune` does this for a guest NIC); `0` removes a limit.
   * @example await conn.networks.ports.setParameters(port, { 'inbound.average': 1024, 'inbound.burst': 2048 });
   * @throws InvalidArgumentError for an unknown parameter or a value that is not an unsigned 32-bit integer (nothing sent)
   * @see virNetworkPortSetParameters
   */
  async setParameters(port: NetworkPortRef, parameters: NetworkPortParameters, options?: CallOptions): Promise<void> {
    const opts = checkCallOnly(options);
    const ref = portRef(port);
    if (typeof parameters !== 'object' || parameters === null)
      throw new InvalidArgumentError('parameters must be an object', { path: 'parameters' });
    const params: TypedParam[] = [];
    for (const [field, value] of Object.entries(parameters) as [string, unknown][]) {
      if (!(PARAMETER_NAMES as readonly string[]).includes(field))
        throw new InvalidArgumentError(`unknown port parameter '${field}': one of ${PARAMETER_NAMES.join(', ')}`, {
          path: `parameters.${field}`,
        });
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > U32_MAX)
        throw new InvalidArgumentError(`parameters.${field} must be an integer from 0 to ${U32_MAX}`, { path: `parameters.${field}` });
      params.push({ field, type: 'uint', value });
    }
    if (params.length === 0) throw new InvalidArgumentError('parameters must set at least one value', { path: 'parameters' });
    await this.#call(NETWORK_PORT_SET_PARAMETERS, { port: ref, params, flags: 0 }, opts);
  }
}
