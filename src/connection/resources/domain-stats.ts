import { InvalidArgumentError, UnsupportedError } from '../../errors/index.js';
import {
  CALL_OPTION_KEYS,
  checkOnlyCallOptions,
  DOMAIN_BLOCK_STATS,
  DOMAIN_BLOCK_STATS_FLAGS,
  DOMAIN_GET_CONTROL_INFO,
  DOMAIN_GET_CPU_STATS,
  DOMAIN_GET_DISK_ERRORS,
  DOMAIN_GET_FSINFO,
  DOMAIN_GET_GUEST_VCPUS,
  DOMAIN_INTERFACE_STATS,
  DOMAIN_MEMORY_STATS,
  DOMAIN_SET_GUEST_VCPUS,
  DOMAIN_SET_MEMORY_STATS_PERIOD,
  REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX,
  REMOTE_DOMAIN_DISK_ERRORS_MAX,
  REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX,
  VIR_TYPED_PARAM_STRING_OKAY,
  type CallOptions,
  type DomainRef,
} from '../../rpc/index.js';
import { CPUSET_PATTERN, cpusetMembers, formatCpuset } from '../../xml/index.js';
import {
  type BlockStats,
  type ControlInfo,
  type CpuTotals,
  type DiskError,
  type DomainFilesystem,
  type GuestVcpus,
  type InterfaceStats,
  type MemoryStats,
  type PerCpuStats,
  decodeBlockStats,
  decodeControlInfo,
  decodeCpuTotals,
  decodeInterfaceStats,
  decodeMemoryStats,
  decodePerCpuStats,
  diskErrorName,
} from './domain-stats-types.js';
import { checkDeviceName, checkInteger, checkOptions } from './check-options.js';
import { impactFlags } from './impact.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';
import { unsupportedAs } from './unsupported.js';

/** Options of {@link DomainStatsResource.setMemoryStatsPeriod}: which definition changes (neither: libvirt's "current"). */
export interface MemoryStatsPeriodOptions extends CallOptions {
  /** The running domain (`VIR_DOMAIN_AFFECT_LIVE`). */
  live?: boolean;
  /** The persistent config, from the next start (`VIR_DOMAIN_AFFECT_CONFIG`). */
  config?: boolean;
}

/** Options of {@link DomainStatsResource.getPerCpuStats}. */
export interface PerCpuStatsOptions extends CallOptions {
  /** The first host CPU. @default 0 */
  startCpu?: number;
  /** How many host CPUs, at most. @default all from `startCpu` on */
  count?: number;
}

/** Options of {@link DomainStatsResource.setGuestVcpus}. */
export interface GuestVcpusOptions extends CallOptions {
  /** Bring the vCPUs online (`true`) or take them offline (`false`). */
  online: boolean;
}

/** `virDomainMemoryStatTags` libvirt 9.0 knows is 13; ask for room to spare so newer tags are not cut off. */
const MEMORY_STATS_ASKED = 64;
const MAX_VCPU = 16_383;
const INT32_MAX = 2 ** 31 - 1;

/**
 * A domain's statistics (`conn.domains.stats`): block, interface, memory and
 * CPU counters, disk errors, the control channel's state, and — through the
 * guest agent — the guest's filesystems and online vCPUs. One libvirt call
 * each (the CPU ones first ask libvirt how many statistics there are, as virsh
 * does). For many domains and groups at once, see `conn.host.getAllDomainStats`.
 */
export class DomainStatsResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * One disk's I/O counters (`virsh domblkstat`), by target (`'vda'`) or source
   * path; no `disk`: the sum over every disk (QEMU). Uses the typed call, and the
   * old five-counter one where the driver lacks it (the test driver).
   * @example const { readBytes, writeBytes } = await conn.domains.stats.getBlockStats('web1', 'vda');
   * @throws InvalidArgumentError for an empty disk name · `LibvirtError` `VIR_ERR_INVALID_ARG` for a disk the domain lacks,
   *   `VIR_ERR_OPERATION_INVALID` when it is not running · `UnsupportedError` for the sum where the driver cannot (the test driver)
   * @see virDomainBlockStatsFlags
   * @see virDomainBlockStats
   */
  async getBlockStats(domain: DomainInput, disk?: string, options: CallOptions = {}): Promise<BlockStats> {
    checkOnlyCallOptions(options, 0);
    const path = disk === undefined ? '' : checkDeviceName(disk, 'disk');
    const what = path === '' ? 'block statistics summed over disks' : `block statistics of ${path}`;
    const dom = await resolveDomain(this.#call, domain, options);
    try {
      // QEMU fills at most `nparams` and returns how many it filled: one call with the protocol's maximum gets all.
      const args = { dom, path, nparams: REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX, flags: VIR_TYPED_PARAM_STRING_OKAY };
      return decodeBlockStats((await this.#call(DOMAIN_BLOCK_STATS_FLAGS, args, options)).params);
    } catch (error) {
      if (!(error instanceof UnsupportedError)) throw unsupportedAs(error, what);
    }
    try {
      return decodeBlockStats(await this.#call(DOMAIN_BLOCK_STATS, { dom, path }, options));
    } catch (error) {
      throw unsupportedAs(error, what);
    }
  }

  /**
   * One network interface's counters (`virsh domifstat`), by target device (`'vnet0'`) or MAC.
   * @example const { rxBytes, txBytes } = await conn.domains.stats.getInterfaceStats('web1', 'vnet0');
   * @throws InvalidArgumentError for an empty name · `LibvirtError` `VIR_ERR_INVALID_ARG` for an interface the domain lacks
   * @see virDomainInterfaceStats
   */
  async getInterfaceStats(domain: DomainInput, device: string, options: CallOptions = {}): Promise<InterfaceStats> {
    checkOnlyCallOptions(options, 0);
    const name = checkDeviceName(device, 'device');
    const dom = await resolveDomain(this.#call, domain, options);
    return decodeInterfaceStats(await this.#call(DOMAIN_INTERFACE_STATS, { dom, device: name }, options));
  }

  /**
   * The guest's memory as its balloon reports it (`virsh dommemstat`), in bytes.
   * @example const { actualBalloonBytes, usableBytes } = await conn.domains.stats.getMemoryStats('web1');
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when the domain is not running
   * @see virDomainMemoryStats
   */
  async getMemoryStats(domain: DomainInput, options: CallOptions = {}): Promise<MemoryStats> {
    checkOnlyCallOptions(options, 0);
    const dom = await resolveDomain(this.#call, domain, options);
    return decodeMemoryStats((await this.#call(DOMAIN_MEMORY_STATS, { dom, maxStats: MEMORY_STATS_ASKED, flags: 0 }, options)).stats);
  }

  /**
   * How often, in seconds, the guest's balloon driver refreshes its memory
   * statistics (`virsh dommemstat --period`); 0 stops it.
   * @example await conn.domains.stats.setMemoryStatsPeriod('web1', 5, { live: true });
   * @throws InvalidArgumentError for a negative or fractional period · `LibvirtError` when the domain has no balloon
   * @see virDomainSetMemoryStatsPeriod
   */
  async setMemoryStatsPeriod(domain: DomainInput, seconds: number, options: MemoryStatsPeriodOptions = {}): Promise<void> {
    checkOptions(options, { ...CALL_OPTION_KEYS, live: true, config: true });
    const period = checkInteger(seconds, 'seconds', 0, INT32_MAX);
    const flags = impactFlags(options, 'change');
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_SET_MEMORY_STATS_PERIOD, { dom, period, flags }, options);
  }

  /**
   * CPU time the domain used in total (`virsh cpu-stats --total`), in nanoseconds.
   * @example const { cpuTimeNs } = await conn.domains.stats.getCpuTotals('web1');
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when the domain is not running
   * @see virDomainGetCPUStats
   */
  async getCpuTotals(domain: DomainInput, options: CallOptions = {}): Promise<CpuTotals> {
    checkOnlyCallOptions(options, 0);
    const dom = await resolveDomain(this.#call, domain, options);
    const nparams = await this.#count(dom, -1, 1, options);
    if (nparams === 0) return decodeCpuTotals([]);
    return decodeCpuTotals((await this.#call(DOMAIN_GET_CPU_STATS, { dom, nparams, start_cpu: -1, ncpus: 1, flags: 0 }, options)).params);
  }

  /**
   * CPU time the domain used on each host CPU (`virsh cpu-stats`), in
   * nanoseconds, asked in batches of 128 CPUs. Empty when `startCpu` is past the host's last CPU.
   * @example for (const { cpu, cpuTimeNs } of await conn.domains.stats.getPerCpuStats('web1')) console.log(cpu, cpuTimeNs);
   * @throws InvalidArgumentError for a negative `startCpu` or a `count` below 1 · `LibvirtError` when the domain is not running ·
   *   `UnsupportedError` where the host has no per-CPU accounting (libvirt 9.0 with cgroup v2)
   * @see virDomainGetCPUStats
   */
  async getPerCpuStats(domain: DomainInput, options: PerCpuStatsOptions = {}): Promise<PerCpuStats[]> {
    checkOptions(options, { ...CALL_OPTION_KEYS, startCpu: true, count: true });
    const start = options.startCpu === undefined ? 0 : checkInteger(options.startCpu, 'startCpu', 0, INT32_MAX);
    const count = options.count === undefined ? INT32_MAX : checkInteger(options.count, 'count', 1, INT32_MAX);
    const dom = await resolveDomain(this.#call, domain, options);
    try {
      return await this.#perCpu(dom, start, count, options);
    } catch (error) {
      // libvirt 9.0 under cgroup v2 has no per-CPU accounting: OPERATION_UNSUPPORTED.
      throw unsupportedAs(error, 'per-CPU statistics');
    }
  }

  async #perCpu(dom: DomainRef, start: number, count: number, options: CallOptions): Promise<PerCpuStats[]> {
    // As virsh: the number of host CPUs (nparams 0, ncpus 0), then the number of statistics per CPU.
    const hostCpus = await this.#count(dom, 0, 0, options);
    const nparams = await this.#count(dom, 0, 1, options);
    const end = Math.min(hostCpus, start + count);
    const out: PerCpuStats[] = [];
    for (let first = start; first < end && nparams > 0; first += REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX) {
      const ncpus = Math.min(REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX, end - first);
      const reply = await this.#call(DOMAIN_GET_CPU_STATS, { dom, nparams, start_cpu: first, ncpus, flags: 0 }, options);
      out.push(...decodePerCpuStats(reply.params, reply.nparams, first));
    }
    return out;
  }

  /** GET_CPU_STATS with `nparams` 0: a count in the reply's `nparams`. */
  async #count(dom: DomainRef, startCpu: number, ncpus: number, options: CallOptions): Promise<number> {
    return (await this.#call(DOMAIN_GET_CPU_STATS, { dom, nparams: 0, start_cpu: startCpu, ncpus, flags: 0 }, options)).nparams;
  }

  /**
   * The disks that hit an I/O error since the domain started or last resumed (`virsh domblkerror`); empty when none did.
   * @example const errors = await conn.domains.stats.getDiskErrors('web1'); // [{ disk: 'vda', error: 'no-space' }]
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when the domain is not running
   * @see virDomainGetDiskErrors
   */
  async getDiskErrors(domain: DomainInput, options: CallOptions = {}): Promise<DiskError[]> {
    checkOnlyCallOptions(options, 0);
    const dom = await resolveDomain(this.#call, domain, options);
    const { errors } = await this.#call(DOMAIN_GET_DISK_ERRORS, { dom, maxerrors: REMOTE_DOMAIN_DISK_ERRORS_MAX, flags: 0 }, options);
    return errors.map((e) => ({ disk: e.disk, error: diskErrorName(e.error) }));
  }

  /**
   * Whether libvirt can talk to the hypervisor about this domain now, or a
   * job or another call holds the channel (`virsh domcontrol`). Served even when normal workers are busy.
   * @example const { state, stateTimeMs } = await conn.domains.stats.getControlInfo('web1');
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when the domain is not running
   * @see virDomainGetControlInfo
   */
  async getControlInfo(domain: DomainInput, options: CallOptions = {}): Promise<ControlInfo> {
    checkOnlyCallOptions(options, 0);
    const dom = await resolveDomain(this.#call, domain, options);
    return decodeControlInfo(await this.#call(DOMAIN_GET_CONTROL_INFO, { dom, flags: 0 }, options));
  }

  /**
   * The guest's mounted filesystems and the disks under them (`virsh domfsinfo`), from the guest agent.
   * @example const fs = await conn.domains.stats.getFilesystems('web1'); // [{ mountpoint: '/', name: 'vda1', type: 'ext4', disks: ['vda'] }]
   * @throws `LibvirtError` `VIR_ERR_AGENT_UNRESPONSIVE` when the agent does not answer, `VIR_ERR_ARGUMENT_UNSUPPORTED` without an agent channel
   * @see virDomainGetFSInfo
   */
  async getFilesystems(domain: DomainInput, options: CallOptions = {}): Promise<DomainFilesystem[]> {
    checkOnlyCallOptions(options, 0);
    const dom = await resolveDomain(this.#call, domain, options);
    const { info } = await this.#call(DOMAIN_GET_FSINFO, { dom, flags: 0 }, options);
    return info.map((f) => ({ mountpoint: f.mountpoint, name: f.name, type: f.fstype, disks: f.dev_aliases }));
  }

  /**
   * The guest's vCPUs as the guest agent sees them: all, online, and those it may take offline (`virsh guestvcpus`).
   * @example const { online } = await conn.domains.stats.getGuestVcpus('web1'); // [0, 1]
   * @throws `LibvirtError` from the agent · `UnsupportedError` where the driver lacks it (the test driver)
   * @see virDomainGetGuestVcpus
   */
  async getGuestVcpus(domain: DomainInput, options: CallOptions = {}): Promise<GuestVcpus> {
    checkOnlyCallOptions(options, 0);
    const dom = await resolveDomain(this.#call, domain, options);
    const { params } = await this.#call(DOMAIN_GET_GUEST_VCPUS, { dom, flags: 0 }, options);
    const list = (field: string): number[] => {
      const value = params.find((p) => p.field === field)?.value;
      return typeof value === 'string' && value !== '' ? [...(cpusetMembers(value) ?? [])] : [];
    };
    return { vcpus: list('vcpus'), online: list('online'), offlinable: list('offlinable') };
  }

  /**
   * Bring vCPUs online or take them offline inside the guest, through the
   * guest agent (`virsh guestvcpus --enable/--disable`). The domain keeps the vCPUs; the guest stops using them.
   * @example await conn.domains.stats.setGuestVcpus('web1', [2, 3], { online: false });
   * @throws InvalidArgumentError for an empty or bad list, or `online` not a boolean · `LibvirtError` from the agent
   *   (`VIR_ERR_INVALID_ARG` for a vCPU the guest cannot offline)
   * @see virDomainSetGuestVcpus
   */
  async setGuestVcpus(domain: DomainInput, vcpus: readonly number[] | string, options: GuestVcpusOptions): Promise<void> {
    checkOptions(options, { ...CALL_OPTION_KEYS, online: true });
    if (typeof options?.online !== 'boolean') throw new InvalidArgumentError('options.online must be a boolean', { path: 'online' });
    const cpumap = guestCpumap(vcpus);
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_SET_GUEST_VCPUS, { dom, cpumap, state: options.online ? 1 : 0, flags: 0 }, options);
  }
}

/** vCPU numbers, or a libvirt CPU list (`'1-3,^2'`), as the CPU list the call sends. */
function guestCpumap(vcpus: unknown): string {
  if (typeof vcpus === 'string') {
    const members = CPUSET_PATTERN.test(vcpus) ? cpusetMembers(vcpus, MAX_VCPU + 1) : undefined;
    if (members !== undefined && members.size > 0) return vcpus;
  } else if (Array.isArray(vcpus) && vcpus.length > 0 && vcpus.every((n) => Number.isInteger(n) && n >= 0 && n <= MAX_VCPU)) {
    return formatCpuset(vcpus as number[]);
  }
  throw new InvalidArgumentError(`vcpus must be a non-empty list of vCPU numbers (0 to ${MAX_VCPU}) or a CPU list such as '1-3'`, {
    path: 'vcpus',
  });
}
