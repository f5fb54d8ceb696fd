/**
 * The shape of a spec's lists, checked before any entry is looked at: at most
 * 226 devices (disks, networks and overrides.devicesXml together), no holes in
 * any list of the VmSpec or of its cloud-init part, and an absurd `length`
 * (`new Array(2 ** 32 - 1)`) refused from the length alone. Each refusal is an
 * `InvalidArgumentError` (`ERR_LIBVIRT_INVALID_SPEC`) naming the list or the
 * empty entry, and nothing is sent. (These tests must simply end: the huge
 * arrays used to be walked entry by entry, for minutes.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/connection/internal.js';
import { VmCreator, buildVmXml, validateSpec, type DiskSpec, type NetworkSpec, type VmSpec } from '../../../src/creator/internal.js';
import { MAX_BOOT_ORDER, MAX_VM_DEVICES } from '../../../src/creator/limits.js';
import { creatorHost, qemuFacts, refusal, rejection } from './helpers.js';

const BASE: VmSpec = { name: 'vm1', memory: '256MiB' };
const disk = (i: number): DiskSpec => ({ kind: 'existing', path: `/srv/d${i}.img` });
const disks = (n: number): DiskSpec[] => Array.from({ length: n }, (_, i) => disk(i));
const nics = (n: number): NetworkSpec[] => Array.from({ length: n }, () => ({ user: true }));
const xmls = (n: number): string[] => Array.from({ length: n }, () => '<sound model="ich9"/>');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGv3bqkv7fXdQ0W8jzHUE0BMu9J3oX0SqW1S4Ykq1mYh ops@laptop';

/** `[<hole>, <hole>, value]`: a sparse array whose first two entries are missing. */
function sparse<T>(value: T): T[] {
  const list: T[] = [];
  list[2] = value;
  return list;
}

/** 2³² − 1 entries, none of them there: walking it takes minutes. */
const huge = <T>(): T[] => new Array<T>(2 ** 32 - 1);

describe('the device cap', () => {
  it(`accepts ${MAX_VM_DEVICES} devices, in any mix of disks, NICs and raw device elements, and writes them all`, () => {
    for (const spec of [
      { ...BASE, disks: disks(MAX_VM_DEVICES) },
      { ...BASE, disks: disks(MAX_VM_DEVICES - 11), networks: nics(10), overrides: { devicesXml: xmls(1) } },
    ]) {
      expect(() => validateSpec(spec)).not.toThrow();
      const xml = buildVmXml(spec, { facts: qemuFacts() });
      expect(xml.match(/<disk /g)?.length ?? 0).toBe(spec.disks.length);
      expect(xml.match(/<interface /g)?.length ?? 0).toBe(spec.networks?.length ?? 0);
    }
  });

  it.each<[string, VmSpec, string]>([
    ['one disk over', { ...BASE, disks: disks(MAX_VM_DEVICES + 1) }, 'disks'],
    ['one NIC over', { ...BASE, networks: nics(MAX_VM_DEVICES + 1) }, 'networks'],
    ['one raw device element over', { ...BASE, overrides: { devicesXml: xmls(MAX_VM_DEVICES + 1) } }, 'overrides.devicesXml'],
    ['disks and NICs together one over', { ...BASE, disks: disks(MAX_VM_DEVICES - 10), networks: nics(11) }, 'networks'],
    [
      'all three together one over',
      { ...BASE, disks: disks(MAX_VM_DEVICES - 1), networks: nics(1), overrides: { devicesXml: xmls(1) } },
      'overrides.devicesXml',
    ],
  ])('refuses %s, naming the list that goes over and why', (_, spec, path) => {
    const error = refusal(() => validateSpec(spec));
    expect(error.path).toBe(path);
    expect(error.message).toMatch(new RegExp(`^${path.replace('.', '\\.')}: .*at most ${MAX_VM_DEVICES} devices .*PCIe root ports`));
  });

  it('sends nothing when the spec is over the cap', async () => {
    const { conn, settledCalls } = await creatorHost();
    const error = await rejection(new VmCreator(conn).create({ ...BASE, disks: disks(MAX_VM_DEVICES + 1) }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).path).toBe('disks');
    expect(await settledCalls()).toEqual([]); // the daemon received nothing
  });

  it('the VmSpec documentation states the cap in force', () => {
    const doc = readFileSync(new URL('../../../src/creator/spec.ts', import.meta.url), 'utf8');
    expect(doc).toContain(`**at most ${MAX_VM_DEVICES} devices**`);
    expect(doc).toContain(`boot.order\`: at most ${MAX_BOOT_ORDER} entries`);
  });

  it(`takes at most ${MAX_BOOT_ORDER} boot.order entries (libvirt reads no more)`, () => {
    expect(() => validateSpec({ ...BASE, boot: { order: ['hd', 'cdrom', 'network', 'hd'] } })).not.toThrow();
    expect(refusal(() => validateSpec({ ...BASE, boot: { order: ['hd', 'cdrom', 'network', 'hd', 'cdrom'] } })).path).toBe('boot.order');
  });
});

/** Every list of the VmSpec and of its cloud-init part: where it goes in a spec, and its path. */
const LISTS: [path: string, set: (list: unknown[]) => VmSpec, entry: unknown][] = [
  ['disks', (l) => ({ ...BASE, disks: l as DiskSpec[] }), disk(0)],
  ['networks', (l) => ({ ...BASE, networks: l as NetworkSpec[] }), { user: true }],
  ['overrides.devicesXml', (l) => ({ ...BASE, overrides: { devicesXml: l as string[] } }), '<sound model="ich9"/>'],
  ['overrides.domainXml', (l) => ({ ...BASE, overrides: { domainXml: l as string[] } }), '<iothreads>1</iothreads>'],
  ['boot.order', (l) => ({ ...BASE, boot: { order: l as 'hd'[] } }), 'hd'],
  ['cloudInit.sshAuthorizedKeys', (l) => ({ ...BASE, cloudInit: { sshAuthorizedKeys: l as string[] } }), KEY],
  ['cloudInit.user.sshAuthorizedKeys', (l) => ({ ...BASE, cloudInit: { user: { name: 'ops', sshAuthorizedKeys: l as string[] } } }), KEY],
  ['cloudInit.user.groups', (l) => ({ ...BASE, cloudInit: { user: { name: 'ops', groups: l as string[] } } }), 'wheel'],
  ['cloudInit.config.sshAuthorizedKeys', (l) => ({ ...BASE, cloudInit: { config: { sshAuthorizedKeys: l as string[] } } }), KEY],
  ['cloudInit.config.packages', (l) => ({ ...BASE, cloudInit: { config: { packages: l as string[] } } }), 'nginx'],
  ['cloudInit.config.runcmd', (l) => ({ ...BASE, cloudInit: { config: { runcmd: l as string[] } } }), 'true'],
  ['cloudInit.config.writeFiles', (l) => ({ ...BASE, cloudInit: { config: { writeFiles: l as [] } } }), { path: '/etc/x', content: 'x' }],
  ['cloudInit.config.user.groups', (l) => ({ ...BASE, cloudInit: { config: { user: { name: 'ops', groups: l as string[] } } } }), 'wheel'],
];

describe('sparse lists', () => {
  it.each(LISTS)('%s: a list whose entries are all there is accepted', (_, set, entry) => {
    expect(() => validateSpec(set([entry]))).not.toThrow();
  });

  it.each(LISTS)('%s: the first missing entry of a sparse list is named', (path, set, entry) => {
    const error = refusal(() => validateSpec(set(sparse(entry))));
    expect(error.path).toBe(`${path}[0]`);
    expect(error.message).toBe(`${path}[0]: is empty (sparse array)`);
  });

  it.each(LISTS)('%s: a length of 2³² − 1 is refused from the length alone', (path, set) => {
    const error = refusal(() => validateSpec(set(huge())));
    expect(error.path).toBe(path);
    expect(error.message).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}: has 4294967295 entries`));
  });

  it('refuses a huge sparse disk list through the creator, sending nothing', async () => {
    const { conn, settledCalls } = await creatorHost();
    const error = await rejection(new VmCreator(conn).create({ ...BASE, disks: huge() }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).path).toBe('disks');
    expect(await settledCalls()).toEqual([]); // the daemon received nothing
  });
});
