/**
 * Errors of a call and its connection: the wire broke, the link closed or
 * could not be made, the caller gave up (abort, timeout), the daemon cannot do
 * it, an event buffer overflowed.
 * @module
 */
import { LibvirtManagerError, type LibvirtManagerErrorOptions } from './base.js';
import type { LibvirtError } from './libvirt-error.js';
import { ErrorCode } from './sdk-codes.js';

/**
 * The peer sent something that is not valid libvirt RPC: a frame length out of
 * range, an unknown message type, a payload that does not decode. The
 * connection is closed when this happens (fail closed) and every pending call
 * is rejected.
 */
export class ProtocolError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'ProtocolError';
  declare readonly code: typeof ErrorCode.PROTOCOL;
  constructor(message: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.PROTOCOL, message, options);
  }
}

/** Why a connection closed. Mirrors libvirt's `virConnectCloseReason` plus SDK-side reasons. */
export type CloseReason =
  /** The socket reported an error. */
  | 'error'
  /** The peer closed the socket. */
  | 'eof'
  /** No answer to keepalive pings within `interval × count`. */
  | 'keepalive'
  /** The daemon left too many calls unanswered after their callers gave up on them (`MAX_ABANDONED_CALLS`). */
  | 'unresponsive'
  /** This side asked to close (`close()` / `destroy()`). */
  | 'client'
  /** The peer violated the protocol. */
  | 'protocol';

/**
 * The connection was closed or lost before the call completed. `reason` says
 * why; `cause` carries the socket error when there was one. libvirt may or may
 * not have carried out a call that fails this way.
 */
export class ConnectionClosedError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'ConnectionClosedError';
  declare readonly code: typeof ErrorCode.CONNECTION_CLOSED;
  /** Why the connection closed. */
  readonly reason: CloseReason;
  constructor(reason: CloseReason, message?: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.CONNECTION_CLOSED, message ?? `connection closed (${reason})`, options);
    this.reason = reason;
  }
}

/**
 * The caller's `AbortSignal` fired. When it fired after the call was sent,
 * libvirt may still complete the operation; the late reply is dropped.
 * Also what the reads of an aborted stream (`RpcStream.abort`) reject with,
 * `cause` being the abort's reason: the transfer did not complete.
 * `name` is `'AbortError'`, like DOM and Node abort errors.
 */
export class AbortError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'AbortError';
  declare readonly code: typeof ErrorCode.ABORTED;
  constructor(message = 'the operation was aborted', options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.ABORTED, message, options);
    this.name = 'AbortError';
  }
}

/**
 * The call's `timeout` elapsed before libvirt answered. libvirt may still
 * complete the operation; the late reply is dropped.
 */
export class TimeoutError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'TimeoutError';
  declare readonly code: typeof ErrorCode.TIMEOUT;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeout: number;
  constructor(timeout: number, message?: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.TIMEOUT, message ?? `timed out after ${timeout} ms`, options);
    this.timeout = timeout;
  }
}

/**
 * The daemon does not implement the procedure (it is older than the SDK, or the
 * driver lacks the method), or the SDK does not support what was asked.
 * Decided from libvirt's error code, never from its message. `remote` holds
 * libvirt's error when the daemon reported it.
 */
export class UnsupportedError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'UnsupportedError';
  declare readonly code: typeof ErrorCode.UNSUPPORTED;
  /** libvirt's own error, when the daemon reported it. */
  readonly remote: LibvirtError | undefined;
  constructor(message: string, options: LibvirtManagerErrorOptions & { remote?: LibvirtError } = {}) {
    super(ErrorCode.UNSUPPORTED, message, { cause: options.cause ?? options.remote });
    this.remote = options.remote;
  }
}

/** The transport (unix socket, TCP, TLS, ssh) could not be established. */
export class TransportError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'TransportError';
  declare readonly code: typeof ErrorCode.TRANSPORT;
  constructor(message: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.TRANSPORT, message, options);
  }
}

/** Authentication failed, or the daemon asks for a method the SDK does not implement. */
export class AuthError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'AuthError';
  declare readonly code: typeof ErrorCode.AUTH;
  constructor(message: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.AUTH, message, options);
  }
}

/**
 * An event subscription with `overflow: 'error'` received more events than
 * its buffer holds because the consumer fell behind. The iteration ends with
 * this error; `dropped` says how many events were lost.
 */
export class EventOverflowError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'EventOverflowError';
  declare readonly code: typeof ErrorCode.EVENT_OVERFLOW;
  /** Events lost. */
  readonly dropped: number;
  constructor(bufferSize: number, dropped: number) {
    super(ErrorCode.EVENT_OVERFLOW, `event buffer of ${bufferSize} overflowed; the consumer is too slow`);
    this.dropped = dropped;
  }
}
