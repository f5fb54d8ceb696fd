/**
 * Several problems in one input, reported together: a spec with a bad
 * memory size, an unknown key and a bad disk is refused once, with all three,
 * instead of once per run. The error stays an `InvalidArgumentError` whose
 * `path` and first message line are the first problem's (what a first-error
 * check would have said); `issues` lists them all.
 *
 * @module
 */
import { InvalidArgumentError, type InvalidArgumentIssue } from './input-errors.js';
import type { ErrorCode } from './sdk-codes.js';

/** How many problems an error's message lists; `issues` holds every one. */
export const MAX_LISTED_ISSUES = 20;

/**
 * The message of an error with these problems: one line each, the first
 * first, at most {@link MAX_LISTED_ISSUES}, then how many more there are.
 * One problem gives its message unchanged.
 *
 * @param options.stopped - checking stopped early (too many problems): the count is a lower bound
 */
export function issuesMessage(issues: readonly InvalidArgumentIssue[], options: { stopped?: boolean } = {}): string {
  const lines = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => issue.message);
  const more = issues.length - lines.length;
  if (more > 0) lines.push(`… and ${more} more (${issues.length} problems in all: see error.issues)`);
  if (options.stopped === true) lines.push(`(checking stopped after ${issues.length} problems)`);
  return lines.join('\n');
}

/**
 * One `InvalidArgumentError` for `issues` (at least one): its `path` is the
 * first problem's, its message lists them ({@link issuesMessage}), its
 * `issues` holds them all. One problem gives the error a first-error check
 * would have thrown.
 *
 * @example throw errorOfIssues([{ path: 'memory', message: 'memory: must be at least 1 MiB' }, …], { code: ErrorCode.INVALID_SPEC });
 */
export function errorOfIssues(
  issues: readonly InvalidArgumentIssue[],
  options: {
    code: typeof ErrorCode.INVALID_ARGUMENT | typeof ErrorCode.INVALID_SPEC;
    cause?: unknown;
    stopped?: boolean;
  },
): InvalidArgumentError {
  const first = issues[0];
  if (first === undefined) throw new RangeError('errorOfIssues needs at least one issue');
  return new InvalidArgumentError(issuesMessage(issues, options), {
    code: options.code,
    ...(first.path === undefined ? {} : { path: first.path }),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
    ...(issues.length > 1 ? { issues } : {}),
  });
}
