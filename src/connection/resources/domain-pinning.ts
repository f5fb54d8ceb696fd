/**
 * vCPU, emulator and IOThread pinning, IOThreads, single-vCPU hotplug and
 * lifecycle actions: the implementations behind `conn.domains.tuning`.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import {
  DOMAIN_ADD_IOTHREAD,
  DOMAIN_DEL_IOTHREAD,
  DOMAIN_GET_EMULATOR_PIN_INFO,
  DOMAIN_GET_IOTHREAD_INFO,
  DOMAIN_GET_VCPU_PIN_INFO,
  DOMAIN_GET_VCPUS_FLAGS,
  DOMAIN_PIN_EMULATOR,
  DOMAIN_PIN_IOTHREAD,
  DOMAIN_PIN_VCPU_FLAGS,
  DOMAIN_SET_IOTHREAD_PARAMS,
  DOMAIN_SET_LIFECYCLE_ACTION,
  DOMAIN_SET_VCPU,
  type TypedParam,
  type TypedParamType,
  checkParamValues,
  typedParamsLike,
} from '../../rpc/index.js';
import { checkCpuList, cpuMap, cpusOf, hostCpuCount } from './cpu-map.js';
import { type DomainInput, resolveDomain } from './refs.js';
import { type TuningOptions, type TuningValues, budgeted, tuningFlags } from './tuning-params.js';
import type { ResourceCall } from './types.js';

/** An IOThread: its id and the host CPUs it may run on. */
export interface IOThreadInfo {
  /** `iothread_id`: the id in the domain XML's `<iothread id=…>`. */
  id: number;
  /** Host CPU indices. */
  cpus: number[];
}

/** The event a lifecycle action answers (`virDomainLifecycle`). */
export type LifecycleEvent = 'poweroff' | 'reboot' | 'crash';
/** What the domain does then (`virDomainLifecycleAction`; the coredump ones for `crash` only). */
export type LifecycleAction = 'destroy' | 'restart' | 'rename-restart' | 'preserve' | 'coredump-destroy' | 'coredump-restart';

/** Options of {@link DomainTuningResource.setVcpu}: on or off, and which definition. */
export interface SetVcpuOptions extends TuningOptions {
  /** `true` to plug the vCPUs in, `false` to unplug them. */
  enabled: boolean;
}

const LIFECYCLE_EVENTS: Readonly<Record<LifecycleEvent, number>> = { poweroff: 0, reboot: 1, crash: 2 };
const LIFECYCLE_ACTIONS: Readonly<Record<LifecycleAction, number>> = {
  destroy: 0,
  restart: 1,
  'rename-restart': 2,
  preserve: 3,
  'coredump-destroy': 4,
  'coredump-restart': 5,
};
/** `VIR_DOMAIN_VCPU_MAXIMUM`: the vCPU count to ask for pin maps of every possible vCPU. */
const VCPU_MAXIMUM = 4;

/**
 * The types libvirt documents for the IOThread parameters. There is no read
 * of them to learn the daemon's types from (they appear only in bulk stats),
 * so this list stands in for one (libvirt 9.0; `poll_grow`/`poll_shrink` also
 * take `ullong` from 9.3, `uint` works on both).
 */
const IOTHREAD_PARAMS: readonly TypedParam[] = (
  [
    ['poll_max_ns', 'ullong'],
    ['poll_grow', 'uint'],
    ['poll_shrink', 'uint'],
    ['thread_pool_min', 'int'],
    ['thread_pool_max', 'int'],
  ] as const satisfies ReadonlyArray<readonly [string, TypedParamType]>
).map(([field, type]) => ({ field, type, value: 0 }) as TypedParam);

function checkIndex(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > 0xffff_ffff) {
    throw new InvalidArgumentError(`${path} must be an integer from ${min} to 4294967295, got ${String(value)}`, { path });
  }
  return value;
}

function choice<K extends string>(table: Readonly<Record<K, number>>, value: unknown, path: string): number {
  if (typeof value !== 'string' || !Object.prototype.hasOwnProperty.call(table, value)) {
    throw new InvalidArgumentError(`${path} must be one of ${Object.keys(table).join(', ')}`, { path });
  }
  return table[value as K];
}

/** Each vCPU's host CPUs, index = vCPU number. */
export async function getVcpuPins(call: ResourceCall, domain: DomainInput, options: TuningOptions): Promise<number[][]> {
  const flags = tuningFlags(options, 'read');
  const budget = budgeted(call, options);
  const dom = await resolveDomain(budget, domain, options);
  const maplen = Math.ceil((await hostCpuCount(budget, options)) / 8);
  const { num: ncpumaps } = await budget(DOMAIN_GET_VCPUS_FLAGS, { dom, flags: flags | VCPU_MAXIMUM }, options);
  const { cpumaps, num } = await budget(DOMAIN_GET_VCPU_PIN_INFO, { dom, ncpumaps, maplen, flags }, options);
  return Array.from({ length: num }, (_, vcpu) => cpusOf(cpumaps, vcpu * maplen, maplen));
}

/** Pin `vcpu` to `cpus`. */
export async function pinVcpu(
  call: ResourceCall,
  domain: DomainInput,
  vcpu: number,
  cpus: number[],
  options: TuningOptions,
): Promise<void> {
  const flags = tuningFlags(options, 'change');
  checkIndex(vcpu, 'vcpu', 0);
  const list = checkCpuList(cpus, 'cpus');
  const budget = budgeted(call, options);
  const cpumap = cpuMap(list, await hostCpuCount(budget, options), 'cpus');
  const dom = await resolveDomain(budget, domain, options);
  await budget(DOMAIN_PIN_VCPU_FLAGS, { dom, vcpu, cpumap, flags }, options);
}

/** The emulator threads' host CPUs, or `null` when the driver reports none. */
export async function getEmulatorPin(call: ResourceCall, domain: DomainInput, options: TuningOptions): Promise<number[] | null> {
  const flags = tuningFlags(options, 'read');
  const budget = budgeted(call, options);
  const dom = await resolveDomain(budget, domain, options);
  const maplen = Math.ceil((await hostCpuCount(budget, options)) / 8);
  const { cpumaps, ret } = await budget(DOMAIN_GET_EMULATOR_PIN_INFO, { dom, maplen, flags }, options);
  return ret === 0 ? null : cpusOf(cpumaps, 0, maplen);
}

/** Pin the emulator threads to `cpus`. */
export async function pinEmulator(call: ResourceCall, domain: DomainInput, cpus: number[], options: TuningOptions): Promise<void> {
  const flags = tuningFlags(options, 'change');
  const list = checkCpuList(cpus, 'cpus');
  const budget = budgeted(call, options);
  const cpumap = cpuMap(list, await hostCpuCount(budget, options), 'cpus');
  const dom = await resolveDomain(budget, domain, options);
  await budget(DOMAIN_PIN_EMULATOR, { dom, cpumap, flags }, options);
}

/** The domain's IOThreads. */
export async function getIOThreads(call: ResourceCall, domain: DomainInput, options: TuningOptions): Promise<IOThreadInfo[]> {
  const flags = tuningFlags(options, 'read');
  const budget = budgeted(call, options);
  const dom = await resolveDomain(budget, domain, options);
  const { info } = await budget(DOMAIN_GET_IOTHREAD_INFO, { dom, flags }, options);
  return info.map((t) => ({ id: t.iothread_id, cpus: cpusOf(t.cpumap) }));
}

/** Add (`'add'`) or remove (`'delete'`) IOThread `id`. */
export async function changeIOThread(
  call: ResourceCall,
  domain: DomainInput,
  change: 'add' | 'delete',
  id: number,
  options: TuningOptions,
): Promise<void> {
  const flags = tuningFlags(options, 'change');
  checkIndex(id, 'id', 1);
  const budget = budgeted(call, options);
  const dom = await resolveDomain(budget, domain, options);
  await budget(change === 'add' ? DOMAIN_ADD_IOTHREAD : DOMAIN_DEL_IOTHREAD, { dom, iothread_id: id, flags }, options);
}

/** Pin IOThread `id` to `cpus`. */
export async function pinIOThread(
  call: ResourceCall,
  domain: DomainInput,
  id: number,
  cpus: number[],
  options: TuningOptions,
): Promise<void> {
  const flags = tuningFlags(options, 'change');
  checkIndex(id, 'id', 1);
  const list = checkCpuList(cpus, 'cpus');
  const budget = budgeted(call, options);
  const cpumap = cpuMap(list, await hostCpuCount(budget, options), 'cpus');
  const dom = await resolveDomain(budget, domain, options);
  await budget(DOMAIN_PIN_IOTHREAD, { dom, iothreads_id: id, cpumap, flags }, options);
}

/** Set IOThread `id`'s polling and thread-pool parameters. */
export async function setIOThreadParams(
  call: ResourceCall,
  domain: DomainInput,
  id: number,
  values: TuningValues,
  options: TuningOptions,
): Promise<void> {
  const flags = tuningFlags(options, 'change');
  checkIndex(id, 'id', 1);
  const params = typedParamsLike(checkParamValues(values, 'values'), IOTHREAD_PARAMS, 'IOThread parameter', 'values');
  const budget = budgeted(call, options);
  const dom = await resolveDomain(budget, domain, options);
  await budget(DOMAIN_SET_IOTHREAD_PARAMS, { dom, iothread_id: id, params, flags }, options);
}

/** Plug or unplug individual vCPUs. */
export async function setVcpu(call: ResourceCall, domain: DomainInput, vcpus: number | number[], options: SetVcpuOptions): Promise<void> {
  const flags = tuningFlags(options, 'change', { enabled: true });
  if (typeof options.enabled !== 'boolean') {
    throw new InvalidArgumentError('options.enabled must be a boolean: setVcpu(dom, 2, { enabled: false })', { path: 'enabled' });
  }
  const list = Array.isArray(vcpus) ? vcpus : [vcpus];
  if (list.length === 0) throw new InvalidArgumentError('vcpus must name at least one vCPU', { path: 'vcpus' });
  list.forEach((v, i) => checkIndex(v, Array.isArray(vcpus) ? `vcpus[${i}]` : 'vcpus', 0));
  const budget = budgeted(call, options);
  const dom = await resolveDomain(budget, domain, options);
  // The wire takes libvirt's text list ("1,3"), not a bitmap.
  await budget(DOMAIN_SET_VCPU, { dom, cpumap: list.join(','), state: options.enabled ? 1 : 0, flags }, options);
}

/** Set what the domain does on `event`. */
export async function setLifecycleAction(
  call: ResourceCall,
  domain: DomainInput,
  event: LifecycleEvent,
  action: LifecycleAction,
  options: TuningOptions,
): Promise<void> {
  const flags = tuningFlags(options, 'change');
  const type = choice(LIFECYCLE_EVENTS, event, 'event');
  const act = choice(LIFECYCLE_ACTIONS, action, 'action');
  const budget = budgeted(call, options);
  const dom = await resolveDomain(budget, domain, options);
  await budget(DOMAIN_SET_LIFECYCLE_ACTION, { dom, type, action: act, flags }, options);
}
