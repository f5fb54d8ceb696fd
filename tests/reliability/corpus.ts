/**
 * The bad-input corpus of `tests/integration/reliability/bad-input.test.ts`:
 * strings, wrong types and absurd sizes, and the VM spec fields they are sent
 * through, each with the values that must be refused.
 *
 * @module
 */
import type { DiskSpec, VmSpec } from '../../src/index.js';
import { MAX_BOOT_ORDER, MAX_DOMAIN_XML_ELEMENTS, MAX_VM_DEVICES } from '../../src/creator/limits.js';

export const BIG = 'x'.repeat(4 * 1024 * 1024 + 1);
/** `1e400` as a literal: it overflows to Infinity. */
export const E400 = Number('1e400');
export const META = `<&"'>]]>`;

/** Strings that stress escaping, paths, encodings and sizes. */
export const STRINGS = {
  meta: META,
  nul: 'a\0b',
  control: 'a\u0001b\u001fc',
  traversal: '../../etc/passwd',
  slash: '/',
  dotdot: '..',
  rtl: '\u202Eexe.txt',
  emoji: '😀🚀',
  lone: 'a\uD800b',
  big: BIG,
  empty: '',
} as const;
export type StringLabel = keyof typeof STRINGS;
export const ALL_STRINGS = Object.keys(STRINGS) as StringLabel[];

/** Values of the wrong type. */
export const WRONG_TYPES = { number: 42, object: {}, array: ['x'], boolean: true } as const;
export type WrongLabel = keyof typeof WRONG_TYPES;
export const ALL_WRONG = Object.keys(WRONG_TYPES) as WrongLabel[];

/** Absurd sizes and durations. */
export const SIZES = {
  '-1': -1,
  '1e400': E400,
  "'10XB'": '10XB',
  '2**70': 2 ** 70,
  '2n**70n': 2n ** 70n,
  NaN: Number.NaN,
  '-1n': -1n,
  '1.5': 1.5,
  "'-5GiB'": '-5GiB',
  "'<&>'": META,
} as const;
export type SizeLabel = keyof typeof SIZES;
export const ALL_SIZES = Object.keys(SIZES) as SizeLabel[];

export const except = (...labels: StringLabel[]): StringLabel[] => ALL_STRINGS.filter((l) => !labels.includes(l));
/** Text that goes into the XML: only what XML or libvirt's string limit cannot carry is refused. */
export const XML_TEXT_REFUSED: StringLabel[] = ['nul', 'control', 'lone', 'big'];
/** Names of pools and networks the spec refers to. */
export const OBJECT_NAME_REFUSED: StringLabel[] = ['nul', 'control', 'traversal', 'slash', 'dotdot', 'lone', 'big', 'empty'];

export const BASE: VmSpec = { name: 'bad-input-vm', memory: '64MiB' };
export const NEW_DISK = { kind: 'new', pool: 'default', size: '1GiB' } as const;

/** One spec field: where the value goes, and which corpus values must be refused. */
export interface SpecField {
  path: string;
  set: (value: unknown) => VmSpec;
  strings: StringLabel[];
  wrong?: WrongLabel[];
}

// ---- list shapes -----------------------------------------------------------------------------------
// These cases reuse two labels of STRINGS as names, and send what the name says instead of the string:
//   `<list> = big`      one entry more than the list's cap (226 devices, 4 boot entries, …): refused at `<list>`;
//   `<list> = empty`    `new Array(2 ** 32 - 1)`, a list with nothing in it: refused from its length alone, at once;
//   `<list>[1] = empty` a sparse list whose entry 1 is missing: refused at `<list>[1]` (is empty).

/** `[entry, <missing>, entry]`. */
export function sparseList<T>(entry: T): T[] {
  const list: T[] = [entry];
  list[2] = entry;
  return list;
}

/** 2³² − 1 entries, none of them there: walking it takes minutes. */
export const hugeList = <T>(): T[] => new Array<T>(2 ** 32 - 1);

/** The fields for a list at `path`: over its cap (`big`), of length 2³² − 1 (`empty`), and with a hole at 1. */
function listFields(path: string, set: (list: unknown[]) => VmSpec, entry: unknown, cap: number | undefined): SpecField[] {
  const over = (): unknown[] => Array.from({ length: (cap ?? 0) + 1 }, () => entry);
  return [
    { path, set: (v) => set(v === BIG ? over() : hugeList()), strings: cap === undefined ? ['empty'] : ['big', 'empty'], wrong: [] },
    { path: `${path}[1]`, set: () => set(sparseList(entry)), strings: ['empty'], wrong: [] },
  ];
}

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGv3bqkv7fXdQ0W8jzHUE0BMu9J3oX0SqW1S4Ykq1mYh ops@laptop';

/** Every list of the VmSpec and of its cloud-init part, in each bad shape. */
const LIST_FIELDS: SpecField[] = [
  ...listFields('disks', (l) => ({ ...BASE, disks: l as DiskSpec[] }), NEW_DISK, MAX_VM_DEVICES),
  ...listFields('networks', (l) => ({ ...BASE, networks: l as VmSpec['networks'] }), { user: true }, MAX_VM_DEVICES),
  ...listFields(
    'overrides.devicesXml',
    (l) => ({ ...BASE, overrides: { devicesXml: l as string[] } }),
    '<sound model="ich9"/>',
    MAX_VM_DEVICES,
  ),
  ...listFields('overrides.domainXml', (l) => ({ ...BASE, overrides: { domainXml: l as string[] } }), '<a/>', MAX_DOMAIN_XML_ELEMENTS),
  ...listFields('boot.order', (l) => ({ ...BASE, boot: { order: l as 'hd'[] } }), 'hd', MAX_BOOT_ORDER),
  ...listFields(
    'cloudInit.sshAuthorizedKeys',
    (l) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { sshAuthorizedKeys: l as string[] } }),
    KEY,
    undefined,
  ),
  ...listFields(
    'cloudInit.user.groups',
    (l) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { user: { name: 'ops', groups: l as string[] } } }),
    'wheel',
    undefined,
  ),
  ...listFields(
    'cloudInit.config.packages',
    (l) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { config: { packages: l as string[] } } }),
    'nginx',
    undefined,
  ),
  ...listFields(
    'cloudInit.config.writeFiles',
    (l) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { config: { writeFiles: l as [] } } }),
    { path: '/etc/x', content: 'x' },
    undefined,
  ),
];

export const SPEC_FIELDS: SpecField[] = [
  { path: 'name', set: (v) => ({ ...BASE, name: v as string }), strings: ALL_STRINGS },
  { path: 'title', set: (v) => ({ ...BASE, title: v as string }), strings: XML_TEXT_REFUSED },
  { path: 'description', set: (v) => ({ ...BASE, description: v as string }), strings: XML_TEXT_REFUSED },
  { path: 'uuid', set: (v) => ({ ...BASE, uuid: v as string }), strings: ALL_STRINGS },
  { path: 'virtType', set: (v) => ({ ...BASE, virtType: v as string }), strings: ALL_STRINGS },
  { path: 'machine', set: (v) => ({ ...BASE, machine: v as string }), strings: ALL_STRINGS },
  { path: 'cpu.model', set: (v) => ({ ...BASE, cpu: { mode: 'custom', model: v as string } }), strings: ALL_STRINGS },
  { path: 'disks[0].pool', set: (v) => ({ ...BASE, disks: [{ ...NEW_DISK, pool: v as string }] }), strings: OBJECT_NAME_REFUSED },
  { path: 'disks[0].name', set: (v) => ({ ...BASE, disks: [{ ...NEW_DISK, name: v as string }] }), strings: OBJECT_NAME_REFUSED },
  { path: 'disks[0].format', set: (v) => ({ ...BASE, disks: [{ ...NEW_DISK, format: v as 'raw' }] }), strings: ALL_STRINGS },
  { path: 'disks[0].serial', set: (v) => ({ ...BASE, disks: [{ ...NEW_DISK, serial: v as string }] }), strings: except('dotdot') },
  { path: 'disks[0].target', set: (v) => ({ ...BASE, disks: [{ ...NEW_DISK, target: v as string }] }), strings: ALL_STRINGS },
  {
    path: 'disks[0].base.pool',
    set: (v) => ({ ...BASE, disks: [{ kind: 'overlay', pool: 'default', base: { pool: v as string, volume: 'base.qcow2' } }] }),
    strings: OBJECT_NAME_REFUSED,
  },
  {
    path: 'disks[0].base.volume',
    set: (v) => ({ ...BASE, disks: [{ kind: 'overlay', pool: 'default', base: { pool: 'default', volume: v as string } }] }),
    strings: OBJECT_NAME_REFUSED,
  },
  // An object is a { pool, volume } reference: without them, the path names the missing part.
  {
    path: 'disks[0].base',
    set: (v) => ({ ...BASE, disks: [{ kind: 'overlay', pool: 'default', base: v as string }] }),
    strings: ALL_STRINGS,
    wrong: ['number', 'array', 'boolean'],
  },
  {
    path: 'disks[0].source.volume',
    set: (v) => ({ ...BASE, disks: [{ kind: 'cdrom', source: { pool: 'default', volume: v as string } }] }),
    strings: OBJECT_NAME_REFUSED,
  },
  {
    path: 'disks[0].source',
    set: (v) => ({ ...BASE, disks: [{ kind: 'cdrom', source: v as string }] }),
    strings: ALL_STRINGS,
    wrong: ['number', 'array', 'boolean'],
  },
  { path: 'disks[0].path', set: (v) => ({ ...BASE, disks: [{ kind: 'existing', path: v as string }] }), strings: ALL_STRINGS },
  {
    path: 'disks[0].path',
    set: (v) => ({ ...BASE, disks: [{ kind: 'existing', path: typeof v === 'string' ? `/srv/${v}.img` : (v as string) }] }),
    strings: XML_TEXT_REFUSED,
  },
  { path: 'networks[0].network', set: (v) => ({ ...BASE, networks: [{ network: v as string }] }), strings: OBJECT_NAME_REFUSED },
  { path: 'networks[0].bridge', set: (v) => ({ ...BASE, networks: [{ bridge: v as string }] }), strings: ALL_STRINGS },
  { path: 'networks[0].mac', set: (v) => ({ ...BASE, networks: [{ user: true, mac: v as string }] }), strings: ALL_STRINGS },
  { path: 'networks[0].model', set: (v) => ({ ...BASE, networks: [{ user: true, model: v as string }] }), strings: ALL_STRINGS },
  { path: 'graphics.password', set: (v) => ({ ...BASE, graphics: { type: 'vnc', password: v as string } }), strings: XML_TEXT_REFUSED },
  { path: 'graphics.listen', set: (v) => ({ ...BASE, graphics: { type: 'vnc', listen: v as string } }), strings: ALL_STRINGS },
  { path: 'boot.kernel', set: (v) => ({ ...BASE, boot: { kernel: v as string } }), strings: ALL_STRINGS },
  { path: 'boot.initrd', set: (v) => ({ ...BASE, boot: { kernel: '/boot/vmlinuz', initrd: v as string } }), strings: ALL_STRINGS },
  { path: 'boot.cmdline', set: (v) => ({ ...BASE, boot: { kernel: '/boot/vmlinuz', cmdline: v as string } }), strings: XML_TEXT_REFUSED },
  { path: 'serialConsole.logFile', set: (v) => ({ ...BASE, serialConsole: { logFile: v as string } }), strings: ALL_STRINGS },
  { path: 'overrides.devicesXml[0]', set: (v) => ({ ...BASE, overrides: { devicesXml: [v as string] } }), strings: ALL_STRINGS, wrong: [] },
  { path: 'overrides.domainXml[0]', set: (v) => ({ ...BASE, overrides: { domainXml: [v as string] } }), strings: ALL_STRINGS, wrong: [] },
  { path: 'cloudInit.pool', set: (v) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { pool: v as string } }), strings: OBJECT_NAME_REFUSED },
  { path: 'cloudInit.hostname', set: (v) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { hostname: v as string } }), strings: ALL_STRINGS },
  {
    path: 'cloudInit.user.name',
    set: (v) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { user: { name: v as string } } }),
    strings: ALL_STRINGS,
  },
  {
    path: 'cloudInit.user.plainPassword',
    set: (v) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { user: { name: 'ops', plainPassword: v as string } } }),
    strings: ['nul', 'lone'],
  },
  {
    path: 'cloudInit.user.passwordHash',
    set: (v) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { user: { name: 'ops', passwordHash: v as string } } }),
    strings: ALL_STRINGS,
  },
  {
    path: 'cloudInit.sshAuthorizedKeys[0]',
    set: (v) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { sshAuthorizedKeys: [v as string] } }),
    strings: ALL_STRINGS,
  },
  {
    path: 'cloudInit.userData',
    set: (v) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { userData: v as string } }),
    strings: ['nul', 'lone'],
  },
  {
    path: 'cloudInit.vendorData',
    set: (v) => ({ ...BASE, disks: [NEW_DISK], cloudInit: { vendorData: v as string } }),
    strings: ['nul', 'lone'],
  },
  ...LIST_FIELDS,
];

// ---- URI passwords -------------------------------------------------------------------------------

/** The two halves of every password of {@link URI_PASSWORDS}: neither may show in an error, a log line or `conn.uri`. */
export const URI_PASSWORD_HALVES = ['uRiPwLeft', 'uRiPwRight'] as const;

/**
 * URI passwords with each character that ends a part of a URI early, raw
 * (refused: a parser would split them into host, path or query) and
 * percent-encoded (accepted, and dropped), for `scheme://admin:<password>@host`.
 */
export const URI_PASSWORDS: Record<string, string> = Object.fromEntries(
  Object.entries({
    'a raw /': '/',
    'a raw ?': '?',
    'a raw #': '#',
    'a raw @': '@',
    'a raw :': ':',
    'raw /?#@ together': '/?#@',
    'a space': ' ',
    'a raw %': '%',
    'non-ASCII': 'é',
    'percent-encoded / ? # @': '%2F%3F%23%40',
    'percent-encoded UTF-8': '%C3%A9',
  }).map(([label, middle]) => [label, `${URI_PASSWORD_HALVES[0]}${middle}${URI_PASSWORD_HALVES[1]}`]),
);
/** Digits first, then a raw `/`: `host:1234/…` parses as a valid port, and the rest of the password as a path. */
URI_PASSWORDS['digits, then a raw /'] = `1234/${URI_PASSWORD_HALVES[0]}@${URI_PASSWORD_HALVES[1]}`;

/** Size and count fields: every absurd value is refused. */
export const SIZE_FIELDS: { path: string; set: (value: unknown) => VmSpec; allow?: SizeLabel[] }[] = [
  { path: 'memory', set: (v) => ({ ...BASE, memory: v as number }) },
  { path: 'vcpus', set: (v) => ({ ...BASE, vcpus: v as number }) },
  { path: 'disks[0].size', set: (v) => ({ ...BASE, disks: [{ ...NEW_DISK, size: v as number }] }) },
  {
    path: 'disks[0].source.size',
    set: (v) => ({ ...BASE, disks: [{ kind: 'upload', pool: 'default', source: { data: new Uint8Array(8), size: v as number } }] }),
  },
  { path: 'disks[0].bootOrder', set: (v) => ({ ...BASE, disks: [{ ...NEW_DISK, bootOrder: v as number }] }) },
  { path: 'networks[0].mtu', set: (v) => ({ ...BASE, networks: [{ user: true, mtu: v as number }] }) },
  { path: 'graphics.port', set: (v) => ({ ...BASE, graphics: { type: 'vnc', port: v as number } }), allow: ['-1'] },
];
