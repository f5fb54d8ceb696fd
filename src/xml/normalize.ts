import { isElement, isLayoutText, isText, parseRootElement, XMLNS_NAMESPACE, type DomElement } from './core/dom.js';

/** Options of {@link normalizeXml}. */
export interface NormalizeXmlOptions {
  /**
   * Compare child elements order-insensitively per parent: children are
   * stably sorted by namespace and name, so elements of *different* names may
   * come in any order while elements of the *same* name (disks, boot devices,
   * NICs) keep their relative order, which is meaningful.
   *
   * This matches libvirt's schema, which uses `<interleave>` for the children
   * of `<domain>`, `<os>`, `<devices>` and each device: libvirt parses them in
   * any order and writes them in its own fixed order.
   * @default true
   */
  ignoreOrder?: boolean;
}

/**
 * Normalise an XML document for comparison: attributes sorted, names expanded
 * to `{namespace}local` (so prefixes and where `xmlns` is declared do not
 * matter), comments, processing instructions and layout whitespace dropped
 * (between elements, or a line break and indentation inside an empty element),
 * text of text-only elements otherwise kept exactly, children ordered as
 * described in {@link NormalizeXmlOptions.ignoreOrder}. Two documents are
 * equivalent when their normal forms are equal strings.
 *
 * The result is an indented, line-per-element text, so that test failures show
 * readable diffs. It is a comparison form, not XML to send anywhere.
 *
 * @example expect(normalizeXml(buildDomainXml(model))).toBe(normalizeXml(golden))
 * @throws XmlParseError when `xml` is not well-formed.
 * @see https://libvirt.org/formatdomain.html (libvirt's schemas interleave most children)
 */
export function normalizeXml(xml: string, options: NormalizeXmlOptions = {}): string {
  const lines: string[] = [];
  render(parseRootElement(xml, 'document'), 0, options.ignoreOrder ?? true, lines);
  return lines.join('\n');
}

function expanded(namespace: string | null, local: string): string {
  return namespace === null || namespace === '' ? local : `{${namespace}}${local}`;
}

function render(el: DomElement, depth: number, ignoreOrder: boolean, out: string[]): void {
  const attrs = [...el.attributes]
    .filter((a) => a.namespaceURI !== XMLNS_NAMESPACE && a.name !== 'xmlns' && !a.name.startsWith('xmlns:'))
    .map((a) => `${expanded(a.namespaceURI, a.localName)}=${JSON.stringify(a.value)}`)
    .sort();
  const children = [...el.childNodes];
  const elements = children.filter(isElement);
  const texts = children.filter(isText).map((t) => t.data);
  const name = expanded(el.namespaceURI, el.localName);
  const head = `${'  '.repeat(depth)}<${[name, ...attrs].join(' ')}>`;
  if (elements.length === 0) {
    const joined = texts.join('');
    const text = isLayoutText(joined, false) ? '' : joined;
    out.push(text === '' ? head : `${head}${JSON.stringify(text)}`);
    return;
  }
  out.push(head);
  // Mixed content: keep non-blank text, trimmed, as pseudo-children.
  for (const text of texts) if (text.trim() !== '') out.push(`${'  '.repeat(depth + 1)}#text ${JSON.stringify(text.trim())}`);
  const ordered = ignoreOrder
    ? elements
        .map((e, i) => ({ e, i, key: expanded(e.namespaceURI, e.localName) }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
        .map((x) => x.e)
    : elements;
  for (const child of ordered) render(child, depth + 1, ignoreOrder, out);
}
