/**
 * Serialise data as JSON that YAML parsers read back unchanged.
 *
 * cloud-init reads meta-data, network-config and `#cloud-config` user-data
 * with PyYAML. JSON is a subset of YAML 1.2, and close enough to YAML 1.1
 * once a few characters are escaped, so writing JSON avoids a YAML emitter
 * and its quoting bugs (`no`, `on`, `0755`, `:` in strings…): every string is
 * double-quoted, so nothing is re-typed.
 *
 * Differences handled here:
 * - PyYAML rejects raw C1 control characters, DEL, U+FFFE/U+FFFF, and treats
 *   U+0085, U+2028 and U+2029 as line breaks; JSON allows them raw inside
 *   strings. They are written as `\uXXXX` escapes, which both read the same.
 * - `"key": value` always has a space after the colon (pretty printing),
 *   which YAML 1.1 needs.
 *
 * @module
 */
import { invalidSpec, isPlainObject, requireText } from './validate.js';

const MAX_DEPTH = 64;
const YAML_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** How {@link toYamlJson} treats objects. */
export interface YamlJsonOptions {
  /** Sort object keys (canonical output: equal data, equal bytes). */
  sortKeys: boolean;
  /** Path of the value in the caller's input, for error messages. */
  path: string;
}

/**
 * Check `value` is plain data (null, boolean, finite number, string, array,
 * plain object; no NUL in strings or keys) and copy it, optionally with
 * sorted keys. `undefined` object properties are dropped, as JSON does.
 */
function normalise(value: unknown, path: string, sortKeys: boolean, depth: number, seen: Set<object>): unknown {
  if (depth > MAX_DEPTH) throw invalidSpec(`is nested more than ${MAX_DEPTH} levels deep`, path);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidSpec('must be a finite number', path);
    return value;
  }
  if (typeof value === 'string') return requireText(value, path);
  if (typeof value !== 'object') throw invalidSpec(`has an unsupported ${typeof value} value`, path);
  if (seen.has(value)) throw invalidSpec('contains a circular reference', path);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      // Array.from visits holes of sparse arrays (as undefined); map would skip them and JSON write null.
      return Array.from(value as unknown[], (item, i) => {
        if (item === undefined) throw invalidSpec('must not contain undefined', `${path}[${i}]`);
        return normalise(item, `${path}[${i}]`, sortKeys, depth + 1, seen);
      });
    }
    if (!isPlainObject(value)) throw invalidSpec('must be plain data (no class instances, Buffers or Dates)', path);
    const keys = Object.keys(value);
    if (sortKeys) keys.sort();
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      requireText(key, `${path}.<key>`);
      if (value[key] === undefined) continue;
      out[key] = normalise(value[key], `${path}.${key}`, sortKeys, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * `value` as pretty-printed, YAML-safe JSON (no trailing newline).
 *
 * @throws {InvalidArgumentError} code `ERR_LIBVIRT_INVALID_SPEC` when `value` is not plain data.
 */
export function toYamlJson(value: unknown, options: YamlJsonOptions): string {
  const data = normalise(value, options.path, options.sortKeys, 0, new Set());
  return escapeYamlUnsafe(JSON.stringify(data, null, 2));
}

/** Replace, in JSON text, the characters YAML 1.1 rejects or reads as line breaks with `\uXXXX` escapes. */
export function escapeYamlUnsafe(json: string): string {
  return json.replace(YAML_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
