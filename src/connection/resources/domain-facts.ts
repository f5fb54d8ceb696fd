/**
 * What libvirt reports about one domain: its state and reason, its info
 * (memory, vCPUs, CPU time), a disk's sizes, the guest's interface addresses.
 * The shapes and the calls that read them.
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors/index.js';
import {
  DOMAIN_GET_BLOCK_INFO,
  DOMAIN_GET_INFO,
  DOMAIN_GET_STATE,
  DOMAIN_INTERFACE_ADDRESSES,
  type CallOptions,
  domainStateName,
  domainStateReasonName,
} from '../../rpc/index.js';
import { type DomainInput, checkName, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';

/** libvirt's domain states, lower-cased (`virDomainState`). */
export type DomainStateName = 'nostate' | 'running' | 'blocked' | 'paused' | 'shutdown' | 'shutoff' | 'crashed' | 'pmsuspended';

/** A domain's state and the reason for it, by name and by libvirt number. */
export interface DomainState {
  state: DomainStateName;
  /** Reason within the state, e.g. `'booted'`, `'destroyed'`, `'user'`. */
  reason: string;
  stateCode: number;
  reasonCode: number;
}

/** A disk's sizes, in bytes (`virDomainGetBlockInfo`). */
export interface BlockInfo {
  /** What the guest sees. */
  capacity: bigint;
  /** Host bytes in use. */
  allocation: bigint;
  /** The size of the file or device holding it. */
  physical: bigint;
}

/** `virDomainGetInfo`: memory in bytes, CPU time in nanoseconds. */
export interface DomainInfo {
  state: DomainStateName;
  maxMemoryBytes: number;
  memoryBytes: number;
  vcpus: number;
  cpuTimeNs: bigint;
}

/** Where interface addresses come from (`virDomainInterfaceAddressesSource`). */
export type AddressSource = 'lease' | 'agent' | 'arp';

/** One guest network interface and its addresses. */
export interface DomainInterfaceAddresses {
  name: string;
  hwaddr: string | null;
  addrs: { type: 'ipv4' | 'ipv6'; addr: string; prefix: number }[];
}

const SOURCE: Record<AddressSource, number> = { lease: 0, agent: 1, arp: 2 };

/** libvirt's state and reason numbers, named (one reading for DOMAIN_GET_STATE and the all-domain stats). */
export function stateOf(state: number, reason: number): DomainState {
  return {
    state: domainStateName(state) as DomainStateName,
    reason: domainStateReasonName(state, reason),
    stateCode: state,
    reasonCode: reason,
  };
}

/** `virDomainGetState`, named. */
export async function getState(call: ResourceCall, domain: DomainInput, options?: CallOptions): Promise<DomainState> {
  const dom = await resolveDomain(call, domain, options);
  const { state, reason } = await call(DOMAIN_GET_STATE, { dom, flags: 0 }, options);
  return stateOf(state, reason);
}

/** `virDomainGetBlockInfo` of a disk named by target or source path. */
export async function getBlockInfo(call: ResourceCall, domain: DomainInput, disk: string, options?: CallOptions): Promise<BlockInfo> {
  const dom = await resolveDomain(call, domain, options);
  return call(DOMAIN_GET_BLOCK_INFO, { dom, path: checkName(disk, 'disk'), flags: 0 }, options);
}

/** `virDomainGetInfo`, with libvirt's KiB turned into bytes. */
export async function getInfo(call: ResourceCall, domain: DomainInput, options?: CallOptions): Promise<DomainInfo> {
  const dom = await resolveDomain(call, domain, options);
  const info = await call(DOMAIN_GET_INFO, { dom }, options);
  return {
    state: domainStateName(info.state) as DomainStateName,
    maxMemoryBytes: Number(info.maxMem) * 1024,
    memoryBytes: Number(info.memory) * 1024,
    vcpus: info.nrVirtCpu,
    cpuTimeNs: info.cpuTime,
  };
}

/** `virDomainInterfaceAddresses` from the chosen source (a bad source throws before anything is sent). */
export async function getInterfaceAddresses(
  call: ResourceCall,
  domain: DomainInput,
  options: CallOptions & { source?: AddressSource },
): Promise<DomainInterfaceAddresses[]> {
  const source = SOURCE[options.source ?? 'lease'];
  if (source === undefined) throw new InvalidArgumentError(`unknown address source ${String(options.source)}`, { path: 'source' });
  const dom = await resolveDomain(call, domain, options);
  const { ifaces } = await call(DOMAIN_INTERFACE_ADDRESSES, { dom, source, flags: 0 }, options);
  return ifaces.map((i) => ({
    name: i.name,
    hwaddr: i.hwaddr,
    addrs: i.addrs.map((a) => ({ type: a.type === 1 ? 'ipv6' : 'ipv4', addr: a.addr, prefix: a.prefix })),
  }));
}
