/**
 * The streaming form of exec, for POSIX guests. qemu-ga 7.2 hands a
 * command's output over only once it has exited, so streaming cannot come
 * from `guest-exec-status`. Instead the command runs under the guest's shell
 * with stdout and stderr sent to two files in the guest, and the SDK reads
 * those files as they grow (`guest-file-seek` to where it stopped, which
 * clears the stream's end-of-file, then `guest-file-read`). A stream whose
 * consumer is not reading is not read from the guest either: the output
 * waits in the guest's file (back-pressure). The files are removed when both
 * streams are done, also on error and abort.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { AbortError, InvalidArgumentError, TimeoutError } from '../errors/index.js';
import { Budget } from '../runtime/index.js';
import { agentCall, unabortable } from './command.js';
import type { AgentCallOptions, AgentRun } from './context.js';
import { type ExecStatus, checkExec, killInGuest, pidOf, waitExited } from './exec.js';
import { log } from './log.js';

/** Bytes per read of an output file. */
const CHUNK = 256 * 1024;
/** Time given to cleaning up in the guest after an error or abort (ms). */
const CLEANUP_GRACE_MS = 10_000;

/** Options of {@link AgentManager.execStream}. */
export interface ExecStreamOptions extends AgentCallOptions {
  /** Bytes (or UTF-8 text) for stdin, as for `exec`. */
  input?: Buffer | Uint8Array | string;
  /** Environment of the command (replaces the agent's). */
  env?: Readonly<Record<string, string>>;
  /** The guest's POSIX shell, which redirects the output. @default '/bin/sh' */
  shell?: string;
  /** A directory in the guest for the two output files (removed afterwards). @default '/tmp' */
  tempDir?: string;
}

/** A command running in the guest, its output as streams. */
export interface GuestProcess {
  /** The shell's pid in the guest (it `exec`s the command, so also the command's). */
  readonly pid: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves when the command has exited (its output may still be flowing); rejects on timeout, abort or error. */
  readonly exited: Promise<{ exitCode: number | undefined; signal: number | undefined }>;
  /** Resolves (never rejects) once both streams are done and the output files are gone from the guest. */
  readonly finished: Promise<void>;
}

/** One output file being followed. */
interface Followed {
  readonly path: string;
  readonly stream: Readable;
  handle: number | undefined;
  position: number;
  /** The consumer asked for more. */
  wanted: boolean;
  done: boolean;
}

/** Start `argv` with its output streamed. */
export async function execStream(run: AgentRun, argv: readonly string[], options: ExecStreamOptions): Promise<GuestProcess> {
  const shell = options.shell ?? '/bin/sh';
  const dir = options.tempDir ?? '/tmp';
  for (const [path, v] of [
    ['shell', shell],
    ['tempDir', dir],
  ] as const) {
    if (typeof v !== 'string' || !v.startsWith('/'))
      throw new InvalidArgumentError(`${path} must be an absolute path in the guest`, { path });
  }
  const { args } = checkExec(argv, options);
  const base = `${dir.replace(/\/+$/, '')}/lvm-exec-${randomBytes(6).toString('hex')}`;
  const files = [`${base}.out`, `${base}.err`] as const;
  const out = followed(files[0]);
  const err = followed(files[1]);
  const cleanup = once(() => removeFiles(run, [out, err]));
  try {
    for (const f of [out, err]) {
      // Created before the command starts, so they can be opened (and followed) at once.
      // Awaited past an abort (unabortable): a handle the SDK knows is one its cleanup closes.
      f.handle = handleOf(await agentCall(unabortable(run), 'guest-file-open', { path: f.path, mode: 'w+' }));
    }
    const script = 'o=$1; e=$2; shift 2; exec "$@" >"$o" 2>"$e"';
    const started = {
      ...args,
      path: shell,
      arg: ['-c', script, 'sh', files[0], files[1], args.path as string, ...(args.arg as string[])],
      'capture-output': false,
    };
    run.budget.check(`starting ${argv[0] ?? ''} in the guest`);
    // Awaited past an abort: with its pid, the follower's first step sees the abort and kills the process.
    const pid = pidOf(await agentCall(unabortable(run), 'guest-exec', started, { what: `starting ${argv[0] ?? ''} in the guest` }));
    const { exited, finished } = follow(run, pid, [out, err], cleanup);
    exited.catch(() => undefined); // the caller may only read the streams; they carry the error too
    return { pid, stdout: out.stream, stderr: err.stream, exited, finished };
  } catch (error) {
    // Never handed out: destroyed with an error, each would emit 'error' with no listener, an uncaught exception.
    for (const f of [out, err]) f.stream.destroy();
    await cleanup();
    throw error;
  }
}

function followed(path: string): Followed {
  const f: Followed = {
    path,
    handle: undefined,
    position: 0,
    wanted: false,
    done: false,
    stream: new Readable({
      highWaterMark: CHUNK,
      read() {
        f.wanted = true;
      },
    }),
  };
  return f;
}

function handleOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError('guest-file-open returned no handle');
  return value;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

/** Read what `f`'s file gained since the last read; returns the bytes read. */
async function readMore(run: AgentRun, f: Followed): Promise<number> {
  // fread's end-of-file is sticky: seeking to where we are clears it, so a grown file reads on.
  await agentCall(run, 'guest-file-seek', { handle: f.handle, offset: f.position, whence: 'set' });
  const reply = (await agentCall(run, 'guest-file-read', { handle: f.handle, count: CHUNK })) as { 'buf-b64'?: string };
  const data = Buffer.from(reply['buf-b64'] ?? '', 'base64');
  f.position += data.length;
  if (data.length > 0) f.wanted = f.stream.push(data);
  return data.length;
}

/** Poll the process and its files until it exited and both files are drained (or a stream was destroyed). */
function follow(
  run: AgentRun,
  pid: number,
  files: Followed[],
  cleanup: () => Promise<void>,
): { exited: Promise<{ exitCode: number | undefined; signal: number | undefined }>; finished: Promise<void> } {
  let status: ExecStatus | undefined;
  let settle!: (v: { exitCode: number | undefined; signal: number | undefined }) => void;
  let fail!: (e: unknown) => void;
  const exited = new Promise<{ exitCode: number | undefined; signal: number | undefined }>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const finished = (async () => {
    let pause = 50;
    try {
      for (;;) {
        if (status === undefined) {
          const s = (await agentCall(run, 'guest-exec-status', { pid })) as ExecStatus;
          if (s.exited === true) {
            status = s;
            settle({ exitCode: s.exitcode, signal: s.signal });
          }
        }
        let got = 0;
        for (const f of files) {
          if (f.done || f.stream.destroyed) continue;
          if (!f.wanted) continue;
          const n = await readMore(run, f);
          got += n;
          if (n === 0 && status !== undefined) {
            f.done = true;
            f.stream.push(null);
          }
        }
        if (files.every((f) => f.done || f.stream.destroyed) && status !== undefined) break;
        if (got === 0) {
          await run.budget.sleep(pause, `following pid ${pid} in the guest`);
          pause = Math.min(pause * 2, run.ctx.pollInterval);
        } else pause = 50;
      }
    } catch (error) {
      let reported = error;
      if (status === undefined && (error instanceof TimeoutError || error instanceof AbortError)) {
        const killed = await killInGuest(run, pid);
        const message = `${error.message}; ${killed ? `killed pid ${pid} in the guest` : `pid ${pid} may still run in the guest`}`;
        reported =
          error instanceof TimeoutError
            ? new TimeoutError(error.timeout, message, { cause: error })
            : new AbortError(message, { cause: error });
      }
      fail(reported);
      for (const f of files) if (!f.done) f.stream.destroy(reported as Error);
    } finally {
      await cleanup();
    }
  })();
  return { exited, finished };
}

/** Close the handles and delete the files (best effort, within a budget of its own: the run's may be spent). */
async function removeFiles(run: AgentRun, files: Followed[]): Promise<void> {
  const grace: AgentRun = { ...run, budget: new Budget(CLEANUP_GRACE_MS) };
  try {
    for (const f of files) {
      if (f.handle !== undefined) await agentCall(grace, 'guest-file-close', { handle: f.handle });
      f.handle = undefined;
    }
    const rm = pidOf(await agentCall(grace, 'guest-exec', { path: 'rm', arg: ['-f', ...files.map((f) => f.path)] }));
    await waitExited(grace, rm);
  } catch (error) {
    log(run.ctx.logger, 'warn', 'could not remove the output files of a streamed command in the guest', {
      domain: run.ref.name,
      files: files.map((f) => f.path),
      error: String(error),
    });
  }
}
