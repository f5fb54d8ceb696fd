/**
 * Where each disk of a create sits: its bus (the spec's, else the platform's
 * default) and its target name (`vda`, `sdb`…, as libvirt numbers them), the
 * seed cdrom last. Pure; also used for a disk added later (`additions.ts`).
 *
 * @module
 */
import { isQ35, type Platform } from './defaults.js';
import { specError } from './errors.js';
import { MAX_IDE_DEVICES } from './limits.js';
import type { DiskBus } from './spec.js';
import type { CheckedSpec } from './validate.js';

/** Where a disk sits: its bus and target name. */
export interface DiskPlacement {
  bus: DiskBus;
  target: string;
}

const PREFIX: Record<DiskBus, string> = { virtio: 'vd', ide: 'hd', scsi: 'sd', sata: 'sd', usb: 'sd' };

/** libvirt's disk name for an index: 0 → `a`, 25 → `z`, 26 → `aa` (virDiskNameToIndex). */
export function diskLetters(index: number): string {
  let name = '';
  for (let i = index; i >= 0; i = Math.floor(i / 26) - 1) name = String.fromCharCode(97 + (i % 26)) + name;
  return name;
}

/**
 * Hands out free target names per prefix (`vd`, `sd`, `hd`), in order: a
 * counter per prefix remembers where the last search stopped, so placing n
 * disks probes each name at most once per prefix, O(n + explicit targets) in
 * all, instead of restarting at `a` for every disk (quadratic: 8k disks took
 * 2.7 s on the event loop, 100k over 20 minutes).
 */
class TargetNames {
  readonly #taken: Set<string>;
  readonly #next = new Map<string, number>();

  /** @param taken - names already given explicitly, never handed out */
  constructor(taken: Iterable<string>) {
    this.#taken = new Set(taken);
  }

  /** The first name of `prefix` neither taken nor handed out yet. */
  next(prefix: string): string {
    let i = this.#next.get(prefix) ?? 0;
    while (this.#taken.has(`${prefix}${diskLetters(i)}`)) i++;
    const name = `${prefix}${diskLetters(i)}`;
    this.#taken.add(name);
    this.#next.set(prefix, i + 1);
    return name;
  }
}

const IDE_TARGETS: readonly string[] = ['hda', 'hdb', 'hdc', 'hdd'];

/**
 * Choose each disk's bus and target (`vda`, `sdb`…), the seed cdrom last.
 * Explicit targets are kept; the rest take the next free name of their bus's prefix ({@link TargetNames}).
 *
 * @throws InvalidArgumentError when a target's prefix does not match its bus, a bus is not offered, IDE is asked
 *   on q35, or more than {@link MAX_IDE_DEVICES} IDE devices (or an IDE target past `hdd`) are asked.
 */
export function placeDisks(
  checked: CheckedSpec,
  platform: Platform,
  taken: Iterable<string> = [],
): { disks: DiskPlacement[]; seed: DiskPlacement | undefined } {
  const wanted = checked.disks.map((d) => ({
    path: d.path,
    bus: d.spec.bus ?? (d.spec.kind === 'cdrom' ? platform.cdromBus : platform.diskBus),
    target: d.spec.target,
  }));
  if (checked.seed !== undefined)
    wanted.push({ path: 'cloudInit', bus: checked.seed.bus ?? platform.cdromBus, target: checked.seed.target });
  // Targets the spec names, and those the domain already uses (a disk added to it later).
  const inUse = new Set(taken);
  const names = new TargetNames([...inUse, ...wanted.flatMap((w) => (w.target === undefined ? [] : [w.target]))]);
  let ide = 0;
  const placed = wanted.map((w) => {
    if (platform.buses !== undefined && !platform.buses.includes(w.bus))
      throw specError(`${w.path}.bus`, `the host does not offer the ${w.bus} disk bus`);
    if (w.bus === 'ide' && isQ35(platform.machine)) throw specError(`${w.path}.bus`, 'q35 machines have no IDE bus: use sata or scsi');
    if (w.bus === 'ide' && ++ide > MAX_IDE_DEVICES)
      throw specError(
        `${w.path}.bus`,
        `at most ${MAX_IDE_DEVICES} disks and cdroms fit on IDE (one controller, 2 buses of 2 units): use sata, scsi or virtio`,
      );
    const prefix = PREFIX[w.bus];
    if (w.target !== undefined) {
      if (!w.target.startsWith(prefix) || !/^[a-z]+$/.test(w.target.slice(prefix.length)))
        throw specError(`${w.path}.target`, `a ${w.bus} disk's target starts with "${prefix}"`);
      if (inUse.has(w.target)) throw specError(`${w.path}.target`, `${w.target} is already used by a disk of the domain`);
      if (w.bus === 'ide' && !IDE_TARGETS.includes(w.target))
        throw specError(`${w.path}.target`, 'an IDE target is one of hda, hdb, hdc, hdd (one controller, 2 buses of 2 units)');
      return { bus: w.bus, target: w.target };
    }
    return { bus: w.bus, target: names.next(prefix) };
  });
  const seed = checked.seed === undefined ? undefined : placed.pop();
  return { disks: placed, seed };
}
