/**
 * Plain values to typed parameters, in the type the daemon itself reported.
 * libvirt refuses a parameter sent with another type than the one its driver
 * expects ("invalid type for parameter"), and the types differ per driver
 * (the test driver's scheduler `weight` is a `uint`, QEMU's `cpu_shares` an
 * `ullong`). So a setter reads the group first, as virsh does, and converts
 * the caller's `{ cpu_shares: 512 }` with {@link typedParamsLike}: the one
 * place a value is checked against a `virTypedParameterType`.
 */
import { InvalidArgumentError, suggestKeys } from '../../errors/index.js';
import { type TypedParam, type TypedParamRecordValue, type TypedParamType, VIR_TYPED_PARAM_FIELD_LENGTH } from './typed-param.js';

/** Integer ranges of the integer types, as bigint bounds. */
const RANGES: Partial<Record<TypedParamType, readonly [bigint, bigint]>> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  uint: [0n, 2n ** 32n - 1n],
  llong: [-(2n ** 63n), 2n ** 63n - 1n],
  ullong: [0n, 2n ** 64n - 1n],
};

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : typeof value;
}

/**
 * One typed parameter of type `type` from a plain value, checked: integers
 * in range (a `number` must be a safe integer — beyond 2^53 pass a `bigint`),
 * finite doubles, booleans, strings without NUL.
 *
 * @example typedParamOf('cpu_shares', 'ullong', 512); // { field: 'cpu_shares', type: 'ullong', value: 512n }
 * @throws InvalidArgumentError naming `path` when the value does not fit the type
 */
export function typedParamOf(field: string, type: TypedParamType, value: unknown, path: string = field): TypedParam {
  const refuse = (expected: string): never => {
    throw new InvalidArgumentError(`${path} must be ${expected} (libvirt type ${type}), got ${describe(value)}`, { path });
  };
  const range = RANGES[type];
  if (range !== undefined) {
    const [min, max] = range;
    const expected = `an integer from ${min} to ${max}${max > BigInt(Number.MAX_SAFE_INTEGER) ? ' (a bigint beyond 2^53)' : ''}`;
    const n =
      typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : refuse(expected);
    if (n < min || n > max) refuse(expected);
    return type === 'int' || type === 'uint'
      ? ({ field, type, value: Number(n) } as TypedParam)
      : ({ field, type, value: n } as TypedParam);
  }
  if (type === 'double') {
    if (typeof value !== 'number' || !Number.isFinite(value)) refuse('a finite number');
    return { field, type, value: value as number };
  }
  if (type === 'boolean') {
    if (typeof value !== 'boolean') refuse('true or false');
    return { field, type, value: value as boolean };
  }
  if (typeof value !== 'string' || value.includes('\0')) refuse('a string without NUL');
  return { field, type: 'string', value: value as string };
}

/**
 * Typed parameters for `values`, each in the type of the same-named field of
 * `offered` (the daemon's own reading of the group). A field the daemon did
 * not offer is refused with the list of those it did.
 *
 * @param what - the group's name in messages, e.g. `'scheduler parameter'`
 * @param path - the argument's name in messages and `error.path`, e.g. `'values'`
 * @example typedParamsLike({ cpu_shares: 512 }, await readScheduler(), 'scheduler parameter', 'values');
 * @throws InvalidArgumentError for an unknown field, or a value that does not fit its type
 */
export function typedParamsLike(
  values: Readonly<Record<string, unknown>>,
  offered: readonly TypedParam[],
  what: string,
  path: string,
): TypedParam[] {
  const types = new Map(offered.map((p) => [p.field, p.type]));
  return Object.keys(values).map((field) => {
    const at = `${path}.${field}`;
    const type = types.get(field);
    if (type === undefined) {
      const hints = suggestKeys(field, [...types.keys()]);
      const hint = hints.length === 0 ? '' : ` (did you mean ${hints.map((h) => `'${h}'`).join(' or ')}?)`;
      const list = types.size === 0 ? 'none' : [...types.keys()].join(', ');
      throw new InvalidArgumentError(`${at}: the daemon offers no ${what} '${field}' here${hint}; it offers: ${list}`, { path: at });
    }
    return typedParamOf(field, type, values[field], at);
  });
}

/**
 * Check a caller's parameter map before anything is sent: a non-empty object
 * whose keys are field names libvirt can carry and whose values are numbers,
 * bigints, booleans or strings. The types are checked later, against the
 * daemon's own (see {@link typedParamsLike}).
 * @throws InvalidArgumentError naming `path`
 */
export function checkParamValues(values: unknown, path: string): Readonly<Record<string, TypedParamRecordValue>> {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new InvalidArgumentError(`${path} must be an object of parameter values, e.g. { cpu_shares: 512 }`, { path });
  }
  if (Object.keys(values).length === 0) throw new InvalidArgumentError(`${path} must name at least one parameter`, { path });
  for (const [field, value] of Object.entries(values)) {
    const at = `${path}.${field}`;
    if (field.length === 0 || Buffer.byteLength(field) >= VIR_TYPED_PARAM_FIELD_LENGTH) {
      throw new InvalidArgumentError(`${at}: a field name has 1 to ${VIR_TYPED_PARAM_FIELD_LENGTH - 1} bytes`, { path: at });
    }
    if (!['number', 'bigint', 'boolean', 'string'].includes(typeof value)) {
      throw new InvalidArgumentError(`${at} must be a number, bigint, boolean or string, got ${describe(value)}`, { path: at });
    }
  }
  return values as Readonly<Record<string, TypedParamRecordValue>>;
}
