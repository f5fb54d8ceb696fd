import { compact, withExtras, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { onOff, type ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { readNuma, writeNuma, type GuestNumaCell } from './tuning.js';

/** `<topology>` of the guest CPU. */
export interface CpuTopology extends Extensible {
  sockets: number;
  dies?: number;
  cores: number;
  threads: number;
}

/** A `<feature policy name>` of the guest CPU. */
export interface CpuFeature {
  name: string;
  policy?: Open<'force' | 'require' | 'optional' | 'disable' | 'forbid'>;
}

/**
 * `<cpu>`: the CPU model shown to the guest.
 *
 * - `host-passthrough`: the host CPU as is (fastest; KVM only; blocks migration between different hosts).
 * - `host-model`: the closest named model plus host features (KVM).
 * - `custom` with `model`: a named model such as `qemu64` (works under TCG).
 *
 * @see https://libvirt.org/formatdomain.html#cpu-model-and-topology
 */
export interface DomainCpu extends Extensible {
  mode?: Open<'custom' | 'host-model' | 'host-passthrough' | 'maximum'>;
  match?: Open<'minimum' | 'exact' | 'strict'>;
  check?: Open<'none' | 'partial' | 'full'>;
  migratable?: boolean;
  model?: { name: string; fallback?: Open<'allow' | 'forbid'> } & Extensible;
  vendor?: string;
  topology?: CpuTopology;
  features?: CpuFeature[];
  /** Guest NUMA nodes (`<numa><cell>`). */
  numa?: GuestNumaCell[];
}

/** @internal */
export function writeCpu(w: ElementWriter, cpu: DomainCpu): void {
  const p = w.path;
  w.attrs({ mode: cpu.mode, match: cpu.match, check: cpu.check, migratable: onOff(cpu.migratable) });
  if (cpu.model !== undefined) {
    if (typeof cpu.model.name !== 'string' || cpu.model.name === '') throw invalidSpec(`${p}.model.name`, 'is required');
    w.child('model', { fallback: cpu.model.fallback }, `${p}.model`).text(cpu.model.name, 'name').extras(cpu.model);
  }
  w.textChild('vendor', cpu.vendor);
  if (cpu.topology !== undefined) {
    const t = cpu.topology;
    for (const key of ['sockets', 'dies', 'cores', 'threads'] as const) {
      const value = t[key];
      if ((value !== undefined || key !== 'dies') && (!Number.isSafeInteger(value) || (value ?? 0) < 1))
        throw invalidSpec(`${p}.topology.${key}`, 'must be an integer ≥ 1');
    }
    w.child('topology', { sockets: t.sockets, dies: t.dies, cores: t.cores, threads: t.threads }, `${p}.topology`).extras(t);
  }
  (cpu.features ?? []).forEach((f, i) => w.child('feature', { policy: f.policy, name: f.name }, `${p}.features[${i}]`));
  if (cpu.numa !== undefined && cpu.numa.length > 0) writeNuma(w, cpu.numa);
  w.extras(cpu);
}

/** @internal */
export function readCpu(r: ElementReader): DomainCpu {
  const model = r.child('model');
  const topology = r.child('topology');
  const features = r.children('feature').map((f) => compact({ name: f.requiredAttr('name'), policy: f.attr('policy') }));
  const numaEl = r.child('numa');
  const numa = numaEl === undefined ? undefined : readNuma(numaEl);
  // A <numa> with more than cells (interconnects, distances on the node) stays whole rather than half-understood.
  const numaRaw = numaEl?.hasUnused() === true ? numaEl.raw() : undefined;
  const cpu: DomainCpu = compact({
    mode: r.attr('mode'),
    match: r.attr('match'),
    check: r.attr('check'),
    migratable: r.bool('migratable'),
    model: model && compact(withExtras({ name: model.text().trim(), fallback: model.attr('fallback') }, model.extras())),
    vendor: r.childText('vendor'),
    topology:
      topology &&
      compact(
        withExtras(
          {
            sockets: topology.int('sockets') ?? 1,
            dies: topology.int('dies'),
            cores: topology.int('cores') ?? 1,
            threads: topology.int('threads') ?? 1,
          },
          topology.extras(),
        ),
      ),
    features: features.length > 0 ? features : undefined,
    numa: numaRaw === undefined && numa !== undefined && numa.length > 0 ? numa : undefined,
  });
  if (numaRaw !== undefined) cpu.extraElements = [numaRaw];
  return withExtras(cpu, r.extras());
}
