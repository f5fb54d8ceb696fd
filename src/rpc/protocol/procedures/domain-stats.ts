/**
 * A domain's statistics and the guest's own view of itself: block and
 * interface counters, the balloon's memory statistics, CPU time per host CPU,
 * disk I/O errors, the control channel's state, and through the guest agent
 * the mounted filesystems and the guest's online vCPUs.
 */
import { array, hyper, int, struct, uhyper, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_DOMAIN_MEMORY_STATS_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { nonnullDomain, nonnullString } from '../types.js';
import { domFlagsArgs } from './domain.js';

/** `REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX`: most block statistics one reply carries (and the `nparams` asked). */
export const REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX = 16;
/** `REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX`: most host CPUs one GET_CPU_STATS call may ask for. */
export const REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX = 128;
/** `REMOTE_DOMAIN_GET_CPU_STATS_MAX`: most typed parameters in one GET_CPU_STATS reply (CPUs × stats). */
const REMOTE_DOMAIN_GET_CPU_STATS_MAX = 2048;
/** `REMOTE_DOMAIN_DISK_ERRORS_MAX`: most disks one GET_DISK_ERRORS reply lists (and the `maxerrors` asked). */
export const REMOTE_DOMAIN_DISK_ERRORS_MAX = 256;
/** `REMOTE_DOMAIN_FSINFO_MAX` / `REMOTE_DOMAIN_FSINFO_DISKS_MAX`: mount points per reply, disks per mount point. */
const REMOTE_DOMAIN_FSINFO_MAX = 256;
const REMOTE_DOMAIN_FSINFO_DISKS_MAX = 256;
/** `REMOTE_DOMAIN_GUEST_VCPU_PARAMS_MAX`. */
const REMOTE_DOMAIN_GUEST_VCPU_PARAMS_MAX = 64;

/**
 * 64: the old five block counters (`rd_req rd_bytes wr_req wr_bytes errs`, each `hyper`, -1 = not supported) of
 * one disk, named by target (`vda`) or source path; `""` = the sum over all disks (QEMU). Superseded by 243, which
 * has flush and time counters; kept because some drivers implement only this one.
 * @see virDomainBlockStats
 */
export const DOMAIN_BLOCK_STATS = procedure(
  64,
  'DOMAIN_BLOCK_STATS',
  struct({ dom: nonnullDomain, path: nonnullString }),
  struct({ rd_req: hyper, rd_bytes: hyper, wr_req: hyper, wr_bytes: hyper, errs: hyper }),
);

/**
 * 65: one interface's eight counters (each `hyper`, -1 = not supported), named by target device (`vnet0`) or MAC.
 * @see virDomainInterfaceStats
 */
export const DOMAIN_INTERFACE_STATS = procedure(
  65,
  'DOMAIN_INTERFACE_STATS',
  struct({ dom: nonnullDomain, device: nonnullString }),
  struct({
    rx_bytes: hyper,
    rx_packets: hyper,
    rx_errs: hyper,
    rx_drop: hyper,
    tx_bytes: hyper,
    tx_packets: hyper,
    tx_errs: hyper,
    tx_drop: hyper,
  }),
  { priority: 'high' },
);

/** `remote_domain_memory_stat`: a `virDomainMemoryStatTags` tag and its value. */
export const domainMemoryStat = struct({ tag: int, val: uhyper });

/**
 * 159: the balloon's memory statistics as (tag, value) pairs, at most `maxStats` of them (≤ 1024). flags: none.
 * @see virDomainMemoryStats
 */
export const DOMAIN_MEMORY_STATS = procedure(
  159,
  'DOMAIN_MEMORY_STATS',
  struct({ dom: nonnullDomain, maxStats: uint, flags: uint }),
  struct({ stats: array(domainMemoryStat, REMOTE_DOMAIN_MEMORY_STATS_MAX) }),
);

/**
 * 229: the state of libvirt's control channel to the hypervisor (`state` = virDomainControlState: OK 0, JOB 1,
 * OCCUPIED 2, ERROR 3; `details` = virDomainControlErrorReason when ERROR; `stateTime` ms in that state). flags 0.
 * @see virDomainGetControlInfo
 */
export const DOMAIN_GET_CONTROL_INFO = procedure(
  229,
  'DOMAIN_GET_CONTROL_INFO',
  domFlagsArgs,
  struct({ state: uint, details: uint, stateTime: uhyper }),
  { priority: 'high' },
);

/**
 * 243: one disk's statistics as typed parameters (`rd_operations`, `rd_bytes`, `rd_total_times`, `wr_*`,
 * `flush_*`, `errs`; llong). `nparams` 0 asks how many there are; QEMU fills at most `nparams` (≤ 16) of them,
 * so one call with 16 gets all. flags = VIR_TYPED_PARAM_STRING_OKAY (none are strings).
 * @see virDomainBlockStatsFlags
 */
export const DOMAIN_BLOCK_STATS_FLAGS = procedure(
  243,
  'DOMAIN_BLOCK_STATS_FLAGS',
  struct({ dom: nonnullDomain, path: nonnullString, nparams: int, flags: uint }),
  struct({ params: typedParams(REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX), nparams: int }),
);

/**
 * 262: CPU time the domain used. `start_cpu` -1 with `ncpus` 1: the totals (`cpu_time`, `user_time`,
 * `system_time`, `vcpu_time`; ullong ns). `start_cpu` ≥ 0: per host CPU (`cpu_time`, `vcpu_time`), `ncpus` ≤ 128 of
 * them, `nparams` per CPU. `nparams` 0 returns, in `nparams`, the number of stats (or with `ncpus` 0 the number of
 * host CPUs). The reply is flat: CPU i's stats at `[i * nparams, (i + 1) * nparams)` of the returned `nparams`.
 * @see virDomainGetCPUStats
 */
export const DOMAIN_GET_CPU_STATS = procedure(
  262,
  'DOMAIN_GET_CPU_STATS',
  struct({ dom: nonnullDomain, nparams: uint, start_cpu: int, ncpus: uint, flags: uint }),
  struct({ params: typedParams(REMOTE_DOMAIN_GET_CPU_STATS_MAX), nparams: int }),
);

/** `remote_domain_disk_error`: a disk target and its virDomainDiskErrorCode (NONE 0, UNSPEC 1, NO_SPACE 2). */
export const domainDiskError = struct({ disk: nonnullString, error: int });

/**
 * 263: the disks that hit an I/O error (at most `maxerrors` ≤ 256; 0 asks how many, in `nerrors`). flags 0.
 * @see virDomainGetDiskErrors
 */
export const DOMAIN_GET_DISK_ERRORS = procedure(
  263,
  'DOMAIN_GET_DISK_ERRORS',
  struct({ dom: nonnullDomain, maxerrors: uint, flags: uint }),
  struct({ errors: array(domainDiskError, REMOTE_DOMAIN_DISK_ERRORS_MAX), nerrors: int }),
);

/**
 * 308: how often (seconds; 0 = never) QEMU's balloon driver refreshes the guest's memory statistics.
 * flags = virDomainMemoryModFlags: LIVE 1, CONFIG 2 (0 = current).
 * @see virDomainSetMemoryStatsPeriod
 */
export const DOMAIN_SET_MEMORY_STATS_PERIOD = procedure(
  308,
  'DOMAIN_SET_MEMORY_STATS_PERIOD',
  struct({ dom: nonnullDomain, period: int, flags: uint }),
  xdrVoid,
);

/** `remote_domain_fsinfo`: a mount point, the guest's device name, the filesystem type and the disk targets under it. */
export const domainFsinfo = struct({
  mountpoint: nonnullString,
  name: nonnullString,
  fstype: nonnullString,
  dev_aliases: array(nonnullString, REMOTE_DOMAIN_FSINFO_DISKS_MAX),
});

/**
 * 349: the guest's mounted filesystems, from the guest agent (`ret` = their count). flags 0.
 * @see virDomainGetFSInfo
 */
export const DOMAIN_GET_FSINFO = procedure(
  349,
  'DOMAIN_GET_FSINFO',
  domFlagsArgs,
  struct({ info: array(domainFsinfo, REMOTE_DOMAIN_FSINFO_MAX), ret: uint }),
);

/**
 * 371: the guest's vCPUs as the guest agent sees them: typed parameters `vcpus`, `online`, `offlinable` (strings
 * in libvirt's cpumap syntax, `"0-3,5"`). The server allocates the list (no `nparams`). flags 0.
 * @see virDomainGetGuestVcpus
 */
export const DOMAIN_GET_GUEST_VCPUS = procedure(
  371,
  'DOMAIN_GET_GUEST_VCPUS',
  domFlagsArgs,
  struct({ params: typedParams(REMOTE_DOMAIN_GUEST_VCPU_PARAMS_MAX) }),
);

/**
 * 372: online (`state` 1) or offline (0) the vCPUs in `cpumap` (libvirt's cpumap syntax) inside the guest, through
 * the guest agent. flags 0.
 * @see virDomainSetGuestVcpus
 */
export const DOMAIN_SET_GUEST_VCPUS = procedure(
  372,
  'DOMAIN_SET_GUEST_VCPUS',
  struct({ dom: nonnullDomain, cpumap: nonnullString, state: int, flags: uint }),
  xdrVoid,
);
