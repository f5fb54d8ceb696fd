import { compact, withExtras, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { type ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { parseSize } from '../units.js';

/** A `<hugepages><page size nodeset/>` entry. */
export interface HugepageSize {
  /** Page size in bytes (e.g. 2 MiB, 1 GiB); written in KiB. */
  size: bigint;
  /** Guest NUMA nodes these pages back, e.g. `'0-1'`. @default all */
  nodeset?: string;
}

/**
 * `<memoryBacking>`: how guest RAM is allocated on the host.
 *
 * virtiofs needs `source: 'memfd'` (or file) with `access: 'shared'`, so that
 * virtiofsd can map guest memory.
 *
 * @see https://libvirt.org/formatdomain.html#memory-backing
 */
export interface DomainMemoryBacking extends Extensible {
  /** Back RAM with huge pages: `true` for the host's default size, or the sizes per guest NUMA node. */
  hugepages?: true | HugepageSize[];
  /** Never let the host swap the guest's RAM (`<locked/>`; QEMU needs an `mlock` limit, which libvirt raises). */
  locked?: boolean;
  /** Keep KSM from merging the guest's pages (`<nosharepages/>`). */
  nosharepages?: boolean;
  /** `<source type>`: `'memfd'` is what virtiofs usually wants. */
  source?: Open<'file' | 'anonymous' | 'memfd'>;
  /** `<access mode>`: `'shared'` lets another process (virtiofsd, vhost-user) map guest memory. */
  access?: Open<'shared' | 'private'>;
  /** `<allocation mode>`. */
  allocation?: Open<'immediate' | 'ondemand'>;
}

/** A `<vcpupin vcpu cpuset/>`: run one vCPU only on these host CPUs. */
export interface VcpuPin {
  vcpu: number;
  /** Host CPUs, e.g. `'2'` or `'2-3,^3'`. */
  cpuset: string;
}

/**
 * `<cputune>`: where vCPUs and emulator threads run on the host.
 *
 * @see https://libvirt.org/formatdomain.html#cpu-tuning
 */
export interface DomainCputune extends Extensible {
  vcpupins?: VcpuPin[];
  /** `<emulatorpin cpuset>`: host CPUs of QEMU's own threads. */
  emulatorpin?: string;
}

/** A guest NUMA node, `<cpu><numa><cell>`. */
export interface GuestNumaCell extends Extensible {
  id: number;
  /** Guest vCPUs in this node, e.g. `'0-1'`. */
  cpus: string;
  /** Memory of the node in bytes; a whole number of KiB. The cells' memory adds up to the domain's. */
  memory: bigint;
  /** `memAccess`: `'shared'` for vhost-user/virtiofs with NUMA. */
  memAccess?: Open<'shared' | 'private'>;
}

function kib(value: bigint, path: string): bigint {
  const bytes = parseSize(value, { path });
  if (bytes % 1024n !== 0n) throw invalidSpec(path, 'must be a whole number of KiB');
  return bytes / 1024n;
}

/** @internal */
export function writeMemoryBacking(w: ElementWriter, mb: DomainMemoryBacking): void {
  const p = w.path;
  if (mb.hugepages !== undefined) {
    const hp = w.child('hugepages', {}, `${p}.hugepages`);
    if (mb.hugepages !== true)
      mb.hugepages.forEach((page, i) =>
        hp.child('page', { size: kib(page.size, `${p}.hugepages[${i}].size`), unit: 'KiB', nodeset: page.nodeset }, `${p}.hugepages[${i}]`),
      );
  }
  if (mb.nosharepages === true) w.child('nosharepages');
  if (mb.locked === true) w.child('locked');
  if (mb.source !== undefined) w.child('source', { type: mb.source }, `${p}.source`);
  if (mb.access !== undefined) w.child('access', { mode: mb.access }, `${p}.access`);
  if (mb.allocation !== undefined) w.child('allocation', { mode: mb.allocation }, `${p}.allocation`);
  w.extras(mb);
}

/** @internal Read `<memoryBacking>`; parts carrying more than the model knows stay raw. */
export function readMemoryBacking(r: ElementReader): DomainMemoryBacking {
  const mb: DomainMemoryBacking = {};
  const keep: string[] = [];
  const hp = r.child('hugepages');
  if (hp !== undefined) {
    const pages = hp.children('page').map((page) => compact({ size: page.size('KiB', 'size'), nodeset: page.attr('nodeset') }));
    if (hp.hasUnused()) keep.push(hp.raw());
    else mb.hugepages = pages.length === 0 ? true : pages;
  }
  const flag = (name: 'locked' | 'nosharepages'): void => {
    const el = r.child(name);
    if (el === undefined) return;
    if (el.hasUnused()) keep.push(el.raw());
    else mb[name] = true;
  };
  flag('locked');
  flag('nosharepages');
  const simple = (element: string, attr: string): string | undefined => {
    const el = r.child(element);
    if (el === undefined) return undefined;
    const value = el.attr(attr);
    if (value !== undefined && !el.hasUnused()) return value;
    keep.push(el.raw());
    return undefined;
  };
  const source = simple('source', 'type');
  const access = simple('access', 'mode');
  const allocation = simple('allocation', 'mode');
  Object.assign(mb, compact({ source, access, allocation }));
  if (keep.length > 0) mb.extraElements = keep;
  return withExtras(mb, r.extras());
}

/** @internal */
export function writeCputune(w: ElementWriter, tune: DomainCputune): void {
  (tune.vcpupins ?? []).forEach((pin, i) => {
    if (!Number.isSafeInteger(pin.vcpu) || pin.vcpu < 0) throw invalidSpec(`${w.path}.vcpupins[${i}].vcpu`, 'must be an integer ≥ 0');
    w.child('vcpupin', { vcpu: pin.vcpu, cpuset: pin.cpuset }, `${w.path}.vcpupins[${i}]`);
  });
  if (tune.emulatorpin !== undefined) w.child('emulatorpin', { cpuset: tune.emulatorpin }, `${w.path}.emulatorpin`);
  w.extras(tune);
}

/** @internal */
export function readCputune(r: ElementReader): DomainCputune {
  const keep: string[] = [];
  const vcpupins: VcpuPin[] = [];
  for (const pin of r.children('vcpupin')) {
    const vcpu = pin.int('vcpu');
    const cpuset = pin.attr('cpuset');
    if (vcpu === undefined || cpuset === undefined || pin.hasUnused()) keep.push(pin.raw());
    else vcpupins.push({ vcpu, cpuset });
  }
  const emu = r.child('emulatorpin');
  const emulatorpin = emu?.attr('cpuset');
  if (emu !== undefined && (emulatorpin === undefined || emu.hasUnused())) keep.push(emu.raw());
  const tune: DomainCputune = compact({
    vcpupins: vcpupins.length > 0 ? vcpupins : undefined,
    emulatorpin: emu !== undefined && !emu.hasUnused() ? emulatorpin : undefined,
  });
  if (keep.length > 0) tune.extraElements = keep;
  return withExtras(tune, r.extras());
}

/** @internal Write `<numa>` (inside `<cpu>`). */
export function writeNuma(w: ElementWriter, cells: readonly GuestNumaCell[]): void {
  const numa = w.child('numa', {}, `${w.path}.numa`);
  cells.forEach((cell, i) => {
    const p = `${w.path}.numa[${i}]`;
    if (!Number.isSafeInteger(cell.id) || cell.id < 0) throw invalidSpec(`${p}.id`, 'must be an integer ≥ 0');
    numa
      .child('cell', { id: cell.id, cpus: cell.cpus, memory: kib(cell.memory, `${p}.memory`), unit: 'KiB', memAccess: cell.memAccess }, p)
      .extras(cell);
  });
}

/** @internal Read `<numa>` cells. */
export function readNuma(r: ElementReader): GuestNumaCell[] {
  return r.children('cell').map((cell) =>
    compact(
      withExtras(
        {
          id: cell.int('id') ?? cell.fail('missing id'),
          cpus: cell.requiredAttr('cpus'),
          memory: cell.size('KiB', 'memory'),
          memAccess: cell.attr('memAccess'),
        },
        cell.extras(),
      ),
    ),
  );
}
