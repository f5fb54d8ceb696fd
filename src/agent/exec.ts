/**
 * Run a program in the guest: `guest-exec`, then `guest-exec-status` polled
 * with a bounded backoff until it exits. qemu-ga (7.2 here) hands the output
 * over only once the process has exited, base64 in one JSON reply, which
 * travels in one RPC string of at most 4 MiB: stdin and output are bounded
 * well below that.
 *
 * @module
 */
import { AbortError, GuestExecError, InvalidArgumentError, TimeoutError } from '../errors/index.js';
import { Budget } from '../runtime/index.js';
import { agentCall, unabortable } from './command.js';
import type { AgentCallOptions, AgentRun } from './context.js';
import { log } from './log.js';

/** Most stdin bytes one exec may send (base64 of it travels in one RPC string of at most 4 MiB). */
export const MAX_EXEC_INPUT_BYTES = 2 * 1024 * 1024;
/** Most output bytes (stdout + stderr) one exec can return, for the same reason. */
export const MAX_EXEC_OUTPUT_BYTES = 2 * 1024 * 1024;
/** Time given to killing a command after its timeout or abort (ms). */
const KILL_GRACE_MS = 15_000;

/** Options of {@link AgentManager.exec}. */
export interface ExecOptions extends AgentCallOptions {
  /** Bytes (or UTF-8 text) for the command's stdin, at most {@link MAX_EXEC_INPUT_BYTES}. @default none (stdin is empty) */
  input?: Buffer | Uint8Array | string;
  /** Environment of the command (replaces the agent's). @default the agent's */
  env?: Readonly<Record<string, string>>;
  /** Keep at most this many bytes of stdout and of stderr each; more is cut and flagged `…Truncated`. @default 1048576 */
  maxBuffer?: number;
  /** Throw {@link GuestExecError} when the command exits non-zero or a signal ends it. @default false */
  check?: boolean;
}

/** How a command run in the guest ended. */
export interface ExecResult {
  /** The process id in the guest. */
  pid: number;
  /** Exit code; `undefined` when a signal ended it. */
  exitCode: number | undefined;
  /** The signal that ended it, when one did. */
  signal: number | undefined;
  stdout: Buffer;
  stderr: Buffer;
  /** The agent (16 MiB) or `maxBuffer` cut stdout. */
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

export interface ExecStatus {
  exited?: boolean;
  exitcode?: number;
  signal?: number;
  'out-data'?: string;
  'err-data'?: string;
  'out-truncated'?: boolean;
  'err-truncated'?: boolean;
}

/** Check argv and options before anything is sent. @throws {@link InvalidArgumentError} */
export function checkExec(argv: unknown, options: ExecOptions): { path: string; args: Record<string, unknown>; maxBuffer: number } {
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string' && !a.includes('\0'))) {
    throw new InvalidArgumentError("argv must be a non-empty array of strings, the program first: ['/bin/sh', '-c', 'id']", {
      path: 'argv',
    });
  }
  const [path, ...rest] = argv as string[];
  if (path === undefined || path.length === 0) throw new InvalidArgumentError('argv[0] must name the program', { path: 'argv[0]' });
  const args: Record<string, unknown> = { path, arg: rest, 'capture-output': true };
  if (options.input !== undefined) {
    const input = typeof options.input === 'string' ? Buffer.from(options.input) : Buffer.from(options.input as Uint8Array);
    if (!(typeof options.input === 'string' || options.input instanceof Uint8Array)) {
      throw new InvalidArgumentError('input must be a Buffer, Uint8Array or string', { path: 'input' });
    }
    if (input.length > MAX_EXEC_INPUT_BYTES) {
      throw new InvalidArgumentError(`input is ${input.length} bytes; at most ${MAX_EXEC_INPUT_BYTES} (use writeFile for more)`, {
        path: 'input',
      });
    }
    args['input-data'] = input.toString('base64');
  }
  if (options.env !== undefined) {
    if (typeof options.env !== 'object' || options.env === null)
      throw new InvalidArgumentError('env must be an object of strings', { path: 'env' });
    args.env = Object.entries(options.env).map(([k, v]) => {
      if (k.length === 0 || k.includes('=') || typeof v !== 'string')
        throw new InvalidArgumentError('env names must be non-empty without "=", values strings', { path: `env.${k}` });
      return `${k}=${v}`;
    });
  }
  const maxBuffer = options.maxBuffer ?? 1024 * 1024;
  if (!Number.isSafeInteger(maxBuffer) || maxBuffer < 0 || maxBuffer > MAX_EXEC_OUTPUT_BYTES) {
    throw new InvalidArgumentError(`maxBuffer must be an integer from 0 to ${MAX_EXEC_OUTPUT_BYTES}`, { path: 'maxBuffer' });
  }
  return { path, args, maxBuffer };
}

export function pidOf(value: unknown): number {
  const pid = (value as { pid?: unknown } | null)?.pid;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid)) throw new TypeError('guest-exec returned no pid');
  return pid;
}

function output(b64: string | undefined, max: number): { data: Buffer; cut: boolean } {
  const data = Buffer.from(b64 ?? '', 'base64');
  return data.length > max ? { data: data.subarray(0, max), cut: true } : { data, cut: false };
}

/** Poll `guest-exec-status` until the process exited: 50 ms, doubling, at most `pollInterval`. */
export async function waitExited(run: AgentRun, pid: number): Promise<ExecStatus> {
  let pause = 50;
  for (;;) {
    const status = (await agentCall(
      run,
      'guest-exec-status',
      { pid },
      { what: `waiting for pid ${pid} to exit in the guest` },
    )) as ExecStatus;
    if (status.exited === true) return status;
    await run.budget.sleep(pause, `waiting for pid ${pid} to exit in the guest`);
    pause = Math.min(pause * 2, run.ctx.pollInterval);
  }
}

/**
 * Kill `pid` in the guest with the guest's own `kill` (the agent has no
 * command for it) and reap its status so the agent forgets it. Best effort:
 * a guest without `kill` in qemu-ga's PATH keeps the process running.
 */
export async function killInGuest(run: AgentRun, pid: number): Promise<boolean> {
  const grace: AgentRun = { ...run, budget: new Budget(KILL_GRACE_MS) };
  try {
    const killer = pidOf(await agentCall(grace, 'guest-exec', { path: 'kill', arg: ['-KILL', String(pid)], 'capture-output': true }));
    await waitExited(grace, killer);
    await waitExited(grace, pid);
    return true;
  } catch (error) {
    log(run.ctx.logger, 'warn', 'could not kill a timed-out command in the guest', { domain: run.ref.name, pid, error: String(error) });
    return false;
  }
}

/** Run `argv` in the guest and collect its result. */
export async function exec(run: AgentRun, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
  const { path, args, maxBuffer } = checkExec(argv, options);
  run.budget.check(`starting ${path} in the guest`);
  // Awaited past an abort: the pid is what lets the abort kill the process (waitExited then throws at once).
  const pid = pidOf(await agentCall(unabortable(run), 'guest-exec', args, { what: `starting ${path} in the guest` }));
  let status: ExecStatus;
  try {
    status = await waitExited(run, pid);
  } catch (error) {
    if (error instanceof TimeoutError || error instanceof AbortError) {
      const killed = await killInGuest(run, pid);
      const message = `${error.message}; ${killed ? `killed pid ${pid} in the guest` : `pid ${pid} may still run in the guest`}`;
      throw error instanceof TimeoutError
        ? new TimeoutError(error.timeout, message, { cause: error })
        : new AbortError(message, { cause: error });
    }
    throw error;
  }
  const out = output(status['out-data'], maxBuffer);
  const err = output(status['err-data'], maxBuffer);
  const result: ExecResult = {
    pid,
    exitCode: status.exitcode,
    signal: status.signal,
    stdout: out.data,
    stderr: err.data,
    stdoutTruncated: out.cut || status['out-truncated'] === true,
    stderrTruncated: err.cut || status['err-truncated'] === true,
  };
  if (options.check === true && (result.exitCode !== 0 || result.signal !== undefined)) {
    const how = result.signal !== undefined ? `was killed by signal ${result.signal}` : `exited with code ${result.exitCode}`;
    throw new GuestExecError(
      {
        path,
        killed: false,
        stdout: result.stdout,
        stderr: result.stderr,
        ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
        ...(result.signal === undefined ? {} : { signal: result.signal }),
      },
      `${path} ${how} in the guest`,
    );
  }
  return result;
}
