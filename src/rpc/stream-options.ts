/**
 * The options and constants of {@link RpcStream}, apart from the stream so
 * that file stays one concern (its packet handling).
 *
 * @module
 */
import type { MessageType } from './protocol/constants.js';

/** Options of stream operations. */
export interface StreamOperationOptions {
  /** Stop waiting when it fires: the operation rejects with an `AbortError` (what it means for the stream: see each method). */
  signal?: AbortSignal;
}

/**
 * How long {@link RpcStream.abort} waits for the daemon to confirm, in ms,
 * before it releases the stream locally. libvirtd confirms within
 * milliseconds once it reads the abort; waiting longer only means the daemon
 * is stuck or another stream holds the socket paused.
 */
export const STREAM_ABORT_TIMEOUT_MS = 5_000;

/** Options of {@link RpcStream.abort}. */
export interface StreamAbortOptions extends StreamOperationOptions {
  /**
   * Milliseconds to wait for the daemon's confirmation before the stream is
   * released locally (see {@link RpcStream.abort}); `0` waits forever.
   * @default 5000 (`STREAM_ABORT_TIMEOUT_MS`)
   */
  timeout?: number;
  /**
   * Why the stream is aborted: the `cause` of the `AbortError` that its
   * readers (and a `finish()` still waiting) get, like `AbortController.abort(reason)`.
   */
  reason?: unknown;
}

/** Options of {@link RpcStream}. */
export interface RpcStreamOptions {
  /**
   * Bytes of received data buffered before the client stops reading the
   * socket (back-pressure). While paused, other calls' replies wait too.
   * @default 4 MiB
   */
  highWaterMark?: number;
  /**
   * The call asked for a sparse stream (`VIR_STORAGE_VOL_*_SPARSE_STREAM`):
   * holes may arrive (read them with {@link RpcStream.sparseChunks}; the plain
   * byte API reads them as zeros) and {@link RpcStream.writeHole} may send
   * them. Without it a hole from the daemon fails the stream.
   * @default false
   */
  sparse?: boolean;
}

/** The two packet types a stream sends. */
export type StreamPacketType = typeof MessageType.VIR_NET_STREAM | typeof MessageType.VIR_NET_STREAM_HOLE;
