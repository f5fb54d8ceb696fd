/**
 * Where a domain's threads may run (vCPU, emulator and IOThread pinning),
 * its IOThreads, single-vCPU hotplug, and what it does on power-off, reboot
 * or crash. CPU maps on the wire are bitmaps of host CPUs, `VIR_CPU_MAPLEN`
 * = ceil(host CPUs / 8) bytes each, bit `n % 8` of byte `n / 8` for CPU n.
 */
import { array, int, opaque, struct, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_CPUMAPS_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullDomain, nonnullString } from '../types.js';
import { domFlagsArgs } from './domain.js';

/** `REMOTE_CPUMAP_MAX`: bytes in one CPU map (16384 host CPUs). */
export const REMOTE_CPUMAP_MAX = 2048;
/** `REMOTE_IOTHREAD_INFO_MAX`. */
export const REMOTE_IOTHREAD_INFO_MAX = 16_384;

/**
 * 230: each vCPU's CPU map, `maplen` bytes apiece, for up to `ncpumaps` vCPUs; `num` says how many were
 * filled. flags = virDomainModificationImpact.
 * @see virDomainGetVcpuPinInfo
 */
export const DOMAIN_GET_VCPU_PIN_INFO = procedure(
  230,
  'DOMAIN_GET_VCPU_PIN_INFO',
  struct({ dom: nonnullDomain, ncpumaps: int, maplen: int, flags: uint }),
  struct({ cpumaps: opaque(REMOTE_CPUMAPS_MAX), num: int }),
);

/**
 * 225: pin one vCPU to the host CPUs of `cpumap`.
 * @see virDomainPinVcpuFlags
 */
export const DOMAIN_PIN_VCPU_FLAGS = procedure(
  225,
  'DOMAIN_PIN_VCPU_FLAGS',
  struct({ dom: nonnullDomain, vcpu: uint, cpumap: opaque(REMOTE_CPUMAP_MAX), flags: uint }),
  xdrVoid,
);

/**
 * 280: the emulator threads' CPU map (`ret` 1 when filled, 0 when there is none to report).
 * @see virDomainGetEmulatorPinInfo
 */
export const DOMAIN_GET_EMULATOR_PIN_INFO = procedure(
  280,
  'DOMAIN_GET_EMULATOR_PIN_INFO',
  struct({ dom: nonnullDomain, maplen: int, flags: uint }),
  struct({ cpumaps: opaque(REMOTE_CPUMAPS_MAX), ret: int }),
);

/**
 * 279: pin the emulator threads.
 * @see virDomainPinEmulator
 */
export const DOMAIN_PIN_EMULATOR = procedure(
  279,
  'DOMAIN_PIN_EMULATOR',
  struct({ dom: nonnullDomain, cpumap: opaque(REMOTE_CPUMAP_MAX), flags: uint }),
  xdrVoid,
);

/** `remote_domain_iothread_info`: an IOThread's id and CPU map. */
const iothreadInfo = struct({ iothread_id: uint, cpumap: opaque(REMOTE_CPUMAP_MAX) });

/**
 * 351: the domain's IOThreads with their CPU maps (`ret` = how many).
 * @see virDomainGetIOThreadInfo
 */
export const DOMAIN_GET_IOTHREAD_INFO = procedure(
  351,
  'DOMAIN_GET_IOTHREAD_INFO',
  domFlagsArgs,
  struct({ info: array(iothreadInfo, REMOTE_IOTHREAD_INFO_MAX), ret: uint }),
);

/**
 * 352: pin one IOThread (the field is `iothreads_id` on the wire).
 * @see virDomainPinIOThread
 */
export const DOMAIN_PIN_IOTHREAD = procedure(
  352,
  'DOMAIN_PIN_IOTHREAD',
  struct({ dom: nonnullDomain, iothreads_id: uint, cpumap: opaque(REMOTE_CPUMAP_MAX), flags: uint }),
  xdrVoid,
);

/** `{ dom, iothread_id, flags }`. */
const iothreadIdArgs = struct({ dom: nonnullDomain, iothread_id: uint, flags: uint });

/**
 * 355: add an IOThread with this id.
 * @see virDomainAddIOThread
 */
export const DOMAIN_ADD_IOTHREAD = procedure(355, 'DOMAIN_ADD_IOTHREAD', iothreadIdArgs, xdrVoid);

/**
 * 356: remove an IOThread (refused while a disk uses it).
 * @see virDomainDelIOThread
 */
export const DOMAIN_DEL_IOTHREAD = procedure(356, 'DOMAIN_DEL_IOTHREAD', iothreadIdArgs, xdrVoid);

/**
 * 384: enable (`state` 1) or disable (0) individual vCPUs, listed as **text** (`"1,3-4"`).
 * @see virDomainSetVcpu
 */
export const DOMAIN_SET_VCPU = procedure(
  384,
  'DOMAIN_SET_VCPU',
  struct({ dom: nonnullDomain, cpumap: nonnullString, state: int, flags: uint }),
  xdrVoid,
);

/**
 * 390: what the domain does on an event. `type` = virDomainLifecycle (POWEROFF 0, REBOOT 1, CRASH 2),
 * `action` = virDomainLifecycleAction (DESTROY 0, RESTART 1, RESTART_RENAME 2, PRESERVE 3,
 * COREDUMP_DESTROY 4, COREDUMP_RESTART 5).
 * @see virDomainSetLifecycleAction
 */
export const DOMAIN_SET_LIFECYCLE_ACTION = procedure(
  390,
  'DOMAIN_SET_LIFECYCLE_ACTION',
  struct({ dom: nonnullDomain, type: uint, action: uint, flags: uint }),
  xdrVoid,
);
