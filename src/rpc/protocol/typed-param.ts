import { InvalidArgumentError, ProtocolError } from '../../errors/index.js';
import { type Codec, array, double, hyper, int, mapped, struct, uhyper, uint, union } from '../xdr/index.js';
import { nonnullString } from './types.js';

/** `virTypedParameterType` names. */
export type TypedParamType = 'int' | 'uint' | 'llong' | 'ullong' | 'double' | 'boolean' | 'string';

/**
 * One typed parameter (`virTypedParameter` / `remote_typed_param`), e.g. a
 * domain stat. 64-bit values are `bigint`; use {@link typedParamsToRecord}
 * for a plain object.
 */
export type TypedParam =
  | { field: string; type: 'int'; value: number }
  | { field: string; type: 'uint'; value: number }
  | { field: string; type: 'llong'; value: bigint }
  | { field: string; type: 'ullong'; value: bigint }
  | { field: string; type: 'double'; value: number }
  | { field: string; type: 'boolean'; value: boolean }
  | { field: string; type: 'string'; value: string };

/** `VIR_TYPED_PARAM_FIELD_LENGTH`: libvirt's limit on a field name (including NUL). */
export const VIR_TYPED_PARAM_FIELD_LENGTH = 80;

/** `VIR_TYPED_PARAM_STRING_OKAY`: ask the daemon to include string parameters. */
export const VIR_TYPED_PARAM_STRING_OKAY = 4;

const TYPE_NUMBER: Record<TypedParamType, number> = {
  int: 1,
  uint: 2,
  llong: 3,
  ullong: 4,
  double: 5,
  boolean: 6,
  string: 7,
};
const TYPE_NAME: Record<number, TypedParamType> = Object.fromEntries(
  Object.entries(TYPE_NUMBER).map(([name, n]) => [n, name as TypedParamType]),
);

/** `remote_typed_param_value`: a union on `virTypedParameterType` with no default arm. */
const valueCodec = union(
  {
    1: int,
    2: uint,
    3: hyper,
    4: uhyper,
    5: double,
    // VIR_TYPED_PARAM_BOOLEAN is an `int` on the wire; decode leniently (non-zero = true).
    6: mapped(
      int,
      (v) => v !== 0,
      (v: boolean) => (v ? 1 : 0),
    ),
    7: nonnullString,
  },
  'remote_typed_param_value',
);

const wireParam = struct({ field: nonnullString, value: valueCodec });

/** Decoders of the value arms by type number, and each type's name, for the direct decode below. */
const VALUE_ARMS: ReadonlyArray<readonly [TypedParamType, Codec<unknown>] | undefined> = [
  undefined,
  ['int', int],
  ['uint', uint],
  ['llong', hyper],
  ['ullong', uhyper],
  ['double', double],
  ['boolean', int],
  ['string', nonnullString],
];

/** `remote_typed_param`. */
export const typedParam: Codec<TypedParam> = {
  ...mapped(
    wireParam,
    (w) => ({ field: w.field, type: TYPE_NAME[w.value.type]!, value: w.value.value }) as TypedParam,
    (p, path) => {
      const type = TYPE_NUMBER[p.type];
      if (type === undefined) {
        throw new InvalidArgumentError(`${path}: unknown typed parameter type ${String(p.type)}`, { path });
      }
      if (Buffer.byteLength(p.field) >= VIR_TYPED_PARAM_FIELD_LENGTH) {
        throw new InvalidArgumentError(`${path}: field name longer than ${VIR_TYPED_PARAM_FIELD_LENGTH - 1} bytes`, { path });
      }
      return { field: p.field, value: { type, value: p.value } } as never;
    },
  ),
  // Decoded straight into the public shape: one object per parameter instead of three (the wire struct, the
  // union's { type, value }, then the mapped copy). Bulk stats decode thousands per reply. Same wire reading and
  // the same error as `valueCodec` for an unknown type.
  decode(r) {
    const field = nonnullString.decode(r);
    const type = r.int();
    const arm = VALUE_ARMS[type];
    if (arm === undefined) throw new ProtocolError(`XDR: unknown remote_typed_param_value discriminant ${type}`);
    const value = arm[1].decode(r);
    // VIR_TYPED_PARAM_BOOLEAN is an `int` on the wire; decoded leniently (non-zero = true).
    return { field, type: arm[0], value: type === 6 ? value !== 0 : value } as TypedParam;
  },
};

/** `remote_typed_param params<max>`. */
export function typedParams(max: number): Codec<TypedParam[]> {
  return array(typedParam, max);
}

/** Value of a typed parameter in a plain record. */
export type TypedParamRecordValue = number | bigint | boolean | string;

/**
 * Typed parameters as a plain object keyed by field. 64-bit values become
 * `number` when they are safe integers, and stay `bigint` otherwise — or,
 * with `keepBigints`, stay `bigint` always (a field then has one JS type
 * whatever its value).
 */
export function typedParamsToRecord(
  params: readonly TypedParam[],
  options: { keepBigints?: boolean } = {},
): Record<string, TypedParamRecordValue> {
  const out: Record<string, TypedParamRecordValue> = {};
  for (const p of params) {
    out[p.field] =
      options.keepBigints !== true &&
      typeof p.value === 'bigint' &&
      p.value >= BigInt(Number.MIN_SAFE_INTEGER) &&
      p.value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(p.value)
        : p.value;
  }
  return out;
}
