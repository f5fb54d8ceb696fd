import { ElementReader, compact, withExtras, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { ElementWriter, yesNo } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { normalizeMac, normalizeUuid, validateInterfaceName, validateName, type NameRule } from '../validate.js';
import { readIp, writeIp, type NetworkIp } from './ip.js';

/** `<forward>`: how guest traffic leaves the network. Absent: an isolated network. */
export interface NetworkForward extends Extensible {
  /** `'nat'` (masquerade through the host), `'route'`, `'open'`, `'bridge'` (an existing host bridge)… */
  mode?: Open<'nat' | 'route' | 'open' | 'bridge' | 'private' | 'vepa' | 'passthrough' | 'hostdev'>;
  /** Restrict forwarding to this host interface. */
  dev?: string;
}

/** `<bridge>`: the host bridge (created by libvirt, or existing for `forward.mode: 'bridge'`). */
export interface NetworkBridge extends Extensible {
  /** Interface name, ≤ 15 characters (`virbr1`); libvirt picks one when omitted. */
  name?: string;
  stp?: boolean;
  delay?: number;
}

/**
 * A virtual network (`<network>`): isolated (no `forward`), NAT
 * (`forward: { mode: 'nat' }`) or attached to an existing host bridge
 * (`forward: { mode: 'bridge' }` + `bridge.name`).
 *
 * @see https://libvirt.org/formatnetwork.html
 */
export interface NetworkModel extends Extensible {
  name: string;
  uuid?: string;
  forward?: NetworkForward;
  bridge?: NetworkBridge;
  /** MAC of the bridge itself. */
  mac?: string;
  /** `<domain name>`: DNS domain served by the network's dnsmasq. */
  domain?: { name: string; localOnly?: boolean };
  mtu?: number;
  ips?: NetworkIp[];
}

/** Options of {@link buildNetworkXml}. */
export interface BuildNetworkOptions {
  /** Rule for `name`, see `validateName`. @default 'sdk' */
  nameRule?: NameRule;
}

/**
 * Build network XML.
 *
 * @example buildNetworkXml({ name: 'lab', bridge: { name: 'virbr10' }, ips: [{ address: '192.168.150.1', prefix: 24, dhcp: { ranges: [{ start: '192.168.150.10', end: '192.168.150.99' }] } }] })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad name, bridge name, MAC or address,
 *   a bridge-mode network without `bridge.name` or with `ips` (libvirt does not manage addresses there).
 * @see https://libvirt.org/formatnetwork.html
 */
export function buildNetworkXml(network: NetworkModel, options: BuildNetworkOptions = {}): string {
  if (network === null || typeof network !== 'object') throw invalidSpec('network', 'must be an object');
  validateName(network.name, 'name', options.nameRule ?? 'sdk');
  if (network.bridge?.name !== undefined) validateInterfaceName(network.bridge.name, 'bridge.name');
  if (network.forward?.mode === 'bridge') {
    if (network.bridge?.name === undefined)
      throw invalidSpec('bridge.name', "is required with forward mode 'bridge' (the existing host bridge)");
    if ((network.ips ?? []).length > 0)
      throw invalidSpec('ips', "are not allowed with forward mode 'bridge': the host bridge's network owns addressing");
  }
  const w = ElementWriter.document('network', '');
  w.textChild('name', network.name);
  if (network.uuid !== undefined) w.textChild('uuid', normalizeUuid(network.uuid));
  if (network.forward !== undefined)
    w.child('forward', { mode: network.forward.mode, dev: network.forward.dev }, 'forward').extras(network.forward);
  if (network.bridge !== undefined) {
    const { name, stp, delay } = network.bridge;
    w.child('bridge', { name, stp: stp === undefined ? undefined : stp ? 'on' : 'off', delay }, 'bridge').extras(network.bridge);
  }
  if (network.mtu !== undefined) w.child('mtu', { size: network.mtu }, 'mtu');
  if (network.mac !== undefined) w.child('mac', { address: normalizeMac(network.mac, 'mac') }, 'mac');
  if (network.domain !== undefined) w.child('domain', { name: network.domain.name, localOnly: yesNo(network.domain.localOnly) }, 'domain');
  (network.ips ?? []).forEach((ip, i) => writeIp(w.child('ip', {}, `ips[${i}]`), ip));
  w.extras(network);
  return w.toXml();
}

/**
 * Parse network XML (from `virNetworkGetXMLDesc`).
 *
 * @example parseNetworkXml(xml).ips?.[0]?.dhcp?.ranges
 * @throws XmlParseError when malformed, not a `<network>`, or without `<name>`.
 * @see https://libvirt.org/formatnetwork.html
 */
export function parseNetworkXml(xml: string): NetworkModel {
  const r = ElementReader.root(xml, 'network');
  const forward = r.child('forward');
  const bridge = r.child('bridge');
  const domain = r.child('domain');
  const ips = r.children('ip').map(readIp);
  const mtu = r.child('mtu');
  const network: NetworkModel = compact({
    name: r.childText('name') ?? r.fail('missing <name>'),
    uuid: r.childText('uuid')?.trim(),
    forward: forward && withExtras(compact({ mode: forward.attr('mode'), dev: forward.attr('dev') }), forward.extras()),
    bridge:
      bridge && withExtras(compact({ name: bridge.attr('name'), stp: bridge.bool('stp'), delay: bridge.int('delay') }), bridge.extras()),
    mtu: mtu?.int('size'),
    mac: r.child('mac')?.attr('address'),
    domain: domain && compact({ name: domain.requiredAttr('name'), localOnly: domain.bool('localOnly') }),
    ips: ips.length > 0 ? ips : undefined,
  });
  return withExtras(network, r.extras());
}
