/**
 * Pure validation of `cpu` (mode, model, topology, features, pinning) and
 * `numa` cells: shapes, and how they fit the VM's vCPU count and memory.
 * A rule that needs `vcpus` or `memory` is skipped when that field was
 * refused itself (its problem is already reported).
 *
 * @module
 */
import { denseArray } from './cloud-init/validate.js';
import { specError } from './errors.js';
import { SpecIssues } from './issues.js';
import { CPU_FEATURE_KEYS, CPU_KEYS, CPU_PINNING_KEYS, CPU_TOPOLOGY_KEYS, NUMA_CELL_KEYS, checkSpecKeys } from './spec-keys.js';
import type { CpuSpec } from './spec-hardware.js';
import type { VmSpec } from './spec.js';
import { CPUSET_PATTERN, cpusetMembers, parseSize } from '../xml/index.js';

/** Guest CPU models and features: libvirt's names. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const CPU_MODES = ['host-passthrough', 'host-model', 'maximum', 'custom'];
const POLICIES = ['force', 'require', 'optional', 'disable', 'forbid'];

export function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is one of `allowed` (or `undefined`). */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw specError(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function cpuset(value: unknown, path: string): string {
  if (typeof value !== 'string' || !CPUSET_PATTERN.test(value)) throw specError(path, "must be a CPU list such as '2', '0-3' or '0-3,^2'");
  return value;
}

function checkTopology(t: NonNullable<CpuSpec['topology']>, vcpus: number | undefined): void {
  if (!isObject(t)) throw specError('cpu.topology', 'must be { sockets, cores, threads }');
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(t, CPU_TOPOLOGY_KEYS, 'cpu.topology'));
  let counts = true;
  for (const key of ['sockets', 'dies', 'cores', 'threads'] as const) {
    const v = t[key];
    if (v !== undefined || key !== 'dies')
      counts = issues.expect(Number.isSafeInteger(v) && (v as number) >= 1, `cpu.topology.${key}`, 'must be an integer ≥ 1') && counts;
  }
  // The product is checked only from valid counts and a valid vcpus.
  if (counts && vcpus !== undefined) {
    const product = t.sockets * (t.dies ?? 1) * t.cores * t.threads;
    issues.expect(product === vcpus, 'cpu.topology', `sockets × dies × cores × threads is ${product}, not vcpus (${vcpus})`);
  }
  issues.throwIfAny();
}

/** Check `cpu`; `vcpus` is `undefined` when it was refused (the rules that need it are skipped). */
export function checkCpu(value: VmSpec['cpu'], vcpus: number | undefined): CpuSpec | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw specError('cpu', 'must be an object');
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(value, CPU_KEYS, 'cpu'));
  const cpu = value;
  if (cpu.mode !== undefined) issues.expect(CPU_MODES.includes(cpu.mode), 'cpu.mode', `must be one of ${CPU_MODES.join(', ')}`);
  if (cpu.mode === 'custom' || cpu.model !== undefined)
    issues.field(() => {
      if (typeof cpu.model !== 'string' || !NAME.test(cpu.model))
        throw specError('cpu.model', 'must be a CPU model name such as "Skylake-Client"');
      if (cpu.mode !== undefined && cpu.mode !== 'custom') throw specError('cpu.model', "needs mode 'custom' (or no mode)");
    });
  if (cpu.topology !== undefined) issues.field(() => checkTopology(cpu.topology!, vcpus));
  if (cpu.features !== undefined)
    issues
      .field(() => denseArray(cpu.features, 'cpu.features', 1024, 'at most 1024 CPU features'))
      ?.forEach((value, i) => {
        const f = value as Record<string, unknown>;
        issues.field(() => checkSpecKeys(f, CPU_FEATURE_KEYS, `cpu.features[${i}]`));
        issues.expect(
          isObject(f) && typeof f['name'] === 'string' && NAME.test(f['name']),
          `cpu.features[${i}].name`,
          'must be a CPU feature name such as "vmx"',
        );
        if (isObject(f)) issues.field(() => oneOf(f['policy'], POLICIES, `cpu.features[${i}].policy`));
      });
  const pinning = cpu.pinning;
  if (pinning !== undefined && issues.expect(isObject(pinning), 'cpu.pinning', 'must be { vcpus, emulator }')) {
    issues.field(() => checkSpecKeys(pinning, CPU_PINNING_KEYS, 'cpu.pinning'));
    if (pinning.vcpus !== undefined && vcpus !== undefined)
      issues
        .field(() => denseArray(pinning.vcpus, 'cpu.pinning.vcpus', vcpus, `one entry per vCPU (${vcpus})`))
        ?.forEach((set, i) => issues.field(() => cpuset(set, `cpu.pinning.vcpus[${i}]`)));
    if (pinning.emulator !== undefined) issues.field(() => cpuset(pinning.emulator, 'cpu.pinning.emulator'));
  }
  issues.throwIfAny();
  return cpu;
}

/** One NUMA cell: its vCPUs (added to `seen`) and memory. */
function checkCell(cell: unknown, i: number, vcpus: number, seen: Set<number>): { cpus: string; memory: bigint } {
  const path = `numa[${i}]`;
  if (!isObject(cell)) throw specError(path, 'must be { cpus, memory }');
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(cell, NUMA_CELL_KEYS, path));
  const c = cell as Record<string, unknown>;
  issues.field(() => {
    const members = cpusetMembers(cpuset(c['cpus'], `${path}.cpus`), vcpus);
    if (members === undefined) throw specError(`${path}.cpus`, `names a vCPU past the last (${vcpus - 1})`);
    for (const cpu of members) {
      if (seen.has(cpu)) throw specError(`${path}.cpus`, `vCPU ${cpu} is already in another cell`);
      seen.add(cpu);
    }
  });
  const memory = issues.field(() => {
    const bytes = parseSize(c['memory'] as never, { path: `${path}.memory` });
    if (bytes === 0n || bytes % 1024n !== 0n) throw specError(`${path}.memory`, 'must be a whole, non-zero number of KiB');
    return bytes;
  });
  issues.throwIfAny();
  return { cpus: c['cpus'] as string, memory: memory! };
}

/**
 * Check `numa`: every vCPU in exactly one cell, the cells' memory the VM's.
 * Needs a valid `vcpus` (skipped without); the memory total needs a valid `memory`.
 */
export function checkNuma(
  value: VmSpec['numa'],
  vcpus: number | undefined,
  memory: bigint | undefined,
): { cpus: string; memory: bigint }[] {
  if (value === undefined || vcpus === undefined) return [];
  const cells = denseArray(value, 'numa', vcpus, `at most one cell per vCPU (${vcpus})`);
  const issues = new SpecIssues();
  const seen = new Set<number>();
  const checked = cells.map((cell, i) => issues.field(() => checkCell(cell, i, vcpus, seen)));
  // The totals are checked only when every cell passed.
  if (issues.count === 0 && cells.length > 0) {
    issues.expect(seen.size === vcpus, 'numa', `the cells hold ${seen.size} of the ${vcpus} vCPUs: every vCPU needs a cell`);
    const total = checked.reduce((sum, c) => sum + c!.memory, 0n);
    if (memory !== undefined)
      issues.expect(total === memory, 'numa', `the cells' memory adds up to ${total} bytes, not the VM's ${memory}`);
  }
  issues.throwIfAny();
  return checked.map((c) => c!);
}
