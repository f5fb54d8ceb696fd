/**
 * Shared machinery of the fuzz properties: the oracles every input is checked
 * against, and one way to run a property (used by both `tests/unit/fuzz.test.ts`
 * and `scripts/fuzz.ts`).
 *
 * Oracles, applied per input by {@link guard} / {@link guardAsync}:
 * 1. only typed errors escape: {@link typed} lets through the listed
 *    `LibvirtManagerError` subclasses and turns anything else (TypeError,
 *    RangeError, a plain Error, a typed error of the wrong class) into a
 *    {@link FuzzFailure};
 * 2. no allocation beyond limits: V8's `used_heap_size + external_memory`
 *    (ArrayBuffer backing stores included) is read before and after each input;
 *    a rise above {@link ALLOCATION_LIMIT} (64 MiB, plus 64 bytes per input
 *    byte) fails the input — decoding `new Array(count)` or a `Buffer` sized
 *    from a wire count shows up here even when the decode then throws.
 *    Properties add exact bounds where one exists, e.g. decoded size ≤ k ×
 *    payload size ({@link retainedSize}); each target is also checked for
 *    growth of retained memory after a forced GC (a leak);
 * 3. no hang: each input runs synchronously (or, for the client, to
 *    completion) and is timed against {@link TIME_BUDGET_MS} plus
 *    {@link TIME_PER_BYTE_MS} per input byte (large inputs may take linear
 *    time, a super-linear path blows the allowance); an input over budget is
 *    run twice more and fails only when every run is over budget, so a GC
 *    pause or a busy machine is not reported as a hang. A true infinite loop
 *    is caught by the watchdog of `scripts/fuzz.ts`.
 *
 * @module
 */
import { inspect, isDeepStrictEqual } from 'node:util';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { LibvirtManagerError } from '../../src/errors/index.js';

/** Wall-clock budget of one input, in milliseconds (plus {@link TIME_PER_BYTE_MS} per byte). */
export const TIME_BUDGET_MS = 100;
/**
 * Extra budget per input byte: 10 µs, i.e. any input must be processed at
 * 100 KB/s at least. Linear code is faster even on a loaded machine (the
 * slowest linear path, a domain full of unknown elements that are each
 * re-serialised for read-modify-write, runs at ~250 KB/s under load, 500 KB/s
 * idle); a quadratic path is not, past a few KB (4,000 nested elements, 16 KB,
 * took a second before the depth limit).
 */
export const TIME_PER_BYTE_MS = 0.01;
/** Largest rise of heap + external memory allowed while one input runs (plus {@link ALLOCATION_PER_BYTE} per input byte). */
export const ALLOCATION_LIMIT = 64 * 1024 * 1024;
/**
 * Working memory allowed per input byte on top of {@link ALLOCATION_LIMIT}:
 * building a DOM costs a multiple of the text (a 1 MB attribute value made
 * of `&amp;` references takes ~30 MiB while parsed); wire inputs are small,
 * so for them the limit is the flat 64 MiB.
 */
export const ALLOCATION_PER_BYTE = 64;

/** An oracle violation: what the fuzzer is looking for. */
export class FuzzFailure extends Error {
  override name = 'FuzzFailure';
}

/** A class of typed error a target may throw. */
export type ErrorClass = abstract new (...args: any[]) => LibvirtManagerError;

/** Outcome of {@link typed}: the value, or the typed error that was thrown. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: LibvirtManagerError };

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message.slice(0, 300)}`;
  return `non-Error thrown: ${String(error).slice(0, 200)}`;
}

/** Classify a thrown value; anything not an instance of `allowed` becomes a {@link FuzzFailure}. */
export function checkThrown(what: string, error: unknown, allowed: readonly ErrorClass[]): LibvirtManagerError {
  if (error instanceof FuzzFailure) throw error;
  if (allowed.some((cls) => error instanceof cls)) return error as LibvirtManagerError;
  const expected = allowed.length === 0 ? 'no error' : allowed.map((c) => c.name).join(' | ');
  throw new FuzzFailure(`${what}: expected ${expected}, got ${describe(error)}`, { cause: error });
}

/** Run `fn`; a thrown error must be one of `allowed` (default: any `LibvirtManagerError`). */
export function typed<T>(what: string, fn: () => T, allowed: readonly ErrorClass[] = [LibvirtManagerError]): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: checkThrown(what, error, allowed) };
  }
}

/** Fail the input with `message` unless `condition` holds. */
export function ensure(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) throw new FuzzFailure(typeof message === 'string' ? message : message());
}

/** `isDeepStrictEqual`, failing the input with both values described. */
export function ensureEqual(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new FuzzFailure(`${what}: values differ\n  actual:   ${preview(actual)}\n  expected: ${preview(expected)}`);
  }
}

/**
 * A short text form of a value for failure messages: `util.inspect`, which
 * (unlike JSON) shows holes in sparse arrays, `undefined`, bigints, boxed
 * values, null-prototype objects and Buffers as they are.
 */
export function preview(value: unknown, limit = 1500): string {
  const text = inspect(value, { depth: 8, maxArrayLength: 40, maxStringLength: 200, breakLength: Infinity, compact: true });
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/**
 * Approximate bytes a decoded value keeps alive: what a decoder had to
 * allocate for it. Buffers count their length, strings two bytes per code
 * unit, containers a pointer per slot, plus a per-object overhead.
 */
export function retainedSize(value: unknown, depth = 0): number {
  if (depth > 64) return 0;
  if (value === null || value === undefined) return 8;
  switch (typeof value) {
    case 'string':
      return 16 + 2 * value.length;
    case 'number':
    case 'boolean':
      return 8;
    case 'bigint':
      return 16;
    case 'object': {
      if (value instanceof Uint8Array) return 64 + value.length;
      if (Array.isArray(value)) {
        let size = 16 + 8 * value.length;
        for (const item of value) size += retainedSize(item, depth + 1);
        return size;
      }
      let size = 16;
      for (const item of Object.values(value)) size += 8 + retainedSize(item, depth + 1);
      return size;
    }
    default:
      return 8;
  }
}

// ---- memory and time -------------------------------------------------------

function heapNow(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

let gcFunction: (() => void) | null | undefined;

/**
 * `global.gc`, exposed at run time when the process was not started with
 * `--expose-gc` (V8 flags can be set before first use of `gc`); `null` when
 * that is not possible. Used only for the per-target leak check.
 */
export function forceGc(): boolean {
  if (gcFunction === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gcFunction = runInNewContext('gc') as () => void;
    } catch {
      gcFunction = null;
    }
  }
  gcFunction?.();
  return gcFunction !== null;
}

/** Figures gathered while a target runs. */
export interface GuardStats {
  inputs: number;
  /** Slowest single input, ms. */
  maxMs: number;
  /** Largest heap + external rise during one input, bytes. */
  maxAllocation: number;
  /** Inputs over budget on the first run that were fine on a re-run (load, GC). */
  retriedSlow: number;
}

let stats: GuardStats = freshStats();

function freshStats(): GuardStats {
  return { inputs: 0, maxMs: 0, maxAllocation: 0, retriedSlow: 0 };
}

/** Reset and return the counters (the runner calls this around each target). */
export function takeStats(): GuardStats {
  const out = stats;
  stats = freshStats();
  return out;
}

/** Progress hook for the watchdog of `scripts/fuzz.ts` (called once per input). */
let onInput: (() => void) | undefined;
export function setInputHook(hook: (() => void) | undefined): void {
  onInput = hook;
}

function record(ms: number, allocation: number): void {
  stats.inputs++;
  if (ms > stats.maxMs) stats.maxMs = ms;
  if (allocation > stats.maxAllocation) stats.maxAllocation = allocation;
}

/**
 * Run one input through the oracles: `run` does the work and checks typed
 * errors itself (via {@link typed}); here time and allocation are measured.
 * `run` must be self-contained (it is re-run to confirm a slow input).
 * `inputBytes` scales the time and memory budgets; `passes` says how many
 * times `run` processes the whole input (a parse → build → parse round trip
 * is several), multiplying the time budget.
 */
export function guard(label: string, run: () => void, inputBytes = 0, passes = 1): void {
  onInput?.();
  const before = heapNow();
  const start = performance.now();
  run();
  const ms = performance.now() - start;
  checkAllocation(label, heapNow() - before, ms, inputBytes);
  const budget = passes * (TIME_BUDGET_MS + inputBytes * TIME_PER_BYTE_MS) * timeScale;
  if (ms > budget) {
    let best = ms;
    for (let i = 0; i < 2 && best > budget; i++) {
      const again = performance.now();
      run();
      best = Math.min(best, performance.now() - again);
    }
    overBudget(label, best, budget, inputBytes);
  }
}

/** Async {@link guard}, for the client (its work spans event-loop turns). */
export async function guardAsync(label: string, run: () => Promise<void>, inputBytes = 0): Promise<void> {
  onInput?.();
  const before = heapNow();
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  checkAllocation(label, heapNow() - before, ms, inputBytes);
  const budget = (TIME_BUDGET_MS + inputBytes * TIME_PER_BYTE_MS) * timeScale;
  if (ms > budget) {
    let best = ms;
    for (let i = 0; i < 2 && best > budget; i++) {
      const again = performance.now();
      await run();
      best = Math.min(best, performance.now() - again);
    }
    overBudget(label, best, budget, inputBytes);
  }
}

function checkAllocation(label: string, allocation: number, ms: number, inputBytes: number): void {
  record(ms, allocation);
  const limit = ALLOCATION_LIMIT + ALLOCATION_PER_BYTE * inputBytes;
  if (allocation > limit) {
    throw new FuzzFailure(
      `${label}: memory rose by ${(allocation / 2 ** 20).toFixed(1)} MiB for one input of ${inputBytes} bytes (limit ${(limit / 2 ** 20).toFixed(1)} MiB)`,
    );
  }
}

/**
 * Multiplier of every time budget. `scripts/fuzz.ts` keeps 1 (a quadratic path
 * fails there); the seeded run inside `npm test` sets a large one, so only a
 * gross hang fails a test on a busy machine — speed is never asserted in tests.
 */
let timeScale = 1;
export function setTimeBudgetScale(scale: number): void {
  timeScale = scale;
}

function overBudget(label: string, best: number, budget: number, inputBytes: number): void {
  if (best > budget) {
    throw new FuzzFailure(
      `${label}: one input of ${inputBytes} bytes took ${best.toFixed(1)} ms on its fastest of 3 runs (budget ${budget.toFixed(0)} ms)`,
    );
  }
  stats.retriedSlow++;
}

// ---- targets ---------------------------------------------------------------

/** One fuzz target: a named fast-check property plus how much of a run it gets. */
export interface FuzzTarget {
  /** `area/what`, e.g. `framer/chunking`; `--only` matches on it. */
  readonly name: string;
  /** One line: what is generated and what is checked. */
  readonly description: string;
  /** Relative share of the inputs of a full `scripts/fuzz.ts` run. */
  readonly weight: number;
  /** Inputs in `npm test` (kept small: the unit suite's budget). */
  readonly unitRuns: number;
  /** Build the property (fresh state per run). */
  property(): fc.IRawProperty<unknown, boolean>;
}

/** Parameters of one run of a target. */
export interface RunOptions {
  numRuns: number;
  seed?: number;
  /** fast-check replay path, from a failure report. */
  path?: string;
}

/** What {@link runTarget} reports. */
export interface TargetReport {
  name: string;
  numRuns: number;
  numSkips: number;
  failed: boolean;
  seed: number;
  path: string | null;
  /** The (shrunk) counterexample, previewed. */
  counterexample: string | null;
  error: string | null;
  ms: number;
  stats: GuardStats;
  /** Heap + external growth over the whole target after a forced GC, bytes (null when GC is not available). */
  retainedGrowth: number | null;
}

/** Run one target with fast-check; never throws for a property failure (see `failed`). */
export async function runTarget(target: FuzzTarget, options: RunOptions): Promise<TargetReport> {
  const hasGc = forceGc();
  const baseline = heapNow();
  takeStats();
  const start = performance.now();
  const details = await fc.check(target.property(), {
    numRuns: options.numRuns,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
    endOnFailure: false,
  });
  const ms = performance.now() - start;
  let retainedGrowth: number | null = null;
  if (hasGc) {
    forceGc();
    retainedGrowth = heapNow() - baseline;
  }
  const report: TargetReport = {
    name: target.name,
    numRuns: details.numRuns,
    numSkips: details.numSkips,
    failed: details.failed,
    seed: details.seed,
    path: details.counterexamplePath,
    counterexample: details.counterexample === null ? null : preview(details.counterexample),
    error: details.failed ? errorText(details.errorInstance, details.failed && details.counterexample === null) : null,
    ms,
    stats: takeStats(),
    retainedGrowth,
  };
  if (!report.failed && retainedGrowth !== null && retainedGrowth > ALLOCATION_LIMIT) {
    report.failed = true;
    report.error = `memory retained after the target grew by ${(retainedGrowth / 2 ** 20).toFixed(1)} MiB (limit ${ALLOCATION_LIMIT / 2 ** 20} MiB): a leak`;
  }
  return report;
}

function errorText(error: unknown, tooManySkips: boolean): string {
  if (tooManySkips) return 'too many skipped inputs (generator rarely produces usable values)';
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `\n  cause: ${error.cause.stack ?? error.cause.message}` : '';
    return `${error.stack ?? error.message}${cause}`;
  }
  return String(error);
}
