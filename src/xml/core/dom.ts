import { builder, create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { XmlParseError } from '../errors.js';
import { checkWellFormed } from './wellformed.js';

/*
 * The few DOM members we use, typed here so that nothing depends on the types of
 * xmlbuilder2's own DOM package (a transitive dependency).
 */

/** DOM node types we meet. */
export const NodeType = { ELEMENT: 1, TEXT: 3, CDATA: 4, PI: 7, COMMENT: 8, DOCUMENT: 9, FRAGMENT: 11 } as const;

/** @internal */
export interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly childNodes: Iterable<DomNode> & { readonly length: number };
  readonly parentNode: DomNode | null;
  removeChild(child: DomNode): DomNode;
  cloneNode(deep?: boolean): DomNode;
}
/** @internal */
export interface DomText extends DomNode {
  data: string;
}
/** @internal */
export interface DomAttr {
  readonly name: string;
  readonly localName: string;
  readonly namespaceURI: string | null;
  value: string;
}
/** @internal */
export interface DomElement extends DomNode {
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly attributes: Iterable<DomAttr>;
}

export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === NodeType.ELEMENT;
}
export function isText(node: DomNode): node is DomText {
  return node.nodeType === NodeType.TEXT || node.nodeType === NodeType.CDATA;
}

/** The namespace of `xmlns:*` declaration attributes. */
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/**
 * xmlbuilder2's reader (≤ 4.x at least) decodes references twice: named
 * entities first, then character references in the result, so `&amp;#65;`
 * (the text "&#65;") comes out as "A". Writing every `&amp;` as the equivalent
 * `&#38;` before parsing makes the first pass a no-op for ampersands; the
 * second decodes `&#38;` in one step. CDATA sections, comments and processing
 * instructions are left untouched (no references are decoded there).
 */
function protectAmpersands(xml: string): string {
  return xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|&amp;/g, (m) => (m === '&amp;' ? '&#38;' : m));
}

/**
 * Parse a document and return its root element. The text is first checked for
 * well-formedness (the xmlbuilder2 reader silently repairs broken XML).
 *
 * @throws XmlParseError when `xml` is not well-formed.
 */
export function parseRootElement(xml: string, what: string): DomElement {
  checkWellFormed(xml, what);
  const text = protectAmpersands(xml.startsWith('\uFEFF') ? xml.slice(1) : xml);
  let root: unknown;
  try {
    root = create({ skipWhitespaceOnlyText: false }, text).root().node;
  } catch (cause) {
    throw new XmlParseError(`malformed XML ${what}`, { cause });
  }
  const element = root as DomElement;
  if (element === null || typeof element !== 'object' || element.nodeType !== NodeType.ELEMENT) {
    throw new XmlParseError(`XML ${what} has no root element`);
  }
  return element;
}

/**
 * xmlbuilder2 (≤ 4.x at least) does not escape an `&` that already looks like an
 * entity (`&amp;`, `&#65;`) and writes tabs and line breaks raw into attribute
 * values, so a title "Tom &amp; Jerry" would come back as "Tom & Jerry". We
 * detect that behaviour once, and when present pre-escape text and attribute
 * values of the tree about to be written (every `&` then starts `&amp;`, which
 * the writer leaves alone).
 */
const WRITER_PASSES_ENTITIES = create().ele('a').txt('&amp;').end({ headless: true }) === '<a>&amp;</a>';

function preEscape(node: DomNode): void {
  if (!WRITER_PASSES_ENTITIES) return;
  if (node.nodeType === NodeType.TEXT) {
    const text = node as DomText;
    text.data = text.data.replace(/&/g, '&amp;').replace(/\r/g, '&#13;');
    return;
  }
  if (isElement(node)) {
    for (const attr of node.attributes) {
      attr.value = attr.value.replace(/&/g, '&amp;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
    }
  }
  for (const child of node.childNodes) preEscape(child);
}

/**
 * `true` when some element mixes non-blank text (or CDATA) with any other
 * child — an element, a comment, a processing instruction, another CDATA
 * section: pretty-printing would put each on a line of its own and so alter
 * the text (`<atime><!-- c -->1795</atime>` came back with line breaks and
 * indentation inside the value, more on every rewrite).
 */
function hasMixedContent(node: DomNode): boolean {
  const children = [...node.childNodes];
  if (children.length > 1) {
    const markup = children.some((c) => c.nodeType !== NodeType.TEXT);
    if (markup && children.some((c) => isText(c) && (c as DomText).data.trim() !== '')) return true;
  }
  return children.some(hasMixedContent);
}

/**
 * `true` for text that is layout rather than content: whitespace between child
 * elements, or whitespace with a line break inside an otherwise empty element
 * (libvirt writes an empty `<source>` as `<source>\n  </source>`).
 */
export function isLayoutText(data: string, hasElementSiblings: boolean): boolean {
  return data.trim() === '' && (hasElementSiblings || /[\r\n]/.test(data));
}

/** Remove layout whitespace (see {@link isLayoutText}). */
export function stripLayoutWhitespace(node: DomNode): void {
  const children = [...node.childNodes];
  const hasElements = children.some(isElement);
  for (const child of children) {
    if (child.nodeType === NodeType.TEXT && isLayoutText((child as DomText).data, hasElements)) node.removeChild(child);
  }
  for (const child of children) if (isElement(child)) stripLayoutWhitespace(child);
}

/** Serialise a document built with xmlbuilder2 (consumes it: values are escaped in place). */
export function serializeDocument(doc: XMLBuilder): string {
  const node = doc.node as unknown as DomNode;
  const pretty = !hasMixedContent(node);
  preEscape(node);
  return doc.end({ headless: true, prettyPrint: pretty, wellFormed: false }) + (pretty ? '\n' : '');
}

/** Serialise one element on its own, with the namespace declarations it needs, without layout whitespace. */
export function serializeElement(element: DomElement): string {
  const copy = element.cloneNode(true);
  stripLayoutWhitespace(copy);
  preEscape(copy);
  return builder(copy as never).toString({ prettyPrint: false, wellFormed: false });
}
