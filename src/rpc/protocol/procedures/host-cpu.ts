/**
 * CPU model procedures: the model names a hypervisor knows for an
 * architecture, the baseline CPU that several hosts can all run, and how a
 * CPU definition compares with the host's CPU or with what the hypervisor can
 * provide on it.
 */
import { array, int, struct, uint } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullString, remoteString } from '../types.js';

/** `REMOTE_CONNECT_CPU_MODELS_MAX`. */
const CPU_MODELS_MAX = 8192;
/** `REMOTE_CPU_BASELINE_MAX`: most CPU definitions one baseline call takes. */
export const REMOTE_CPU_BASELINE_MAX = 256;

/** `virCPUCompareResult`: what COMPARE_CPU / COMPARE_HYPERVISOR_CPU answer (ERROR -1 arrives as an error reply). */
export const VirCPUCompareResult = {
  VIR_CPU_COMPARE_INCOMPATIBLE: 0,
  VIR_CPU_COMPARE_IDENTICAL: 1,
  VIR_CPU_COMPARE_SUPERSET: 2,
} as const;

/**
 * `virConnectCompareCPUFlags`: FAIL_INCOMPATIBLE turns an incompatible result into VIR_ERR_CPU_INCOMPATIBLE (91)
 * whose message says why; VALIDATE_XML checks the CPU XML against libvirt's schema first.
 */
export const VirConnectCompareCPUFlags = {
  VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE: 1,
  VIR_CONNECT_COMPARE_CPU_VALIDATE_XML: 2,
} as const;

/**
 * `virConnectBaselineCPUFlags`: EXPAND_FEATURES lists every feature of the model, not only those added to it;
 * MIGRATABLE drops features that block migration.
 */
export const VirConnectBaselineCPUFlags = {
  VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES: 1,
  VIR_CONNECT_BASELINE_CPU_MIGRATABLE: 2,
} as const;

/** The hypervisor the HYPERVISOR_CPU calls ask about: each optional, the daemon picks a default for a `null`. */
const hypervisorArgs = { emulator: remoteString, arch: remoteString, machine: remoteString, virttype: remoteString } as const;

/**
 * 312: the CPU model names the hypervisor knows for `arch` (e.g. `"x86_64"`); need_results = 1 (flags: none yet).
 * @see virConnectGetCPUModelNames
 */
export const CONNECT_GET_CPU_MODEL_NAMES = procedure(
  312,
  'CONNECT_GET_CPU_MODEL_NAMES',
  struct({ arch: nonnullString, need_results: int, flags: uint }),
  struct({ models: array(nonnullString, CPU_MODELS_MAX), ret: int }),
);

/**
 * 158: compare a `<cpu>` element with the host CPU (libvirt 9.0 refuses a whole capabilities document with
 * VIR_ERR_XML_ERROR: virsh extracts the element itself);
 * `result` = `VirCPUCompareResult`; flags = `VirConnectCompareCPUFlags`.
 * @see virConnectCompareCPU
 */
export const CONNECT_COMPARE_CPU = procedure(
  158,
  'CONNECT_COMPARE_CPU',
  struct({ xml: nonnullString, flags: uint }),
  struct({ result: int }),
  { priority: 'high' },
);

/**
 * 393: compare a `<cpu>` definition with the CPU the hypervisor (emulator, arch, machine, virttype) can
 * provide on this host; `result` = `VirCPUCompareResult`; flags = `VirConnectCompareCPUFlags`.
 * @see virConnectCompareHypervisorCPU
 */
export const CONNECT_COMPARE_HYPERVISOR_CPU = procedure(
  393,
  'CONNECT_COMPARE_HYPERVISOR_CPU',
  struct({ ...hypervisorArgs, xmlCPU: nonnullString, flags: uint }),
  struct({ result: int }),
);

/**
 * 162: the most capable `<cpu>` every one of the given host CPUs can run (at most 256);
 * flags = `VirConnectBaselineCPUFlags`.
 * @see virConnectBaselineCPU
 */
export const CONNECT_BASELINE_CPU = procedure(
  162,
  'CONNECT_BASELINE_CPU',
  struct({ xmlCPUs: array(nonnullString, REMOTE_CPU_BASELINE_MAX), flags: uint }),
  struct({ cpu: nonnullString }),
);

/**
 * 394: like BASELINE_CPU, limited to what the hypervisor (emulator, arch, machine, virttype) can provide;
 * flags = `VirConnectBaselineCPUFlags`.
 * @see virConnectBaselineHypervisorCPU
 */
export const CONNECT_BASELINE_HYPERVISOR_CPU = procedure(
  394,
  'CONNECT_BASELINE_HYPERVISOR_CPU',
  struct({ ...hypervisorArgs, xmlCPUs: array(nonnullString, REMOTE_CPU_BASELINE_MAX), flags: uint }),
  struct({ cpu: nonnullString }),
);
