import { InvalidArgumentError, ProtocolError } from '../../errors/index.js';
import type { XdrReader } from './reader.js';
import type { XdrWriter } from './writer.js';

/**
 * A two-way XDR codec for values of type `T`.
 *
 * Codecs are small and composable (`struct`, `array`, `optional`, `union`),
 * so each libvirt procedure is described in a few lines from the protocol
 * facts. `minSize` is the fewest bytes one value can take on the wire; the
 * decoder uses it to refuse array counts the remaining bytes cannot hold.
 */
export interface Codec<T> {
  /** Append `value` to `w`. `path` names the value in validation errors. */
  encode(w: XdrWriter, value: T, path: string): void;
  /** Read one value from `r`. */
  decode(r: XdrReader): T;
  /** Smallest encoded size in bytes. */
  readonly minSize: number;
}

/** The value type a codec encodes and decodes. */
export type Infer<C> = C extends Codec<infer T> ? T : never;

/** XDR `void`: no bytes. Used for procedures without arguments or result. */
export const xdrVoid: Codec<void> = {
  encode() {},
  decode() {},
  minSize: 0,
};

/** XDR `int` (32-bit signed). Also `enum`. */
export const int: Codec<number> = {
  encode: (w, v, path) => w.int(v, path),
  decode: (r) => r.int(),
  minSize: 4,
};

/** XDR `unsigned int`. */
export const uint: Codec<number> = {
  encode: (w, v, path) => w.uint(v, path),
  decode: (r) => r.uint(),
  minSize: 4,
};

/** XDR `hyper` (64-bit signed) as `bigint`; encoding also accepts safe integers. */
export const hyper: Codec<bigint> = {
  encode: (w, v, path) => w.hyper(v, path),
  decode: (r) => r.hyper(),
  minSize: 8,
};

/** XDR `unsigned hyper` as `bigint`; encoding also accepts safe integers. */
export const uhyper: Codec<bigint> = {
  encode: (w, v, path) => w.uhyper(v, path),
  decode: (r) => r.uhyper(),
  minSize: 8,
};

/** XDR `double` (IEEE-754 binary64). */
export const double: Codec<number> = {
  encode: (w, v, path) => w.double(v, path),
  decode: (r) => r.double(),
  minSize: 8,
};

/** XDR `bool`. */
export const bool: Codec<boolean> = {
  encode: (w, v, path) => w.bool(v, path),
  decode: (r) => r.bool(),
  minSize: 4,
};

/**
 * A C integer type narrower than 32 bits. rpcgen's `xdr_char`, `xdr_u_char`,
 * `xdr_short` and `xdr_u_short` widen each value to a full 4-byte int on the
 * wire, so e.g. `remote_domain_get_info_ret.state` (`unsigned char`) is 4 bytes.
 */
function widened(name: string, min: number, max: number, signed: boolean): Codec<number> {
  return {
    encode(w, v, path) {
      if (!Number.isInteger(v) || v < min || v > max) {
        throw new InvalidArgumentError(`${path}: ${String(v)} is out of range for ${name}`, { path });
      }
      if (signed) w.int(v, path);
      else w.uint(v, path);
    },
    decode(r) {
      // Accept what glibc's xdr_char accepts: the low bits of a 4-byte int.
      const v = signed ? r.int() : r.uint();
      return signed ? wrapSigned(v, max) : v & max;
    },
    minSize: 4,
  };
}

function wrapSigned(v: number, max: number): number {
  const span = (max + 1) * 2;
  const low = ((v % span) + span) % span;
  return low > max ? low - span : low;
}

/** XDR-widened `char` (4 bytes on the wire). */
export const char = widened('char', -128, 127, true);
/** XDR-widened `unsigned char` (4 bytes on the wire). */
export const uchar = widened('unsigned char', 0, 0xff, false);
/** XDR-widened `short` (4 bytes on the wire). */
export const short = widened('short', -0x8000, 0x7fff, true);
/** XDR-widened `unsigned short` (4 bytes on the wire). */
export const ushort = widened('unsigned short', 0, 0xffff, false);

/** XDR `string<max>` (UTF-8; `max` in bytes). */
export function string(max: number): Codec<string> {
  return {
    encode: (w, v, path) => w.string(v, max, path),
    decode: (r) => r.string(max),
    minSize: 4,
  };
}

/** XDR `opaque<max>`: length-prefixed bytes. */
export function opaque(max: number): Codec<Buffer> {
  return {
    encode: (w, v, path) => w.opaque(v, max, path),
    decode: (r) => r.opaque(max),
    minSize: 4,
  };
}

/** XDR `opaque[length]`: exactly `length` bytes, padded, no length prefix. */
export function fixedOpaque(length: number): Codec<Buffer> {
  return {
    encode: (w, v, path) => w.fixedOpaque(v, length, path),
    decode: (r) => r.fixedOpaque(length),
    minSize: (length + 3) & ~3,
  };
}

/**
 * XDR `char x<max>`: a variable array of `xdr_char`, i.e. 4 bytes on the wire
 * per byte of data (SASL `data` fields, security labels).
 */
export function charArray(max: number): Codec<Buffer> {
  return {
    encode(w, v, path) {
      if (!(v instanceof Uint8Array)) throw new InvalidArgumentError(`${path}: expected bytes`, { path });
      if (v.length > max) throw new InvalidArgumentError(`${path}: ${v.length} bytes exceeds the maximum of ${max}`, { path });
      w.uint(v.length, path);
      for (const byte of v) w.int(byte > 127 ? byte - 256 : byte, path);
    },
    decode(r) {
      const n = r.count(max, 4, 'char array');
      const out = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) out[i] = r.int() & 0xff;
      return out;
    },
    minSize: 4,
  };
}

/**
 * XDR `char x[length]`: a fixed array of `xdr_char` (4 bytes per char),
 * decoded as a NUL-terminated string, e.g. `remote_node_get_info_ret.model[32]`
 * which takes 128 bytes on the wire.
 */
export function fixedCharString(length: number): Codec<string> {
  return {
    encode(w, v, path) {
      const bytes = Buffer.from(v, 'utf8');
      if (bytes.length > length) {
        throw new InvalidArgumentError(`${path}: ${bytes.length} bytes exceeds the fixed size ${length}`, { path });
      }
      for (let i = 0; i < length; i++) w.int(i < bytes.length ? (bytes[i]! > 127 ? bytes[i]! - 256 : bytes[i]!) : 0, path);
    },
    decode(r) {
      const bytes = Buffer.allocUnsafe(length);
      for (let i = 0; i < length; i++) bytes[i] = r.int() & 0xff;
      const nul = bytes.indexOf(0);
      return bytes.toString('utf8', 0, nul === -1 ? length : nul);
    },
    minSize: length * 4,
  };
}

/** XDR optional data `T *x`: a 4-byte presence flag (0 or 1) then the value. `null` means absent. */
export function optional<T>(inner: Codec<T>): Codec<T | null> {
  return {
    encode(w, v, path) {
      if (v === null || v === undefined) {
        w.uint(0, path);
      } else {
        w.uint(1, path);
        inner.encode(w, v, path);
      }
    },
    decode(r) {
      return r.bool() ? inner.decode(r) : null;
    },
    minSize: 4,
  };
}

/** XDR `T x<max>`: a count then the elements. */
export function array<T>(inner: Codec<T>, max: number): Codec<T[]> {
  return {
    encode(w, v, path) {
      if (!Array.isArray(v)) throw new InvalidArgumentError(`${path}: expected an array`, { path });
      if (v.length > max) {
        throw new InvalidArgumentError(`${path}: ${v.length} elements exceeds the maximum of ${max}`, { path });
      }
      w.uint(v.length, path);
      for (let i = 0; i < v.length; i++) inner.encode(w, v[i] as T, `${path}[${i}]`);
    },
    decode(r) {
      // Zero-size elements would let a bare count allocate without bound, so
      // every element is assumed to take at least one byte of the payload.
      const n = r.count(max, Math.max(1, inner.minSize));
      const out = new Array<T>(n);
      for (let i = 0; i < n; i++) out[i] = inner.decode(r);
      return out;
    },
    minSize: 4,
  };
}

/** XDR `T x[length]`: exactly `length` elements, no count. */
export function fixedArray<T>(inner: Codec<T>, length: number): Codec<T[]> {
  return {
    encode(w, v, path) {
      if (!Array.isArray(v) || v.length !== length) {
        throw new InvalidArgumentError(`${path}: expected exactly ${length} elements`, { path });
      }
      for (let i = 0; i < length; i++) inner.encode(w, v[i] as T, `${path}[${i}]`);
    },
    decode(r) {
      const out = new Array<T>(length);
      for (let i = 0; i < length; i++) out[i] = inner.decode(r);
      return out;
    },
    minSize: inner.minSize * length,
  };
}

/** Field codecs of a struct, in wire order. */
export type StructFields = Record<string, Codec<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The value type of a struct codec. */
export type StructValue<F extends StructFields> = { [K in keyof F]: Infer<F[K]> };

/**
 * XDR `struct`: fields encoded in the order the object literal lists them.
 *
 * @example
 * const nonnullDomain = struct({ name: string(REMOTE_STRING_MAX), uuid: uuid, id: int });
 */
export function struct<F extends StructFields>(fields: F): Codec<StructValue<F>> {
  const entries = Object.entries(fields);
  const keys = entries.map(([k]) => k);
  const codecs = entries.map(([, c]) => c);
  const n = entries.length;
  return {
    encode(w, v, path) {
      if (typeof v !== 'object' || v === null) {
        throw new InvalidArgumentError(`${path}: expected an object`, { path });
      }
      const record = v as Record<string, unknown>;
      for (let i = 0; i < n; i++) {
        const key = keys[i]!;
        codecs[i]!.encode(w, record[key], `${path}.${key}`);
      }
    },
    decode(r) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) out[keys[i]!] = codecs[i]!.decode(r);
      return out as StructValue<F>;
    },
    minSize: codecs.reduce((sum, c) => sum + c.minSize, 0),
  };
}

/** Arms of a discriminated union: discriminant value → codec of that arm. */
export type UnionArms = Record<number, Codec<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The value type of a union codec: `{ type, value }` with `value` typed per arm. */
export type UnionValue<A extends UnionArms> = {
  [K in keyof A & number]: { type: K; value: Infer<A[K]> };
}[keyof A & number];

/**
 * XDR `union switch (int type)` without a default arm: an unknown discriminant
 * is an error in both directions.
 */
export function union<A extends UnionArms>(arms: A, name = 'union'): Codec<UnionValue<A>> {
  const table = new Map<number, Codec<unknown>>(Object.entries(arms).map(([k, c]) => [Number(k), c as Codec<unknown>]));
  const minArm = Math.min(...[...table.values()].map((c) => c.minSize));
  return {
    encode(w, v, path) {
      const arm = typeof v === 'object' && v !== null ? table.get(v.type) : undefined;
      if (arm === undefined) {
        throw new InvalidArgumentError(`${path}: unknown ${name} discriminant ${String((v as { type?: unknown } | null)?.type)}`, { path });
      }
      w.int(v.type, `${path}.type`);
      arm.encode(w, v.value, `${path}.value`);
    },
    decode(r) {
      const type = r.int();
      const arm = table.get(type);
      if (arm === undefined) {
        throw new ProtocolError(`XDR: unknown ${name} discriminant ${type}`);
      }
      return { type, value: arm.decode(r) } as UnionValue<A>;
    },
    minSize: 4 + (Number.isFinite(minArm) ? minArm : 0),
  };
}

/**
 * Derive a codec with a friendlier public type, e.g. 16 UUID bytes ↔ the
 * 36-character text form. `to` runs after decoding, `from` before encoding.
 */
export function mapped<W, P>(inner: Codec<W>, to: (wire: W) => P, from: (value: P, path: string) => W): Codec<P> {
  return {
    encode: (w, v, path) => inner.encode(w, from(v, path), path),
    decode: (r) => to(inner.decode(r)),
    minSize: inner.minSize,
  };
}
