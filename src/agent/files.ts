/**
 * Files in the guest as Node streams: `guest-file-open`, then
 * `guest-file-read` / `guest-file-write` one chunk per call (base64 in one
 * RPC string, so chunks stay well below 4 MiB), then `guest-file-close`.
 * Back-pressure is the streams' own: a read stream asks the agent for the
 * next chunk only when its consumer wants one, a write stream takes the next
 * chunk only once the agent has written the last. The guest's handle is
 * closed on end, on error and on destroy (an abort destroys the stream).
 *
 * @module
 */
import { Readable, Writable } from 'node:stream';
import { AbortError, InvalidArgumentError } from '../errors/index.js';
import { Budget } from '../runtime/index.js';
import { agentCall, unabortable } from './command.js';
import type { AgentCallOptions, AgentRun } from './context.js';
import { log } from './log.js';

/** Largest chunk one agent call carries (bytes). */
export const MAX_FILE_CHUNK = 1024 * 1024;
/** Time given to closing a handle after an error or abort (ms). */
const CLOSE_GRACE_MS = 10_000;

/** Options of {@link AgentManager.readFile}. */
export interface ReadFileOptions extends AgentCallOptions {
  /** Destroy the stream with a `RangeError` once the file proves larger than this many bytes. @default 64 MiB */
  maxBytes?: number;
  /** Bytes per agent call, 1 to {@link MAX_FILE_CHUNK}. @default 262144 */
  chunkSize?: number;
}

/** Options of {@link AgentManager.writeFile}. */
export interface WriteFileOptions extends AgentCallOptions {
  /** Fail the stream with a `RangeError` once more than this many bytes are written (the handle is closed; the guest keeps what was written). @default 64 MiB */
  maxBytes?: number;
  /** Bytes per agent call, 1 to {@link MAX_FILE_CHUNK}. @default 262144 */
  chunkSize?: number;
  /** `fopen` mode in the guest: `'w'` truncates, `'a'` appends. @default 'w' */
  mode?: 'w' | 'a' | 'wx';
}

function checkSize(value: number | undefined, fallback: number, max: number, path: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1 || v > max) throw new InvalidArgumentError(`${path} must be an integer from 1 to ${max}`, { path });
  return v;
}

/** Check a guest path and the size options before anything is sent. @throws {@link InvalidArgumentError} */
export function checkFileOptions(path: unknown, options: ReadFileOptions | WriteFileOptions): { maxBytes: number; chunkSize: number } {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new InvalidArgumentError('path must be a non-empty path in the guest', { path: 'path' });
  }
  return {
    maxBytes: checkSize(options.maxBytes, 64 * 1024 * 1024, Number.MAX_SAFE_INTEGER, 'maxBytes'),
    chunkSize: checkSize(options.chunkSize, 256 * 1024, MAX_FILE_CHUNK, 'chunkSize'),
  };
}

function handleOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError('guest-file-open returned no handle');
  return value;
}

/** `guest-file-open`, awaited past an abort ({@link unabortable}): the stream's destroy then closes the handle. */
async function openHandle(run: AgentRun, path: string, mode: string): Promise<number> {
  return handleOf(await agentCall(unabortable(run), 'guest-file-open', { path, mode }));
}

/** Close `handle`, within the run's budget or, when that is spent or aborted, a short one of its own. */
async function closeHandle(run: AgentRun, handle: number): Promise<void> {
  const usable = run.budget.signal?.aborted !== true && run.budget.remaining() > 1000;
  const closing: AgentRun = usable ? run : { ...run, budget: new Budget(CLOSE_GRACE_MS) };
  try {
    await agentCall(closing, 'guest-file-close', { handle });
  } catch (error) {
    log(run.ctx.logger, 'warn', 'could not close a file handle in the guest', { domain: run.ref.name, handle, error: String(error) });
    throw error;
  }
}

/**
 * A stream of the guest file's bytes. `start` resolves the run (VM, budget)
 * lazily, so errors before the open reach the stream as its error.
 */
export function readStream(start: () => Promise<AgentRun>, path: string, options: ReadFileOptions): Readable {
  const { maxBytes, chunkSize } = checkFileOptions(path, options);
  let run: AgentRun | undefined;
  let handle: number | undefined;
  let total = 0;
  const stream = new Readable({
    highWaterMark: chunkSize,
    construct(callback) {
      start()
        .then(async (r) => {
          run = r;
          handle = await openHandle(r, path, 'r');
        })
        .then(() => callback(), callback);
    },
    read() {
      const r = run as AgentRun;
      agentCall(r, 'guest-file-read', { handle, count: chunkSize }).then(
        (reply) => {
          const { 'buf-b64': b64, eof } = reply as { 'buf-b64'?: string; eof?: boolean };
          const data = Buffer.from(b64 ?? '', 'base64');
          total += data.length;
          if (total > maxBytes) {
            stream.destroy(new RangeError(`${path} in the guest is larger than maxBytes (${maxBytes})`));
            return;
          }
          if (data.length > 0) stream.push(data);
          if (eof === true || data.length === 0) stream.push(null);
        },
        (error: unknown) => stream.destroy(error as Error),
      );
    },
    destroy(error, callback) {
      const h = handle;
      handle = undefined;
      closeThen(run, h, error, callback);
    },
  });
  if (options.signal !== undefined) addAbort(stream, options.signal);
  return stream;
}

/** A stream that writes the guest file. */
export function writeStream(start: () => Promise<AgentRun>, path: string, options: WriteFileOptions): Writable {
  const { maxBytes, chunkSize } = checkFileOptions(path, options);
  const mode = options.mode ?? 'w';
  if (!['w', 'a', 'wx'].includes(mode)) throw new InvalidArgumentError("mode must be 'w', 'a' or 'wx'", { path: 'mode' });
  let run: AgentRun | undefined;
  let handle: number | undefined;
  let total = 0;
  const writeAll = async (r: AgentRun, data: Buffer): Promise<void> => {
    for (let at = 0; at < data.length; at += chunkSize) {
      const piece = data.subarray(at, at + chunkSize);
      const reply = (await agentCall(r, 'guest-file-write', { handle, 'buf-b64': piece.toString('base64') })) as { count?: number };
      if (reply.count !== piece.length) throw new Error(`the guest agent wrote ${String(reply.count)} of ${piece.length} bytes to ${path}`);
    }
  };
  const stream = new Writable({
    highWaterMark: chunkSize,
    construct(callback) {
      start()
        .then(async (r) => {
          run = r;
          handle = await openHandle(r, path, mode);
        })
        .then(() => callback(), callback);
    },
    write(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > maxBytes) return callback(new RangeError(`more than maxBytes (${maxBytes}) written to ${path}`));
      writeAll(run as AgentRun, chunk).then(() => callback(), callback);
    },
    final(callback) {
      const h = handle as number;
      handle = undefined;
      closeHandle(run as AgentRun, h).then(() => callback(), callback);
    },
    destroy(error, callback) {
      const h = handle;
      handle = undefined;
      closeThen(run, h, error, callback);
    },
  });
  if (options.signal !== undefined) addAbort(stream, options.signal);
  return stream;
}

/** A destroyed stream's end: close the guest's handle (if one is open), then report `error` (or the close's own). */
function closeThen(
  run: AgentRun | undefined,
  handle: number | undefined,
  error: Error | null,
  callback: (error?: Error | null) => void,
): void {
  if (run === undefined || handle === undefined) return callback(error);
  closeHandle(run, handle).then(
    () => callback(error),
    (closeError: unknown) => callback(error ?? (closeError as Error)),
  );
}

/** Destroy `stream` when `signal` fires (its destroy closes the guest's handle). */
function addAbort(stream: Readable | Writable, signal: AbortSignal): void {
  const onAbort = (): void => {
    stream.destroy(new AbortError('the guest file transfer was aborted', { cause: signal.reason }));
  };
  if (signal.aborted) {
    queueMicrotask(onAbort);
    return;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  stream.once('close', () => signal.removeEventListener('abort', onAbort));
}
