/**
 * Spec errors of the creator: `InvalidArgumentError` with code
 * `ERR_LIBVIRT_INVALID_SPEC` and the spec `path` (`disks[1].size`). Messages
 * state the rule, never a secret value.
 *
 * @module
 */
import { ErrorCode, InvalidArgumentError, errorOfIssues, type InvalidArgumentIssue } from '../errors/index.js';

/** An `InvalidArgumentError` about spec field `path`. */
export function specError(path: string, message: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`${path}: ${message}`, { path, code: ErrorCode.INVALID_SPEC, ...(cause === undefined ? {} : { cause }) });
}

/** `issue` under another path; its message is rewritten when it starts with the old path (they all do). */
function renamed(issue: InvalidArgumentIssue, rename: (path: string) => string): InvalidArgumentIssue {
  if (issue.path === undefined) return issue;
  const path = rename(issue.path);
  const rest = issue.message.startsWith(`${issue.path}: `) ? issue.message.slice(issue.path.length + 2) : issue.message;
  return { path, message: `${path}: ${rest}` };
}

/**
 * Re-raise a spec error thrown by a builder that knows its input under another
 * path (`userData` → `cloudInit.userData`, `name` → `disks[0].name`); an error
 * with several problems has each renamed. Other errors pass through unchanged.
 */
export function prefixSpecError(error: unknown, prefix: string | ((path: string) => string)): unknown {
  if (!(error instanceof InvalidArgumentError) || error.path === undefined) return error;
  const rename = typeof prefix === 'string' ? (path: string) => (path === '' ? prefix : `${prefix}.${path}`) : prefix;
  if (error.issues.length > 1) {
    const issues = error.issues.map((issue) => renamed(issue, rename));
    return errorOfIssues(issues, { code: ErrorCode.INVALID_SPEC, cause: error.cause ?? error });
  }
  const path = rename(error.path);
  const rest = error.message.startsWith(`${error.path}: `) ? error.message.slice(error.path.length + 2) : error.message;
  return specError(path, rest, error);
}

/** Run `build`, re-raising its spec errors under `prefix`. */
export function underPath<T>(prefix: string | ((path: string) => string), build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw prefixSpecError(error, prefix);
  }
}

/** Show a non-secret value in a message: JSON-quoted and bounded. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 70 ? `${text.slice(0, 70)}…` : text);
}
