import { XmlParseError } from '../errors.js';
import { scaledToBytes } from '../units.js';
import { isElement, isText, parseRootElement, serializeElement, type DomElement } from './dom.js';

/**
 * Unknown content kept for read-modify-write: the attributes and whole child
 * elements a model does not know. Parsers fill these; builders write them back
 * after the known content (order between differently named elements is not
 * significant to libvirt). They are also the escape hatch for settings the
 * typed model lacks.
 */
export interface Extensible {
  /** Attributes the model does not know, by qualified name, written back as they were. */
  extraAttributes?: Record<string, string>;
  /**
   * Child elements the model does not know, each one a well-formed,
   * self-contained XML element: namespaced ones carry their own `xmlns:`
   * declaration (parsers produce them that way), e.g.
   * `'<qemu:commandline xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">…</qemu:commandline>'`.
   */
  extraElements?: string[];
}

/**
 * Reads one element for a parser. Everything a parser asks for is marked as
 * used; {@link ElementReader.extras} then returns what was *not* used, so
 * unknown content survives a read-modify-write without each parser having to
 * think about it.
 */
export class ElementReader {
  readonly #el: DomElement;
  /** Element path for error messages, e.g. `domain/devices/disk[1]`. */
  readonly path: string;
  readonly #usedAttrs = new Set<string>();
  readonly #usedChildren = new Set<DomElement>();

  constructor(el: DomElement, path: string) {
    this.#el = el;
    this.path = path;
  }

  /** Parse `xml` and read its root element, which must be `<rootName>`. */
  static root(xml: string, rootName: string, namespace: string | null = null): ElementReader {
    const el = parseRootElement(xml, `<${rootName}> document`);
    if (el.localName !== rootName || el.namespaceURI !== namespace) {
      throw new XmlParseError(`expected a <${rootName}> document, got <${el.nodeName}>`);
    }
    return new ElementReader(el, rootName);
  }

  /** Parse `xml` and read its root element, whatever it is. */
  static anyRoot(xml: string, what: string): ElementReader {
    const el = parseRootElement(xml, what);
    return new ElementReader(el, el.localName);
  }

  /** Namespace URI of the element (null when none). */
  get namespace(): string | null {
    return this.#el.namespaceURI;
  }

  /** Local name of the element. */
  get name(): string {
    return this.#el.localName;
  }

  /** Value of the (un-namespaced) attribute `name`, marked as used. */
  attr(name: string): string | undefined {
    for (const attr of this.#el.attributes) {
      if (attr.name === name) {
        this.#usedAttrs.add(name);
        return attr.value;
      }
    }
    return undefined;
  }

  requiredAttr(name: string): string {
    const value = this.attr(name);
    if (value === undefined) this.fail(`missing attribute "${name}"`);
    return value;
  }

  /** Decimal (or `0x` hex) integer attribute. */
  int(name: string): number | undefined {
    const value = this.attr(name);
    return value === undefined ? undefined : this.toInt(value, `attribute "${name}"`);
  }

  /** `yes`/`on` → true, `no`/`off` → false. */
  bool(name: string): boolean | undefined {
    const value = this.attr(name);
    if (value === undefined) return undefined;
    if (value === 'yes' || value === 'on') return true;
    if (value === 'no' || value === 'off') return false;
    this.fail(`attribute "${name}" is neither yes/no nor on/off`);
  }

  /** Unused child elements named `name` (in `namespace`, none by default), marked as used. */
  children(name: string, namespace: string | null = null): ElementReader[] {
    const found: ElementReader[] = [];
    let index = 0;
    for (const node of this.#el.childNodes) {
      if (!isElement(node) || node.localName !== name || node.namespaceURI !== namespace) continue;
      if (!this.#usedChildren.has(node)) {
        this.#usedChildren.add(node);
        found.push(new ElementReader(node, `${this.path}/${name}[${index}]`));
      }
      index += 1;
    }
    return found;
  }

  /** The first unused child element named `name`, marked as used. Later ones stay unknown (kept raw). */
  child(name: string, namespace: string | null = null): ElementReader | undefined {
    for (const node of this.#el.childNodes) {
      if (isElement(node) && node.localName === name && node.namespaceURI === namespace && !this.#usedChildren.has(node)) {
        this.#usedChildren.add(node);
        return new ElementReader(node, `${this.path}/${name}`);
      }
    }
    return undefined;
  }

  /** Text of the first child `name`, or undefined when absent. */
  childText(name: string): string | undefined {
    return this.child(name)?.text();
  }

  /** Text content (text and CDATA children, concatenated, untrimmed). */
  text(): string {
    let text = '';
    for (const node of this.#el.childNodes) if (isText(node)) text += node.data;
    return text;
  }

  /** The element's text as an integer. */
  intText(): number {
    return this.toInt(this.text().trim(), 'text');
  }

  /**
   * A size as libvirt writes it, in bytes: the text with a `unit` attribute
   * (`<memory unit='KiB'>262144</memory>`), or the attribute `fromAttr` with it
   * (`<pages unit='KiB' size='4'/>`).
   */
  size(defaultUnit: string, fromAttr?: string): bigint {
    try {
      const value = fromAttr === undefined ? this.text() : this.requiredAttr(fromAttr);
      return scaledToBytes(value, this.attr('unit'), defaultUnit, this.path);
    } catch (cause) {
      throw new XmlParseError('is not a valid size', { path: this.path, cause });
    }
  }

  /** Every unused child element, whatever its name, marked as used. */
  allChildren(): ElementReader[] {
    const found: ElementReader[] = [];
    for (const node of this.#el.childNodes) {
      if (isElement(node) && !this.#usedChildren.has(node)) {
        this.#usedChildren.add(node);
        found.push(new ElementReader(node, `${this.path}/${node.localName}`));
      }
    }
    return found;
  }

  /** `true` when the element has attributes or child elements not yet used. */
  hasUnused(): boolean {
    const e = this.#peekExtras();
    return e.extraAttributes !== undefined || e.extraElements !== undefined;
  }

  /** This whole element as a self-contained XML fragment. */
  raw(): string {
    return serializeElement(this.#el);
  }

  /** What the parser did not use: call it last. */
  extras(): Extensible {
    return this.#peekExtras();
  }

  #peekExtras(): Extensible {
    const result: Extensible = {};
    for (const attr of this.#el.attributes) {
      if (this.#usedAttrs.has(attr.name)) continue;
      (result.extraAttributes ??= {})[attr.name] = attr.value;
    }
    for (const node of this.#el.childNodes) {
      if (isElement(node) && !this.#usedChildren.has(node)) (result.extraElements ??= []).push(serializeElement(node));
    }
    return result;
  }

  toInt(value: string, what: string): number {
    const n = /^-?[0-9]+$/.test(value) ? Number(value) : /^0x[0-9a-fA-F]+$/.test(value) ? Number.parseInt(value, 16) : NaN;
    if (!Number.isSafeInteger(n)) this.fail(`${what} is not an integer`);
    return n;
  }

  fail(message: string): never {
    throw new XmlParseError(message, { path: this.path });
  }
}

/** Merge `extras` into `target` (only the non-empty parts, after what `target` already keeps), for parsers. */
export function withExtras<T extends object>(target: T, extras: Extensible): T & Extensible {
  const out = target as T & Extensible;
  if (extras.extraAttributes !== undefined) out.extraAttributes = { ...out.extraAttributes, ...extras.extraAttributes };
  if (extras.extraElements !== undefined) out.extraElements = [...(out.extraElements ?? []), ...extras.extraElements];
  return out;
}

/** Drop `undefined` properties so parsed objects deep-equal hand-written models. */
export function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
