/**
 * What the per-domain statistics calls return, and the decoding of libvirt's
 * counters, tags and typed parameters into those shapes. Counters stay
 * `bigint` (they are 64-bit and grow past 2^53 on busy guests); a field
 * libvirt does not report (absent, or -1 on the wire) is left out.
 *
 * @module
 */
import { type TypedParam, type TypedParamRecordValue, typedParamsToRecord } from '../../rpc/index.js';

/** One disk's I/O counters since the domain started (`virsh domblkstat`). */
export interface BlockStats {
  /** `rd_operations` (old API: `rd_req`): read requests. */
  readRequests?: bigint;
  /** `rd_bytes`: bytes read. */
  readBytes?: bigint;
  /** `rd_total_times`: nanoseconds spent reading. */
  readTimeNs?: bigint;
  /** `wr_operations` (old API: `wr_req`): write requests. */
  writeRequests?: bigint;
  /** `wr_bytes`: bytes written. */
  writeBytes?: bigint;
  /** `wr_total_times`: nanoseconds spent writing. */
  writeTimeNs?: bigint;
  /** `flush_operations`: flush requests. */
  flushRequests?: bigint;
  /** `flush_total_times`: nanoseconds spent flushing. */
  flushTimeNs?: bigint;
  /** `errs`: errors (Xen, and the old API on drivers that count them). */
  errors?: bigint;
  /** Every statistic as libvirt named and sent it (the old API's five under their old names). */
  params: Record<string, TypedParamRecordValue>;
}

/** One network interface's counters (`virsh domifstat`). */
export interface InterfaceStats {
  /** `rx_bytes` */
  rxBytes?: bigint;
  /** `rx_packets` */
  rxPackets?: bigint;
  /** `rx_errs` */
  rxErrors?: bigint;
  /** `rx_drop` */
  rxDrops?: bigint;
  /** `tx_bytes` */
  txBytes?: bigint;
  /** `tx_packets` */
  txPackets?: bigint;
  /** `tx_errs` */
  txErrors?: bigint;
  /** `tx_drop` */
  txDrops?: bigint;
}

/**
 * The guest's memory as its balloon driver reports it (`virsh dommemstat`).
 * libvirt counts in KiB; these are bytes. Which fields come depends on the
 * guest's balloon driver and the stats period ({@link DomainStatsResource.setMemoryStatsPeriod}).
 */
export interface MemoryStats {
  /** `swap_in` (VIR_DOMAIN_MEMORY_STAT_SWAP_IN): bytes swapped in. */
  swapInBytes?: bigint;
  /** `swap_out`: bytes swapped out. */
  swapOutBytes?: bigint;
  /** `major_fault`: page faults that needed disk I/O. */
  majorFaults?: bigint;
  /** `minor_fault`: page faults served from memory. */
  minorFaults?: bigint;
  /** `unused`: memory the guest leaves unused. */
  unusedBytes?: bigint;
  /** `available`: memory the guest sees. */
  availableBytes?: bigint;
  /** `actual`: the balloon's current size (the memory the guest has now). */
  actualBalloonBytes?: bigint;
  /** `rss`: resident memory of the hypervisor process on the host. */
  rssBytes?: bigint;
  /** `usable`: memory the guest could use without swapping. */
  usableBytes?: bigint;
  /** `last_update`: when the guest last refreshed these statistics. */
  lastUpdate?: Date;
  /** `disk_caches`: memory the guest can reclaim from its caches. */
  diskCachesBytes?: bigint;
  /** `hugetlb_pgalloc`: huge page allocations inside the guest. */
  hugetlbAllocations?: bigint;
  /** `hugetlb_pgfail`: failed huge page allocations inside the guest. */
  hugetlbFailures?: bigint;
  /** Every tag as libvirt sent it, by virsh's name (`'actual'`, `'swap_in'`; unknown tags as `'tag_<n>'`), in libvirt's unit. */
  tags: Record<string, bigint>;
}

/** CPU time a domain used in total (`virsh cpu-stats --total`), in nanoseconds. */
export interface CpuTotals {
  /** `cpu_time`: all CPU time, the hypervisor's threads included. */
  cpuTimeNs?: bigint;
  /** `user_time`: time in user mode. */
  userTimeNs?: bigint;
  /** `system_time`: time in kernel mode. */
  systemTimeNs?: bigint;
  /** `vcpu_time`: time the vCPUs ran (without the hypervisor's overhead). */
  vcpuTimeNs?: bigint;
  /** Every statistic as libvirt named and sent it. */
  params: Record<string, TypedParamRecordValue>;
}

/** CPU time a domain used on one host CPU (`virsh cpu-stats`), in nanoseconds. */
export interface PerCpuStats {
  /** The host CPU's number. */
  cpu: number;
  /** `cpu_time` */
  cpuTimeNs?: bigint;
  /** `vcpu_time` */
  vcpuTimeNs?: bigint;
  /** Every statistic as libvirt named and sent it. */
  params: Record<string, TypedParamRecordValue>;
}

/** `virDomainDiskErrorCode`, lower-cased: a disk that hit an I/O error (`virsh domblkerror`). */
export type DiskErrorKind = 'none' | 'unspecified' | 'no-space';

/** A disk that hit an I/O error, and which. */
export interface DiskError {
  /** The disk's target (`vda`). */
  disk: string;
  error: DiskErrorKind | `unknown(${number})`;
}

/** `virDomainControlState`: whether libvirt can talk to the hypervisor about this domain now (`virsh domcontrol`). */
export type ControlState = 'ok' | 'job' | 'occupied' | 'error';

/** The control channel's state. */
export interface ControlInfo {
  state: ControlState | `unknown(${number})`;
  /** Why, when `state` is `'error'` (virDomainControlErrorReason). */
  reason?: 'none' | 'unknown' | 'monitor' | 'internal' | `unknown(${number})`;
  /** Milliseconds in this state (`stateTime`; 0 when `'ok'`). */
  stateTimeMs: number;
}

/** A filesystem mounted in the guest, as the guest agent reports it (`virsh domfsinfo`). */
export interface DomainFilesystem {
  /** Where it is mounted (`/boot`). */
  mountpoint: string;
  /** The guest's device name (`vda1`, `dm-0`). */
  name: string;
  /** `fstype` (`ext4`, `xfs`). */
  type: string;
  /** `dev_aliases`: the domain's disk targets it lives on (`['vda']`). */
  disks: string[];
}

/** The guest's vCPUs as the guest agent sees them (`virsh guestvcpus`). */
export interface GuestVcpus {
  /** `vcpus`: every vCPU the guest knows. */
  vcpus: number[];
  /** `online`: those online. */
  online: number[];
  /** `offlinable`: those the guest lets go offline. */
  offlinable: number[];
}

const BLOCK_FIELDS: Record<string, keyof BlockStats> = {
  rd_operations: 'readRequests',
  rd_req: 'readRequests',
  rd_bytes: 'readBytes',
  rd_total_times: 'readTimeNs',
  wr_operations: 'writeRequests',
  wr_req: 'writeRequests',
  wr_bytes: 'writeBytes',
  wr_total_times: 'writeTimeNs',
  flush_operations: 'flushRequests',
  flush_total_times: 'flushTimeNs',
  errs: 'errors',
};

/** `virDomainMemoryStatTags` in order, by virsh's names; the KiB ones become bytes. */
const MEMORY_TAGS: readonly (readonly [name: string, field: keyof MemoryStats, kib: boolean])[] = [
  ['swap_in', 'swapInBytes', true],
  ['swap_out', 'swapOutBytes', true],
  ['major_fault', 'majorFaults', false],
  ['minor_fault', 'minorFaults', false],
  ['unused', 'unusedBytes', true],
  ['available', 'availableBytes', true],
  ['actual', 'actualBalloonBytes', true],
  ['rss', 'rssBytes', true],
  ['usable', 'usableBytes', true],
  ['last_update', 'lastUpdate', false],
  ['disk_caches', 'diskCachesBytes', true],
  ['hugetlb_pgalloc', 'hugetlbAllocations', false],
  ['hugetlb_pgfail', 'hugetlbFailures', false],
];

/** A 64-bit counter: -1 (libvirt's "not supported") and non-integers are left out. */
function counter(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value < 0n ? undefined : value;
  if (typeof value === 'number' && Number.isInteger(value)) return value < 0 ? undefined : BigInt(value);
  return undefined;
}

/** Typed block statistics (243), or the old five (64) as `{ rd_req: …, errs: … }`. */
export function decodeBlockStats(params: readonly TypedParam[] | Record<string, bigint>): BlockStats {
  // The old call's five `hyper`s read as the llong parameters they are, so `params` has the same value types either way.
  const list = Array.isArray(params)
    ? (params as readonly TypedParam[])
    : Object.entries(params).map(([field, value]): TypedParam => ({ field, type: 'llong', value }));
  const record = typedParamsToRecord(list, { keepBigints: true });
  const out: BlockStats = { params: record };
  for (const [name, value] of Object.entries(record)) {
    const field = BLOCK_FIELDS[name];
    const n = counter(value);
    if (field !== undefined && n !== undefined) (out as unknown as Record<string, bigint>)[field] = n;
  }
  return out;
}

/** DOMAIN_INTERFACE_STATS's eight `hyper`s. */
export function decodeInterfaceStats(
  s: Record<'rx_bytes' | 'rx_packets' | 'rx_errs' | 'rx_drop' | 'tx_bytes' | 'tx_packets' | 'tx_errs' | 'tx_drop', bigint>,
): InterfaceStats {
  const pairs: [keyof InterfaceStats, bigint][] = [
    ['rxBytes', s.rx_bytes],
    ['rxPackets', s.rx_packets],
    ['rxErrors', s.rx_errs],
    ['rxDrops', s.rx_drop],
    ['txBytes', s.tx_bytes],
    ['txPackets', s.tx_packets],
    ['txErrors', s.tx_errs],
    ['txDrops', s.tx_drop],
  ];
  return Object.fromEntries(pairs.filter(([, v]) => v >= 0n)) as InterfaceStats;
}

/** DOMAIN_MEMORY_STATS's (tag, value) pairs. */
export function decodeMemoryStats(stats: readonly { tag: number; val: bigint }[]): MemoryStats {
  const out: Record<string, unknown> = {};
  const tags: Record<string, bigint> = {};
  for (const { tag, val } of stats) {
    const known = MEMORY_TAGS[tag];
    tags[known?.[0] ?? `tag_${tag}`] = val;
    if (known === undefined) continue;
    const [, field, kib] = known;
    out[field] = field === 'lastUpdate' ? new Date(Number(val) * 1000) : kib ? val * 1024n : val;
  }
  return { ...out, tags } as MemoryStats;
}

/** GET_CPU_STATS's totals. */
export function decodeCpuTotals(params: readonly TypedParam[]): CpuTotals {
  const out: CpuTotals = { params: typedParamsToRecord(params, { keepBigints: true }) };
  for (const p of params) {
    const field = ({ cpu_time: 'cpuTimeNs', user_time: 'userTimeNs', system_time: 'systemTimeNs', vcpu_time: 'vcpuTimeNs' } as const)[
      p.field
    ];
    const n = counter(p.value);
    if (field !== undefined && n !== undefined) out[field] = n;
  }
  return out;
}

/**
 * GET_CPU_STATS's per-CPU reply: flat, `stride` parameters per CPU (the
 * reply's `nparams`), the first being CPU `startCpu`. libvirt's own client
 * reads it the same way.
 */
export function decodePerCpuStats(params: readonly TypedParam[], stride: number, startCpu: number): PerCpuStats[] {
  const out: PerCpuStats[] = [];
  if (stride <= 0) return out;
  for (let i = 0; i * stride < params.length; i++) {
    const slice = params.slice(i * stride, (i + 1) * stride);
    const totals = decodeCpuTotals(slice);
    const entry: PerCpuStats = { cpu: startCpu + i, params: totals.params };
    if (totals.cpuTimeNs !== undefined) entry.cpuTimeNs = totals.cpuTimeNs;
    if (totals.vcpuTimeNs !== undefined) entry.vcpuTimeNs = totals.vcpuTimeNs;
    out.push(entry);
  }
  return out;
}

const DISK_ERRORS: readonly DiskErrorKind[] = ['none', 'unspecified', 'no-space'];
const CONTROL_STATES: readonly ControlState[] = ['ok', 'job', 'occupied', 'error'];
const CONTROL_REASONS = ['none', 'unknown', 'monitor', 'internal'] as const;

/** `virDomainDiskErrorCode` number → name. */
export function diskErrorName(code: number): DiskError['error'] {
  return DISK_ERRORS[code] ?? `unknown(${code})`;
}

/** DOMAIN_GET_CONTROL_INFO's reply. */
export function decodeControlInfo(r: { state: number; details: number; stateTime: bigint }): ControlInfo {
  const state = CONTROL_STATES[r.state] ?? (`unknown(${r.state})` as const);
  const info: ControlInfo = { state, stateTimeMs: Number(r.stateTime) };
  if (state === 'error') info.reason = CONTROL_REASONS[r.details] ?? `unknown(${r.details})`;
  return info;
}
