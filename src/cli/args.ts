/**
 * Reading option values: the CLI's usage errors are `InvalidArgumentError`s
 * naming the option (`path: '--timeout'`), so they print and exit (2) like
 * the SDK's own argument errors.
 *
 * @module
 */
import { InvalidArgumentError } from '../index.js';
import type { OptionValues } from './command.js';

/** A usage error naming the option or argument at fault. */
export function usageError(path: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(`${path}: ${message}`, { path });
}

/** A string option, or `undefined`. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean option (`false` when absent). */
export function flagOption(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** A duration option given in seconds (decimals allowed), as milliseconds; `undefined` when absent. */
export function secondsOption(values: OptionValues, name: string): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw usageError(`--${name}`, `expected a number of seconds ≥ 0, got ${JSON.stringify(raw)}`);
  }
  return Math.round(seconds * 1000);
}

/** A whole number > 0 (`--bandwidth 100`); `undefined` when absent. */
export function positiveIntegerOption(values: OptionValues, name: string): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n <= 0) {
    throw usageError(`--${name}`, `expected a whole number > 0, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A comma-separated list option (`--state shutoff,crashed`), or `undefined`. */
export function listOption(values: OptionValues, name: string): string[] | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw usageError(`--${name}`, 'expected a comma-separated list');
  return items;
}

/** `{ timeout, signal }` for an SDK call: `--timeout` when given, else the SDK's default. */
export function callOptions(values: OptionValues, signal: AbortSignal): { signal: AbortSignal; timeout?: number } {
  const timeout = secondsOption(values, 'timeout');
  return timeout === undefined ? { signal } : { signal, timeout };
}

/** `{ live, config }` from `--live` / `--config` (neither: the SDK decides by the VM's state). */
export function scopeOptions(values: OptionValues): { live?: boolean; config?: boolean } {
  return {
    ...(flagOption(values, 'live') ? { live: true } : {}),
    ...(flagOption(values, 'config') ? { config: true } : {}),
  };
}
