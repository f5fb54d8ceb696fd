/**
 * Reading a spec file (a `VmSpec` for `create`, a `DiskSpec` for
 * `attach-disk`): JSON for `.json`, YAML otherwise (YAML 1.2 is a superset of
 * JSON). The SDK validates the content; this only turns text into a value.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { usageError } from './args.js';

/**
 * Read `path` and parse it.
 * @example const spec = await readSpecFile('web1.yaml'); // { name: 'web1', memory: '2GiB', … }
 * @throws InvalidArgumentError (`path`: the file) when it cannot be read, is not valid YAML/JSON, or is not a mapping
 */
export async function readSpecFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(path, `cannot read the spec file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw usageError(path, `not valid ${path.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usageError(path, 'the spec must be an object (a mapping of fields)');
  }
  return value as Record<string, unknown>;
}
