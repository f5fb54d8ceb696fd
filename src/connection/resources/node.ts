import { ErrorCode, InvalidArgumentError, checkKeys } from '../../errors/index.js';
import {
  CALL_OPTION_KEYS,
  checkOnlyCallOptions,
  NODE_ALLOC_PAGES,
  NODE_GET_CELLS_FREE_MEMORY,
  NODE_GET_CPU_MAP,
  NODE_GET_CPU_STATS,
  NODE_GET_FREE_PAGES,
  NODE_GET_MEMORY_PARAMETERS,
  NODE_GET_MEMORY_STATS,
  NODE_GET_SECURITY_MODEL,
  NODE_GET_SEV_INFO,
  NODE_SET_MEMORY_PARAMETERS,
  REMOTE_NODE_MAX_CELLS,
  type TypedParam,
  VIR_TYPED_PARAM_STRING_OKAY,
  typedParamsToRecord,
  type CallOptions,
} from '../../rpc/index.js';
import {
  type CellFreeMemory,
  type FreePages,
  type NodeCpuMap,
  type NodeCpuStats,
  type NodeMemoryParameters,
  type NodeMemoryParametersInput,
  type NodeMemoryStats,
  type SecurityModel,
  type SevInfo,
  cString,
  cpuMapMembers,
  decodeNodeCpuStats,
  decodeNodeMemoryStats,
  decodeSevInfo,
} from './node-types.js';
import { checkInteger, checkOptions } from './check-options.js';
import type { ResourceCall } from './types.js';
import { unsupportedAs } from './unsupported.js';

/** Options of {@link NodeResource.getCpuStats}. */
export interface NodeCpuStatsOptions extends CallOptions {
  /** One host CPU; none: all of them together. */
  cpu?: number;
}

/** Options of {@link NodeResource.getMemoryStats}. */
export interface NodeCellOptions extends CallOptions {
  /** One NUMA cell; none: the whole host. */
  cell?: number;
}

/** Options of {@link NodeResource.getCellsFreeMemory}. */
export interface CellsFreeMemoryOptions extends CallOptions {
  /** The first cell. @default 0 */
  startCell?: number;
  /** How many cells, at most. @default all (up to 1024) */
  maxCells?: number;
}

/** Options of {@link NodeResource.getFreePages} and {@link NodeResource.allocPages}. */
export interface NodePagesOptions extends CallOptions {
  /** The first NUMA cell; none: the whole host, as one. */
  startCell?: number;
  /** How many cells from `startCell`. @default 1 */
  cellCount?: number;
}

/** Options of {@link NodeResource.allocPages}. */
export interface AllocPagesOptions extends NodePagesOptions {
  /** `'add'` pages to the pool (`VIR_NODE_ALLOC_PAGES_ADD`) or `'set'` it to exactly that many (`VIR_NODE_ALLOC_PAGES_SET`). @default 'add' */
  mode?: 'add' | 'set';
}

/** Pages to reserve: `count` pages of `sizeKiB` KiB. */
export interface PageAllocation {
  sizeKiB: number;
  count: number | bigint;
}

const UINT32_MAX = 2 ** 32 - 1;
const INT32_MAX = 2 ** 31 - 1;
const U64_MAX = 2n ** 64n - 1n;
const SETTABLE = { shm_pages_to_scan: true, shm_sleep_millisecs: true, shm_merge_across_nodes: true } as const;
const PAGES_KEYS = { ...CALL_OPTION_KEYS, startCell: true, cellCount: true } as const;

/**
 * The host machine (`conn.host.node`), as virsh's `node*` commands show it:
 * CPU and memory statistics, free memory and huge pages per NUMA cell, the
 * CPU map, KSM's memory parameters, the security model, AMD SEV.
 * `setMemoryParameters` and `allocPages` change the host.
 */
export class NodeResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * Host CPU time since boot (`virsh nodecpustats [--cpu n]`), in nanoseconds.
   * Asks libvirt how many statistics there are first (Linux wants exactly that many).
   * @example const { userNs, kernelNs, idleNs } = await conn.host.node.getCpuStats();
   * @throws InvalidArgumentError for a negative CPU · `LibvirtError` `VIR_ERR_INVALID_ARG` for a CPU the host lacks
   * @see virNodeGetCPUStats
   */
  async getCpuStats(options: NodeCpuStatsOptions = {}): Promise<NodeCpuStats> {
    checkOptions(options, { ...CALL_OPTION_KEYS, cpu: true });
    const cpuNum = options.cpu === undefined ? -1 : checkInteger(options.cpu, 'cpu', 0, INT32_MAX);
    const { nparams } = await this.#call(NODE_GET_CPU_STATS, { cpuNum, nparams: 0, flags: 0 }, options);
    if (nparams === 0) return decodeNodeCpuStats([]);
    return decodeNodeCpuStats((await this.#call(NODE_GET_CPU_STATS, { cpuNum, nparams, flags: 0 }, options)).params);
  }

  /**
   * Host memory (`virsh nodememstats [--cell n]`), in bytes. One cell reports `total` and `free` only.
   * @example const { totalBytes, freeBytes } = await conn.host.node.getMemoryStats();
   * @throws InvalidArgumentError for a negative cell · `UnsupportedError` where the driver lacks it (the test driver)
   * @see virNodeGetMemoryStats
   */
  async getMemoryStats(options: NodeCellOptions = {}): Promise<NodeMemoryStats> {
    checkOptions(options, { ...CALL_OPTION_KEYS, cell: true });
    const cellNum = options.cell === undefined ? -1 : checkInteger(options.cell, 'cell', 0, INT32_MAX);
    const { nparams } = await this.#call(NODE_GET_MEMORY_STATS, { cellNum, nparams: 0, flags: 0 }, options);
    if (nparams === 0) return decodeNodeMemoryStats([]);
    return decodeNodeMemoryStats((await this.#call(NODE_GET_MEMORY_STATS, { cellNum, nparams, flags: 0 }, options)).params);
  }

  /**
   * Free memory of each NUMA cell (`virsh freecell --all`), in bytes.
   * @example const [{ freeBytes }] = await conn.host.node.getCellsFreeMemory();
   * @throws InvalidArgumentError for a negative start or a count below 1 · `LibvirtError` for a start past the last cell
   * @see virNodeGetCellsFreeMemory
   */
  async getCellsFreeMemory(options: CellsFreeMemoryOptions = {}): Promise<CellFreeMemory[]> {
    checkOptions(options, { ...CALL_OPTION_KEYS, startCell: true, maxCells: true });
    const startCell = options.startCell === undefined ? 0 : checkInteger(options.startCell, 'startCell', 0, INT32_MAX);
    const maxcells =
      options.maxCells === undefined ? REMOTE_NODE_MAX_CELLS : checkInteger(options.maxCells, 'maxCells', 1, REMOTE_NODE_MAX_CELLS);
    const { cells } = await this.#call(NODE_GET_CELLS_FREE_MEMORY, { startCell, maxcells }, options);
    return cells.map((freeBytes, i) => ({ cell: startCell + i, freeBytes }));
  }

  /**
   * Free pages of each size (KiB: 4, 2048, 1048576 on x86_64) on NUMA cells,
   * or on the whole host (`virsh freepages`).
   * @example const pages = await conn.host.node.getFreePages([4, 2048]); // [{ cell: null, pageSizeKiB: 4, free: 4852696n }, …]
   * @throws InvalidArgumentError for an empty or bad size list · `LibvirtError` for a cell or size the host lacks
   * @see virNodeGetFreePages
   */
  async getFreePages(pageSizesKiB: readonly number[], options: NodePagesOptions = {}): Promise<FreePages[]> {
    checkOptions(options, PAGES_KEYS);
    const pages = pageSizes(pageSizesKiB);
    const { startCell, cellCount } = cellRange(options, pages.length);
    const { counts } = await this.#call(NODE_GET_FREE_PAGES, { pages, startCell, cellCount, flags: 0 }, options);
    // Cell-major: cell 0's sizes, then cell 1's…
    return counts.map((free, i) => ({
      cell: startCell === -1 ? null : startCell + Math.floor(i / pages.length),
      pageSizeKiB: pages[i % pages.length]!,
      free,
    }));
  }

  /**
   * Reserve (or release, with `mode: 'set'` and a smaller count) huge pages on NUMA cells or the whole host
   * (`virsh allocpages`). Changes the host's memory: never run it on a host you do not own.
   * @returns how many cells were changed
   * @example await conn.host.node.allocPages([{ sizeKiB: 2048, count: 64 }], { startCell: 0, mode: 'set' });
   * @throws InvalidArgumentError for a bad page list, range or mode · `UnsupportedError` where the driver lacks it (the test driver)
   * @see virNodeAllocPages
   */
  async allocPages(pages: readonly PageAllocation[], options: AllocPagesOptions = {}): Promise<number> {
    checkOptions(options, { ...PAGES_KEYS, mode: true });
    if (!Array.isArray(pages) || pages.length === 0 || pages.length > REMOTE_NODE_MAX_CELLS)
      throw new InvalidArgumentError(`pages must be a list of 1 to ${REMOTE_NODE_MAX_CELLS} { sizeKiB, count }`, { path: 'pages' });
    const list = pages as readonly PageAllocation[];
    list.forEach((p, i) => checkKeys(p, { sizeKiB: true, count: true }, `pages[${i}]`, { code: ErrorCode.INVALID_ARGUMENT }));
    const pageSizesKiB = pageSizes(list.map((p) => p.sizeKiB));
    const pageCounts = list.map((p, i) => pageCount(p.count, `pages[${i}].count`));
    const mode = options.mode ?? 'add';
    if (mode !== 'add' && mode !== 'set') throw new InvalidArgumentError("mode must be 'add' or 'set'", { path: 'mode' });
    const { startCell, cellCount } = cellRange(options, 1);
    const args = { pageSizes: pageSizesKiB, pageCounts, startCell, cellCount, flags: mode === 'set' ? 1 : 0 };
    return (await this.#call(NODE_ALLOC_PAGES, args, options)).ret;
  }

  /**
   * The host's CPUs: how many are present and online, and which (`virsh nodecpumap`).
   * @example const { present, onlineCpus } = await conn.host.node.getCpuMap();
   * @see virNodeGetCPUMap
   */
  async getCpuMap(options: CallOptions = {}): Promise<NodeCpuMap> {
    checkOnlyCallOptions(options, 0);
    const r = await this.#call(NODE_GET_CPU_MAP, { need_map: 1, need_online: 1, flags: 0 }, options);
    return { present: r.ret, online: r.online, onlineCpus: cpuMapMembers(r.cpumap) };
  }

  /**
   * KSM's parameters and counters (`virsh node-memory-tune`), under libvirt's names.
   * @example const { shm_pages_sharing } = await conn.host.node.getMemoryParameters();
   * @throws `UnsupportedError` where the driver lacks it (the test driver)
   * @see virNodeGetMemoryParameters
   */
  async getMemoryParameters(options: CallOptions = {}): Promise<NodeMemoryParameters> {
    checkOnlyCallOptions(options, 0);
    const { nparams } = await this.#call(NODE_GET_MEMORY_PARAMETERS, { nparams: 0, flags: 0 }, options);
    if (nparams === 0) return {};
    const { params } = await this.#call(NODE_GET_MEMORY_PARAMETERS, { nparams, flags: 0 }, options);
    return Object.fromEntries(params.map((p) => [p.field, p.value])) as NodeMemoryParameters;
  }

  /**
   * Change KSM's tunables (`virsh node-memory-tune --shm-pages-to-scan …`). Changes the host for every guest.
   * @example await conn.host.node.setMemoryParameters({ shm_pages_to_scan: 200, shm_sleep_millisecs: 50 });
   * @throws InvalidArgumentError for no parameter, a counter (read-only), an unknown name or a value out of
   *   range · `UnsupportedError` where the driver lacks it (the test driver)
   * @see virNodeSetMemoryParameters
   */
  async setMemoryParameters(parameters: NodeMemoryParametersInput, options: CallOptions = {}): Promise<void> {
    checkOnlyCallOptions(options, 0);
    if (typeof parameters !== 'object' || parameters === null || Object.keys(parameters).length === 0)
      throw new InvalidArgumentError(`parameters must name at least one of ${Object.keys(SETTABLE).join(', ')}`, { path: 'parameters' });
    checkKeys(parameters, SETTABLE, '', { code: ErrorCode.INVALID_ARGUMENT });
    const params: TypedParam[] = Object.entries(parameters).map(([field, value]) => ({
      field,
      type: 'uint',
      value: checkInteger(value, field, 0, field === 'shm_merge_across_nodes' ? 1 : UINT32_MAX),
    }));
    await this.#call(NODE_SET_MEMORY_PARAMETERS, { params, flags: 0 }, options);
  }

  /**
   * The host's security driver and its domain of interpretation (`<secmodel>` of `virsh capabilities`).
   * @example const { model } = await conn.host.node.getSecurityModel(); // 'selinux', 'apparmor', 'none'
   * @see virNodeGetSecurityModel
   */
  async getSecurityModel(options: CallOptions = {}): Promise<SecurityModel> {
    checkOnlyCallOptions(options, 0);
    const r = await this.#call(NODE_GET_SECURITY_MODEL, undefined, options);
    return { model: cString(r.model), doi: cString(r.doi) };
  }

  /**
   * AMD SEV's platform facts (`virsh nodesevinfo`), for launching encrypted guests.
   * @example const { cbitpos, maxGuests } = await conn.host.node.getSevInfo();
   * @throws `UnsupportedError` when the host or QEMU has no SEV (libvirt's `VIR_ERR_OPERATION_UNSUPPORTED` in `remote`),
   *   or the driver lacks the call
   * @see virNodeGetSEVInfo
   */
  async getSevInfo(options: CallOptions = {}): Promise<SevInfo> {
    checkOnlyCallOptions(options, 0);
    try {
      const { params } = await this.#call(NODE_GET_SEV_INFO, { nparams: 0, flags: VIR_TYPED_PARAM_STRING_OKAY }, options);
      return decodeSevInfo(typedParamsToRecord(params));
    } catch (error) {
      // QEMU says "QEMU does not support SEV guest" with OPERATION_UNSUPPORTED.
      throw unsupportedAs(error, 'AMD SEV');
    }
  }
}

/** Page sizes in KiB: 1 to 1024 of them, each a positive 32-bit integer. */
function pageSizes(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > REMOTE_NODE_MAX_CELLS)
    throw new InvalidArgumentError(`page sizes must be a list of 1 to ${REMOTE_NODE_MAX_CELLS} sizes in KiB`, { path: 'pageSizesKiB' });
  return value.map((size, i) => checkInteger(size, `pageSizesKiB[${i}]`, 1, UINT32_MAX));
}

/** A page count: a non-negative integer as number or bigint, at most 2^64 - 1. */
function pageCount(value: unknown, path: string): bigint {
  const n = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : typeof value === 'bigint' ? value : -1n;
  if (n < 0n || n > U64_MAX) throw new InvalidArgumentError(`${path} must be a whole number of pages, 0 or more`, { path });
  return n;
}

/** `startCell` (-1: the whole host, one "cell") and `cellCount`, bounded so the reply fits. */
function cellRange(options: NodePagesOptions, perCell: number): { startCell: number; cellCount: number } {
  if (options.startCell === undefined) {
    if (options.cellCount !== undefined && options.cellCount !== 1)
      throw new InvalidArgumentError('cellCount needs startCell (without it the whole host counts as one cell)', { path: 'cellCount' });
    return { startCell: -1, cellCount: 1 };
  }
  const startCell = checkInteger(options.startCell, 'startCell', 0, INT32_MAX);
  const most = Math.max(1, Math.floor(REMOTE_NODE_MAX_CELLS / perCell));
  const cellCount = options.cellCount === undefined ? 1 : checkInteger(options.cellCount, 'cellCount', 1, most);
  return { startCell, cellCount };
}
