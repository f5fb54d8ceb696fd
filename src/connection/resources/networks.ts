import {
  CALL_OPTION_KEYS,
  CONNECT_LIST_ALL_NETWORKS,
  NETWORK_CREATE,
  NETWORK_CREATE_XML,
  NETWORK_CREATE_XML_FLAGS,
  NETWORK_DEFINE_XML,
  NETWORK_DESTROY,
  NETWORK_GET_AUTOSTART,
  NETWORK_GET_BRIDGE_NAME,
  NETWORK_GET_DHCP_LEASES,
  NETWORK_GET_XML_DESC,
  NETWORK_IS_ACTIVE,
  NETWORK_IS_PERSISTENT,
  NETWORK_SET_AUTOSTART,
  NETWORK_UNDEFINE,
  type NetworkRef,
  type CallOptions,
} from '../../rpc/index.js';
import { checkCallOnly, checkOptions } from './check-options.js';
import type { FlagsOptions } from './domain-control.js';
import { type NetworkMetadataKind, type NetworkMetadataOptions, getNetworkMetadata, setNetworkMetadata } from './network-metadata.js';
import { NetworkPortResource } from './network-ports.js';
import { type NetworkUpdate, type NetworkUpdateOptions, updateNetwork } from './network-update.js';
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
  /** The networks' ports: list, look up, create, delete, bandwidth parameters. */
  readonly ports: NetworkPortResource;

  constructor(call: ResourceCall) {
    this.#call = call;
    this.ports = new NetworkPortResource(call);
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

  /**
   * Create and start a transient network; with `validate`, libvirt checks the
   * XML against its schema first (NETWORK_CREATE_XML_FLAGS, libvirt ≥ 7.8).
   * @see virNetworkCreateXML
   * @see virNetworkCreateXMLFlags
   */
  async createTransient(xml: string, options?: CallOptions & { validate?: boolean }): Promise<NetworkRef> {
    const opts = checkOptions(options, { ...CALL_OPTION_KEYS, validate: true }, ['validate']);
    if (opts.validate === true) return (await this.#call(NETWORK_CREATE_XML_FLAGS, { xml, flags: 1 }, opts)).net;
    return (await this.#call(NETWORK_CREATE_XML, { xml }, opts)).net;
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

  /**
   * Whether the network has a persistent config (`false` for one made by `createTransient`).
   * @example await conn.networks.isPersistent('default') // true
   * @throws LibvirtError VIR_ERR_NO_NETWORK
   * @see virNetworkIsPersistent
   */
  async isPersistent(network: NetworkInput, options?: CallOptions): Promise<boolean> {
    const opts = checkCallOnly(options);
    return flag((await this.#call(NETWORK_IS_PERSISTENT, { net: await resolveNetwork(this.#call, network, opts) }, opts)).persistent);
  }

  /**
   * Change one section of a network in place (`virsh net-update`): add, delete
   * or modify a DHCP reservation, a DNS record, a portgroup… in the running
   * network (`live`), its config (`config`) or both.
   * @example await conn.networks.update('lvm-net', { command: 'add-last', section: 'ip-dhcp-host', dhcpHost: { mac: '52:54:00:12:34:56', name: 'web1', ip: '10.0.0.10' } }, { live: true, config: true });
   * @throws InvalidArgumentError for an unknown command/section, a bad fragment or option (nothing sent) · LibvirtError (no such host to delete, a duplicate…)
   * @see virNetworkUpdate
   */
  async update(network: NetworkInput, change: NetworkUpdate, options?: NetworkUpdateOptions): Promise<void> {
    await updateNetwork(this.#call, network, change, options);
  }

  /**
   * The network's `'title'`, `'description'` or custom element `{ uri }`; `null` when it has none.
   * libvirt ≥ 9.7: older daemons (9.0 here) answer with `UnsupportedError`.
   * @example const title = await conn.networks.getMetadata('lvm-net', 'title');
   * @throws InvalidArgumentError for a bad kind or option (nothing sent) · UnsupportedError before libvirt 9.7
   * @see virNetworkGetMetadata
   */
  async getMetadata(network: NetworkInput, kind: NetworkMetadataKind, options?: NetworkMetadataOptions): Promise<string | null> {
    return getNetworkMetadata(this.#call, network, kind, options);
  }

  /**
   * Set the network's title, description or custom element `{ uri, key }` (`null` removes it). libvirt ≥ 9.7.
   * @example await conn.networks.setMetadata('lvm-net', 'title', 'Lab network', { live: true, config: true });
   * @throws InvalidArgumentError for a bad kind, value or option (nothing sent) · UnsupportedError before libvirt 9.7
   * @see virNetworkSetMetadata
   */
  async setMetadata(
    network: NetworkInput,
    kind: NetworkMetadataKind,
    value: string | null,
    options?: NetworkMetadataOptions,
  ): Promise<void> {
    await setNetworkMetadata(this.#call, network, kind, value, options);
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
