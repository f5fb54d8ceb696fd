import { compact, withExtras, type ElementReader, type Extensible } from '../core/reader.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { isIPv4, normalizeMac, validateIp } from '../validate.js';

/** A `<range>` of addresses handed out by DHCP. */
export interface DhcpRange extends Extensible {
  start: string;
  end: string;
}

/** A `<host>` reservation: a fixed address for a MAC (IPv4) or id/name (IPv6). */
export interface DhcpHost extends Extensible {
  mac?: string;
  name?: string;
  ip: string;
}

/** `<dhcp>` of an `<ip>`. */
export interface NetworkDhcp extends Extensible {
  ranges?: DhcpRange[];
  hosts?: DhcpHost[];
}

/** An `<ip>` of a network: the host's address on it, and optionally DHCP. */
export interface NetworkIp extends Extensible {
  /** The host's (gateway) address on the network. */
  address: string;
  /** Dotted netmask (IPv4); give this or `prefix`. */
  netmask?: string;
  /** Prefix length; give this or `netmask`. */
  prefix?: number;
  /** @default 'ipv4' */
  family?: 'ipv4' | 'ipv6';
  dhcp?: NetworkDhcp;
}

/** @internal */
export function writeIp(w: ElementWriter, ip: NetworkIp): void {
  const p = w.path;
  const family = ip.family ?? (ip.address !== undefined && !isIPv4(ip.address) && ip.address.includes(':') ? 'ipv6' : 'ipv4');
  validateIp(ip.address, `${p}.address`, family);
  if (ip.netmask !== undefined && ip.prefix !== undefined) throw invalidSpec(`${p}.netmask`, 'give either netmask or prefix, not both');
  if (ip.netmask !== undefined) {
    if (family === 'ipv6') throw invalidSpec(`${p}.netmask`, 'is IPv4 only; use prefix');
    validateIp(ip.netmask, `${p}.netmask`, 'ipv4');
  }
  const maxPrefix = family === 'ipv6' ? 128 : 32;
  if (ip.prefix !== undefined && (!Number.isSafeInteger(ip.prefix) || ip.prefix < 0 || ip.prefix > maxPrefix)) {
    throw invalidSpec(`${p}.prefix`, `must be an integer from 0 to ${maxPrefix}`);
  }
  w.attrs({ family: ip.family, address: ip.address, netmask: ip.netmask, prefix: ip.prefix });
  if (ip.dhcp !== undefined) {
    const d = w.child('dhcp', {}, `${p}.dhcp`);
    (ip.dhcp.ranges ?? []).forEach((range, i) => {
      const path = `${p}.dhcp.ranges[${i}]`;
      validateIp(range.start, `${path}.start`, family);
      validateIp(range.end, `${path}.end`, family);
      d.child('range', { start: range.start, end: range.end }, path).extras(range);
    });
    (ip.dhcp.hosts ?? []).forEach((host, i) => {
      const path = `${p}.dhcp.hosts[${i}]`;
      d.child('host', dhcpHostAttributes(host, path, family), path).extras(host);
    });
    d.extras(ip.dhcp);
  }
  w.extras(ip);
}

/**
 * The checked attributes of a DHCP `<host>` reservation, for a `<dhcp>` and for
 * a NETWORK_UPDATE fragment alike. `family` is the `<ip>`'s; undefined accepts either.
 * @internal
 */
export function dhcpHostAttributes(host: DhcpHost, path: string, family?: 'ipv4' | 'ipv6'): Record<string, string | undefined> {
  if (typeof host !== 'object' || host === null) throw invalidSpec(path, 'must be an object { mac, name, ip }');
  validateIp(host.ip, `${path}.ip`, family);
  const mac = host.mac === undefined ? undefined : normalizeMac(host.mac, `${path}.mac`);
  if (mac === undefined && host.name === undefined && host.extraAttributes === undefined) throw invalidSpec(path, 'needs a mac or a name');
  return { mac, name: host.name, ip: host.ip };
}

/** @internal */
export function readIp(r: ElementReader): NetworkIp {
  const dhcp = r.child('dhcp');
  let parsedDhcp: NetworkDhcp | undefined;
  if (dhcp !== undefined) {
    const ranges = dhcp
      .children('range')
      .map((x) => withExtras({ start: x.requiredAttr('start'), end: x.requiredAttr('end') }, x.extras()));
    const hosts = dhcp
      .children('host')
      .map((x) => withExtras(compact({ mac: x.attr('mac'), name: x.attr('name'), ip: x.requiredAttr('ip') }), x.extras()));
    parsedDhcp = withExtras(
      compact({ ranges: ranges.length > 0 ? ranges : undefined, hosts: hosts.length > 0 ? hosts : undefined }),
      dhcp.extras(),
    );
  }
  const ip: NetworkIp = compact({
    family: r.attr('family') as NetworkIp['family'],
    address: r.requiredAttr('address'),
    netmask: r.attr('netmask'),
    prefix: r.int('prefix'),
    dhcp: parsedDhcp,
  });
  return withExtras(ip, r.extras());
}
