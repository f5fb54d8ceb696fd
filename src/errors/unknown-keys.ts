/**
 * Refusing keys nobody reads: a misspelled spec field or option
 * (`vcpu`, `networks[0].modle`, `timout`) would otherwise be ignored and its
 * default used in silence. Every object the SDK checks field by field passes
 * through {@link checkKeys} with the list of keys its type declares.
 *
 * @module
 */
import { InvalidArgumentError } from './input-errors.js';
import { ErrorCode } from './sdk-codes.js';
import { errorOfIssues } from './issues.js';

/**
 * The keys an object may have, as an object literal with one `true` per key.
 * Write it as `{ a: true, b: true } as const satisfies KnownKeys<T>`: tsc then
 * fails when `T` gains a field the list lacks, or the list names one `T` has not.
 */
export type KnownKeys<T> = { readonly [K in keyof Required<T>]-?: true };

/** What {@link checkKeys} says about an unknown key: a spec field, or an option of a call. */
export type UnknownKeyKind = 'field' | 'option';

/** Levenshtein distance, stopping early past `max` (the keys compared are short). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** `timeout` ↔ `connectTimeout`: the unknown key is the last camelCase word of a known one. */
function isWordSuffix(key: string, known: string): boolean {
  if (key.length < 3 || known.length <= key.length) return false;
  const capitalized = key[0]!.toUpperCase() + key.slice(1);
  return known.endsWith(capitalized);
}

/**
 * The known keys `key` was probably meant to be: its singular or plural
 * (`vcpu` → `vcpus`, `disk` → `disks`), else those within edit distance 2
 * (a typo; 1 for keys of up to 3 letters), the closest first; failing that, the same words in another case or snake_case
 * (`logfile`, `ssh_authorized_keys`), or the
 * known keys it is the last word of (`timeout` → `connectTimeout`,
 * `defaultTimeout`). At most two.
 *
 * @example suggestKeys('modle', ['network', 'model', 'mac']); // ['model']
 */
export function suggestKeys(key: string, known: readonly string[]): string[] {
  const lower = key.toLowerCase();
  // `logfile`, `log_file`, `ssh_authorized_keys`: the same words in another case or with separators.
  const bare = (k: string): string => k.toLowerCase().replace(/[-_]/g, '');
  const caseOnly = known.filter((k) => bare(k) === bare(key));
  if (caseOnly.length > 0) return caseOnly.slice(0, 2);
  // Singular for plural (`vcpu`/`vcpus`, `disk`/`disks`) wins over other near keys (`cpu`).
  const plural = known.filter((k) => k === `${key}s` || k === `${key}es` || `${k}s` === key || `${k}es` === key);
  if (plural.length > 0) return plural.slice(0, 1);
  // Two edits turn any 2-letter key into any other: keep short keys to one.
  const max = key.length <= 3 ? 1 : 2;
  const near = known
    .map((k) => ({ k, d: distance(lower, k.toLowerCase(), max) }))
    .filter(({ d }) => d <= max)
    .sort((a, b) => a.d - b.d)
    .map(({ k }) => k);
  if (near.length > 0) return near.slice(0, 2);
  return known.filter((k) => isWordSuffix(key, k)).slice(0, 2);
}

/** `'model'` or `'connectTimeout' or 'defaultTimeout'`. */
function quoteChoices(keys: readonly string[]): string {
  return keys.map((k) => `'${k}'`).join(' or ');
}

/** Options of {@link checkKeys} and {@link unknownKeyErrors}. */
interface CheckKeysOptions {
  code?: typeof ErrorCode.INVALID_ARGUMENT | typeof ErrorCode.INVALID_SPEC;
  kind?: UnknownKeyKind;
  /** Refuse every unknown key in one error (`issues` lists them; spec validation does) instead of the first. */
  all?: boolean;
}

/**
 * One `InvalidArgumentError` per own key of `value` that `known` does not
 * list, in key order (empty when every key is known): what {@link checkKeys}
 * throws the first of. Spec validation reports them all at once.
 *
 * @example unknownKeyErrors({ vcpu: 2, memroy: '1GiB' }, VM_SPEC_KEYS, '', { code: ErrorCode.INVALID_SPEC }).length; // 2
 */
export function unknownKeyErrors(
  value: object,
  known: Readonly<Record<string, true>>,
  prefix = '',
  options: CheckKeysOptions = {},
): InvalidArgumentError[] {
  const errors: InvalidArgumentError[] = [];
  for (const key of Object.keys(value)) {
    if (Object.prototype.hasOwnProperty.call(known, key)) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const hints = suggestKeys(key, Object.keys(known));
    const hint = hints.length === 0 ? '' : ` (did you mean ${quoteChoices(hints)}?)`;
    const message = options.kind === 'option' ? `unknown option '${path}'${hint}` : `${path}: unknown field '${key}'${hint}`;
    errors.push(new InvalidArgumentError(message, { path, code: options.code ?? ErrorCode.INVALID_ARGUMENT }));
  }
  return errors;
}

/**
 * Throw for the first own key of `value` that `known` does not list: an
 * `InvalidArgumentError` whose `path` is the key under `prefix`
 * (`networks[0].modle`; the key alone without a prefix), and whose message
 * names it and what it was probably meant to be:
 * `networks[0].modle: unknown field 'modle' (did you mean 'model'?)`, or for an
 * option `unknown option 'timout' (did you mean 'timeout'?)`.
 * Keys whose value is `undefined` count too: `{ timout: undefined }` is a typo all the same.
 * Open maps (labels, cloud-init data, filter variables) are not checked with it.
 *
 * @param options.code - `ERR_LIBVIRT_INVALID_SPEC` for specs; `ERR_LIBVIRT_INVALID_ARGUMENT` (default) for options
 * @param options.kind - the word in the message: `'field'` (default) or `'option'`
 * @param options.all - refuse all unknown keys at once: one error whose `issues` has one entry per key (its `path` the first's)
 * @example checkKeys(nic, NETWORK_KEYS, 'networks[0]', { code: ErrorCode.INVALID_SPEC });
 * @throws InvalidArgumentError for an unknown key
 */
export function checkKeys(value: object, known: Readonly<Record<string, true>>, prefix = '', options: CheckKeysOptions = {}): void {
  const errors = unknownKeyErrors(value, known, prefix, options);
  if (errors.length === 0) return;
  if (errors.length === 1 || options.all !== true) throw errors[0]!;
  throw errorOfIssues(
    errors.flatMap((e) => e.issues),
    { code: options.code ?? ErrorCode.INVALID_ARGUMENT },
  );
}
