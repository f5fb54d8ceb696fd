import {
  CONNECT_LIST_ALL_NETWORKS,
  NETWORK_CREATE,
  NETWORK_CREATE_XML,
  NETWORK_DEFINE_XML,
  NETWORK_DESTROY,
  NETWORK_GET_AUTOSTART,
  NETWORK_GET_BRIDGE_NAME,
  NETWORK_GET_DHCP_LEASES,
  NETWORK_GET_XML_DESC,
  NETWORK_IS_ACTIVE,
  NETWORK_SET_AUTOSTART,
  NETWORK_UNDEFINE,
  type NetworkRef,
  type CallOptions,
} from '../../rpc/index.js';
import type { FlagsOptions } from './domain-control.js';
import { type NetworkInput, checkObjectName, resolveNetwork } from './refs.js';
import { type AutostartOptions, type ResourceCall, checkAutostart, flag } from './types.js';

/** One DHCP lease handed out by a libvirt network's dnsmasq. */
export interface DhcpLease {
  iface: string;
  /** Lease expiry. */
  expiresAt: Date;
  type: 'ipv4' | 'ipv6';
  mac: string | null;
  iaid: string | null;
  ipaddr: string;
  prefix: number;
  hostname: string | null;
  clientid: string | null;
}

/** Virtual networks. */
export class NetworkResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /** Every network; flags = `VirConnectListAllNetworksFlags`. @see virConnectListAllNetworks */
  async list(options: FlagsOptions = {}): Promise<NetworkRef[]> {
    return (await this.#call(CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: options.flags ?? 0 }, options)).nets;
  }

  /** Find a network by name or UUID. @throws LibvirtError VIR_ERR_NO_NETWORK @see virNetworkLookupByName */
  async lookup(nameOrUuid: string, options?: CallOptions): Promise<NetworkRef> {
    return resolveNetwork(this.#call, checkObjectName(nameOrUuid, 'nameOrUuid'), options);
  }

  /** Define a persistent network from XML. @see virNetworkDefineXML */
  async define(xml: string, options?: CallOptions): Promise<NetworkRef> {
    return (await this.#call(NETWORK_DEFINE_XML, { xml }, options)).net;
  }

  /** Create and start a transient network. @see virNetworkCreateXML */
  async createTransient(xml: string, options?: CallOptions): Promise<NetworkRef> {
    return (await this.#call(NETWORK_CREATE_XML, { xml }, options)).net;
  }

  /** Start a defined network. @see virNetworkCreate */
  async start(network: NetworkInput, options?: CallOptions): Promise<void> {
    await this.#call(NETWORK_CREATE, { net: await resolveNetwork(this.#call, network, options) }, options);
  }

  /** Stop a network. @see virNetworkDestroy */
  async stop(network: NetworkInput, options?: CallOptions): Promise<void> {
    await this.#call(NETWORK_DESTROY, { net: await resolveNetwork(this.#call, network, options) }, options);
  }

  /** Remove a network's config. @see virNetworkUndefine */
  async undefine(network: NetworkInput, options?: CallOptions): Promise<void> {
    await this.#call(NETWORK_UNDEFINE, { net: await resolveNetwork(this.#call, network, options) }, options);
  }

  /** The network XML. @see virNetworkGetXMLDesc */
  async getXml(network: NetworkInput, options: CallOptions & { inactive?: boolean } = {}): Promise<string> {
    const net = await resolveNetwork(this.#call, network, options);
    return (await this.#call(NETWORK_GET_XML_DESC, { net, flags: options.inactive === true ? 1 : 0 }, options)).xml;
  }

  /** Whether the network is active. @see virNetworkIsActive */
  async isActive(network: NetworkInput, options?: CallOptions): Promise<boolean> {
    return flag((await this.#call(NETWORK_IS_ACTIVE, { net: await resolveNetwork(this.#call, network, options) }, options)).active);
  }

  /** The host bridge device, e.g. `virbr0`. @see virNetworkGetBridgeName */
  async getBridgeName(network: NetworkInput, options?: CallOptions): Promise<string> {
    return (await this.#call(NETWORK_GET_BRIDGE_NAME, { net: await resolveNetwork(this.#call, network, options) }, options)).name;
  }

  /** Whether the network starts with the host. @see virNetworkGetAutostart */
  async getAutostart(network: NetworkInput, options?: CallOptions): Promise<boolean> {
    return flag((await this.#call(NETWORK_GET_AUTOSTART, { net: await resolveNetwork(this.#call, network, options) }, options)).autostart);
  }

  /** Set whether the network starts with the host. @see virNetworkSetAutostart */
  async setAutostart(network: NetworkInput, options: AutostartOptions): Promise<void> {
    const { enabled: autostart, ...call } = checkAutostart(options);
    await this.#call(NETWORK_SET_AUTOSTART, { net: await resolveNetwork(this.#call, network, call), autostart: autostart ? 1 : 0 }, call);
  }

  /**
   * DHCP leases, optionally only for one MAC address. Not supported by the test driver (UnsupportedError).
   * @see virNetworkGetDHCPLeases
   */
  async getDhcpLeases(network: NetworkInput, options: CallOptions & { mac?: string } = {}): Promise<DhcpLease[]> {
    const net = await resolveNetwork(this.#call, network, options);
    const { leases } = await this.#call(NETWORK_GET_DHCP_LEASES, { net, mac: options.mac ?? null, need_results: 1, flags: 0 }, options);
    return leases.map((l) => ({
      iface: l.iface,
      expiresAt: new Date(Number(l.expirytime) * 1000),
      type: l.type === 1 ? 'ipv6' : 'ipv4',
      mac: l.mac,
      iaid: l.iaid,
      ipaddr: l.ipaddr,
      prefix: l.prefix,
      hostname: l.hostname,
      clientid: l.clientid,
    }));
  }
}
