/**
 * Turning plain bytes into a sparse stream's data and holes, and writing a
 * sparse stream into a local file with its holes kept.
 *
 * Why zero detection: libvirt's virsh finds a local file's holes with
 * `lseek(SEEK_DATA/SEEK_HOLE)`; Node's `fs` exposes neither, so a sparse
 * upload here finds holes by content instead — every aligned block of
 * `blockSize` bytes that is all zeros travels as a hole. That is portable,
 * works for any byte source (not only files), and also turns *allocated*
 * zeros into holes (the result reads the same; it is only smaller).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AbortError, InvalidArgumentError, TimeoutError } from '../errors/index.js';
import { type CallOptions, RpcStream, type SparseChunk, type StreamHole, checkDuration, isStreamHole } from '../rpc/index.js';

/** Default block size of zero detection: 64 KiB (also the chunk size of Node's file read streams). */
export const DEFAULT_HOLE_BLOCK_SIZE = 64 * 1024;

/** Chunks a sparse upload accepts: data, or holes to skip. */
export type SparseSourceChunk = Uint8Array | StreamHole;

/**
 * Re-chunk `source` into data and holes: every `blockSize`-aligned block
 * (aligned to the position in the stream) that is all zeros becomes part of a
 * hole; adjacent holes — detected or given — merge into one. A hole at the
 * end is kept (libvirt then sizes a file volume to the full length).
 * A block cut by a chunk boundary is judged in parts (each part is all
 * zeros or not), so chunk sizes that are multiples of `blockSize` — Node's
 * file read streams give 64 KiB — find the most.
 * `blockSize` 0 passes chunks through (only given holes are holes).
 * Data is yielded as views of the source's buffers, not copies.
 */
export async function* withHoles(
  source: AsyncIterable<SparseSourceChunk> | Iterable<SparseSourceChunk>,
  blockSize: number,
): AsyncGenerator<SparseChunk> {
  const zeros = Buffer.alloc(blockSize);
  let position = 0;
  let hole = 0;
  for await (const chunk of source) {
    if (isStreamHole(chunk)) {
      hole += chunk.hole;
      position += chunk.hole;
      continue;
    }
    if (!(chunk instanceof Uint8Array))
      throw new InvalidArgumentError(`source yielded a ${typeof chunk} instead of a Uint8Array chunk or a { hole } chunk`, {
        path: 'source',
      });
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let dataStart = -1;
    for (let i = 0; i < bytes.length;) {
      const end = blockSize === 0 ? bytes.length : Math.min(bytes.length, i + blockSize - ((position + i) % blockSize));
      const block = bytes.subarray(i, end);
      if (blockSize !== 0 && block.equals(zeros.subarray(0, block.length))) {
        if (dataStart >= 0) yield bytes.subarray(dataStart, i);
        dataStart = -1;
        hole += block.length;
      } else if (dataStart < 0) {
        if (hole > 0) yield { hole };
        hole = 0;
        dataStart = i;
      }
      i = end;
    }
    if (dataStart >= 0) yield bytes.subarray(dataStart);
    position += bytes.length;
  }
  if (hole > 0) yield { hole };
}

/** Options of {@link writeSparseFile}: `signal`, and `timeout` in ms for the whole write (0: none). */
export type WriteSparseFileOptions = CallOptions;

/**
 * Write a sparse stream (`download(vol, { sparse: true })`, or any sparse
 * chunks) into a local file, keeping holes as holes: data is written at its
 * position, a hole only moves the position, and the file is truncated to the
 * final length (so a trailing hole sizes it). What `virsh vol-download
 * --sparse` does.
 *
 * The data goes to a temporary file next to `path`, renamed over it only when
 * everything arrived: a failed or aborted write leaves neither a partial file
 * nor a damaged old one. Given the stream itself, any failure (a bad option,
 * the file system, abort, timeout) aborts it, so the connection is never left
 * with a download nobody reads; `signal` and `timeout` abort it while a read
 * is waiting too.
 *
 * @example
 * const stream = await conn.storage.volumes.download(vol, { sparse: true });
 * const { bytes, holeBytes } = await writeSparseFile('/tmp/disk.raw', stream);
 * @throws {@link AbortError} / {@link TimeoutError} (nothing is left at `path` changed)
 * @throws {@link InvalidArgumentError} for a bad `timeout`; file system errors as `fs` throws them
 * @see virStreamSparseRecvAll
 */
export async function writeSparseFile(
  path: string,
  source: RpcStream | AsyncIterable<SparseChunk> | Iterable<SparseChunk>,
  options: WriteSparseFileOptions = {},
): Promise<{ bytes: number; holeBytes: number }> {
  const stream = source instanceof RpcStream ? source : undefined;
  // The stream's reads then reject (an AbortError, never a clean end), so the loop below cannot finish a short file.
  const cancel = (reason: unknown): void => {
    if (stream !== undefined && !stream.closed) void stream.abort({ reason }).catch(() => undefined);
  };
  // Set by abort or timeout (a holder: TypeScript does not see closures assign a local).
  const halt: { stopped?: () => Error } = {};
  const throwIfStopped = (): void => {
    if (halt.stopped !== undefined) throw halt.stopped();
  };
  const onAbort = (): void => {
    halt.stopped ??= () => new AbortError('writing the sparse file aborted', { cause: options.signal?.reason });
    cancel(halt.stopped());
  };
  let timer: NodeJS.Timeout | undefined;
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  let file: FileHandle | undefined;
  let renamed = false;
  try {
    const timeout = checkDuration(options.timeout, 'timeout') ?? 0;
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout > 0) {
      timer = setTimeout(() => {
        halt.stopped ??= () => new TimeoutError(timeout, `writing the sparse file timed out after ${timeout} ms`);
        cancel(halt.stopped());
      }, timeout);
    }
    throwIfStopped();
    file = await open(temp, 'wx');
    let position = 0;
    let bytes = 0;
    let holeBytes = 0;
    for await (const chunk of stream === undefined ? (source as AsyncIterable<SparseChunk>) : stream.sparseChunks()) {
      // A plain iterable cannot be cancelled: a stop is noticed at its next chunk.
      throwIfStopped();
      if (isStreamHole(chunk)) {
        position += chunk.hole;
        holeBytes += chunk.hole;
        continue;
      }
      for (let done = 0; done < chunk.length;) {
        const { bytesWritten } = await file.write(chunk, done, chunk.length - done, position + done);
        done += bytesWritten;
      }
      position += chunk.length;
      bytes += chunk.length;
    }
    await file.truncate(position);
    await file.close();
    file = undefined;
    await rename(temp, path);
    renamed = true;
    return { bytes, holeBytes };
  } catch (error) {
    cancel(error);
    throw halt.stopped === undefined ? error : halt.stopped();
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await file?.close().catch(() => undefined);
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}
