import * as pin from './domain-pinning.js';
import type { IOThreadInfo, LifecycleAction, LifecycleEvent, SetVcpuOptions } from './domain-pinning.js';
import type { DomainInput } from './refs.js';
import { DeviceTuningGroup, TuningGroup } from './tuning-group.js';
import { GROUPS } from './tuning-groups.js';
import type { TuningOptions, TuningValues } from './tuning-params.js';
import type { ResourceCall } from './types.js';

/**
 * A domain's tunables and pinning (`virsh schedinfo`, `blkiotune`,
 * `memtune`, `numatune`, `blkdeviotune`, `domiftune`, `perf`, `vcpupin`,
 * `emulatorpin`, `iothread*`, `setvcpu`): typed-parameter groups read and
 * changed by libvirt's field names, and CPU maps as lists of host CPU
 * indices. Every method takes `live`/`config`/`current` (libvirt's
 * `virDomainModificationImpact`) with `signal` and `timeout` last.
 *
 * @example
 * await conn.domains.tuning.scheduler.set('web1', { cpu_shares: 512 }, { live: true });
 * await conn.domains.tuning.pinVcpu('web1', 0, [0, 1], { live: true, config: true });
 */
export class DomainTuningResource {
  readonly #call: ResourceCall;
  /** CPU scheduler parameters (`cpu_shares`, `vcpu_period`, `vcpu_quota`…; the test driver: `weight`). @see virDomainGetSchedulerParametersFlags */
  readonly scheduler: TuningGroup;
  /** Block I/O weights (`weight`, `device_weight`, `device_read_iops_sec`…). @see virDomainGetBlkioParameters */
  readonly blkio: TuningGroup;
  /** Memory limits in KiB (`hard_limit`, `soft_limit`, `swap_hard_limit`). @see virDomainGetMemoryParameters */
  readonly memory: TuningGroup;
  /** NUMA placement (`numa_mode`: virDomainNumatuneMemMode, `numa_nodeset`). @see virDomainGetNumaParameters */
  readonly numa: TuningGroup;
  /** Perf events, enabled or not (`cpu_cycles`, `instructions`, `cache_misses`…). @see virDomainGetPerfEvents */
  readonly perf: TuningGroup;
  /** One disk's I/O limits (`total_bytes_sec`, `read_iops_sec`, `group_name`…). @see virDomainGetBlockIoTune */
  readonly blockIo: DeviceTuningGroup;
  /** One interface's bandwidth (`inbound.average` KiB/s, `inbound.peak`, `inbound.burst` KiB, `outbound.*`). @see virDomainGetInterfaceParameters */
  readonly interfaces: DeviceTuningGroup;

  /** @internal */
  constructor(call: ResourceCall) {
    this.#call = call;
    this.scheduler = new TuningGroup(call, GROUPS.scheduler);
    this.blkio = new TuningGroup(call, GROUPS.blkio);
    this.memory = new TuningGroup(call, GROUPS.memory);
    this.numa = new TuningGroup(call, GROUPS.numa);
    this.perf = new TuningGroup(call, GROUPS.perf);
    this.blockIo = new DeviceTuningGroup(call, GROUPS.blockIo);
    this.interfaces = new DeviceTuningGroup(call, GROUPS.interface);
  }

  /**
   * Each vCPU's host CPUs, indexed by vCPU number (`virsh vcpupin`), for every vCPU the domain can have.
   * @example const pins = await conn.domains.tuning.getVcpuPins('web1'); // [[0, 1], [0, 1]]
   * @throws InvalidArgumentError for bad options · `LibvirtError`
   * @see virDomainGetVcpuPinInfo
   */
  async getVcpuPins(domain: DomainInput, options: TuningOptions = {}): Promise<number[][]> {
    return pin.getVcpuPins(this.#call, domain, options);
  }

  /**
   * Pin one vCPU to host CPUs (`virsh vcpupin web1 0 0-1`).
   * @example await conn.domains.tuning.pinVcpu('web1', 0, [0, 1], { live: true });
   * @throws InvalidArgumentError for a bad vCPU number, an empty list or a CPU the host lacks (checked before the pin is sent) · `LibvirtError`
   * @see virDomainPinVcpuFlags
   */
  async pinVcpu(domain: DomainInput, vcpu: number, cpus: number[], options: TuningOptions = {}): Promise<void> {
    return pin.pinVcpu(this.#call, domain, vcpu, cpus, options);
  }

  /**
   * The emulator threads' host CPUs (`virsh emulatorpin`), or `null` when the driver has none to report.
   * @example const cpus = await conn.domains.tuning.getEmulatorPin('web1');
   * @throws InvalidArgumentError for bad options · `LibvirtError`
   * @see virDomainGetEmulatorPinInfo
   */
  async getEmulatorPin(domain: DomainInput, options: TuningOptions = {}): Promise<number[] | null> {
    return pin.getEmulatorPin(this.#call, domain, options);
  }

  /**
   * Pin the emulator threads to host CPUs (`virsh emulatorpin web1 1`).
   * @example await conn.domains.tuning.pinEmulator('web1', [1], { config: true });
   * @throws InvalidArgumentError for an empty list or a CPU the host lacks · `LibvirtError`
   * @see virDomainPinEmulator
   */
  async pinEmulator(domain: DomainInput, cpus: number[], options: TuningOptions = {}): Promise<void> {
    return pin.pinEmulator(this.#call, domain, cpus, options);
  }

  /**
   * The domain's IOThreads and their host CPUs (`virsh iothreadinfo`).
   * @example for (const { id, cpus } of await conn.domains.tuning.getIOThreads('web1')) console.log(id, cpus);
   * @throws InvalidArgumentError for bad options · `LibvirtError`
   * @see virDomainGetIOThreadInfo
   */
  async getIOThreads(domain: DomainInput, options: TuningOptions = {}): Promise<IOThreadInfo[]> {
    return pin.getIOThreads(this.#call, domain, options);
  }

  /**
   * Add an IOThread (`virsh iothreadadd`); `id` ≥ 1, not in use.
   * @example await conn.domains.tuning.addIOThread('web1', 2, { live: true, config: true });
   * @throws InvalidArgumentError for a bad id · `LibvirtError` (id in use…)
   * @see virDomainAddIOThread
   */
  async addIOThread(domain: DomainInput, id: number, options: TuningOptions = {}): Promise<void> {
    return pin.changeIOThread(this.#call, domain, 'add', id, options);
  }

  /**
   * Remove an IOThread (`virsh iothreaddel`); libvirt refuses while a disk uses it.
   * @example await conn.domains.tuning.deleteIOThread('web1', 2, { live: true, config: true });
   * @throws InvalidArgumentError for a bad id · `LibvirtError` (no such IOThread, in use…)
   * @see virDomainDelIOThread
   */
  async deleteIOThread(domain: DomainInput, id: number, options: TuningOptions = {}): Promise<void> {
    return pin.changeIOThread(this.#call, domain, 'delete', id, options);
  }

  /**
   * Pin an IOThread to host CPUs (`virsh iothreadpin`).
   * @example await conn.domains.tuning.pinIOThread('web1', 1, [0]);
   * @throws InvalidArgumentError for a bad id, an empty list or a CPU the host lacks · `LibvirtError`
   * @see virDomainPinIOThread
   */
  async pinIOThread(domain: DomainInput, id: number, cpus: number[], options: TuningOptions = {}): Promise<void> {
    return pin.pinIOThread(this.#call, domain, id, cpus, options);
  }

  /**
   * Set an IOThread's polling (`poll_max_ns` ullong ns, `poll_grow`, `poll_shrink` uint) and thread-pool
   * (`thread_pool_min`, `thread_pool_max` int) parameters (`virsh iothreadset`). libvirt has no read of
   * them to learn types from; these are libvirt's documented ones.
   * @example await conn.domains.tuning.setIOThreadParams('web1', 1, { poll_max_ns: 32768 }, { live: true });
   * @throws InvalidArgumentError for a field outside that list or a value that does not fit · `LibvirtError`
   * @see virDomainSetIOThreadParams
   */
  async setIOThreadParams(domain: DomainInput, id: number, values: TuningValues, options: TuningOptions = {}): Promise<void> {
    return pin.setIOThreadParams(this.#call, domain, id, values, options);
  }

  /**
   * Plug in or unplug individual vCPUs (`virsh setvcpu`) — those the domain
   * XML marks `hotpluggable='yes'`.
   * @example await conn.domains.tuning.setVcpu('web1', 3, { enabled: false, live: true });
   * @throws InvalidArgumentError for a bad vCPU number or a missing `enabled` · `LibvirtError` (`UnsupportedError` on the test driver)
   * @see virDomainSetVcpu
   */
  async setVcpu(domain: DomainInput, vcpus: number | number[], options: SetVcpuOptions): Promise<void> {
    return pin.setVcpu(this.#call, domain, vcpus, options);
  }

  /**
   * What the domain does on power-off, reboot or crash (`<on_poweroff>`,
   * `<on_reboot>`, `<on_crash>`; `virsh set-lifecycle-action`).
   * @example await conn.domains.tuning.setLifecycleAction('web1', 'reboot', 'destroy', { config: true });
   * @throws InvalidArgumentError for an unknown event or action · `LibvirtError` (e.g. an action the event does not take)
   * @see virDomainSetLifecycleAction
   */
  async setLifecycleAction(
    domain: DomainInput,
    event: LifecycleEvent,
    action: LifecycleAction,
    options: TuningOptions = {},
  ): Promise<void> {
    return pin.setLifecycleAction(this.#call, domain, event, action, options);
  }
}
