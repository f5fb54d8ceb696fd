/**
 * The compensation log of a create: every side effect is a named step that
 * records how to undo it. On failure the undos run in reverse order, touch
 * only what the log holds, and every failure of an undo is collected instead
 * of stopping the rollback.
 *
 * @module
 */
import { AbortError, ConnectionClosedError, TimeoutError } from '../errors/index.js';
import { asAbortError, throwIfAborted } from '../runtime/index.js';

/** What the log's aborts name. */
const WHAT = 'the create';

/** How one undo ended. */
export type UndoOutcome = 'undone' | 'already-gone';

/** An undo that ran. */
export interface RollbackStep {
  /** Step id, e.g. `'define'` or `'volume:web-1-disk0.qcow2'`. */
  step: string;
  /** What the step had done, e.g. `create volume default/web-1-disk0.qcow2`. */
  description: string;
  /** `'undone'`, or `'already-gone'` when there was nothing left to undo. */
  outcome: UndoOutcome;
  /**
   * The step's own call failed in a way that leaves its effect unknown (aborted, timed out, connection lost):
   * the undo looked for what it might have made.
   */
  uncertain: boolean;
}

/** An undo that failed: what it should have removed may still exist. */
export interface RollbackFailure {
  step: string;
  description: string;
  uncertain: boolean;
  error: unknown;
}

/**
 * What a rollback did, attached to the error a failed create throws
 * (`error.rollback`, or {@link getRollbackReport}).
 *
 * @example
 * try { await creator.create(spec); } catch (error) {
 *   const report = getRollbackReport(error);
 *   if (report && !report.complete) for (const f of report.failed) log.error(f.description, f.error);
 * }
 */
export interface RollbackReport {
  /** Undos that succeeded, in the order they ran (newest step first). */
  undone: RollbackStep[];
  /** Undos that failed, in the order they ran. */
  failed: RollbackFailure[];
  /** `true` when every undo succeeded: nothing this create made is left. */
  complete: boolean;
}

/** How to undo a step. */
export interface Compensation<T> {
  /** Undo a step that succeeded. */
  undo: (result: T) => Promise<UndoOutcome>;
  /**
   * Undo a step whose call failed with an unknown outcome (aborted, timed out, connection lost): libvirt may
   * have carried it out anyway. Must find what the step would have made, and only that.
   */
  ifUncertain?: () => Promise<UndoOutcome>;
}

/** Options of {@link CompensationLog}. */
export interface CompensationLogOptions {
  /** Checked before each step: an abort stops the create between steps. */
  signal?: AbortSignal;
  /** @internal Test hook: runs before each step; throwing fails that step. */
  beforeStep?: (step: string) => void | Promise<void>;
  /** Called as each step starts. */
  onStep?: (step: string, description: string) => void;
}

interface Entry {
  step: string;
  description: string;
  uncertain: boolean;
  undo: () => Promise<UndoOutcome>;
}

/**
 * How many times one undo runs when it keeps failing with a lost connection
 * (`ConnectionClosedError`). A daemon killed mid-rollback would otherwise
 * leave behind what the undo was removing: a volume, once the domain that
 * recorded it is already undefined, has no ownership record left to find it by.
 */
export const UNDO_ATTEMPTS = 3;

/** `true` for errors after which libvirt may or may not have done what was asked. */
export function outcomeUnknown(error: unknown): boolean {
  return error instanceof AbortError || error instanceof TimeoutError || error instanceof ConnectionClosedError;
}

/**
 * A log of the side effects of one operation, each with its undo.
 *
 * @example
 * const log = new CompensationLog({ signal });
 * const vol = await log.step('volume:a', 'create volume a', () => create(), { undo: (ref) => remove(ref) });
 * // on failure:
 * const report = await log.rollback();
 */
export class CompensationLog {
  readonly #entries: Entry[] = [];
  readonly #options: CompensationLogOptions;
  readonly #started: string[] = [];

  constructor(options: CompensationLogOptions = {}) {
    this.#options = options;
  }

  /** Ids of the steps started so far, in order. */
  get steps(): readonly string[] {
    return this.#started;
  }

  /** Undos waiting in the log. */
  get pending(): number {
    return this.#entries.length;
  }

  /**
   * Run one step. The abort signal is checked first; on success its undo is
   * logged; on a failure with an unknown outcome the `ifUncertain` undo is.
   *
   * @throws whatever `run` (or the test hook) throws; {@link AbortError} when the signal fired before the step.
   */
  async step<T>(step: string, description: string, run: () => Promise<T>, compensation?: Compensation<T>): Promise<T> {
    await this.#options.beforeStep?.(step);
    throwIfAborted(this.#options.signal, WHAT);
    this.#started.push(step);
    this.#options.onStep?.(step, description);
    let result: T;
    try {
      result = await run();
    } catch (raw) {
      const error = asAbortError(raw, this.#options.signal, WHAT);
      if (compensation?.ifUncertain !== undefined && outcomeUnknown(error)) {
        this.#entries.push({ step, description, uncertain: true, undo: compensation.ifUncertain });
      }
      throw error;
    }
    if (compensation !== undefined) this.#entries.push({ step, description, uncertain: false, undo: () => compensation.undo(result) });
    return result;
  }

  /**
   * Run every logged undo, newest first; collect failures and go on. An undo
   * that fails because the connection was lost (libvirtd restarted under it)
   * is run again, up to {@link UNDO_ATTEMPTS} times in all: the next attempt
   * waits for the reconnect, and undos are idempotent (a thing already gone
   * is `'already-gone'`). The log is empty afterwards.
   */
  async rollback(): Promise<RollbackReport> {
    const undone: RollbackStep[] = [];
    const failed: RollbackFailure[] = [];
    while (this.#entries.length > 0) {
      const { step, description, uncertain, undo } = this.#entries.pop()!;
      for (let attempt = 1; ; attempt++) {
        try {
          undone.push({ step, description, uncertain, outcome: await undo() });
          break;
        } catch (error) {
          if (error instanceof ConnectionClosedError && attempt < UNDO_ATTEMPTS) continue;
          failed.push({ step, description, uncertain, error });
          break;
        }
      }
    }
    return { undone, failed, complete: failed.length === 0 };
  }
}

const REPORTS = new WeakMap<object, RollbackReport>();

/**
 * Attach a rollback report to the error that caused it, as a non-enumerable
 * `rollback` property. A thrown non-object is wrapped in an `Error` first.
 *
 * @returns the error to throw (the original one whenever it is an object)
 */
export function attachRollback(error: unknown, report: RollbackReport): Error {
  const target = typeof error === 'object' && error !== null ? (error as Error) : new Error(String(error), { cause: error });
  REPORTS.set(target, report);
  try {
    Object.defineProperty(target, 'rollback', { value: report, enumerable: false, configurable: true, writable: true });
  } catch {
    // A frozen error: the WeakMap still answers getRollbackReport.
  }
  return target;
}

function looksLikeReport(value: unknown): value is RollbackReport {
  const r = value as RollbackReport | undefined;
  return typeof r === 'object' && r !== null && Array.isArray(r.undone) && Array.isArray(r.failed) && typeof r.complete === 'boolean';
}

/**
 * The rollback report of an error thrown by `VmCreator.create`, or
 * `undefined` when the error came before anything was made (validation, a
 * name that exists) or from elsewhere.
 *
 * @example
 * catch (error) { const report = getRollbackReport(error); if (report?.complete === false) alert(report.failed); }
 * @see RollbackReport
 */
export function getRollbackReport(error: unknown): RollbackReport | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const report = REPORTS.get(error) ?? (error as { rollback?: unknown }).rollback;
  return looksLikeReport(report) ? report : undefined;
}
