import { ErrorCode, InvalidArgumentError, checkKeys, type KnownKeys } from '../../errors/index.js';
import {
  CALL_OPTION_KEYS,
  CONNECT_SUPPORTS_FEATURE,
  NETWORK_UPDATE,
  VirDrvFeature,
  VirNetworkUpdateCommand,
  VirNetworkUpdateSection,
  type CallOptions,
} from '../../rpc/index.js';
import { type DhcpHost, type DnsHost, buildDhcpHostXml, buildDnsHostXml } from '../../xml/index.js';
import { checkOptions } from './check-options.js';
import { impactFlags } from './impact.js';
import { type NetworkInput, resolveNetwork } from './refs.js';
import type { ResourceCall } from './types.js';

/** What a network update does with its fragment (`virsh net-update` commands). */
export type NetworkUpdateCommand = 'add-last' | 'add-first' | 'delete' | 'modify';

/** Which part of the network XML a fragment is (`virsh net-update` sections). */
export type NetworkUpdateSection =
  | 'bridge'
  | 'domain'
  | 'ip'
  | 'ip-dhcp-host'
  | 'ip-dhcp-range'
  | 'forward'
  | 'forward-interface'
  | 'forward-pf'
  | 'portgroup'
  | 'dns-host'
  | 'dns-txt'
  | 'dns-srv';

/**
 * One change to a network: a command, a section and the fragment, given as a
 * typed DHCP reservation (`ip-dhcp-host`), a typed DNS host (`dns-host`), or
 * raw XML for any section (`<portgroup name='x'/>`, `<range start= end=/>`…).
 */
export interface NetworkUpdate {
  command: NetworkUpdateCommand;
  section: NetworkUpdateSection;
  /** For `ip-dhcp-host`: the reservation, written as `<host mac= name= ip=/>`. */
  dhcpHost?: DhcpHost;
  /** For `dns-host`: the record, written as `<host ip=><hostname>…</hostname></host>`. */
  dnsHost?: DnsHost;
  /** The fragment as XML, for any section. */
  xml?: string;
  /** Which `<ip>` element of the network (0-based) an `ip-dhcp-*` change is for. @default -1 (the first that fits) */
  parentIndex?: number;
}

/**
 * Options of {@link NetworkResource.update}: which definition changes. Neither:
 * libvirt's "current" (the running network when it runs, else its config).
 */
export interface NetworkUpdateOptions extends CallOptions {
  /** Change the running network (`VIR_NETWORK_UPDATE_AFFECT_LIVE`): dnsmasq is told at once. */
  live?: boolean;
  /** Change the persistent config (`VIR_NETWORK_UPDATE_AFFECT_CONFIG`). */
  config?: boolean;
}

const UPDATE_KEYS = { ...CALL_OPTION_KEYS, live: true, config: true } as const satisfies KnownKeys<NetworkUpdateOptions>;
const CHANGE_KEYS = {
  command: true,
  section: true,
  dhcpHost: true,
  dnsHost: true,
  xml: true,
  parentIndex: true,
} as const satisfies KnownKeys<NetworkUpdate>;

const COMMANDS: Record<NetworkUpdateCommand, number> = {
  'add-last': VirNetworkUpdateCommand.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
  'add-first': VirNetworkUpdateCommand.VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST,
  delete: VirNetworkUpdateCommand.VIR_NETWORK_UPDATE_COMMAND_DELETE,
  modify: VirNetworkUpdateCommand.VIR_NETWORK_UPDATE_COMMAND_MODIFY,
};

const SECTIONS: Record<NetworkUpdateSection, number> = {
  bridge: VirNetworkUpdateSection.VIR_NETWORK_SECTION_BRIDGE,
  domain: VirNetworkUpdateSection.VIR_NETWORK_SECTION_DOMAIN,
  ip: VirNetworkUpdateSection.VIR_NETWORK_SECTION_IP,
  'ip-dhcp-host': VirNetworkUpdateSection.VIR_NETWORK_SECTION_IP_DHCP_HOST,
  'ip-dhcp-range': VirNetworkUpdateSection.VIR_NETWORK_SECTION_IP_DHCP_RANGE,
  forward: VirNetworkUpdateSection.VIR_NETWORK_SECTION_FORWARD,
  'forward-interface': VirNetworkUpdateSection.VIR_NETWORK_SECTION_FORWARD_INTERFACE,
  'forward-pf': VirNetworkUpdateSection.VIR_NETWORK_SECTION_FORWARD_PF,
  portgroup: VirNetworkUpdateSection.VIR_NETWORK_SECTION_PORTGROUP,
  'dns-host': VirNetworkUpdateSection.VIR_NETWORK_SECTION_DNS_HOST,
  'dns-txt': VirNetworkUpdateSection.VIR_NETWORK_SECTION_DNS_TXT,
  'dns-srv': VirNetworkUpdateSection.VIR_NETWORK_SECTION_DNS_SRV,
};

function pick<K extends string>(table: Record<K, number>, value: unknown, path: string): number {
  const n = typeof value === 'string' && Object.hasOwn(table, value) ? table[value as K] : undefined;
  if (n === undefined) throw new InvalidArgumentError(`${path} must be one of ${Object.keys(table).join(', ')}`, { path });
  return n;
}

/** The checked wire arguments of one update (nothing is sent when this throws). */
function updateArgs(change: NetworkUpdate): { command: number; section: number; parentIndex: number; xml: string } {
  if (typeof change !== 'object' || change === null) throw new InvalidArgumentError('change must be an object', { path: 'change' });
  checkKeys(change, CHANGE_KEYS, 'change', { code: ErrorCode.INVALID_ARGUMENT });
  const command = pick(COMMANDS, change.command, 'change.command');
  const section = pick(SECTIONS, change.section, 'change.section');
  const given = (['dhcpHost', 'dnsHost', 'xml'] as const).filter((key) => change[key] !== undefined);
  if (given.length !== 1)
    throw new InvalidArgumentError('change needs exactly one of dhcpHost, dnsHost or xml', { path: given[1] ?? 'change.xml' });
  if (change.dhcpHost !== undefined && change.section !== 'ip-dhcp-host')
    throw new InvalidArgumentError("change.dhcpHost is for section 'ip-dhcp-host'", { path: 'change.dhcpHost' });
  if (change.dnsHost !== undefined && change.section !== 'dns-host')
    throw new InvalidArgumentError("change.dnsHost is for section 'dns-host'", { path: 'change.dnsHost' });
  if (change.xml !== undefined && (typeof change.xml !== 'string' || change.xml.trim() === ''))
    throw new InvalidArgumentError('change.xml must be a non-empty XML fragment', { path: 'change.xml' });
  const parentIndex = change.parentIndex ?? -1;
  if (!Number.isSafeInteger(parentIndex) || parentIndex < -1 || parentIndex > 0x7fffffff)
    throw new InvalidArgumentError('change.parentIndex must be -1 or the 0-based index of an <ip> element', { path: 'change.parentIndex' });
  const xml =
    change.dhcpHost !== undefined
      ? buildDhcpHostXml(change.dhcpHost)
      : change.dnsHost !== undefined
        ? buildDnsHostXml(change.dnsHost)
        : change.xml!;
  return { command, section, parentIndex, xml };
}

/**
 * Change one section of a network in place (`virsh net-update`). Daemons
 * without the NETWORK_UPDATE_HAS_CORRECT_ORDER feature (old libvirt) read `command` and `section` swapped, so the SDK asks first, as libvirt's own client does.
 */
export async function updateNetwork(
  call: ResourceCall,
  network: NetworkInput,
  change: NetworkUpdate,
  options?: NetworkUpdateOptions,
): Promise<void> {
  const opts = checkOptions(options, UPDATE_KEYS);
  const { command, section, parentIndex, xml } = updateArgs(change);
  const flags = impactFlags({ live: opts.live, config: opts.config }, 'change');
  const net = await resolveNetwork(call, network, opts);
  const feature = VirDrvFeature.VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER;
  const { supported } = await call(CONNECT_SUPPORTS_FEATURE, { feature }, opts);
  const [first, second] = supported !== 0 ? [command, section] : [section, command];
  await call(NETWORK_UPDATE, { net, command: first, section: second, parentIndex, xml, flags }, opts);
}
