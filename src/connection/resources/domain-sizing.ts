import { InvalidArgumentError } from '../../errors/index.js';
import { DOMAIN_GET_VCPUS_FLAGS, DOMAIN_SET_MEMORY_FLAGS, DOMAIN_SET_VCPUS_FLAGS } from '../../rpc/index.js';
import { impactFlags } from './impact.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';
import type { CallOptions } from '../../rpc/index.js';

/**
 * Which definition a change or a reading concerns. Neither `live` nor
 * `config`: libvirt's "current" — the running domain when it runs, else its
 * persistent config. Both (for changes): the running domain and its config.
 */
export interface SizingImpact {
  /** The running domain (`VIR_DOMAIN_AFFECT_LIVE`). */
  live?: boolean;
  /** The persistent config, used from the next start (`VIR_DOMAIN_AFFECT_CONFIG`). */
  config?: boolean;
  /** The maximum (vCPUs: the most the domain can have; memory: its maximum allocation) instead of the current value. */
  maximum?: boolean;
}

/** Options of {@link DomainResource.setVcpus} and {@link DomainResource.getVcpus}. */
export interface VcpuOptions extends CallOptions, SizingImpact {
  /** Ask the guest agent to online/offline vCPUs inside the guest (`VIR_DOMAIN_VCPU_GUEST`). */
  guest?: boolean;
}

/** Options of {@link DomainResource.setMemory}. */
export interface MemoryOptions extends CallOptions, SizingImpact {}

/** Most vCPUs any libvirt domain can have (libvirt's own limit is the hypervisor's, well below this). */
const MAX_VCPUS = 16_384;
const U64_MAX = 2n ** 64n - 1n;

/** libvirt's flags for `options`: live/config from the shared {@link impactFlags}, then maximum and guest. */
function sizingFlags(options: SizingImpact & { guest?: boolean }, mode: 'read' | 'change', guestAllowed: boolean): number {
  let flags = impactFlags(options, mode);
  for (const [key, bit] of [
    ['maximum', 4],
    ['guest', 8],
  ] as const) {
    const value: unknown = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean' || (key === 'guest' && !guestAllowed))
      throw new InvalidArgumentError(`${key} must be a boolean${key === 'guest' ? ' (vCPUs only)' : ''}`, { path: key });
    if (value) flags |= bit;
  }
  return flags;
}

/** Set a domain's vCPU count (`virsh setvcpus`). */
export async function setVcpus(call: ResourceCall, domain: DomainInput, count: number, options: VcpuOptions): Promise<void> {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_VCPUS)
    throw new InvalidArgumentError(`count must be an integer from 1 to ${MAX_VCPUS}`, { path: 'count' });
  const flags = sizingFlags(options, 'change', true);
  const dom = await resolveDomain(call, domain, options);
  await call(DOMAIN_SET_VCPUS_FLAGS, { dom, nvcpus: count, flags }, options);
}

/** A domain's vCPU count (`virsh vcpucount`). */
export async function getVcpus(call: ResourceCall, domain: DomainInput, options: VcpuOptions): Promise<number> {
  const flags = sizingFlags(options, 'read', true);
  const dom = await resolveDomain(call, domain, options);
  return (await call(DOMAIN_GET_VCPUS_FLAGS, { dom, flags }, options)).num;
}

/** Set a domain's memory, in bytes (a whole number of KiB: libvirt counts in KiB) (`virsh setmem` / `setmaxmem`). */
export async function setMemory(call: ResourceCall, domain: DomainInput, bytes: number | bigint, options: MemoryOptions): Promise<void> {
  const value: unknown = bytes;
  const size = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : typeof value === 'bigint' ? value : -1n;
  if (size < 1024n || size % 1024n !== 0n || size > U64_MAX) {
    throw new InvalidArgumentError('bytes must be a whole number of KiB (a multiple of 1024), at least 1 KiB, as a number or bigint', {
      path: 'bytes',
    });
  }
  const flags = sizingFlags(options, 'change', false);
  const dom = await resolveDomain(call, domain, options);
  await call(DOMAIN_SET_MEMORY_FLAGS, { dom, memory: size / 1024n, flags }, options);
}
