import { type GroupSpec, getGroup, setGroup } from './tuning-groups.js';
import type { DomainInput } from './refs.js';
import type { TuningOptions, TuningParams, TuningValues } from './tuning-params.js';
import type { ResourceCall } from './types.js';

/**
 * One domain-wide tunable group (scheduler, blkio, memory, NUMA, perf
 * events): read it, or change some of its fields. Field names are libvirt's;
 * which fields exist and their types depend on the driver, and a change uses
 * the type the daemon reports for each field.
 */
export class TuningGroup {
  readonly #call: ResourceCall;
  readonly #spec: GroupSpec;

  /** @internal */
  constructor(call: ResourceCall, spec: GroupSpec) {
    this.#call = call;
    this.#spec = spec;
  }

  /**
   * The group's fields and values: the running domain's, or with `config`
   * its persistent config's (`virsh schedinfo` / `blkiotune` / `memtune` /
   * `numatune` / `perf`).
   * @example const { cpu_shares } = await conn.domains.tuning.scheduler.get('web1');
   * @throws InvalidArgumentError for bad options (nothing is sent) · `LibvirtError` (e.g. `UnsupportedError`
   *   where the driver lacks the group, or cgroups are not available)
   * @see virDomainGetSchedulerParametersFlags
   * @see virDomainGetBlkioParameters
   * @see virDomainGetMemoryParameters
   * @see virDomainGetNumaParameters
   * @see virDomainGetPerfEvents
   */
  async get(domain: DomainInput, options: TuningOptions = {}): Promise<TuningParams> {
    return getGroup(this.#call, this.#spec, domain, '', options);
  }

  /**
   * Change some fields. The group is read first (one call) for the field
   * types this daemon uses; a field it does not offer, or a value that does
   * not fit the field's type, is refused before the change is sent.
   * @example await conn.domains.tuning.memory.set('web1', { hard_limit: 2_097_152 }, { live: true, config: true }); // KiB
   * @throws InvalidArgumentError for an unknown field (the message lists the offered ones), a value of the wrong
   *   type or range, bad options · `LibvirtError` from the daemon
   * @see virDomainSetSchedulerParametersFlags
   * @see virDomainSetBlkioParameters
   * @see virDomainSetMemoryParameters
   * @see virDomainSetNumaParameters
   * @see virDomainSetPerfEvents
   */
  async set(domain: DomainInput, values: TuningValues, options: TuningOptions = {}): Promise<void> {
    return setGroup(this.#call, this.#spec, domain, '', values, options);
  }
}

/**
 * A per-device tunable group: one disk's I/O limits, or one interface's
 * bandwidth. Like {@link TuningGroup}, with the device named: a disk by its
 * target (`vda`) or source path, an interface by its target name (`vnet0`) or MAC.
 */
export class DeviceTuningGroup {
  readonly #call: ResourceCall;
  readonly #spec: GroupSpec;

  /** @internal */
  constructor(call: ResourceCall, spec: GroupSpec) {
    this.#call = call;
    this.#spec = spec;
  }

  /**
   * The device's fields and values (`virsh blkdeviotune` / `domiftune`).
   * @example const { total_iops_sec } = await conn.domains.tuning.blockIo.get('web1', 'vda');
   * @throws InvalidArgumentError for an empty device name or bad options · `LibvirtError` (no such device…)
   * @see virDomainGetBlockIoTune
   * @see virDomainGetInterfaceParameters
   */
  async get(domain: DomainInput, device: string, options: TuningOptions = {}): Promise<TuningParams> {
    return getGroup(this.#call, this.#spec, domain, device, options);
  }

  /**
   * Change some of the device's fields, typed as the daemon reports them (see {@link TuningGroup.set}).
   * @example await conn.domains.tuning.interfaces.set('web1', 'vnet0', { 'inbound.average': 1024 }, { live: true });
   * @throws InvalidArgumentError for an unknown field (the message lists the offered ones), a value of the wrong
   *   type or range, bad options · `LibvirtError` from the daemon
   * @see virDomainSetBlockIoTune
   * @see virDomainSetInterfaceParameters
   */
  async set(domain: DomainInput, device: string, values: TuningValues, options: TuningOptions = {}): Promise<void> {
    return setGroup(this.#call, this.#spec, domain, device, values, options);
  }
}
