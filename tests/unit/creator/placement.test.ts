/**
 * Disk placement: every disk of a spec at the device cap gets a distinct
 * target, in a number of name probes linear in the disks (placement used to
 * restart at `a` for every disk: 8k disks blocked the event loop 2.7 s, 100k
 * over 20 minutes). Linearity is shown by counting `Set.prototype.has` calls,
 * never by timing. IDE takes at most 4 devices.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolvePlatform, validateSpec, type DiskSpec, type VmSpec } from '../../../src/creator/internal.js';
import { diskLetters, placeDisks } from '../../../src/creator/placement.js';
import { MAX_VM_DEVICES } from '../../../src/creator/limits.js';
import { QEMU_CAPS, QEMU_DOMCAPS_PC, QEMU_DOMCAPS_Q35, refusal } from './helpers.js';

const existing = (i: number, extra: Partial<DiskSpec> = {}): DiskSpec =>
  ({ kind: 'existing', path: `/srv/d${i}.img`, ...extra }) as DiskSpec;

/** Place `spec`'s disks on q35 (or `pc`), counting every `Set.prototype.has` call placement makes. */
function place(spec: VmSpec, domainCapabilities = QEMU_DOMCAPS_Q35): { targets: string[]; seed: string | undefined; probes: number } {
  const checked = validateSpec(spec);
  const platform = resolvePlatform(checked, { capabilities: QEMU_CAPS, domainCapabilities });
  const has = vi.spyOn(Set.prototype, 'has');
  try {
    const placed = placeDisks(checked, platform);
    return { targets: placed.disks.map((d) => d.target), seed: placed.seed?.target, probes: has.mock.calls.length };
  } finally {
    has.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('placeDisks', () => {
  it(`places ${MAX_VM_DEVICES} disks (the cap) with distinct targets, probing each name once`, () => {
    const { targets, probes } = place({
      name: 'many',
      memory: '1GiB',
      disks: Array.from({ length: MAX_VM_DEVICES }, (_, i) => existing(i)),
    });
    expect(targets).toHaveLength(MAX_VM_DEVICES);
    expect(new Set(targets).size).toBe(MAX_VM_DEVICES);
    expect(targets.slice(0, 3)).toEqual(['vda', 'vdb', 'vdc']);
    expect(targets.at(-1)).toBe(`vd${diskLetters(MAX_VM_DEVICES - 1)}`);
    // One probe per disk (and a few for the set-up); restarting at `a` for each disk made n²/2 = 25,651.
    expect(probes).toBeLessThanOrEqual(2 * MAX_VM_DEVICES);
  });

  it('skips explicit targets given anywhere in the list, still in linear probes', () => {
    // Every third disk names a target further down the sequence, in reverse order; the seed takes the next free `sd`.
    const n = MAX_VM_DEVICES - 1;
    const disks = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? existing(i, { target: `vd${diskLetters(n - 1 - i)}` }) : existing(i)));
    const { targets, seed, probes } = place({
      name: 'mixed',
      memory: '1GiB',
      disks: [...disks, { kind: 'cdrom', bus: 'scsi' }],
      cloudInit: { user: { name: 'ops' } },
    });
    expect(new Set(targets).size).toBe(n + 1);
    for (let i = 0; i < n; i += 3) expect(targets[i]).toBe(`vd${diskLetters(n - 1 - i)}`);
    expect(targets.filter((t) => t.startsWith('vd')).sort()).toEqual(Array.from({ length: n }, (_, i) => `vd${diskLetters(i)}`).sort());
    expect([targets[n], seed]).toEqual(['sda', 'sdb']);
    expect(probes).toBeLessThanOrEqual(3 * (n + 2));
  });

  it('shares one sequence between the buses with the same prefix (scsi, sata, usb: sd…)', () => {
    const { targets } = place({
      name: 'sd',
      memory: '1GiB',
      disks: [
        existing(0, { bus: 'scsi' }),
        existing(1, { bus: 'sata', target: 'sdb' }),
        existing(2, { bus: 'sata' }),
        existing(3, { bus: 'usb' }),
      ],
    });
    expect(targets).toEqual(['sda', 'sdb', 'sdc', 'sdd']);
  });

  it('takes at most 4 IDE disks and cdroms (one controller, 2 buses of 2 units), the seed included', () => {
    const ide = (i: number): DiskSpec => existing(i, { bus: 'ide' });
    expect(place({ name: 'ide', memory: '1GiB', machine: 'pc', disks: [0, 1, 2, 3].map(ide) }, QEMU_DOMCAPS_PC).targets).toEqual([
      'hda',
      'hdb',
      'hdc',
      'hdd',
    ]);
    const five = refusal(() => place({ name: 'ide', memory: '1GiB', machine: 'pc', disks: [0, 1, 2, 3, 4].map(ide) }, QEMU_DOMCAPS_PC));
    expect(five.path).toBe('disks[4].bus');
    const seed = refusal(() =>
      place({ name: 'ide', memory: '1GiB', machine: 'pc', disks: [0, 1, 2, 3].map(ide), cloudInit: { bus: 'ide' } }, QEMU_DOMCAPS_PC),
    );
    expect(seed.path).toBe('cloudInit.bus');
    const past = refusal(() =>
      place({ name: 'ide', memory: '1GiB', machine: 'pc', disks: [existing(0, { bus: 'ide', target: 'hde' })] }, QEMU_DOMCAPS_PC),
    );
    expect(past.path).toBe('disks[0].target');
  });
});
