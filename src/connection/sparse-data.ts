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
import { open } from 'node:fs/promises';
import { AbortError, InvalidArgumentError, TimeoutError } from '../errors/index.js';
import { type CallOptions, type SparseChunk, type StreamHole, checkDuration, isStreamHole } from '../rpc/index.js';

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
 * Write a sparse stream (e.g. `download(vol, { sparse: true })` →
 * `stream.sparseChunks()`) into a local file, keeping holes as holes: data is
 * written at its position, a hole only moves the position, and the file is
 * truncated to the final length (so a trailing hole sizes it). The file is
 * created or overwritten. What `virsh vol-download --sparse` does.
 *
 * @example
 * const stream = await conn.storage.volumes.download(vol, { sparse: true });
 * const { bytes, holeBytes } = await writeSparseFile('/tmp/disk.raw', stream.sparseChunks());
 * @throws {@link AbortError} / {@link TimeoutError}, checked between chunks (what was written stays in the file)
 * @throws {@link InvalidArgumentError} for a bad `timeout`; file system errors as `fs` throws them
 * @see virStreamSparseRecvAll
 */
export async function writeSparseFile(
  path: string,
  chunks: AsyncIterable<SparseChunk> | Iterable<SparseChunk>,
  options: WriteSparseFileOptions = {},
): Promise<{ bytes: number; holeBytes: number }> {
  const timeout = checkDuration(options.timeout, 'timeout') ?? 0;
  const deadline = timeout > 0 ? Date.now() + timeout : Infinity;
  const file = await open(path, 'w');
  let position = 0;
  let bytes = 0;
  let holeBytes = 0;
  try {
    for await (const chunk of chunks) {
      if (options.signal?.aborted) throw new AbortError('writing the sparse file aborted', { cause: options.signal.reason });
      if (Date.now() > deadline) throw new TimeoutError(timeout, `writing the sparse file timed out after ${timeout} ms`);
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
  } finally {
    await file.close();
  }
  return { bytes, holeBytes };
}
