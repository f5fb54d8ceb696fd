/**
 * XML the network driver takes besides `<network>`: the fragments
 * NETWORK_UPDATE adds, deletes or modifies (a DHCP reservation, a DNS host),
 * and a `<networkport>` for NETWORK_PORT_CREATE_XML.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { normalizeMac, normalizeUuid, validateIp, validateName } from '../validate.js';
import { type DhcpHost, dhcpHostAttributes } from './ip.js';

/** A DNS `<host>` record of a network: one address and the names it answers for. */
export interface DnsHost {
  /** The address the names resolve to (IPv4 or IPv6). */
  ip: string;
  /** At least one host name. */
  hostnames: readonly string[];
}

/** A network port to create (`<networkport>`): who owns it and the MAC it carries. */
export interface NetworkPortModel {
  /** The domain the port is for (libvirt records it; it need not exist, e.g. for an external port owner). */
  owner: { name: string; uuid: string };
  /** The MAC address of the NIC using the port. */
  mac: string;
  /** The port's UUID (libvirt requires one). @default a random UUID */
  uuid?: string;
}

/**
 * A DHCP reservation as the `<host>` fragment of NETWORK_UPDATE's `ip-dhcp-host` section.
 *
 * @example buildDhcpHostXml({ mac: '52:54:00:12:34:56', name: 'web1', ip: '192.168.122.10' })
 * // <host mac="52:54:00:12:34:56" name="web1" ip="192.168.122.10"/>
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad address or MAC, or neither mac nor name
 * @see https://libvirt.org/formatnetwork.html#addressing
 */
export function buildDhcpHostXml(host: DhcpHost): string {
  return ElementWriter.document('host', 'host').attrs(dhcpHostAttributes(host, 'host')).extras(host).toXml();
}

/**
 * A DNS host record as the `<host>` fragment of NETWORK_UPDATE's `dns-host` section.
 *
 * @example buildDnsHostXml({ ip: '192.168.122.10', hostnames: ['web1', 'web1.lab'] })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad address, no host name or an empty one
 * @see https://libvirt.org/formatnetwork.html#addressing
 */
export function buildDnsHostXml(host: DnsHost): string {
  if (typeof host !== 'object' || host === null) throw invalidSpec('host', 'must be an object { ip, hostnames }');
  validateIp(host.ip, 'host.ip');
  if (!Array.isArray(host.hostnames) || host.hostnames.length === 0) throw invalidSpec('host.hostnames', 'must list at least one name');
  const w = ElementWriter.document('host', 'host').attr('ip', host.ip);
  host.hostnames.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name === '') throw invalidSpec(`host.hostnames[${i}]`, 'must be a non-empty string');
    w.textChild('hostname', name, `hostnames[${i}]`);
  });
  return w.toXml();
}

/**
 * A `<networkport>` for NETWORK_PORT_CREATE_XML: its UUID (random unless
 * given: libvirt refuses a port without one), owner and MAC; the network
 * driver fills in the plug (bridge) itself.
 *
 * @example buildNetworkPortXml({ owner: { name: 'web1', uuid: 'c7a5fdbd-cdaf-9455-926a-d65c16db1809' }, mac: '52:54:00:12:34:56' })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad owner name or UUID, or a bad MAC
 * @see https://libvirt.org/formatnetworkport.html
 */
export function buildNetworkPortXml(port: NetworkPortModel): string {
  if (typeof port !== 'object' || port === null) throw invalidSpec('port', 'must be an object { owner, mac }');
  if (typeof port.owner !== 'object' || port.owner === null) throw invalidSpec('owner', 'must be { name, uuid }');
  validateName(port.owner.name, 'owner.name', 'libvirt');
  const ownerUuid = normalizeUuid(port.owner.uuid, 'owner.uuid');
  const mac = normalizeMac(port.mac, 'mac');
  const w = ElementWriter.document('networkport', '');
  w.textChild('uuid', port.uuid === undefined ? randomUUID() : normalizeUuid(port.uuid, 'uuid'));
  w.child('owner', {}, 'owner').textChild('name', port.owner.name).textChild('uuid', ownerUuid);
  w.child('mac', { address: mac }, 'mac');
  return w.toXml();
}
