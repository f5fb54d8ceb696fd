import { XmlParseError } from '../errors.js';
import { NAME_EXTRA_CHARS, NAME_START_CHARS, describeChar, findIllegalXmlChar, isLegalXmlCodePoint } from './chars.js';

const NAME = new RegExp(`[${NAME_START_CHARS}][${NAME_START_CHARS}${NAME_EXTRA_CHARS}]*`, 'y');
const SPACE = /[ \t\r\n]*/y;
const REFERENCE = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/y;

/**
 * Deepest element nesting accepted: libxml2's default `xmlParserMaxDepth`, so
 * nothing libvirt itself would parse is refused. The limit also bounds the
 * recursion of xmlbuilder2 and of our tree walks (a deeper document overflowed
 * the stack with a `RangeError`) and xmlbuilder2's parse time, which grows with
 * the square of the depth.
 */
export const MAX_XML_DEPTH = 256;

/**
 * Most attributes accepted on one element (libvirt's elements carry at most a
 * few dozen): xmlbuilder2's reader takes time quadratic in the attribute
 * count (10,000 attributes on one element took seconds, 100,000 minutes).
 */
export const MAX_XML_ATTRIBUTES = 256;

/**
 * Check that `xml` is a well-formed XML 1.0 document (namespace-aware), so that
 * malformed input fails loudly instead of being silently repaired: the
 * xmlbuilder2 reader accepts mismatched end tags, unknown entities, undeclared
 * prefixes and trailing garbage. DTDs (`<!DOCTYPE`) are refused outright:
 * libvirt never emits them and they are an entity-expansion hazard. Nesting
 * deeper than {@link MAX_XML_DEPTH} elements and more than
 * {@link MAX_XML_ATTRIBUTES} attributes on one element are refused too, so the
 * tree that is then built stays cheap to build and to walk.
 *
 * @throws XmlParseError with a line:column position (never the content).
 */
export function checkWellFormed(xml: string, what = 'document'): void {
  new Scanner(xml, what).document();
}

const XML_PREFIX_ONLY: ReadonlySet<string> = new Set(['xml']);
const UNSUPPORTED_IN_NAMESPACE = /[&">\t\r\n]/;

class Scanner {
  #pos = 0;
  readonly #src: string;
  readonly #what: string;
  /** Open elements: qualified name and the namespace prefixes in scope. */
  readonly #stack: { name: string; prefixes: ReadonlySet<string> }[] = [];

  constructor(src: string, what: string) {
    this.#src = src;
    this.#what = what;
  }

  document(): void {
    if (typeof this.#src !== 'string') this.#fail('XML must be a string');
    const bad = findIllegalXmlChar(this.#src);
    if (bad >= 0) {
      this.#pos = bad;
      this.#fail(`illegal XML 1.0 character ${describeChar(this.#src, bad)}`);
    }
    if (this.#src.startsWith('\uFEFF')) this.#pos = 1;
    if (/^<\?xml[ \t\r\n?]/.test(this.#src.slice(this.#pos, this.#pos + 6))) this.#skipTo('?>');
    this.#misc();
    if (this.#src[this.#pos] !== '<') this.#fail('expected the root element');
    this.#element();
    this.#misc();
    if (this.#pos < this.#src.length) this.#fail('content after the root element');
  }

  /** Whitespace, comments and processing instructions outside the root element. */
  #misc(): void {
    for (;;) {
      this.#space();
      if (this.#at('<!--')) this.#skipTo('-->');
      else if (this.#at('<?')) this.#pi();
      else if (this.#at('<!DOCTYPE')) this.#fail('DOCTYPE declarations are not accepted');
      else return;
    }
  }

  #element(): void {
    this.#startTag();
    while (this.#stack.length > 0) {
      if (this.#pos >= this.#src.length) this.#fail(`unclosed element <${this.#top().name}>`);
      if (this.#at('<!--')) this.#skipTo('-->');
      else if (this.#at('<![CDATA[')) this.#skipTo(']]>');
      else if (this.#at('<?')) this.#pi();
      else if (this.#at('</')) this.#endTag();
      else if (this.#at('<!')) this.#fail('unexpected markup declaration');
      else if (this.#at('<')) this.#startTag();
      else this.#text();
    }
  }

  #startTag(): void {
    this.#pos += 1;
    const name = this.#name();
    const attributes = new Map<string, string>();
    for (;;) {
      const hadSpace = this.#space();
      if (this.#at('/>') || this.#at('>')) break;
      if (!hadSpace) this.#fail('expected whitespace before an attribute');
      if (attributes.size >= MAX_XML_ATTRIBUTES) this.#fail(`more than ${MAX_XML_ATTRIBUTES} attributes on one element`);
      const attr = this.#name();
      if (attributes.has(attr)) this.#fail(`duplicate attribute "${attr}"`);
      this.#space();
      if (!this.#at('=')) this.#fail(`expected "=" after attribute "${attr}"`);
      this.#pos += 1;
      this.#space();
      const quote = this.#src[this.#pos];
      if (quote !== '"' && quote !== "'") this.#fail('expected a quoted attribute value');
      const end = this.#src.indexOf(quote, this.#pos + 1);
      if (end < 0) this.#fail('unterminated attribute value');
      const value = this.#src.slice(this.#pos + 1, end);
      if (value.includes('<')) this.#fail('"<" in an attribute value');
      this.#references(this.#pos + 1, end);
      attributes.set(attr, value);
      this.#pos = end + 1;
    }
    // Share the parent's prefix set unless this element declares a prefix:
    // copying it for every element made the scan quadratic.
    const inherited = this.#stack.length > 0 ? this.#top().prefixes : XML_PREFIX_ONLY;
    let declared: Set<string> | null = null;
    for (const [attr, value] of attributes) {
      if (attr !== 'xmlns' && !attr.startsWith('xmlns:')) continue;
      // A namespace name is a URI, so no `"`, `>`, tab or line break (written back as
      // references), and `&` only as a reference, which xmlbuilder2 leaves undecoded in
      // the element's namespace: `a&amp;b` no longer matched its declaration, and a
      // rewrite produced duplicate `xmlns:ns1` attributes.
      if (UNSUPPORTED_IN_NAMESPACE.test(value)) this.#fail(`namespace name of "${attr}" contains &, ", > or a tab or line break`);
      if (attr === 'xmlns') continue;
      if (value === '') this.#fail(`empty namespace for prefix "${attr.slice(6)}"`);
      (declared ??= new Set(inherited)).add(attr.slice(6));
    }
    const prefixes = declared ?? inherited;
    this.#checkPrefix(name, prefixes);
    for (const attr of attributes.keys()) if (!attr.startsWith('xmlns:')) this.#checkPrefix(attr, prefixes);
    if (this.#stack.length >= MAX_XML_DEPTH) this.#fail(`elements nested more than ${MAX_XML_DEPTH} deep`);
    if (this.#at('/>')) {
      this.#pos += 2;
      return;
    }
    this.#pos += 1;
    this.#stack.push({ name, prefixes });
  }

  #endTag(): void {
    this.#pos += 2;
    const name = this.#name();
    this.#space();
    if (!this.#at('>')) this.#fail('expected ">"');
    const open = this.#top().name;
    if (name !== open) this.#fail(`end tag </${name}> does not match <${open}>`);
    this.#pos += 1;
    this.#stack.pop();
  }

  #text(): void {
    const next = this.#src.indexOf('<', this.#pos);
    const end = next < 0 ? this.#src.length : next;
    const cdataEnd = this.#src.slice(this.#pos, end).indexOf(']]>');
    if (cdataEnd >= 0) {
      this.#pos += cdataEnd;
      this.#fail('"]]>" in text');
    }
    this.#references(this.#pos, end);
    this.#pos = end;
  }

  #pi(): void {
    this.#pos += 2;
    const target = this.#name();
    if (target.toLowerCase() === 'xml') this.#fail('misplaced XML declaration');
    this.#skipTo('?>');
  }

  /** Every `&` between `from` and `to` must start a predefined entity or a legal character reference. */
  #references(from: number, to: number): void {
    // Search the segment only: an unbounded indexOf per text node would make the scan quadratic.
    const segment = this.#src.slice(from, to);
    let amp = segment.indexOf('&');
    while (amp >= 0) {
      REFERENCE.lastIndex = from + amp;
      const match = REFERENCE.exec(this.#src);
      this.#pos = from + amp;
      if (match === null || amp + match[0].length > segment.length)
        this.#fail('"&" that does not start a known entity or character reference');
      if (match[1] === undefined) {
        const code = match[2] !== undefined ? Number.parseInt(match[2], 10) : Number.parseInt(match[3] ?? '', 16);
        if (!isLegalXmlCodePoint(code)) this.#fail('character reference to a character XML 1.0 cannot carry');
      }
      amp = segment.indexOf('&', amp + match[0].length);
    }
  }

  #checkPrefix(qname: string, prefixes: ReadonlySet<string>): void {
    const colon = qname.indexOf(':');
    if (colon < 0) return;
    const prefix = qname.slice(0, colon);
    if (colon === 0 || qname.indexOf(':', colon + 1) >= 0 || colon === qname.length - 1) this.#fail(`malformed qualified name "${qname}"`);
    if (prefix !== 'xmlns' && !prefixes.has(prefix)) this.#fail(`undeclared namespace prefix "${prefix}"`);
  }

  #name(): string {
    NAME.lastIndex = this.#pos;
    const match = NAME.exec(this.#src);
    if (match === null) this.#fail('expected a name');
    this.#pos += match[0].length;
    return match[0];
  }

  /** Skip whitespace; `true` when there was some. */
  #space(): boolean {
    SPACE.lastIndex = this.#pos;
    const length = SPACE.exec(this.#src)?.[0].length ?? 0;
    this.#pos += length;
    return length > 0;
  }

  #skipTo(terminator: string): void {
    const end = this.#src.indexOf(terminator, this.#pos);
    if (end < 0) this.#fail(`missing "${terminator}"`);
    this.#pos = end + terminator.length;
  }

  #at(token: string): boolean {
    return this.#src.startsWith(token, this.#pos);
  }

  #top(): { name: string; prefixes: ReadonlySet<string> } {
    const top = this.#stack[this.#stack.length - 1];
    if (top === undefined) this.#fail('no open element');
    return top;
  }

  #fail(message: string): never {
    const before = typeof this.#src === 'string' ? this.#src.slice(0, this.#pos) : '';
    const line = before.split('\n').length;
    const column = this.#pos - before.lastIndexOf('\n');
    throw new XmlParseError(`malformed XML ${this.#what} at ${line}:${column}: ${message}`);
  }
}
