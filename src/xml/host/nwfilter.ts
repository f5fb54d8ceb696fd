import { ElementReader, compact, withExtras, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { normalizeUuid, validateName } from '../validate.js';

/** `<filterref filter>` with its `<parameter name value>` list (a variable may repeat: a list of values). */
export interface FilterrefModel extends Extensible {
  /** Name of the referenced filter, e.g. `'clean-traffic'`. */
  filter: string;
  /** Variables handed to the filter, e.g. `{ IP: '10.0.0.5' }` or `{ IP: ['10.0.0.5', '10.0.0.6'] }`. */
  parameters?: Record<string, string | string[]>;
}

/** One protocol match of a rule: `<tcp dstportstart='22'/>` is `{ protocol: 'tcp', attributes: { dstportstart: '22' } }`. */
export interface NwfilterMatch {
  protocol: Open<'mac' | 'arp' | 'rarp' | 'ip' | 'ipv6' | 'tcp' | 'udp' | 'icmp' | 'all' | 'tcp-ipv6' | 'udp-ipv6' | 'icmpv6' | 'all-ipv6'>;
  attributes?: Record<string, string>;
}

/** `<rule>`: what to do with traffic in one direction that matches. */
export interface NwfilterRule extends Extensible {
  action: Open<'drop' | 'reject' | 'accept' | 'return' | 'continue'>;
  direction: 'in' | 'out' | 'inout';
  /** -1000…1000; lower runs first. libvirt's default is 500. */
  priority?: number;
  /** `false` disables connection-state tracking for the rule. */
  statematch?: boolean;
  matches?: NwfilterMatch[];
}

/** One entry of a filter, in document order: a rule or a reference to another filter. */
export type NwfilterEntry = ({ kind: 'rule' } & NwfilterRule) | ({ kind: 'filterref' } & FilterrefModel);

/**
 * A network filter (`<filter>`): a named, ordered list of rules and references
 * to other filters, applied to a domain interface through `<filterref>`.
 *
 * @see https://libvirt.org/formatnwfilter.html
 */
export interface NwfilterModel extends Extensible {
  name: string;
  uuid?: string;
  /** `'root'`, `'mac'`, `'ipv4'`, `'arp'`… or a custom chain with one of those prefixes. */
  chain?: string;
  /** Priority of the chain (-1000…1000). */
  priority?: number;
  entries?: NwfilterEntry[];
}

/** Write `<parameter>` children of a `<filterref>`; used by the filter builder and by the interface builder. */
export function writeFilterrefParameters(w: ElementWriter, parameters: FilterrefModel['parameters'], path: string): void {
  for (const [name, value] of Object.entries(parameters ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw invalidSpec(`${path}.${name}`, 'a filter variable name is letters, digits and _');
    for (const v of Array.isArray(value) ? value : [value]) w.child('parameter', { name, value: v }, `${path}.${name}`);
  }
}

/** Read `<parameter>` children of a `<filterref>` (a repeated name becomes a list). */
export function readFilterrefParameters(r: ElementReader): FilterrefModel['parameters'] {
  const out: Record<string, string | string[]> = {};
  for (const p of r.children('parameter')) {
    const name = p.requiredAttr('name');
    const value = p.requiredAttr('value');
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Build network filter XML.
 *
 * @example buildNwfilterXml({ name: 'lvm-ssh-only', chain: 'ipv4', entries: [
 *   { kind: 'rule', action: 'accept', direction: 'in', matches: [{ protocol: 'tcp', attributes: { dstportstart: '22' } }] },
 *   { kind: 'rule', action: 'drop', direction: 'in', matches: [{ protocol: 'all' }] }] })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad name, UUID, priority or parameter name.
 * @see https://libvirt.org/formatnwfilter.html
 */
export function buildNwfilterXml(filter: NwfilterModel): string {
  if (filter === null || typeof filter !== 'object') throw invalidSpec('filter', 'must be an object');
  validateName(filter.name, 'name', 'libvirt');
  checkPriority(filter.priority, 'priority');
  const w = ElementWriter.document('filter', '');
  w.attrs({ name: filter.name, chain: filter.chain, priority: filter.priority });
  if (filter.uuid !== undefined) w.textChild('uuid', normalizeUuid(filter.uuid));
  (filter.entries ?? []).forEach((entry, i) => {
    const path = `entries[${i}]`;
    if (entry.kind === 'filterref') {
      const ref = w.child('filterref', { filter: entry.filter }, path);
      writeFilterrefParameters(ref, entry.parameters, `${path}.parameters`);
      ref.extras(entry);
      return;
    }
    checkPriority(entry.priority, `${path}.priority`);
    const rule = w.child('rule', { action: entry.action, direction: entry.direction, priority: entry.priority }, path);
    if (entry.statematch !== undefined) rule.attr('statematch', entry.statematch ? 'true' : 'false');
    (entry.matches ?? []).forEach((m, j) => rule.child(m.protocol, { ...m.attributes }, `${path}.matches[${j}]`));
    rule.extras(entry);
  });
  w.extras(filter);
  return w.toXml();
}

function checkPriority(value: number | undefined, path: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= -1000 && value <= 1000))
    throw invalidSpec(path, 'must be an integer from -1000 to 1000');
}

/**
 * Parse network filter XML (from `virNWFilterGetXMLDesc`).
 *
 * @example parseNwfilterXml(xml).entries?.filter((e) => e.kind === 'rule')
 * @throws XmlParseError when malformed, not a `<filter>`, or without a name.
 * @see https://libvirt.org/formatnwfilter.html
 */
export function parseNwfilterXml(xml: string): NwfilterModel {
  const r = ElementReader.root(xml, 'filter');
  // <uuid> first: the loop below takes every remaining child element.
  const uuid = r.childText('uuid')?.trim();
  const entries: NwfilterEntry[] = [];
  const unknown: string[] = [];
  for (const child of r.allChildren()) {
    if (child.name === 'filterref') {
      entries.push(
        withExtras(
          compact({ kind: 'filterref' as const, filter: child.requiredAttr('filter'), parameters: readFilterrefParameters(child) }),
          child.extras(),
        ),
      );
    } else if (child.name === 'rule') {
      const statematch = child.attr('statematch');
      const matches = child.allChildren().map((m) => ({ protocol: m.name, attributes: attributesOf(m) }));
      entries.push(
        withExtras(
          {
            kind: 'rule' as const,
            ...compact({
              action: child.requiredAttr('action'),
              direction: child.requiredAttr('direction') as NwfilterRule['direction'],
              priority: child.int('priority'),
              statematch: statematch === undefined ? undefined : !(statematch === 'false' || statematch === '0'),
              matches: matches.length > 0 ? matches : undefined,
            }),
          },
          child.extras(),
        ),
      );
    } else {
      // An element this model does not know: allChildren() marked it used, so keep it by hand.
      unknown.push(child.raw());
    }
  }
  const model: NwfilterModel = compact({
    name: r.requiredAttr('name'),
    uuid,
    chain: r.attr('chain'),
    priority: r.int('priority'),
    entries: entries.length > 0 ? entries : undefined,
  });
  const extras = r.extras();
  if (unknown.length > 0) extras.extraElements = [...(extras.extraElements ?? []), ...unknown];
  return withExtras(model, extras);
}

/** Every attribute of a match element (protocol attributes are many and open-ended: kept as strings). */
function attributesOf(m: ElementReader): Record<string, string> | undefined {
  // Nothing was read from `m`, so its "unused" attributes are all of them.
  return m.extras().extraAttributes;
}
