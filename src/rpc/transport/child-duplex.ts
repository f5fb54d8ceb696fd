/**
 * A child process as a byte stream: its stdout is what we read, its stdin is
 * what we write. Used by the ssh and ext transports, where the libvirt
 * protocol travels through a program (`ssh … virt-ssh-helper`, `?command=`).
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Duplex, type Readable, type Writable } from 'node:stream';
import { TransportError } from '../../errors/index.js';
import { type DialOptions, errnoCode, withDeadline } from './dial-util.js';

/** Bytes of stderr kept for error messages when the option is not given. */
export const DEFAULT_STDERR_LIMIT = 4096;
/** Grace between SIGTERM and SIGKILL when the stream is destroyed. */
const KILL_GRACE_MS = 2000;

const noop = (): void => {};

/** The last `limit` bytes a process wrote to stderr. */
class StderrTail {
  #chunks: Buffer[] = [];
  #size = 0;
  #dropped = false;
  readonly #limit: number;
  constructor(limit: number) {
    this.#limit = limit;
  }
  add(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.#limit && this.#chunks.length > 0) {
      const first = this.#chunks[0] as Buffer;
      const excess = this.#size - this.#limit;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
      }
      this.#dropped = true;
    }
  }
  /** Printable text: control characters (terminal escapes included) become '?'. */
  text(): string {
    const raw = Buffer.concat(this.#chunks).toString('utf8').replace(/\r\n?/g, '\n');
    // eslint-disable-next-line no-control-regex
    const clean = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?').trim();
    return this.#dropped && clean !== '' ? `…${clean}` : clean;
  }
}

/** Builds the advice appended to a failure, from the exit status. */
export type ExitHint = (code: number | null, signal: NodeJS.Signals | null) => string | undefined;

/** What to run and how to describe it in errors. */
export interface SpawnDuplexOptions {
  /** Program to run (no shell is involved). */
  command: string;
  /** Its arguments. */
  args: readonly string[];
  /** Environment. @defaultValue `process.env` */
  env?: NodeJS.ProcessEnv;
  /** Names the process in messages, e.g. `ssh to kvm1`. */
  label: string;
  /** Advice for a failed exit. */
  hint?: ExitHint;
  /** Advice when the program cannot be started (not found, not executable). */
  spawnHint?: string;
  /** Bytes of stderr kept for the error message. @defaultValue 4096 */
  stderrLimit?: number;
}

/**
 * The Duplex over a running child. Ending it (`end()`) closes the child's stdin;
 * destroying it kills the child. When the child exits with a failure status
 * the stream is destroyed with a {@link TransportError} carrying the tail of
 * its stderr; a zero status is a clean end of stream.
 *
 * @example
 * ```ts
 * const stream = await createDialer(parseLibvirtUri('qemu+ssh://kvm1/system'))({});
 * stream.on('error', (err) => console.error(err.message)); // "ssh to kvm1 exited with status 255: …"
 * ```
 */
export class ChildProcessDuplex extends Duplex {
  readonly #child: ChildProcess;
  readonly #stdin: Writable;
  readonly #stdout: Readable;
  readonly #stderr: Readable;
  readonly #options: SpawnDuplexOptions;
  readonly #tail: StderrTail;
  #pipeError: Error | undefined;
  #pendingWrite: ((err?: Error | null) => void) | undefined;

  /** Wrap an already spawned child whose three stdio streams are pipes. */
  constructor(child: ChildProcess, options: SpawnDuplexOptions) {
    super({ allowHalfOpen: false });
    const { stdin, stdout, stderr } = child;
    if (stdin === null || stdout === null || stderr === null) {
      throw new TypeError('ChildProcessDuplex needs a child spawned with stdio pipes');
    }
    this.#child = child;
    this.#stdin = stdin;
    this.#stdout = stdout;
    this.#stderr = stderr;
    this.#options = options;
    this.#tail = new StderrTail(options.stderrLimit ?? DEFAULT_STDERR_LIMIT);
    stdout.on('data', this.#onData);
    stdout.on('error', this.#onPipeError);
    stdin.on('error', this.#onPipeError);
    stderr.on('data', this.#onStderr);
    stderr.on('error', noop);
    child.on('close', this.#onClose);
    child.on('error', this.#onPipeError);
  }

  /** Process id of the child. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** What the child wrote to stderr so far (bounded, sanitised). */
  get stderrText(): string {
    return this.#tail.text();
  }

  override _read(): void {
    this.#stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#stdin.write(chunk, (err) => {
      if (err === null || err === undefined) callback();
      else this.#pendingWrite = callback; // answered by #onClose, with stderr in the message
    });
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.#stdin.end();
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.#detach();
    this.#stdin.destroy();
    this.#stdout.destroy();
    this.#stderr.destroy();
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#terminate();
    callback(err);
  }

  #onData = (chunk: Buffer): void => {
    if (!this.push(chunk)) this.#stdout.pause();
  };

  #onStderr = (chunk: Buffer): void => {
    this.#tail.add(chunk);
  };

  /** A pipe broke: the child can no longer carry the connection, so stop it; #onClose reports. */
  #onPipeError = (err: Error): void => {
    if (this.#pipeError !== undefined) return;
    this.#pipeError = err;
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
  };

  #onClose = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (this.destroyed) return;
    if (code === 0 && this.#pipeError === undefined) {
      this.push(null);
      return;
    }
    const status = code !== null ? `exited with status ${code}` : `was killed by ${signal ?? 'a signal'}`;
    const stderr = this.#tail.text();
    const hint = this.#options.hint?.(code, signal);
    const pipe = this.#pipeError === undefined ? '' : ` (${errnoCode(this.#pipeError) ?? this.#pipeError.message})`;
    const error = new TransportError(
      `${this.#options.label} ${status}${pipe}${stderr === '' ? '' : `: ${stderr}`}${hint === undefined ? '' : ` — ${hint}`}`,
      { cause: this.#pipeError },
    );
    const pending = this.#pendingWrite;
    this.#pendingWrite = undefined;
    this.destroy(error);
    pending?.(error);
  };

  #detach(): void {
    this.#stdout.off('data', this.#onData);
    this.#stdout.off('error', this.#onPipeError);
    this.#stdin.off('error', this.#onPipeError);
    this.#stderr.off('data', this.#onStderr);
    this.#child.off('close', this.#onClose);
    this.#child.off('error', this.#onPipeError);
    // late errors from the dying child or its pipes must not crash the process
    this.#child.on('error', noop);
    this.#stdin.on('error', noop);
    this.#stdout.on('error', noop);
  }

  #terminate(): void {
    const child = this.#child;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    timer.unref();
    child.once('exit', () => clearTimeout(timer));
  }
}

/**
 * Start a program and resolve with a {@link ChildProcessDuplex} once it is
 * running. The deadline only covers starting it: anything the program does
 * afterwards (ssh authentication, for one) shows up as data or as a
 * `TransportError` on the stream.
 *
 * @throws {@link TransportError} when the program cannot be started,
 *   {@link TimeoutError}, {@link AbortError}.
 */
export function spawnDuplex(options: SpawnDuplexOptions, dial: DialOptions = {}): Promise<ChildProcessDuplex> {
  return withDeadline<ChildProcessDuplex>(dial, `starting ${options.label}`, (settle) => {
    const child = spawn(options.command, [...options.args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      windowsHide: true,
    });
    const detach = (): void => {
      child.off('spawn', onSpawn);
      child.off('error', onError);
    };
    const onSpawn = (): void => {
      detach();
      settle({ value: new ChildProcessDuplex(child, options) });
    };
    const onError = (err: Error): void => {
      detach();
      const code = errnoCode(err);
      const why = code === 'ENOENT' ? 'program not found' : code === 'EACCES' ? 'permission denied' : (code ?? err.message);
      const hint = options.spawnHint === undefined ? '' : ` — ${options.spawnHint}`;
      settle({ error: new TransportError(`cannot start ${options.label} (${options.command}): ${why}${hint}`, { cause: err }) });
    };
    child.once('spawn', onSpawn);
    child.once('error', onError);
    return () => {
      detach();
      child.on('error', noop);
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.kill('SIGKILL');
    };
  });
}
