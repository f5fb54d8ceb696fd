/**
 * How the CLI prints: machine output is JSON on stdout (bigints as numbers
 * when exact, else strings), errors go to stderr — as one JSON object with
 * `--json`, so a script can parse both streams.
 *
 * @module
 */
import { InvalidArgumentError, LibvirtError, LibvirtManagerError, XmlParseError } from '../index.js';
import { MigrationError } from '../migration/index.js';
import { exitCodeOf } from './exit-codes.js';

/** `JSON.stringify` that survives libvirt's 64-bit counters and shows errors inside results (a teardown's `errors`). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') {
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    }
    return v instanceof Error ? errorJson(v).error : v;
  });
}

/** The JSON error object written to stderr with `--json`. */
export interface CliErrorJson {
  error: {
    /** Error class, e.g. `'DomainNotFoundError'`. */
    name: string;
    /** The SDK's string code or libvirt's number. */
    code: string | number | undefined;
    /** libvirt's code name (`'VIR_ERR_NO_DOMAIN'`), for libvirt's errors. */
    codeName?: string;
    message: string;
    /** The offending field, for argument and spec errors (`'disks[0].size'`); the first one's when there are several. */
    path?: string;
    /** Every problem, when a spec had several (`path` and `message` are the first one's). */
    issues?: { path?: string; message: string }[];
    /** Why a migration failed (`MigrationError.reason`: `'destination-unreachable'`, `'destination-storage'`…). */
    reason?: string;
    exitCode: number;
  };
}

/** The error as {@link CliErrorJson}. */
export function errorJson(error: unknown): CliErrorJson {
  const base = error instanceof Error ? error : new Error(String(error));
  const path = error instanceof InvalidArgumentError || error instanceof XmlParseError ? error.path : undefined;
  const problems = issuesOf(error);
  return {
    error: {
      name: base.name,
      code: error instanceof LibvirtManagerError ? error.code : undefined,
      ...(error instanceof LibvirtError ? { codeName: error.codeName } : {}),
      message: messageOf(error),
      ...(path === undefined ? {} : { path }),
      ...(problems.length > 1 ? { issues: problems.map((i) => (i.path === undefined ? { message: i.message } : { ...i })) } : {}),
      ...(error instanceof MigrationError ? { reason: error.reason } : {}),
      exitCode: exitCodeOf(error),
    },
  };
}

/** The message, with the field path in front when the SDK gave one the message does not already name. */
export function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const path = error instanceof InvalidArgumentError ? error.path : undefined;
  return path === undefined || message.includes(path) ? message : `${path}: ${message}`;
}

/** The problems of an `InvalidArgumentError` (a spec with several mistakes has several); none for other errors. */
function issuesOf(error: unknown): readonly { path: string | undefined; message: string }[] {
  return error instanceof InvalidArgumentError ? error.issues : [];
}

/**
 * What stderr gets in human mode: one line, or for a spec with several
 * problems a header line and every problem on a line of its own (all of
 * them: the error's message lists at most 20).
 */
export function errorLine(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const problems = issuesOf(error);
  if (problems.length <= 1) return `libvirt-manager: ${name}: ${messageOf(error)}`;
  return [`libvirt-manager: ${name}: ${problems.length} problems:`, ...problems.map((i) => `  ${i.message}`)].join('\n');
}

/** Rows as an aligned text table (header first). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('   ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Bytes as KiB/MiB/GiB for humans. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
