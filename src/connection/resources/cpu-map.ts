/**
 * CPU maps as lists of host CPU indices. On the wire a map is a bitmap of
 * `VIR_CPU_MAPLEN(cpus)` = ceil(cpus / 8) bytes, CPU n at bit `n % 8` of
 * byte `n / 8`; callers never build one.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { type CallOptions, NODE_GET_INFO } from '../../rpc/index.js';
import type { ResourceCall } from './types.js';

/** `REMOTE_CPUMAP_MAX` bytes hold this many CPUs. */
const MAX_HOST_CPUS = 2048 * 8;

/**
 * How many CPUs the host's maps cover: `VIR_NODEINFO_MAXCPUS` (NUMA nodes ×
 * sockets × cores × threads of NODE_GET_INFO), the size libvirt's own tools
 * give pinning maps — it counts offline CPUs, which `cpus` does not.
 */
export async function hostCpuCount(call: ResourceCall, options: CallOptions): Promise<number> {
  const info = await call(NODE_GET_INFO, undefined, options);
  const topology = info.nodes * info.sockets * info.cores * info.threads;
  return Math.min(MAX_HOST_CPUS, Math.max(topology, info.cpus, 1));
}

/**
 * Check a list of host CPU indices before anything else is sent (a non-empty
 * array of whole numbers from 0), without the host's size: see {@link cpuMap}.
 * @throws {@link InvalidArgumentError} naming `path`
 */
export function checkCpuList(cpus: unknown, path: string): readonly number[] {
  if (!Array.isArray(cpus) || cpus.length === 0) {
    throw new InvalidArgumentError(`${path} must be a non-empty array of host CPU indices, e.g. [0, 2]`, { path });
  }
  cpus.forEach((cpu: unknown, i) => {
    if (typeof cpu !== 'number' || !Number.isSafeInteger(cpu) || cpu < 0 || cpu >= MAX_HOST_CPUS) {
      throw new InvalidArgumentError(`${path}[${i}] must be a host CPU index from 0, got ${String(cpu)}`, { path: `${path}[${i}]` });
    }
  });
  return cpus as number[];
}

/**
 * The wire bitmap of `cpus` for a host of `hostCpus` CPUs.
 * @throws {@link InvalidArgumentError} for a CPU the host does not have
 */
export function cpuMap(cpus: readonly number[], hostCpus: number, path: string): Buffer {
  const map = Buffer.alloc(Math.ceil(hostCpus / 8));
  cpus.forEach((cpu, i) => {
    if (cpu >= hostCpus) {
      throw new InvalidArgumentError(`${path}[${i}]: the host has CPUs 0 to ${hostCpus - 1}, not ${cpu}`, { path: `${path}[${i}]` });
    }
    map[cpu >> 3]! |= 1 << (cpu & 7);
  });
  return map;
}

/** The CPU indices set in the `maplen` bytes of `maps` from `offset`. */
export function cpusOf(maps: Buffer, offset = 0, maplen = maps.length - offset): number[] {
  const cpus: number[] = [];
  for (let byte = 0; byte < maplen; byte++) {
    const bits = maps[offset + byte] ?? 0;
    for (let bit = 0; bit < 8; bit++) if (bits & (1 << bit)) cpus.push(byte * 8 + bit);
  }
  return cpus;
}
