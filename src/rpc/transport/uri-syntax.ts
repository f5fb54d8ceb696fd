/**
 * Generic URI syntax (RFC 3986) as libvirt reads it through libxml2's
 * `xmlParseURI` and writes it back with `xmlSaveUri`. Strict on purpose: a
 * character libxml2 would refuse (space, non-ASCII, `"`, `<`…) is refused here
 * too, so a URI accepted by this SDK is accepted by virsh and means the same.
 *
 * Nothing here knows about libvirt drivers or transports; see `uri.ts`.
 *
 * @module
 */

/** The five components of a URI, still percent-encoded. */
export interface RawUriParts {
  scheme: string;
  /** `undefined` when the URI has no `//` authority. */
  authority: string | undefined;
  path: string;
  /** `undefined` when there is no `?`. */
  query: string | undefined;
  /** `undefined` when there is no `#`. */
  fragment: string | undefined;
}

/** The pieces of an authority, still percent-encoded. */
export interface RawAuthority {
  userinfo: string | undefined;
  /** Host as written; IPv6 literals keep their brackets here. */
  host: string;
  /** Digits as written, `undefined` when there is no `:port`. */
  port: string | undefined;
}

// Character classes of RFC 3986 §2–3, as regular-expression bodies.
const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const USERINFO_RE = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*$`);
const REG_NAME_RE = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*$`);
// IPv6 (hex, colons, an embedded IPv4 tail) plus an optional RFC 6874 zone.
const IP_LITERAL_RE = /^\[[0-9A-Fa-f:.]+(?:%25[A-Za-z0-9\-._~%]+)?\]$/;
const PATH_RE = new RegExp(`^(?:${PCHAR}|/)*$`);
const QUERY_RE = new RegExp(`^(?:${PCHAR}|[/?])*$`);

/**
 * A syntax problem; `uri.ts` turns it into an `InvalidUriError`. `message` may
 * quote a piece of the URI (a host, a parameter value); `withoutValues` says
 * the same with nothing taken from the URI, and is what the error shows when
 * the URI holds a password: a piece quoted from a URI whose password has an
 * unencoded `/`, `?` or `#` may be part of that password.
 */
export class UriSyntaxError extends Error {
  readonly withoutValues: string;

  constructor(message: string, withoutValues: string = message) {
    super(message);
    this.withoutValues = withoutValues;
  }
}

/** Find the first character that RFC 3986 never allows, for a precise message. */
function firstForbidden(text: string): string | undefined {
  for (const ch of text) {
    if (!/[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]%]/.test(ch)) return ch;
  }
  return undefined;
}

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return cp > 0x20 && cp < 0x7f ? `'${ch}' (U+${hex})` : `U+${hex}`;
}

/**
 * Split a URI into its components, validating each against RFC 3986.
 *
 * @throws UriSyntaxError when the text is not an absolute URI.
 */
export function splitUri(text: string): RawUriParts {
  const bad = firstForbidden(text);
  if (bad !== undefined) {
    throw new UriSyntaxError(
      `character ${describeChar(bad)} is not allowed in a URI; percent-encode it`,
      'a character is not allowed in a URI; percent-encode it',
    );
  }
  const colon = text.indexOf(':');
  const scheme = colon > 0 ? text.slice(0, colon) : '';
  if (!SCHEME_RE.test(scheme)) {
    throw new UriSyntaxError("missing or malformed scheme (expected e.g. 'qemu:///system')");
  }
  let rest = text.slice(colon + 1);

  let fragment: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
    if (!QUERY_RE.test(fragment)) throw new UriSyntaxError('malformed fragment');
  }
  let query: string | undefined;
  const qmark = rest.indexOf('?');
  if (qmark >= 0) {
    query = rest.slice(qmark + 1);
    rest = rest.slice(0, qmark);
    if (!QUERY_RE.test(query)) throw new UriSyntaxError('malformed query string');
  }
  let authority: string | undefined;
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  if (!PATH_RE.test(rest)) throw new UriSyntaxError('malformed path');
  return { scheme, authority, path: rest, query, fragment };
}

/**
 * Split an authority into userinfo, host and port.
 *
 * @throws UriSyntaxError on a malformed host or port.
 */
export function splitAuthority(authority: string): RawAuthority {
  const at = authority.indexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : undefined;
  const hostport = at >= 0 ? authority.slice(at + 1) : authority;
  if (userinfo !== undefined && !USERINFO_RE.test(userinfo)) throw new UriSyntaxError('malformed user');

  let host: string;
  let port: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw new UriSyntaxError("unterminated IPv6 address (missing ']')");
    host = hostport.slice(0, close + 1);
    const after = hostport.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new UriSyntaxError('unexpected text after IPv6 address');
    port = after === '' ? undefined : after.slice(1);
    if (!IP_LITERAL_RE.test(host)) throw new UriSyntaxError('malformed IPv6 address');
  } else {
    const c = hostport.indexOf(':');
    host = c >= 0 ? hostport.slice(0, c) : hostport;
    port = c >= 0 ? hostport.slice(c + 1) : undefined;
    if (!REG_NAME_RE.test(host)) throw new UriSyntaxError('malformed host');
  }
  if (port !== undefined && !/^[0-9]*$/.test(port)) throw new UriSyntaxError('port must be a number');
  return { userinfo, host, port };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode `%XX` escapes (libxml2's `xmlURIUnescapeString`). `+` stays `+`.
 *
 * @param what - the part decoded, for messages (`the path`); `whatWithoutValues` when `what` quotes the URI
 * @throws UriSyntaxError when the result is not UTF-8 or contains NUL: libvirt
 * works on C strings, so an embedded NUL would silently cut the value there.
 */
export function percentDecode(text: string, what: string, whatWithoutValues: string = what): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x25 && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(ch); // the syntax check already limited the text to ASCII
    }
  }
  let out: string;
  try {
    out = UTF8.decode(Uint8Array.from(bytes));
  } catch {
    throw new UriSyntaxError(
      `${what} is not valid UTF-8 once percent-decoded`,
      `${whatWithoutValues} is not valid UTF-8 once percent-decoded`,
    );
  }
  if (out.includes('\0')) throw new UriSyntaxError(`${what} contains a NUL byte (%00)`, `${whatWithoutValues} contains a NUL byte (%00)`);
  return out;
}

/** Percent-encode every UTF-8 byte of `text` whose character is not in `keep`. */
function encodeExcept(text: string, keep: RegExp): string {
  let out = '';
  for (const ch of text) {
    if (keep.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Query values as libvirt writes them (`g_string_append_uri_escaped`): only RFC 3986 unreserved stays. */
export function encodeQueryComponent(text: string): string {
  return encodeExcept(text, /^[A-Za-z0-9\-._~]$/);
}

/** A path as `xmlSaveUri` writes it: libxml2's unreserved set plus `/;@&=+$,` (note `:` is escaped). */
export function encodePath(text: string): string {
  return encodeExcept(text, /^[A-Za-z0-9\-_.!~*'()/;@&=+$,]$/);
}

/** A fragment as `xmlSaveUri` writes it: unreserved plus reserved characters stay. */
export function encodeFragment(text: string): string {
  return encodeExcept(text, /^[A-Za-z0-9\-_.!~*'();/?:@&=+$,[\]]$/);
}

/** One `name=value` pair of a query string, decoded. */
export interface QueryParam {
  readonly name: string;
  readonly value: string;
}

/**
 * Split a raw query string the way libvirt's `virURIParseParams` does: pairs
 * end at the next `&`, or at the next `;` only when no `&` follows; `name`
 * alone means an empty value; `=value` without a name is dropped; empty
 * sections are skipped. Names and values are percent-decoded.
 */
export function parseQuery(query: string): QueryParam[] {
  const params: QueryParam[] = [];
  let rest = query;
  while (rest.length > 0) {
    let end = rest.indexOf('&');
    if (end < 0) end = rest.indexOf(';');
    if (end < 0) end = rest.length;
    const section = rest.slice(0, end);
    rest = rest.slice(end + 1);
    if (section === '') continue;
    const eq = section.indexOf('=');
    if (eq === 0) continue;
    const name = percentDecode(eq < 0 ? section : section.slice(0, eq), 'a query parameter name');
    const value = eq < 0 ? '' : percentDecode(section.slice(eq + 1), `the value of query parameter '${name}'`, 'a query parameter value');
    params.push({ name, value });
  }
  return params;
}

/**
 * `driver://path?query#fragment` as libvirt's `remoteConnectFormatURI` writes
 * it: no user, host or port; path and fragment re-escaped like `xmlSaveUri`;
 * each value like `virURIFormatParams`. (libvirt writes names raw; we escape
 * them too, which only matters for names no daemon parameter uses.)
 */
export function formatName(driver: string, path: string, params: readonly QueryParam[], fragment: string | undefined): string {
  const query = params.map((p) => `${encodeQueryComponent(p.name)}=${encodeQueryComponent(p.value)}`).join('&');
  return (
    `${driver}://${encodePath(path)}` + (query === '' ? '' : `?${query}`) + (fragment === undefined ? '' : `#${encodeFragment(fragment)}`)
  );
}

/** A port as written; `undefined` for none, `''` or `0` (libvirt treats 0 as "not given"). */
export function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (Number(raw) > 65535) throw new UriSyntaxError(`port ${raw} is out of range (1-65535)`, 'the port is out of range (1-65535)');
  const n = Number(raw);
  return n === 0 ? undefined : n;
}

// `scheme://` at the start: what follows is the authority, where a `user:password@` goes.
const SCHEME_SLASHES = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Where a password may sit in `text`: from the `:` that ends a user name to
 * the last `@`, as `[start, end)` offsets (`start` at the `:`, `end` at the
 * `@`), or `undefined` when there can be none. `exact` is `true` when a URI
 * parser reads that same span as the password (`scheme://user:password@`
 * with no raw `@`, `/`, `?` or `#` in the user or the password).
 *
 * A password may hold any character, typed raw: `/`, `?` and `#` end the
 * authority for a URI parser (`user:pa/ss@host` parses as host `user`, port
 * `pa`, path `/ss@host`), and a raw `@` ends the user information early. So
 * the span does not stop at any of them: it runs from the first `:` after the
 * user name (which has no `/`, `?` or `#`) to the last `@` of the whole text.
 * That over-reaches in one rare case, a URI with a port and an `@` later in
 * its path, query or fragment (`host:22/x?k=a@b`): {@link parseLibvirtUri}
 * refuses those as ambiguous, so the span of an accepted URI is exactly its
 * password. Without `scheme://` at the start (`root:pw@host`, a mistyped URI)
 * the text is read as if it were the authority. An IPv6 literal (`[::1]`)
 * right after `//` has no user before it.
 *
 * Linear in the length of `text`, whatever it holds.
 */
export function passwordSpan(text: string): { start: number; end: number; exact: boolean } | undefined {
  const scheme = SCHEME_SLASHES.exec(text);
  const from = scheme === null ? 0 : scheme[0].length;
  if (text.startsWith('[', from)) return undefined;
  let colon = -1;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === ':') {
      colon = i;
      break;
    }
    if (ch === '/' || ch === '?' || ch === '#') return undefined;
  }
  const at = text.lastIndexOf('@');
  if (colon < 0 || at < colon) return undefined;
  const exact = scheme !== null && !text.slice(from, colon).includes('@') && !/[@/?#]/.test(text.slice(colon + 1, at));
  return { start: colon, end: at, exact };
}

/**
 * A URI string fit for logs and errors: any `user:password@` loses its
 * password, whatever characters the password has (raw `/`, `?`, `#`, `@`,
 * `:` or percent-escapes; see {@link passwordSpan}). Works on any string,
 * valid URI or not, so it is safe to use when building an error about a URI
 * that failed to parse.
 *
 * @example
 * ```ts
 * redactUri('qemu+ssh://admin:hunter2@kvm1/system'); // 'qemu+ssh://admin@kvm1/system'
 * redactUri('qemu+tcp://admin:pa/ss@kvm1/system');   // 'qemu+tcp://admin@kvm1/system'
 * ```
 */
export function redactUri(text: string): string {
  const span = passwordSpan(text);
  return span === undefined ? text : text.slice(0, span.start) + text.slice(span.end);
}
