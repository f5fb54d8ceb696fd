/**
 * What the host ("node") calls return: CPU and memory statistics, free
 * memory and pages per NUMA cell, the CPU map, KSM's memory parameters, the
 * security model and AMD SEV's facts.
 *
 * @module
 */
import type { TypedParamRecordValue } from '../../rpc/index.js';

/** Host CPU time since boot (`virsh nodecpustats`), in nanoseconds; of one CPU or all. */
export interface NodeCpuStats {
  /** `kernel` (VIR_NODE_CPU_STATS_KERNEL): time in kernel mode. */
  kernelNs?: bigint;
  /** `user`: time in user mode. */
  userNs?: bigint;
  /** `idle`: time idle. */
  idleNs?: bigint;
  /** `iowait`: time waiting for I/O. */
  iowaitNs?: bigint;
  /** `intr`: time serving interrupts (drivers that report it). */
  interruptNs?: bigint;
  /** `utilization`: percent busy (drivers that report it instead of times). */
  utilizationPercent?: bigint;
  /** Every statistic as libvirt named and sent it. */
  params: Record<string, bigint>;
}

/** Host memory (`virsh nodememstats`), in bytes; of one NUMA cell (`total` and `free` only) or the whole host. */
export interface NodeMemoryStats {
  /** `total` (VIR_NODE_MEMORY_STATS_TOTAL). */
  totalBytes?: bigint;
  /** `free`. */
  freeBytes?: bigint;
  /** `buffers`: kernel buffers (whole host only). */
  buffersBytes?: bigint;
  /** `cached`: page cache (whole host only). */
  cachedBytes?: bigint;
  /** Every statistic as libvirt named and sent it, in KiB (libvirt's unit). */
  paramsKiB: Record<string, bigint>;
}

/** One NUMA cell's free memory (`virsh freecell`). */
export interface CellFreeMemory {
  cell: number;
  freeBytes: bigint;
}

/** Free pages of one size on one NUMA cell, or on the whole host (`virsh freepages`). */
export interface FreePages {
  /** The NUMA cell; `null` for the whole host. */
  cell: number | null;
  /** Page size in KiB (4, 2048, 1048576 on x86_64). */
  pageSizeKiB: number;
  /** Free pages of that size. */
  free: bigint;
}

/** The host's CPUs (`virsh nodecpumap`). */
export interface NodeCpuMap {
  /** CPUs present (the highest CPU number + 1). */
  present: number;
  /** CPUs online. */
  online: number;
  /** The online CPUs' numbers. */
  onlineCpus: number[];
}

/**
 * KSM's (kernel same-page merging) parameters and counters
 * (`virsh node-memory-tune`), keyed by libvirt's typed-parameter names.
 */
export interface NodeMemoryParameters {
  /** `shm_pages_to_scan`: pages to scan before KSM sleeps. */
  shm_pages_to_scan?: number;
  /** `shm_sleep_millisecs`: ms KSM sleeps between scans. */
  shm_sleep_millisecs?: number;
  /** `shm_pages_shared`: shared pages in use (read-only). */
  shm_pages_shared?: bigint;
  /** `shm_pages_sharing`: sites sharing them, i.e. pages saved (read-only). */
  shm_pages_sharing?: bigint;
  /** `shm_pages_unshared`: unique pages checked again and again (read-only). */
  shm_pages_unshared?: bigint;
  /** `shm_pages_volatile`: pages changing too fast to merge (read-only). */
  shm_pages_volatile?: bigint;
  /** `shm_full_scans`: full scans done (read-only). */
  shm_full_scans?: bigint;
  /** `shm_merge_across_nodes`: 1 lets KSM merge pages of different NUMA nodes. */
  shm_merge_across_nodes?: number;
}

/** The KSM parameters {@link NodeResource.setMemoryParameters} may change (the rest are counters). */
export type NodeMemoryParametersInput = Pick<NodeMemoryParameters, 'shm_pages_to_scan' | 'shm_sleep_millisecs' | 'shm_merge_across_nodes'>;

/** The host's security driver (`virsh capabilities` `<secmodel>`). */
export interface SecurityModel {
  /** `'selinux'`, `'apparmor'`, `'dac'`, `'none'`… (empty when there is none). */
  model: string;
  /** Its domain of interpretation (`'0'`). */
  doi: string;
}

/** AMD SEV platform facts (`virsh nodesevinfo`). */
export interface SevInfo {
  /** `pdh`: the platform Diffie-Hellman key, base64. */
  pdh?: string;
  /** `cert-chain`: the platform's certificate chain, base64. */
  certChain?: string;
  /** `cpu0-id`: CPU 0's unique id, base64 (newer libvirt). */
  cpu0Id?: string;
  /** `cbitpos`: the C-bit's position in a page table entry. */
  cbitpos?: number;
  /** `reduced-phys-bits`: physical address bits lost to encryption. */
  reducedPhysBits?: number;
  /** `max-guests`: most SEV guests at once. */
  maxGuests?: number;
  /** `max-es-guests`: most SEV-ES guests at once. */
  maxEsGuests?: number;
  /** Every fact as libvirt named and sent it. */
  params: Record<string, TypedParamRecordValue>;
}

const CPU_FIELDS: Record<string, keyof Omit<NodeCpuStats, 'params'>> = {
  kernel: 'kernelNs',
  user: 'userNs',
  idle: 'idleNs',
  iowait: 'iowaitNs',
  intr: 'interruptNs',
  utilization: 'utilizationPercent',
};
const MEMORY_FIELDS: Record<string, keyof Omit<NodeMemoryStats, 'paramsKiB'>> = {
  total: 'totalBytes',
  free: 'freeBytes',
  buffers: 'buffersBytes',
  cached: 'cachedBytes',
};

/** NODE_GET_CPU_STATS's (field, value) pairs. */
export function decodeNodeCpuStats(params: readonly { field: string; value: bigint }[]): NodeCpuStats {
  const out: NodeCpuStats = { params: {} };
  for (const { field, value } of params) {
    out.params[field] = value;
    const name = CPU_FIELDS[field];
    if (name !== undefined) out[name] = value;
  }
  return out;
}

/** NODE_GET_MEMORY_STATS's (field, KiB) pairs. */
export function decodeNodeMemoryStats(params: readonly { field: string; value: bigint }[]): NodeMemoryStats {
  const out: NodeMemoryStats = { paramsKiB: {} };
  for (const { field, value } of params) {
    out.paramsKiB[field] = value;
    const name = MEMORY_FIELDS[field];
    if (name !== undefined) out[name] = value * 1024n;
  }
  return out;
}

/** NODE_GET_CPU_MAP's bitmap (CPU 0 = the low bit of byte 0) as CPU numbers. */
export function cpuMapMembers(map: Uint8Array): number[] {
  const cpus: number[] = [];
  map.forEach((byte, i) => {
    for (let bit = 0; bit < 8; bit++) if ((byte >> bit) & 1) cpus.push(i * 8 + bit);
  });
  return cpus;
}

/** A `char x<n>` string of NODE_GET_SECURITY_MODEL: the bytes up to the NUL libvirt sends with it. */
export function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.toString('utf8', 0, nul === -1 ? bytes.length : nul);
}

/** NODE_GET_SEV_INFO's typed parameters. */
export function decodeSevInfo(params: Record<string, TypedParamRecordValue>): SevInfo {
  const out: SevInfo = { params };
  const str = (k: string): string | undefined => (typeof params[k] === 'string' ? params[k] : undefined);
  const num = (k: string): number | undefined => (typeof params[k] === 'number' ? params[k] : undefined);
  const fields: [keyof SevInfo, string | number | undefined][] = [
    ['pdh', str('pdh')],
    ['certChain', str('cert-chain')],
    ['cpu0Id', str('cpu0-id')],
    ['cbitpos', num('cbitpos')],
    ['reducedPhysBits', num('reduced-phys-bits')],
    ['maxGuests', num('max-guests')],
    ['maxEsGuests', num('max-es-guests')],
  ];
  for (const [key, value] of fields) if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  return out;
}
