/**
 * Running `libvirt-manager` as a subprocess, the way a shell script does:
 * `node <bundle>`, src/cli/main.ts bundled once per test file with esbuild (the
 * test suite has no build step; the built bin is run by scripts/pack-check.mjs
 * from the packed tarball). Bundled rather than `node --import tsx`: tsx
 * transpiles the whole SDK in every run (2–5 s each, ~30 runs per file).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/libvirt.js';

const MAIN = join(ROOT, 'src/cli/main.ts');
// Inside node_modules so the bundle's external imports (xstate, xmlbuilder2, yaml…) resolve from the project.
const BUNDLE_DIR = join(ROOT, 'node_modules/.cache/libvirt-manager-cli-test');
const BUNDLE = join(BUNDLE_DIR, `cli-${process.pid}.mjs`);
mkdirSync(BUNDLE_DIR, { recursive: true });
execFileSync(
  join(ROOT, 'node_modules/.bin/esbuild'),
  [MAIN, '--bundle', '--platform=node', '--format=esm', '--packages=external', '--log-level=warning', `--outfile=${BUNDLE}`],
  { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
);
process.once('exit', () => rmSync(BUNDLE, { force: true }));
/** `node <bundle>`: one process (no wrapper between the test and the CLI), so signals reach the CLI itself. */
const NODE_ARGS = [BUNDLE];

/** What a run printed and how it ended. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment of every run: no URI from the caller's shell unless a test sets one. */
function cliEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base['LIBVIRT_URI'];
  delete base['LIBVIRT_DEFAULT_URI'];
  return { ...base, ...env };
}

/** Run the CLI to its end (bounded by `timeoutMs`). */
export function cli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...NODE_ARGS, ...args],
      { cwd: ROOT, env: cliEnv(options.env), timeout: options.timeoutMs ?? 120_000, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`libvirt-manager ${args.join(' ')}: ${error.message}; stderr: ${stderr}`));
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

/** Run the CLI and parse its stdout as JSON, failing with its stderr when it did not exit 0. */
export async function cliJson<T = unknown>(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<T> {
  const run = await cli([...args, '--json'], options);
  if (run.code !== 0) throw new Error(`libvirt-manager ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** A long-running CLI (`events`): its output as it comes, and its end. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when `predicate` holds for the output so far; rejects after `timeoutMs` or if the process ends first. */
  until(predicate: (out: { stdout: string; stderr: string }) => boolean, timeoutMs: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start the CLI and return at once. */
export function startCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: ROOT,
    env: cliEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const l of listeners) l();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    for (const l of listeners) l();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      for (const l of listeners) l();
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    until(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (predicate({ stdout: out, stderr: err })) done(resolve);
          else if (child.exitCode !== null || child.signalCode !== null) done(() => reject(new Error(`exited first; stderr: ${err}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`not seen within ${timeoutMs} ms; stdout: ${out} stderr: ${err}`))),
          timeoutMs,
        );
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
  };
}
