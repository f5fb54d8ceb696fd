/**
 * How each tunable group is read and written, and the one get/set pair all
 * groups share: a set reads the group first and sends each value in the type
 * the daemon reported for it (see `typedParamsLike`).
 */
import {
  type CallOptions,
  DOMAIN_GET_BLKIO_PARAMETERS,
  DOMAIN_GET_BLOCK_IO_TUNE,
  DOMAIN_GET_INTERFACE_PARAMETERS,
  DOMAIN_GET_MEMORY_PARAMETERS,
  DOMAIN_GET_NUMA_PARAMETERS,
  DOMAIN_GET_PERF_EVENTS,
  DOMAIN_GET_SCHEDULER_PARAMETERS,
  DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS,
  DOMAIN_GET_SCHEDULER_TYPE,
  DOMAIN_SET_BLKIO_PARAMETERS,
  DOMAIN_SET_BLOCK_IO_TUNE,
  DOMAIN_SET_INTERFACE_PARAMETERS,
  DOMAIN_SET_MEMORY_PARAMETERS,
  DOMAIN_SET_NUMA_PARAMETERS,
  DOMAIN_SET_PERF_EVENTS,
  DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS,
  type DomainRef,
  type TypedParam,
  VIR_TYPED_PARAM_STRING_OKAY,
  checkParamValues,
  typedParamsLike,
  typedParamsToRecord,
} from '../../rpc/index.js';
import { AFFECT_LIVE } from './impact.js';
import { type DomainInput, checkName, resolveDomain } from './refs.js';
import { type TuningOptions, type TuningParams, type TuningValues, budgeted, readCounted, tuningFlags } from './tuning-params.js';
import type { ResourceCall } from './types.js';

/** How one group is read and written. `device` is the disk or interface of the per-device groups. */
export interface GroupSpec {
  /** The group's parameters in messages: `'scheduler parameter'`. */
  readonly what: string;
  /** The per-device groups' device argument: `'disk'`, `'device'`. */
  readonly device?: string;
  read(call: ResourceCall, dom: DomainRef, device: string, flags: number, options: CallOptions): Promise<TypedParam[]>;
  write(call: ResourceCall, dom: DomainRef, device: string, params: TypedParam[], flags: number, options: CallOptions): Promise<void>;
}

// Reads of groups that may hold strings ask for them (VIR_TYPED_PARAM_STRING_OKAY), as libvirt's own client
// does; the scheduler and perf groups hold none.
const S = VIR_TYPED_PARAM_STRING_OKAY;

/** A domain-wide counted group (blkio, memory, NUMA): same layout, different procedures. */
function countedGroup(what: string, get: typeof DOMAIN_GET_MEMORY_PARAMETERS, set: typeof DOMAIN_SET_MEMORY_PARAMETERS): GroupSpec {
  return {
    what,
    read: (call, dom, _d, flags, o) => readCounted((nparams) => call(get, { dom, nparams, flags: flags | S }, o)),
    write: async (call, dom, _d, params, flags, o) => call(set, { dom, params, flags }, o),
  };
}

/** The groups, by name. */
export const GROUPS = {
  scheduler: {
    what: 'scheduler parameter',
    read: async (call, dom, _d, flags, o) => {
      // The parameters' read has no count of its own: the scheduler type's reply carries it.
      const { nparams } = await call(DOMAIN_GET_SCHEDULER_TYPE, { dom }, o);
      if (nparams <= 0) return [];
      // As virsh: the flag-less read for "current" (the test driver refuses every FLAGS read, see the descriptor).
      if (flags === 0) return (await call(DOMAIN_GET_SCHEDULER_PARAMETERS, { dom, nparams }, o)).params;
      return (await call(DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS, { dom, nparams, flags }, o)).params;
    },
    write: async (call, dom, _d, params, flags, o) => call(DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS, { dom, params, flags }, o),
  },
  blkio: countedGroup('blkio parameter', DOMAIN_GET_BLKIO_PARAMETERS, DOMAIN_SET_BLKIO_PARAMETERS),
  memory: countedGroup('memory parameter', DOMAIN_GET_MEMORY_PARAMETERS, DOMAIN_SET_MEMORY_PARAMETERS),
  numa: countedGroup('NUMA parameter', DOMAIN_GET_NUMA_PARAMETERS, DOMAIN_SET_NUMA_PARAMETERS),
  perf: {
    what: 'perf event',
    read: async (call, dom, _d, flags, o) => (await call(DOMAIN_GET_PERF_EVENTS, { dom, flags }, o)).params,
    write: async (call, dom, _d, params, flags, o) => call(DOMAIN_SET_PERF_EVENTS, { dom, params, flags }, o),
  },
  blockIo: {
    what: 'block I/O tunable',
    device: 'disk',
    read: (call, dom, disk, flags, o) =>
      readCounted((nparams) => call(DOMAIN_GET_BLOCK_IO_TUNE, { dom, disk, nparams, flags: flags | S }, o)),
    write: async (call, dom, disk, params, flags, o) => call(DOMAIN_SET_BLOCK_IO_TUNE, { dom, disk, params, flags }, o),
  },
  interface: {
    what: 'interface parameter',
    device: 'device',
    read: (call, dom, device, flags, o) =>
      readCounted((nparams) => call(DOMAIN_GET_INTERFACE_PARAMETERS, { dom, device, nparams, flags: flags | S }, o)),
    write: async (call, dom, device, params, flags, o) => call(DOMAIN_SET_INTERFACE_PARAMETERS, { dom, device, params, flags }, o),
  },
} as const satisfies Record<string, GroupSpec>;

/** Read a group (the device is `''` for the domain-wide groups). */
export async function getGroup(
  call: ResourceCall,
  spec: GroupSpec,
  domain: DomainInput,
  device: string,
  options: TuningOptions,
): Promise<TuningParams> {
  const flags = tuningFlags(options, 'read');
  if (spec.device !== undefined) checkName(device, spec.device);
  const budget = budgeted(call, options);
  const dom = await resolveDomain(budget, domain, options);
  return typedParamsToRecord(await spec.read(budget, dom, device, flags, options), { keepBigints: true });
}

/**
 * Change a group: check the values, read the group (live when the change is
 * live, else as the change says) for the daemon's field types, convert, send.
 */
export async function setGroup(
  call: ResourceCall,
  spec: GroupSpec,
  domain: DomainInput,
  device: string,
  values: TuningValues,
  options: TuningOptions,
): Promise<void> {
  const flags = tuningFlags(options, 'change');
  if (spec.device !== undefined) checkName(device, spec.device);
  const checked = checkParamValues(values, 'values');
  const budget = budgeted(call, options);
  const dom = await resolveDomain(budget, domain, options);
  // A reading cannot be live and config at once; both carry the same types.
  const offered = await spec.read(budget, dom, device, flags & AFFECT_LIVE ? AFFECT_LIVE : flags, options);
  await spec.write(budget, dom, device, typedParamsLike(checked, offered, spec.what, 'values'), flags, options);
}
