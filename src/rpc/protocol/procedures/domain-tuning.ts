/**
 * A domain's tunables as typed parameters: scheduler, block I/O weights,
 * memory limits, NUMA placement, per-disk I/O limits, per-interface
 * bandwidth, perf events and IOThread polling. Each group is read and
 * written as `remote_typed_param` lists; the "GET" procedures that take
 * `nparams` answer `nparams = 0` with only the count (libvirt's two-call
 * convention), then the values when asked for that many.
 *
 * Flags of all of them: `virDomainModificationImpact` (CURRENT 0, LIVE 1,
 * CONFIG 2), plus on reads `VIR_TYPED_PARAM_STRING_OKAY` (4) so string
 * parameters (blkio's `device_weight`, block I/O's `group_name`) are included.
 */
import { int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { nonnullDomain, nonnullString, remoteString } from '../types.js';
import { domFlagsArgs } from './domain.js';

/** `REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX`. */
export const REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX = 16;
/** `REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX`. */
export const REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX = 16;
/** `REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX`. */
export const REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX = 16;
/** `REMOTE_DOMAIN_NUMA_PARAMETERS_MAX`. */
export const REMOTE_DOMAIN_NUMA_PARAMETERS_MAX = 16;
/** `REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX`. */
export const REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX = 32;
/** `REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX`. */
export const REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX = 16;
/** `REMOTE_DOMAIN_PERF_EVENTS_MAX`. */
export const REMOTE_DOMAIN_PERF_EVENTS_MAX = 64;
/** `REMOTE_DOMAIN_IOTHREAD_PARAMS_MAX`. */
export const REMOTE_DOMAIN_IOTHREAD_PARAMS_MAX = 64;

/** `{ dom, nparams, flags }`: a counted read (nparams 0 asks for the count only). */
const countedArgs = struct({ dom: nonnullDomain, nparams: int, flags: uint });
/** `{ params<max>, nparams }`: the values, or with nparams 0 asked, none and the count. */
const countedRet = (max: number) => struct({ params: typedParams(max), nparams: int });
/** `{ dom, params<max>, flags }`: a write. */
const setArgs = (max: number) => struct({ dom: nonnullDomain, params: typedParams(max), flags: uint });

/**
 * 56: the scheduler's name (`posix` for QEMU on Linux, `fair` on the test driver) and how many
 * parameters it has: the count the scheduler-parameter read takes.
 * @see virDomainGetSchedulerType
 */
export const DOMAIN_GET_SCHEDULER_TYPE = procedure(
  56,
  'DOMAIN_GET_SCHEDULER_TYPE',
  struct({ dom: nonnullDomain }),
  struct({ type: nonnullString, nparams: int }),
);

/**
 * 57: the scheduler's parameters as "current" (no flags). Superseded by DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS,
 * yet still what virsh uses without `--live`/`--config`: libvirt 9.0's daemon adds VIR_TYPED_PARAM_STRING_OKAY
 * to every FLAGS read, and the test driver refuses that flag there ("unsupported flags (0x4)").
 * @see virDomainGetSchedulerParameters
 */
export const DOMAIN_GET_SCHEDULER_PARAMETERS = procedure(
  57,
  'DOMAIN_GET_SCHEDULER_PARAMETERS',
  struct({ dom: nonnullDomain, nparams: int }),
  struct({ params: typedParams(REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) }),
);

/**
 * 223: the scheduler's parameters (`cpu_shares`, `vcpu_period`, `vcpu_quota`…); `nparams` is the count
 * from DOMAIN_GET_SCHEDULER_TYPE (the reply has no count of its own).
 * @see virDomainGetSchedulerParametersFlags
 */
export const DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS = procedure(
  223,
  'DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS',
  countedArgs,
  struct({ params: typedParams(REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) }),
);

/**
 * 219: change scheduler parameters.
 * @see virDomainSetSchedulerParametersFlags
 */
export const DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS = procedure(
  219,
  'DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS',
  setArgs(REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX),
  xdrVoid,
);

/**
 * 206: block I/O weights (`weight`, `device_weight`, `device_read_iops_sec`…), counted.
 * @see virDomainGetBlkioParameters
 */
export const DOMAIN_GET_BLKIO_PARAMETERS = procedure(
  206,
  'DOMAIN_GET_BLKIO_PARAMETERS',
  countedArgs,
  countedRet(REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX),
);

/**
 * 205: change block I/O weights.
 * @see virDomainSetBlkioParameters
 */
export const DOMAIN_SET_BLKIO_PARAMETERS = procedure(
  205,
  'DOMAIN_SET_BLKIO_PARAMETERS',
  setArgs(REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX),
  xdrVoid,
);

/**
 * 198: memory limits in KiB (`hard_limit`, `soft_limit`, `swap_hard_limit`), counted.
 * @see virDomainGetMemoryParameters
 */
export const DOMAIN_GET_MEMORY_PARAMETERS = procedure(
  198,
  'DOMAIN_GET_MEMORY_PARAMETERS',
  countedArgs,
  countedRet(REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX),
);

/**
 * 197: change memory limits.
 * @see virDomainSetMemoryParameters
 */
export const DOMAIN_SET_MEMORY_PARAMETERS = procedure(
  197,
  'DOMAIN_SET_MEMORY_PARAMETERS',
  setArgs(REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX),
  xdrVoid,
);

/**
 * 255: NUMA placement (`numa_mode`, `numa_nodeset`), counted.
 * @see virDomainGetNumaParameters
 */
export const DOMAIN_GET_NUMA_PARAMETERS = procedure(
  255,
  'DOMAIN_GET_NUMA_PARAMETERS',
  countedArgs,
  countedRet(REMOTE_DOMAIN_NUMA_PARAMETERS_MAX),
);

/**
 * 254: change NUMA placement.
 * @see virDomainSetNumaParameters
 */
export const DOMAIN_SET_NUMA_PARAMETERS = procedure(254, 'DOMAIN_SET_NUMA_PARAMETERS', setArgs(REMOTE_DOMAIN_NUMA_PARAMETERS_MAX), xdrVoid);

/**
 * 253: one disk's I/O limits (`total_bytes_sec`, `read_iops_sec`, `group_name`…), counted. `disk` is
 * the target (`vda`) or source path; libvirt's C API allows NULL only together with nparams 0.
 * @see virDomainGetBlockIoTune
 */
export const DOMAIN_GET_BLOCK_IO_TUNE = procedure(
  253,
  'DOMAIN_GET_BLOCK_IO_TUNE',
  struct({ dom: nonnullDomain, disk: remoteString, nparams: int, flags: uint }),
  countedRet(REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX),
);

/**
 * 252: change one disk's I/O limits.
 * @see virDomainSetBlockIoTune
 */
export const DOMAIN_SET_BLOCK_IO_TUNE = procedure(
  252,
  'DOMAIN_SET_BLOCK_IO_TUNE',
  struct({ dom: nonnullDomain, disk: nonnullString, params: typedParams(REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX), flags: uint }),
  xdrVoid,
);

/**
 * 257: one interface's bandwidth (`inbound.average` KiB/s, `inbound.peak`, `inbound.burst` KiB,
 * `inbound.floor`, `outbound.*`), counted. `device` is the target name (`vnet0`) or MAC address.
 * @see virDomainGetInterfaceParameters
 */
export const DOMAIN_GET_INTERFACE_PARAMETERS = procedure(
  257,
  'DOMAIN_GET_INTERFACE_PARAMETERS',
  struct({ dom: nonnullDomain, device: nonnullString, nparams: int, flags: uint }),
  countedRet(REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX),
);

/**
 * 256: change one interface's bandwidth.
 * @see virDomainSetInterfaceParameters
 */
export const DOMAIN_SET_INTERFACE_PARAMETERS = procedure(
  256,
  'DOMAIN_SET_INTERFACE_PARAMETERS',
  struct({ dom: nonnullDomain, device: nonnullString, params: typedParams(REMOTE_DOMAIN_INTERFACE_PARAMETERS_MAX), flags: uint }),
  xdrVoid,
);

/**
 * 365: which perf events are enabled (`cmt`, `mbmt`, `cpu_cycles`…, booleans), all in one reply (no count).
 * @see virDomainGetPerfEvents
 */
export const DOMAIN_GET_PERF_EVENTS = procedure(
  365,
  'DOMAIN_GET_PERF_EVENTS',
  domFlagsArgs,
  struct({ params: typedParams(REMOTE_DOMAIN_PERF_EVENTS_MAX) }),
);

/**
 * 366: enable or disable perf events.
 * @see virDomainSetPerfEvents
 */
export const DOMAIN_SET_PERF_EVENTS = procedure(366, 'DOMAIN_SET_PERF_EVENTS', setArgs(REMOTE_DOMAIN_PERF_EVENTS_MAX), xdrVoid);

/**
 * 402 (libvirt 8.5): one IOThread's polling and thread-pool parameters (`poll_max_ns`, `poll_grow`,
 * `poll_shrink`, `thread_pool_min`, `thread_pool_max`). There is no matching read procedure: the values
 * appear in the bulk stats' IOTHREAD group.
 * @see virDomainSetIOThreadParams
 */
export const DOMAIN_SET_IOTHREAD_PARAMS = procedure(
  402,
  'DOMAIN_SET_IOTHREAD_PARAMS',
  struct({ dom: nonnullDomain, iothread_id: uint, params: typedParams(REMOTE_DOMAIN_IOTHREAD_PARAMS_MAX), flags: uint }),
  xdrVoid,
);
