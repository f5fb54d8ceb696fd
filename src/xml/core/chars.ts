/**
 * Characters XML 1.0 cannot carry at all, not even escaped: C0 controls other
 * than tab, LF and CR, the non-characters U+FFFE/U+FFFF, and unpaired UTF-16
 * surrogates (which have no UTF-8 encoding).
 */
const ILLEGAL_XML_CHAR =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Index of the first character XML 1.0 cannot represent, or -1. */
export function findIllegalXmlChar(text: string): number {
  const match = ILLEGAL_XML_CHAR.exec(text);
  return match === null ? -1 : match.index;
}

/** `U+0001`-style name of the character at `index` (never the surrounding text). */
export function describeChar(text: string, index: number): string {
  const code = text.codePointAt(index) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `true` when `code` is a character XML 1.0 allows (production `Char`). */
export function isLegalXmlCodePoint(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** XML 1.0 `NameStartChar` ranges (BMP only: libvirt never emits astral names), for character classes. */
export const NAME_START_CHARS =
  ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
/** XML 1.0 `NameChar` ranges beyond `NameStartChar`. */
export const NAME_EXTRA_CHARS = '\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040';

// The ranges include combining marks and joiners: they are code point ranges here, not text.
// eslint-disable-next-line no-misleading-character-class
const XML_NAME = new RegExp(`^[${NAME_START_CHARS}][${NAME_START_CHARS}${NAME_EXTRA_CHARS}]*$`);

/** `true` when `name` is an XML 1.0 `Name` (element or attribute name). */
export function isXmlName(name: string): boolean {
  return typeof name === 'string' && XML_NAME.test(name);
}
