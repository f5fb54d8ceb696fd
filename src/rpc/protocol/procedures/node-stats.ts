/**
 * The host machine ("node"): CPU and memory statistics, free memory per NUMA
 * cell, huge pages, the CPU map, KSM's memory parameters, the security model
 * and AMD SEV.
 */
import { array, charArray, int, opaque, struct, uhyper, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { nonnullString } from '../types.js';

/** `REMOTE_NODE_CPU_STATS_MAX` / `REMOTE_NODE_MEMORY_STATS_MAX`: most statistics one reply carries. */
const REMOTE_NODE_STATS_MAX = 16;
/** `REMOTE_NODE_MAX_CELLS`: most NUMA cells (also page sizes, and cells × sizes of a free-pages reply). */
export const REMOTE_NODE_MAX_CELLS = 1024;
/** `REMOTE_NODE_MEMORY_PARAMETERS_MAX`. */
const REMOTE_NODE_MEMORY_PARAMETERS_MAX = 64;
/** `REMOTE_NODE_SEV_INFO_MAX`. */
const REMOTE_NODE_SEV_INFO_MAX = 64;
/** `REMOTE_CPUMAP_MAX`: bytes of a CPU bitmap. */
const REMOTE_CPUMAP_MAX = 2048;
/** `VIR_SECURITY_MODEL_BUFLEN` / `VIR_SECURITY_DOI_BUFLEN` (256 + NUL). */
const VIR_SECURITY_MODEL_BUFLEN = 257;

/** `remote_node_get_cpu_stats` / `remote_node_get_memory_stats`: a field name and an `unsigned hyper`. */
export const nodeStat = struct({ field: nonnullString, value: uhyper });

/**
 * 101: free memory (bytes) of up to `maxcells` NUMA cells from `startCell`.
 * @see virNodeGetCellsFreeMemory
 */
export const NODE_GET_CELLS_FREE_MEMORY = procedure(
  101,
  'NODE_GET_CELLS_FREE_MEMORY',
  struct({ startCell: int, maxcells: int }),
  struct({ cells: array(uhyper, REMOTE_NODE_MAX_CELLS) }),
  { priority: 'high' },
);

/**
 * 122: the host's security driver (`"selinux"`, `"apparmor"`, `"none"`…) and its domain of interpretation. Both are
 * `char x<257>`: 4 bytes on the wire per byte, NUL included.
 * @see virNodeGetSecurityModel
 */
export const NODE_GET_SECURITY_MODEL = procedure(
  122,
  'NODE_GET_SECURITY_MODEL',
  xdrVoid,
  struct({ model: charArray(VIR_SECURITY_MODEL_BUFLEN), doi: charArray(VIR_SECURITY_MODEL_BUFLEN) }),
  { priority: 'high' },
);

/**
 * 227: host CPU times (ns: `kernel`, `user`, `idle`, `iowait`, …) of CPU `cpuNum` (-1 = all). `nparams` 0 asks how
 * many there are; Linux then wants exactly that many. flags 0.
 * @see virNodeGetCPUStats
 */
export const NODE_GET_CPU_STATS = procedure(
  227,
  'NODE_GET_CPU_STATS',
  struct({ cpuNum: int, nparams: int, flags: uint }),
  struct({ params: array(nodeStat, REMOTE_NODE_STATS_MAX), nparams: int }),
  { priority: 'high' },
);

/**
 * 228: host memory (KiB: `total`, `free`, `buffers`, `cached`) of NUMA cell `cellNum` (-1 = all). `nparams` 0 asks
 * how many there are; Linux then wants exactly that many. flags 0.
 * @see virNodeGetMemoryStats
 */
export const NODE_GET_MEMORY_STATS = procedure(
  228,
  'NODE_GET_MEMORY_STATS',
  struct({ nparams: int, cellNum: int, flags: uint }),
  struct({ params: array(nodeStat, REMOTE_NODE_STATS_MAX), nparams: int }),
  { priority: 'high' },
);

/**
 * 288: set KSM's tunables (`shm_pages_to_scan`, `shm_sleep_millisecs`, `shm_merge_across_nodes`; uint). flags 0.
 * Changes the host: the SDK's tests call it on the test driver only.
 * @see virNodeSetMemoryParameters
 */
export const NODE_SET_MEMORY_PARAMETERS = procedure(
  288,
  'NODE_SET_MEMORY_PARAMETERS',
  struct({ params: typedParams(REMOTE_NODE_MEMORY_PARAMETERS_MAX), flags: uint }),
  xdrVoid,
);

/**
 * 289: KSM's tunables and counters (`shm_*`). `nparams` 0 asks how many there are. flags 0.
 * @see virNodeGetMemoryParameters
 */
export const NODE_GET_MEMORY_PARAMETERS = procedure(
  289,
  'NODE_GET_MEMORY_PARAMETERS',
  struct({ nparams: int, flags: uint }),
  struct({ params: typedParams(REMOTE_NODE_MEMORY_PARAMETERS_MAX), nparams: int }),
);

/**
 * 293: the host's CPUs: `ret` = how many are present, `online` = how many are online (if `need_online`), and
 * `cpumap` a bitmap of the online ones, CPU 0 the low bit of byte 0 (if `need_map`). flags 0.
 * @see virNodeGetCPUMap
 */
export const NODE_GET_CPU_MAP = procedure(
  293,
  'NODE_GET_CPU_MAP',
  struct({ need_map: int, need_online: int, flags: uint }),
  struct({ cpumap: opaque(REMOTE_CPUMAP_MAX), online: uint, ret: int }),
);

/**
 * 340: free pages of each size in `pages` (KiB) on `cellCount` cells from `startCell`: `counts` is cell-major
 * (cell 0's sizes, then cell 1's…). flags 0.
 * @see virNodeGetFreePages
 */
export const NODE_GET_FREE_PAGES = procedure(
  340,
  'NODE_GET_FREE_PAGES',
  struct({ pages: array(uint, REMOTE_NODE_MAX_CELLS), startCell: int, cellCount: uint, flags: uint }),
  struct({ counts: array(uhyper, REMOTE_NODE_MAX_CELLS) }),
  { priority: 'high' },
);

/**
 * 347: reserve huge pages: `pageCounts[i]` pages of `pageSizes[i]` KiB on each of `cellCount` cells from
 * `startCell` (-1 = the whole host). flags = virNodeAllocPagesFlags: ADD 0 (add to the pool), SET 1 (make it
 * exactly that). `ret` = cells changed. Changes the host: the SDK's tests call it on the test driver only.
 * @see virNodeAllocPages
 */
export const NODE_ALLOC_PAGES = procedure(
  347,
  'NODE_ALLOC_PAGES',
  struct({
    pageSizes: array(uint, REMOTE_NODE_MAX_CELLS),
    pageCounts: array(uhyper, REMOTE_NODE_MAX_CELLS),
    startCell: int,
    cellCount: uint,
    flags: uint,
  }),
  struct({ ret: int }),
);

/**
 * 395: AMD SEV platform facts (`pdh`, `cert-chain`, `cbitpos`, `reduced-phys-bits`, `max-guests`, `max-es-guests`).
 * The server allocates the list (`nparams` is not read); flags = VIR_TYPED_PARAM_STRING_OKAY (`pdh` is a string).
 * QEMU without SEV: VIR_ERR_OPERATION_UNSUPPORTED.
 * @see virNodeGetSEVInfo
 */
export const NODE_GET_SEV_INFO = procedure(
  395,
  'NODE_GET_SEV_INFO',
  struct({ nparams: int, flags: uint }),
  struct({ params: typedParams(REMOTE_NODE_SEV_INFO_MAX), nparams: int }),
);
