/**
 * A URI password never shows, whatever characters it has: not in
 * `redactUri`, not in a parsed URI, not in an `InvalidUriError` (message,
 * `uri`, stack), not in a connection's `uri`. Passwords here carry every
 * printable ASCII character that is not a letter or digit, raw and
 * percent-encoded, at the start, in the middle and at the end, in URIs with
 * and without port, path, query and fragment. A raw `/`, `?`, `#` or `@`
 * used to end the authority early, and the rest of the password stayed in
 * errors and in `conn.uri`.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InvalidUriError, LibvirtConnection } from '../../../src/connection/internal.js';
import { parseLibvirtUri, redactUri } from '../../../src/rpc/transport/index.js';

/** Both halves of every password: neither may show anywhere. */
const LEFT = 'sEcrL';
const RIGHT = 'sEcrR';

/** Every printable ASCII character but letters and digits, and a few others. */
const SPECIALS = [
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).filter((c) => !/[A-Za-z0-9]/.test(c)),
  'é',
  '\t',
  '%zz',
  '%',
  '//',
  '@@',
  '://',
  '?x=1#y',
];

/** One password per special, raw and percent-encoded, in three positions. */
const PASSWORDS = SPECIALS.flatMap((c) => {
  const encoded = Array.from(Buffer.from(c, 'utf8'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return [c, encoded].flatMap((s) => [`${LEFT}${s}${RIGHT}`, `${s}${LEFT}${RIGHT}`, `${LEFT}${RIGHT}${s}`]);
});

const SHAPES = [
  (pw: string) => `qemu+tcp://admin:${pw}@kvm1/system`,
  (pw: string) => `qemu+tcp://admin:${pw}@kvm1:16509/system?no_verify=1`,
  (pw: string) => `qemu+ssh://admin:${pw}@kvm1:2222/system?keyfile=/k&no_tty=1#frag`,
  (pw: string) => `qemu+tls://admin:${pw}@[::1]/system`,
  (pw: string) => `qemu+tcp://:${pw}@kvm1`,
  (pw: string) => `test+tcp://a.b-c_d:${pw}@127.0.0.1:1/default?name=test:///default`,
];

const CASES = PASSWORDS.flatMap((pw) => SHAPES.map((shape) => shape(pw)));

function leaks(text: string): boolean {
  return text.includes(LEFT) || text.includes(RIGHT);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('URI passwords with any character', () => {
  it(`redactUri drops every one of ${CASES.length} passwords and keeps the host`, () => {
    for (const uri of CASES) {
      const shown = redactUri(uri);
      expect(leaks(shown), `${uri} → ${shown}`).toBe(false);
      expect(shown, uri).toMatch(/^[a-z+]+:\/\/(admin|a\.b-c_d)?@/);
    }
  });

  it('parsing either accepts the URI without its password anywhere, or refuses it with an error that has none', () => {
    let accepted = 0;
    let refused = 0;
    for (const uri of CASES) {
      const error = thrown(() => parseLibvirtUri(uri, { uid: 0 }));
      if (error === undefined) {
        accepted++;
        const parsed = parseLibvirtUri(uri, { uid: 0 });
        expect(leaks(JSON.stringify(parsed)), uri).toBe(false);
        expect(parsed.user === 'admin' || parsed.user === 'a.b-c_d' || parsed.user === undefined, uri).toBe(true);
        continue;
      }
      refused++;
      expect(error, uri).toBeInstanceOf(InvalidUriError);
      const e = error as InvalidUriError;
      expect(
        leaks(`${e.message} ${e.uri} ${String(e.stack)} ${inspect(e, { showHidden: true, depth: null })}`),
        `${uri}: ${e.message}`,
      ).toBe(false);
    }
    // Both paths are exercised: encoded passwords parse, raw `/ ? # @` and spaces do not.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it.each([
    ['/', 'qemu+tcp://user:pa/ss@host/system'],
    ['?', 'qemu+tcp://user:p?ss@host/system'],
    ['#', 'qemu+tcp://user:p#ss@host/system'],
    ['@', 'qemu+tcp://user:p@ss@host/system'],
    ['/ after digits (a valid port)', 'qemu+tcp://user:1234/ss@host/system'],
  ])('a raw %s in a password: refused, shown as user@host, and the fix is said', (_, uri) => {
    const error = thrown(() => parseLibvirtUri(uri, { uid: 0 })) as InvalidUriError;
    expect(error).toBeInstanceOf(InvalidUriError);
    expect(error.uri).toBe('qemu+tcp://user@host/system');
    expect(error.message).toMatch(/percent-encode '\/', '\?', '#' and '@' inside a password/);
    expect(error.message).not.toMatch(/pa\/ss|p[?#@]ss|1234|ss@/);
  });

  it('the same password percent-encoded is accepted, and dropped', () => {
    const u = parseLibvirtUri('qemu+tcp://user:p%2Fa%3Fs%23s%40w@host/system', { uid: 0 });
    expect(u.redacted).toBe('qemu+tcp://user@host/system');
    expect(u.host).toBe('host');
    expect(JSON.stringify(u)).not.toMatch(/p%2F|p\/a/);
  });

  it('an @ in a path or query after a port is refused as ambiguous (it could end a password), with the fix', () => {
    const error = thrown(() => parseLibvirtUri('qemu+ssh://kvm1:2222/system?keyfile=/home/a@b/key', { uid: 0 })) as InvalidUriError;
    expect(error).toBeInstanceOf(InvalidUriError);
    expect(error.message).toMatch(/'@' in a path or query \(%40\)/);
    expect(parseLibvirtUri('qemu+ssh://kvm1:2222/system?keyfile=/home/a%40b/key', { uid: 0 }).client.keyfile).toBe('/home/a@b/key');
    // Without a ':' before it, an '@' in the path or query is no password's end.
    expect(parseLibvirtUri('qemu+ssh://root@kvm1/system?keyfile=/home/a@b/key', { uid: 0 }).redacted).toBe(
      'qemu+ssh://root@kvm1/system?keyfile=/home/a@b/key',
    );
  });

  it('when the URI holds a password, its error quotes nothing from the URI (a quoted piece may be part of it)', () => {
    const plain = thrown(() => parseLibvirtUri('qemu+tcp://user@host/sys\u00e9m', { uid: 0 })) as InvalidUriError;
    expect(plain.message).toMatch(/U\+00E9/);
    const secret = thrown(() => parseLibvirtUri(`qemu+tcp://user:${LEFT}\u00e9${RIGHT}@host/system`, { uid: 0 })) as InvalidUriError;
    expect(secret.message).toMatch(/a character is not allowed in a URI/);
    expect(secret.message).not.toMatch(/U\+00E9|\u00e9/);
    expect(leaks(`${secret.message} ${secret.uri}`)).toBe(false);
    const port = thrown(() => parseLibvirtUri(`qemu+tcp://user:${LEFT}@host:99999/system`, { uid: 0 })) as InvalidUriError;
    expect(port.message).toMatch(/: the port is out of range/);
  });

  it("a connection's uri never holds the password, and one that cannot be parsed is refused without it", async () => {
    for (const uri of CASES.filter((u) => u.startsWith('qemu+tcp://admin:'))) {
      let conn: LibvirtConnection | undefined;
      const error = thrown(() => {
        conn = new LibvirtConnection(uri, { reconnect: false });
      });
      if (conn !== undefined) {
        expect(leaks(conn.uri), `${uri} → ${conn.uri}`).toBe(false);
        expect(conn.uri).toMatch(/^qemu\+tcp:\/\/admin@kvm1[:/]/);
        await conn.close();
      } else {
        expect(error, uri).toBeInstanceOf(InvalidUriError);
        expect(leaks(String((error as Error).message)), uri).toBe(false);
      }
    }
  });
});
