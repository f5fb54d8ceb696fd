/**
 * Fuzz properties of the XML parsers: daemon XML (tests/fixtures/xml) with
 * characters, tags, attributes and entities mutated, DOCTYPEs and entity
 * bombs inserted, deep nesting, huge attribute values, many attributes or
 * siblings, and random text. Every parser must return a model or throw
 * `XmlParseError` — a `RangeError` from a stack overflow, a `TypeError` or a
 * DOM exception escaping is a bug — within the time budget.
 *
 * Documents that still parse are also rebuilt: the builder must produce XML
 * or refuse the model with `InvalidArgumentError`, and what it produces must
 * parse back to the same model (read-modify-write keeps everything).
 *
 * @module
 */
import fc from 'fast-check';
import { InvalidArgumentError, XmlParseError } from '../../src/errors/index.js';
import {
  type DeviceKind,
  buildDeviceXml,
  buildDomainXml,
  buildNetworkXml,
  buildStoragePoolXml,
  buildStorageVolumeXml,
  normalizeXml,
  parseCapabilitiesXml,
  parseDeviceXml,
  parseDomainCapabilitiesXml,
  parseDomainXml,
  parseNetworkXml,
  parseOwnership,
  parseStoragePoolXml,
  parseStorageVolumeXml,
} from '../../src/xml/index.js';
import { ALL_XML, XML_FIXTURES } from './fixtures.js';
import { type FuzzTarget, ensure, ensureEqual, guard, typed } from './harness.js';
import { XML_TOKENS, mutateText, textMutations } from './mutate.js';

/** A parser under test, its seed documents, and (when it has one) the builder that writes its model back. */
interface XmlCase {
  name: string;
  parse: (xml: string) => unknown;
  seeds: readonly string[];
  build?: (model: never) => string;
}

const DEVICE_ELEMENTS: Record<DeviceKind, string> = {
  disks: 'disk',
  controllers: 'controller',
  filesystems: 'filesystem',
  interfaces: 'interface',
  serials: 'serial',
  consoles: 'console',
  channels: 'channel',
  inputs: 'input',
  tpms: 'tpm',
  graphics: 'graphics',
  videos: 'video',
  hostdevs: 'hostdev',
  watchdogs: 'watchdog',
  memballoon: 'memballoon',
  rngs: 'rng',
};

/** Device elements cut out of the captured domains, as `parseDeviceXml` receives them. */
function deviceSeeds(element: string): string[] {
  const re = new RegExp(`<${element}\\b[^>]*?/>|<${element}\\b[\\s\\S]*?</${element}>`, 'g');
  const found = XML_FIXTURES.domain.flatMap((doc) => doc.match(re) ?? []);
  return found.length > 0 ? [...new Set(found)] : [`<${element}/>`];
}

export const XML_CASES: readonly XmlCase[] = [
  { name: 'domain', parse: parseDomainXml, seeds: XML_FIXTURES.domain, build: (m) => buildDomainXml(m, { nameRule: 'libvirt' }) },
  { name: 'network', parse: parseNetworkXml, seeds: XML_FIXTURES.network, build: (m) => buildNetworkXml(m, { nameRule: 'libvirt' }) },
  { name: 'pool', parse: parseStoragePoolXml, seeds: XML_FIXTURES.pool, build: (m) => buildStoragePoolXml(m, { nameRule: 'libvirt' }) },
  { name: 'volume', parse: parseStorageVolumeXml, seeds: XML_FIXTURES.volume, build: (m) => buildStorageVolumeXml(m) },
  { name: 'capabilities', parse: parseCapabilitiesXml, seeds: XML_FIXTURES.capabilities },
  { name: 'domainCapabilities', parse: parseDomainCapabilitiesXml, seeds: XML_FIXTURES.domainCapabilities },
  { name: 'ownership', parse: parseOwnership, seeds: XML_FIXTURES.domain },
  { name: 'normalizeXml', parse: normalizeXml, seeds: ALL_XML },
  ...(Object.entries(DEVICE_ELEMENTS) as [DeviceKind, string][]).map(([kind, element]): XmlCase => ({
    name: `device ${element}`,
    parse: (xml) => parseDeviceXml(kind, xml),
    seeds: deviceSeeds(element),
    build: (m) => buildDeviceXml(kind, m),
  })),
];

const caseIndex = fc.nat({ max: XML_CASES.length - 1 });
const seedIndex = fc.nat();

/** Parse: a model, or XmlParseError — nothing else. */
function parseHostile(c: XmlCase, xml: string): unknown {
  const outcome = typed(`${c.name} parser`, () => c.parse(xml), [XmlParseError]);
  return outcome.ok ? outcome.value : undefined;
}

/** Models compared after a rebuild: `undefined` fields and key order do not matter. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))) as unknown;
}

/** Whole-document passes of the first parse + {@link rebuild} (3 builds, 3 parses, 2 normalisations), for the time budget. */
const REBUILD_PASSES = 9;

/**
 * A document that parsed is rebuilt: the builder writes XML or refuses the
 * model (`InvalidArgumentError`: e.g. a mutated name libvirt would refuse
 * too), and what it writes must read back and converge: build → parse is
 * repeated and, from the third build on, gives the same XML (normalised) and
 * the same model. The first rounds may normalise an odd input: a UUID's
 * dashes, an empty `<format/>` that carries nothing and is dropped once read.
 * A builder/parser asymmetry (a field written in a form not read back, text
 * altered on every rewrite) never converges and fails.
 *
 * `strict`: the builder's XML must parse and rebuild. Not demanded of inputs
 * with duplicated elements (`lenient`): when a single-valued element such as
 * `<boot>` appears twice, the first is read and the copy kept raw, and if
 * the first yields nothing (no `order`), a re-read promotes the raw copy,
 * which the parser or builder may then refuse — typed errors, on XML libvirt
 * refuses anyway.
 */
function rebuild(c: XmlCase, model: unknown, mode: 'strict' | 'lenient'): void {
  if (c.build === undefined || model === undefined) return;
  const first = typed(`${c.name} builder on a parsed model`, () => c.build!(model as never), [InvalidArgumentError]);
  if (!first.ok) return;
  const parseErrors = mode === 'strict' ? [] : [XmlParseError];
  const buildErrors = mode === 'strict' ? [] : [InvalidArgumentError];
  let xml = first.value;
  let previous: { xml: string; model: unknown } | undefined;
  for (let round = 1; round <= 3; round++) {
    const parsed = typed(`${c.name} parser on its builder's XML (round ${round})`, () => c.parse(xml), parseErrors);
    if (!parsed.ok) return;
    const current = { xml, model: plain(parsed.value) };
    if (round === 3) {
      ensure(
        normalizeXml(current.xml) === normalizeXml(previous!.xml),
        () => `${c.name}: build → parse does not converge\n${previous!.xml.slice(0, 1500)}\n---\n${current.xml.slice(0, 1500)}`,
      );
      ensureEqual(current.model, previous!.model, `${c.name} build → parse (third round)`);
      return;
    }
    const built = typed(`${c.name} builder on its own output's model (round ${round})`, () => c.build!(parsed.value as never), buildErrors);
    if (!built.ok) return;
    previous = current;
    xml = built.value;
  }
}

/** Where to insert an element or attribute: right after the first tag's name. */
function afterRootName(xml: string): number {
  const m = /<[A-Za-z_][-\w.:]*/.exec(xml);
  return m === null ? 0 : m.index + m[0].length;
}

/** Just before the root's end tag (or the end of the text). */
function beforeRootEnd(xml: string): number {
  const i = xml.lastIndexOf('</');
  return i < 0 ? xml.length : i;
}

/** Structural stress: what mutations rarely reach by chance. */
type Stress =
  | { kind: 'deep'; depth: number; name: string; selfClosing: boolean }
  | { kind: 'huge-attribute'; size: number; char: string }
  | { kind: 'many-attributes'; count: number }
  | { kind: 'many-siblings'; count: number }
  | { kind: 'long-text'; size: number }
  | { kind: 'doctype'; text: string }
  | { kind: 'many-namespaces'; count: number; depth: number };

const stress: fc.Arbitrary<Stress> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('deep' as const),
      depth: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 200, max: 20_000 })),
      name: fc.constantFrom('x', 'devices', 'disk', 'q:x'),
      selfClosing: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('huge-attribute' as const),
      size: fc.oneof(fc.integer({ min: 1_000, max: 100_000 }), fc.integer({ min: 100_000, max: 1_000_000 })),
      char: fc.constantFrom('a', '&amp;', 'é', '\ud83d\ude80', ' ', '&#x41;'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('many-attributes' as const), count: fc.integer({ min: 1, max: 5_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('many-siblings' as const), count: fc.integer({ min: 1, max: 3_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('long-text' as const), size: fc.integer({ min: 1_000, max: 1_000_000 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('doctype' as const),
      text: fc.constantFrom(
        '<!DOCTYPE domain>',
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">',
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('many-namespaces' as const),
      count: fc.integer({ min: 1, max: 300 }),
      depth: fc.integer({ min: 1, max: 300 }),
    }),
  },
);

function applyStress(xml: string, s: Stress): string {
  const at = (i: number, text: string): string => xml.slice(0, i) + text + xml.slice(i);
  switch (s.kind) {
    case 'deep': {
      const open = `<${s.name}${s.name.startsWith('q:') ? ' xmlns:q="urn:q"' : ''}>`;
      const inner = s.selfClosing ? `<${s.name.replace('q:', '')}/>` : '';
      return at(beforeRootEnd(xml), open.repeat(s.depth) + inner + `</${s.name}>`.repeat(s.depth));
    }
    case 'huge-attribute':
      return at(afterRootName(xml), ` huge="${s.char.repeat(Math.ceil(s.size / s.char.length))}"`);
    case 'many-attributes':
      return at(afterRootName(xml), Array.from({ length: s.count }, (_, i) => ` a${i}="${i}"`).join(''));
    case 'many-siblings':
      return at(beforeRootEnd(xml), '<x a="1">t</x>'.repeat(s.count));
    case 'long-text':
      return at(beforeRootEnd(xml), `<x>${'t &lt; '.repeat(Math.ceil(s.size / 7))}</x>`);
    case 'doctype':
      return s.text + (s.text.includes('lol') ? xml.replace(/>/, '>&lol3;') : xml);
    case 'many-namespaces': {
      const decls = Array.from({ length: s.count }, (_, i) => ` xmlns:n${i}="urn:n${i}"`).join('');
      return at(beforeRootEnd(xml), `<n0:x${decls}>`.repeat(s.depth) + '</n0:x>'.repeat(s.depth));
    }
  }
}

/**
 * Well-formedness-preserving mutations, so that parsing gets past the
 * well-formedness check and into the models: attribute values and text
 * replaced by awkward (escaped) values, attributes and leaf elements dropped
 * or duplicated, elements renamed consistently.
 */
type ValueMutation =
  | { kind: 'attr-value' | 'text'; index: number; value: string }
  | { kind: 'drop-attr' | 'drop-element' | 'dup-element'; index: number }
  | { kind: 'rename-element'; index: number; name: string };

const AWKWARD_VALUES = [
  '',
  ' ',
  '0',
  '-1',
  '1',
  '-0',
  '+1',
  '0x10',
  '0x',
  '1e3',
  '1.5',
  'NaN',
  'Infinity',
  '2147483648',
  '4294967296',
  '9007199254740993',
  '18446744073709551615',
  '18446744073709551616',
  '9'.repeat(400),
  'yes',
  'no',
  'on',
  'off',
  'true',
  'b',
  'KiB',
  'MiB',
  'GiB',
  'TiB',
  'PiB',
  'EiB',
  'KB',
  'bytes',
  'bogus-unit',
  'file',
  'block',
  'network',
  'dir',
  'qemu',
  'kvm',
  'test',
  'x86_64',
  'virtio',
  'sata',
  'vda',
  '/var/lib/libvirt/images/a.qcow2',
  'relative/path',
  '52:54:00:12:34:56',
  'zz:zz',
  '6695eb01-f6a4-8304-79aa-97f2502e193f',
  'not-a-uuid',
  '192.168.122.1',
  '::1',
  '300.1.1.1',
  '&amp;',
  '&lt;x&gt;',
  '&#x1F680;',
  "&quot;'",
  'é中🚀',
  'lvm:',
  'a'.repeat(300),
];

const awkwardValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...AWKWARD_VALUES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map(escapeXml) },
);

const valueMutation: fc.Arbitrary<ValueMutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constantFrom('attr-value' as const, 'text' as const), index: fc.nat(), value: awkwardValue }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('drop-attr' as const, 'drop-element' as const, 'dup-element' as const), index: fc.nat() }),
  },
  fc.record({
    kind: fc.constant('rename-element' as const),
    index: fc.nat(),
    name: fc.constantFrom('x', 'disk', 'source', 'name', 'memory', 'os', 'devices', 'target'),
  }),
);

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const ATTR_VALUE = /(\s[^\s=<>]+\s*=\s*)(['"])([^'"<]*)\2/g;
const ATTRIBUTE = /\s[^\s=<>/]+\s*=\s*(['"])[^'"<]*\1/g;
const TEXT = />([^<>]+)</g;
const LEAF = /<([A-Za-z_][-\w.:]*)\b[^<>]*?(?:\/>|>[^<]*<\/\1>)/g;

/** The `index`-th match of `re` (modulo the count), or null. */
function nth(text: string, re: RegExp, index: number): RegExpExecArray | null {
  const all = [...text.matchAll(re)];
  return all.length === 0 ? null : (all[index % all.length] as RegExpExecArray);
}

function splice(text: string, at: number, length: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at + length);
}

export function applyValueMutations(xml: string, mutations: readonly ValueMutation[]): string {
  let s = xml;
  for (const m of mutations) {
    switch (m.kind) {
      case 'attr-value': {
        const hit = nth(s, ATTR_VALUE, m.index);
        if (hit !== null) s = splice(s, hit.index, hit[0].length, `${hit[1]}"${m.value.replace(/"/g, '&quot;')}"`);
        break;
      }
      case 'text': {
        const hit = nth(s, TEXT, m.index);
        if (hit !== null) s = splice(s, hit.index + 1, hit[1]!.length, m.value);
        break;
      }
      case 'drop-attr': {
        const hit = nth(s, ATTRIBUTE, m.index);
        if (hit !== null) s = splice(s, hit.index, hit[0].length, '');
        break;
      }
      case 'drop-element':
      case 'dup-element': {
        const hit = nth(s, LEAF, m.index);
        if (hit !== null) s = splice(s, hit.index, m.kind === 'drop-element' ? hit[0].length : 0, m.kind === 'drop-element' ? '' : hit[0]);
        break;
      }
      case 'rename-element': {
        const hit = nth(s, LEAF, m.index);
        if (hit === null) break;
        const old = hit[1]!;
        const renamed = hit[0].replace(new RegExp(`^<${old}`), `<${m.name}`).replace(new RegExp(`</${old}>$`), `</${m.name}>`);
        s = splice(s, hit.index, hit[0].length, renamed);
        break;
      }
    }
  }
  return s;
}

export const valueMutations = fc.array(valueMutation, { minLength: 1, maxLength: 6 });

/** Token soup: random sequences of XML-ish fragments, tag names and text. */
const soup = fc
  .array(
    fc.oneof(
      fc.constantFrom(...XML_TOKENS, '<domain>', '</domain>', '<network>', '<pool type="dir">', '<name>', '</name>', 'x'),
      fc.string({ maxLength: 6 }),
    ),
    {
      maxLength: 40,
    },
  )
  .map((parts) => parts.join(''));

export const xmlTargets: readonly FuzzTarget[] = [
  {
    name: 'xml/mutated',
    description: `${XML_CASES.length} parsers (domain, network, pool, volume, caps, domcaps, ownership, normalizeXml, 14 device kinds) on captured XML with 1–5 character/tag/attribute/entity mutations → model or XmlParseError; parsed models rebuild, and build → parse converges (same XML and model from the third round)`,
    weight: 40,
    unitRuns: 800,
    property: () =>
      fc.property(caseIndex, seedIndex, textMutations, (ci, si, mutations) => {
        const c = XML_CASES[ci]!;
        const xml = mutateText(c.seeds[si % c.seeds.length]!, mutations);
        // Character mutations can duplicate elements (duplicate, swap, insert): lenient.
        guard('xml/mutated', () => rebuild(c, parseHostile(c, xml), 'lenient'), xml.length, REBUILD_PASSES);
      }),
  },
  {
    name: 'xml/values',
    description:
      'captured XML with well-formedness-preserving mutations (awkward attribute values and text: numbers, units, huge values, paths, MACs, UUIDs; attributes and leaf elements dropped, duplicated, renamed) → model or XmlParseError; parsed models rebuild, and build → parse converges (same XML and model from the third round)',
    weight: 20,
    unitRuns: 400,
    property: () =>
      fc.property(caseIndex, seedIndex, valueMutations, (ci, si, mutations) => {
        const c = XML_CASES[ci]!;
        const xml = applyValueMutations(c.seeds[si % c.seeds.length]!, mutations);
        const mode = mutations.some((m) => m.kind === 'dup-element' || m.kind === 'rename-element') ? 'lenient' : 'strict';
        guard('xml/values', () => rebuild(c, parseHostile(c, xml), mode), xml.length, REBUILD_PASSES);
      }),
  },
  {
    name: 'xml/structure',
    description:
      'deep nesting (to 20,000), huge attribute values (to 1 MB), thousands of attributes/siblings/namespaces, long text, DOCTYPE and entity bombs → model or XmlParseError within the time budget',
    weight: 1,
    unitRuns: 30,
    property: () =>
      fc.property(caseIndex, seedIndex, stress, (ci, si, s) => {
        const c = XML_CASES[ci]!;
        const xml = applyStress(c.seeds[si % c.seeds.length]!, s);
        guard(
          'xml/structure',
          () => {
            parseHostile(c, xml);
          },
          xml.length,
        );
      }),
  },
  {
    name: 'xml/random',
    description:
      'random strings and token soup (markup, references, CDATA, PIs, DOCTYPE, illegal characters, lone surrogates) → XmlParseError, never another error',
    weight: 40,
    unitRuns: 1000,
    property: () =>
      fc.property(caseIndex, fc.oneof(soup, fc.string({ unit: 'binary', maxLength: 64 }), fc.string({ maxLength: 64 })), (ci, text) =>
        guard('xml/random', () => {
          parseHostile(XML_CASES[ci]!, text);
        }),
      ),
  },
];
