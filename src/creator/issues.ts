/**
 * Collecting a spec's problems instead of stopping at the first: each field's
 * checks run inside {@link SpecIssues.field}; the first spec error they throw
 * is recorded and ends that field's checks only (a type check guards the
 * range check after it), and the other fields are still checked. At the end,
 * {@link SpecIssues.throwIfAny} throws them as one `InvalidArgumentError`
 * (`ERR_LIBVIRT_INVALID_SPEC`) whose `path` and first message line are the
 * first problem's, in the order a first-error check would have met them.
 *
 * A check that throws several problems at once (a nested collector, all
 * unknown keys of an object) has each recorded. A rule across fields runs
 * only when the fields it reads passed (`undefined` back from `field`).
 *
 * @module
 */
import { specError } from './errors.js';
import { ErrorCode, InvalidArgumentError, errorOfIssues, type InvalidArgumentIssue } from '../errors/index.js';

/**
 * Most problems collected before checking stops: a spec is bounded (4096
 * devices, lists of a few million cloud-init entries), its list of problems
 * is too, well before it costs memory.
 */
export const MAX_SPEC_ISSUES = 1000;

function isSpecError(error: unknown): error is InvalidArgumentError {
  return error instanceof InvalidArgumentError && error.code === ErrorCode.INVALID_SPEC;
}

/**
 * The problems of one spec (or of one part of it, when a builder that is also
 * public, such as `buildCloudConfig`, collects its own).
 *
 * @example
 * const issues = new SpecIssues();
 * const memory = issues.field(() => parseSize(spec.memory, { path: 'memory' }));
 * issues.field(() => checkVcpus(spec.vcpus));
 * if (memory !== undefined) issues.field(() => checkNuma(spec.numa, memory)); // needs a valid memory
 * issues.throwIfAny();
 */
export class SpecIssues {
  readonly #issues: InvalidArgumentIssue[] = [];
  #first: InvalidArgumentError | undefined;
  /** The error thrown to stop early: passed through, never recorded twice, when an enclosing `field` sees it. */
  #stop: InvalidArgumentError | undefined;

  /** Problems recorded so far. */
  get count(): number {
    return this.#issues.length;
  }

  /**
   * Run the checks of one field. A spec error they throw is recorded (each of
   * its `issues`) and `undefined` returned; any other error is thrown — or,
   * when problems are already recorded, those are thrown instead (the spec is
   * refused anyway, and a later check may have tripped on what they found).
   */
  field<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      this.record(error);
      return undefined;
    }
  }

  /** Run `check` as {@link field} does; `true` when it passed. */
  passes(check: () => void): boolean {
    const before = this.#issues.length;
    this.field(check);
    return this.#issues.length === before;
  }

  /** Record a problem at `path` unless `ok`; returns `ok`. */
  expect(ok: boolean, path: string, message: string): boolean {
    if (!ok) this.record(specError(path, message));
    return ok;
  }

  /** Record `error` as {@link field} does (it throws when `error` is not a spec error). */
  record(error: unknown): void {
    if (error === this.#stop) throw error;
    if (!isSpecError(error)) {
      if (this.#issues.length > 0) throw this.#stopWith(false);
      throw error;
    }
    this.#first ??= error;
    for (const issue of error.issues) {
      this.#issues.push(issue);
      if (this.#issues.length >= MAX_SPEC_ISSUES) throw this.#stopWith(true);
    }
  }

  /**
   * Throw the recorded problems, if any: the first problem's own error when
   * there is only one (exactly what a first-error check throws), else one
   * error listing them all.
   *
   * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`)
   */
  throwIfAny(): void {
    if (this.#issues.length > 0) throw this.#error(false);
  }

  #stopWith(stopped: boolean): InvalidArgumentError {
    this.#stop = this.#error(stopped);
    return this.#stop;
  }

  #error(stopped: boolean): InvalidArgumentError {
    const first = this.#first!;
    if (this.#issues.length === 1 && !stopped) return first;
    return errorOfIssues(this.#issues, { code: ErrorCode.INVALID_SPEC, cause: first.cause, stopped });
  }
}
