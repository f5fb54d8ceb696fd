import { create, fragment } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { invalidSpec } from '../errors.js';
import { describeChar, findIllegalXmlChar, isXmlName } from './chars.js';
import { serializeDocument } from './dom.js';
import type { Extensible } from './reader.js';
import { checkWellFormed } from './wellformed.js';

/** What an attribute or text value may be given as; `undefined`/`null` means "omit". */
export type XmlValue = string | number | bigint | boolean | undefined | null;

/** `true`/`false` → `'yes'`/`'no'` (libvirt's usual boolean spelling). */
export function yesNo(value: boolean | undefined): 'yes' | 'no' | undefined {
  return value === undefined ? undefined : value ? 'yes' : 'no';
}

/** `true`/`false` → `'on'`/`'off'` (used by `state=` and a few newer attributes). */
export function onOff(value: boolean | undefined): 'on' | 'off' | undefined {
  return value === undefined ? undefined : value ? 'on' : 'off';
}

/**
 * Refuse text XML 1.0 cannot carry. The message names the field and the
 * character, never the value (it may be a password).
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`)
 */
export function checkXmlText(value: string, path: string): void {
  const bad = findIllegalXmlChar(value);
  if (bad >= 0) throw invalidSpec(path, `contains ${describeChar(value, bad)} at index ${bad}, which XML 1.0 cannot represent`);
}

function toText(value: Exclude<XmlValue, undefined | null>, path: string): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw invalidSpec(path, 'must be a finite number');
  const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  checkXmlText(text, path);
  return text;
}

/** `a` + `.b`, or just `b` at the root (empty path). */
export function joinPath(base: string, field: string): string {
  return base === '' ? field : `${base}.${field}`;
}

/**
 * Writes one element for a builder. `path` is the model path of the object
 * being written (`devices.disks[0]`), used in error messages.
 */
export class ElementWriter {
  readonly node: XMLBuilder;
  readonly path: string;

  constructor(node: XMLBuilder, path: string) {
    this.node = node;
    this.path = path;
  }

  /** A new document whose root element is `name` (a qualified name when `namespace` is given). */
  static document(name: string, path: string, namespace?: string): ElementWriter {
    const doc = create({ version: '1.0' });
    return new ElementWriter(namespace === undefined ? doc.ele(name) : doc.ele(namespace, name), path);
  }

  /** Set attribute `name` unless `value` is undefined. `field` names it in errors (defaults to `name`). */
  attr(name: string, value: XmlValue, field: string = name): this {
    if (value === undefined || value === null) return this;
    this.node.att(name, toText(value, joinPath(this.path, field)));
    return this;
  }

  /** Set several attributes, in order, skipping undefined ones. */
  attrs(values: Record<string, XmlValue>): this {
    for (const [name, value] of Object.entries(values)) this.attr(name, value);
    return this;
  }

  /** Set the element's text. */
  text(value: Exclude<XmlValue, undefined | null>, field: string): this {
    this.node.txt(toText(value, joinPath(this.path, field)));
    return this;
  }

  /** Append child element `name`. `path` defaults to this writer's path (same model object). */
  child(name: string, attrs: Record<string, XmlValue> = {}, path: string = this.path): ElementWriter {
    return new ElementWriter(this.node.ele(name), path).attrs(attrs);
  }

  /** Append child element `qualifiedName` (e.g. `'lvm:volume'`) in `namespace`; the writer declares the prefix. */
  childNs(namespace: string, qualifiedName: string, attrs: Record<string, XmlValue> = {}, path: string = this.path): ElementWriter {
    return new ElementWriter(this.node.ele(namespace, qualifiedName), path).attrs(attrs);
  }

  /** Append `<name>value</name>` unless `value` is undefined. */
  textChild(name: string, value: XmlValue, field: string = name, attrs: Record<string, XmlValue> = {}): this {
    if (value === undefined || value === null) return this;
    this.child(name, attrs).text(value, field);
    return this;
  }

  /** Re-emit unknown attributes and elements kept by a parser. */
  extras(model: Extensible | undefined): this {
    if (model === undefined) return this;
    for (const [name, value] of Object.entries(model.extraAttributes ?? {})) {
      const path = joinPath(this.path, `extraAttributes.${name}`);
      if (!isXmlName(name)) throw invalidSpec(path, 'is not a valid XML attribute name');
      if ((this.node.node as unknown as { hasAttribute(n: string): boolean }).hasAttribute(name)) {
        throw invalidSpec(path, 'duplicates an attribute the model already sets');
      }
      this.node.att(name, toText(value, path));
    }
    (model.extraElements ?? []).forEach((xml, index) => this.raw(xml, joinPath(this.path, `extraElements[${index}]`)));
    return this;
  }

  /** Append a raw XML element given as text (checked for well-formedness first). */
  raw(xml: string, path: string): this {
    if (typeof xml !== 'string') throw invalidSpec(path, 'must be a string of XML');
    try {
      checkWellFormed(xml, 'fragment');
    } catch (cause) {
      throw invalidSpec(path, 'is not a well-formed XML element', cause);
    }
    this.node.import(fragment({ skipWhitespaceOnlyText: false }, xml));
    return this;
  }

  /** Serialise the whole document this writer belongs to (pretty-printed unless it has mixed content). */
  toXml(): string {
    return serializeDocument(this.node.doc());
  }
}
