import { LibvirtManagerError, type LibvirtManagerErrorOptions } from './base.js';
import type { LibvirtError } from './libvirt-error.js';

/** Stable string codes of the errors raised by the SDK itself. */
export const ErrorCode = {
  /** The peer broke the wire protocol (bad frame, bad header, undecodable payload). */
  PROTOCOL: 'ERR_LIBVIRT_PROTOCOL',
  /** The connection closed (or was found dead) before the call completed. */
  CONNECTION_CLOSED: 'ERR_LIBVIRT_CONNECTION_CLOSED',
  /** The caller's `AbortSignal` fired. */
  ABORTED: 'ERR_LIBVIRT_ABORTED',
  /** The call's `timeout` elapsed. */
  TIMEOUT: 'ERR_LIBVIRT_TIMEOUT',
  /** The daemon (or this SDK) cannot do what was asked. */
  UNSUPPORTED: 'ERR_LIBVIRT_UNSUPPORTED',
  /** A value given to the SDK is invalid; nothing was sent to libvirt. */
  INVALID_ARGUMENT: 'ERR_LIBVIRT_INVALID_ARGUMENT',
  /** A VM spec is invalid; nothing was sent to libvirt. */
  INVALID_SPEC: 'ERR_LIBVIRT_INVALID_SPEC',
  /** A connection URI is malformed or names an unknown transport. */
  INVALID_URI: 'ERR_LIBVIRT_INVALID_URI',
  /** The transport could not be established (socket, TLS, ssh). */
  TRANSPORT: 'ERR_LIBVIRT_TRANSPORT',
  /** Authentication with the daemon failed or needs a method this SDK lacks. */
  AUTH: 'ERR_LIBVIRT_AUTH',
  /** The operation is not allowed in the object's current state. */
  INVALID_STATE: 'ERR_LIBVIRT_INVALID_STATE',
  /** An event subscription's buffer overflowed under the `'error'` policy. */
  EVENT_OVERFLOW: 'ERR_LIBVIRT_EVENT_OVERFLOW',
  /** XML is not well-formed, or lacks what its format requires. */
  XML: 'ERR_LIBVIRT_XML',
  /** An object with that name already exists; nothing was created. */
  ALREADY_EXISTS: 'ERR_LIBVIRT_ALREADY_EXISTS',
  /** A device was not unplugged: the guest refused it or did not release it in time. */
  DEVICE_DETACH: 'ERR_LIBVIRT_DEVICE_DETACH',
  /** The guest agent could not run a command: not configured, not connected, timed out, or the command is not supported. */
  GUEST_AGENT: 'ERR_LIBVIRT_GUEST_AGENT',
  /** A command run in the guest through the agent exited non-zero or was killed. */
  GUEST_EXEC: 'ERR_LIBVIRT_GUEST_EXEC',
  /** A domain job (a backup…) ended without success: it failed in QEMU or was cancelled. */
  JOB_FAILED: 'ERR_LIBVIRT_JOB_FAILED',
  /** A block job (copy, commit, pull) failed in QEMU, or someone else cancelled it. */
  BLOCK_JOB: 'ERR_LIBVIRT_BLOCK_JOB',
  /** A migration did not happen: the destination is unreachable or the same host, or the job failed; the VM stayed on the source. */
  MIGRATION: 'ERR_LIBVIRT_MIGRATION',
  /** A failure the SDK did not classify (a bug, or a non-SDK error wrapped for a report); `cause` has the original. */
  INTERNAL: 'ERR_LIBVIRT_INTERNAL',
} as const;

/** Union of the SDK's own string error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

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

/**
 * A value passed to the SDK is invalid (out of range, too long, wrong type).
 * Raised before anything is sent to libvirt. `path` names the offending field.
 */
export class InvalidArgumentError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'InvalidArgumentError';
  declare readonly code: typeof ErrorCode.INVALID_ARGUMENT | typeof ErrorCode.INVALID_SPEC | typeof ErrorCode.INVALID_URI;
  /** Dotted path of the offending field, e.g. `'disks[1].size'`, when known. */
  readonly path: string | undefined;
  constructor(
    message: string,
    options: LibvirtManagerErrorOptions & {
      path?: string;
      code?: typeof ErrorCode.INVALID_ARGUMENT | typeof ErrorCode.INVALID_SPEC | typeof ErrorCode.INVALID_URI;
    } = {},
  ) {
    super(options.code ?? ErrorCode.INVALID_ARGUMENT, message, options);
    this.path = options.path;
  }
}

/** A connection URI is malformed, uses an unknown transport, or lacks a needed part. */
export class InvalidUriError extends InvalidArgumentError {
  /** @internal */
  static override readonly kind: string = 'InvalidUriError';
  declare readonly code: typeof ErrorCode.INVALID_URI;
  /** The URI as given (credentials removed). */
  readonly uri: string;
  constructor(uri: string, message: string, options?: LibvirtManagerErrorOptions) {
    super(message, { ...options, code: ErrorCode.INVALID_URI });
    this.uri = uri;
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

/**
 * The operation cannot run from the VM's current state (pause a shut-off VM,
 * start a VM that is being destroyed). Raised before anything is sent to libvirt.
 */
export class InvalidStateError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'InvalidStateError';
  declare readonly code: typeof ErrorCode.INVALID_STATE;
  /** The operation that was refused, e.g. `'pause'`. */
  readonly operation: string;
  /** The state it was refused in, e.g. `'shutoff'`. */
  readonly state: string;
  constructor(operation: string, state: string, message?: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.INVALID_STATE, message ?? `cannot ${operation} a VM that is ${state}`, options);
    this.operation = operation;
    this.state = state;
  }
}

/**
 * A piece of XML could not be read: it is not well-formed XML 1.0, or it is
 * well-formed but lacks what the format requires (a `<domain>` without
 * `<name>`, a `<memory>` that is not a number…).
 *
 * The message carries a position (line:column) or an element path such as
 * `domain/devices/disk[1]/target`, never the document's content: domain XML can
 * carry secrets (VNC passwords).
 */
export class XmlParseError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'XmlParseError';
  declare readonly code: typeof ErrorCode.XML;
  /** Element path where reading failed, e.g. `'domain/devices/disk[0]/target'`, when known. */
  readonly path: string | undefined;
  constructor(message: string, options: LibvirtManagerErrorOptions & { path?: string } = {}) {
    super(ErrorCode.XML, options.path === undefined ? message : `${options.path}: ${message}`, options);
    this.path = options.path;
  }
}

/**
 * An object with that name already exists (a domain, a volume). Raised before
 * anything is created, so nothing needs undoing.
 */
export class AlreadyExistsError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'AlreadyExistsError';
  declare readonly code: typeof ErrorCode.ALREADY_EXISTS;
  /** What kind of object: `'domain'`, `'volume'`… */
  readonly objectType: string;
  /** Its name. */
  readonly objectName: string;
  constructor(objectType: string, objectName: string, message?: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.ALREADY_EXISTS, message ?? `a ${objectType} named ${JSON.stringify(objectName)} already exists`, options);
    this.objectType = objectType;
    this.objectName = objectName;
  }
}

/** Why a device was not unplugged. */
export type DeviceDetachFailure =
  /** libvirt reported DEVICE_REMOVAL_FAILED: the guest (or QEMU) refused the unplug. */
  | 'removal-failed'
  /** The guest did not release the device within the timeout, re-sent requests included. */
  | 'timeout'
  /** The device left the running VM, but removing it from the persistent definition failed. */
  | 'config-failed';

/**
 * A device was not (fully) unplugged. Says exactly where things stand:
 * `live` (`'removed'`, `'present'`, or `'pending'` — an unplug request the
 * guest may still act on) and `config` (`'removed'` or `'unchanged'`). The
 * SDK never removes a device from the persistent definition while the
 * running VM still has it, so after a `'timeout'` or `'removal-failed'` both
 * still have the device; call detach again to retry.
 *
 * @example
 * try { await devices.detachDisk('web1', 'vdb'); } catch (e) {
 *   if (e instanceof DeviceDetachError && e.reason === 'timeout') console.log(e.live, e.config); // 'pending' 'unchanged'
 * }
 */
export class DeviceDetachError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'DeviceDetachError';
  declare readonly code: typeof ErrorCode.DEVICE_DETACH;
  readonly reason: DeviceDetachFailure;
  /** The disk's target or the NIC's MAC. */
  readonly device: string;
  /** The live device's alias, when it had one. */
  readonly alias: string | undefined;
  /** Where the running VM stands. */
  readonly live: 'removed' | 'present' | 'pending';
  /** Where the persistent definition stands. */
  readonly config: 'removed' | 'unchanged';
  /** Unplug requests sent. */
  readonly requests: number;
  constructor(
    fields: {
      reason: DeviceDetachFailure;
      device: string;
      alias: string | undefined;
      live: 'removed' | 'present' | 'pending';
      config: 'removed' | 'unchanged';
      requests: number;
    },
    message: string,
    options?: LibvirtManagerErrorOptions,
  ) {
    super(ErrorCode.DEVICE_DETACH, message, options);
    this.reason = fields.reason;
    this.device = fields.device;
    this.alias = fields.alias;
    this.live = fields.live;
    this.config = fields.config;
    this.requests = fields.requests;
  }
}

/**
 * A domain job — a backup, later a migration — ended without success:
 * QEMU failed it (`errmsg` says why, e.g. a full target pool) or it was
 * cancelled from outside the SDK (`virsh domjobabort`: `'Operation canceled'`).
 * What the operation made for the job was removed before this is thrown.
 *
 * @example
 * try { await backups.backup('web1', { pool: 'backups' }); } catch (e) {
 *   if (e instanceof JobFailedError) console.log(e.operation, e.errmsg);
 * }
 */
export class JobFailedError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'JobFailedError';
  declare readonly code: typeof ErrorCode.JOB_FAILED;
  /** The job's operation, e.g. `'backup'`. */
  readonly operation: string;
  /** libvirt's reason (the job's `errmsg`), when it gave one. */
  readonly errmsg: string | undefined;
  constructor(fields: { operation: string; errmsg: string | undefined }, message: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.JOB_FAILED, message, options);
    this.operation = fields.operation;
    this.errmsg = fields.errmsg;
  }
}

/**
 * A block job (copy, commit, pull) did not complete: QEMU reported it
 * `'failed'` (an I/O error, a full destination…), or it was `'canceled'` by
 * someone other than the caller (an abort through the caller's own signal
 * is an {@link AbortError}). The disk stays on its original image; a copy's
 * destination volume made by the SDK was deleted.
 *
 * @example
 * try { await manager.blockCopy('web1', { disk: 'vdb', to: { pool: 'fast' } }); } catch (e) {
 *   if (e instanceof BlockJobError) console.log(e.disk, e.job, e.status); // 'vdb' 'copy' 'failed'
 * }
 */
export class BlockJobError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'BlockJobError';
  declare readonly code: typeof ErrorCode.BLOCK_JOB;
  /** The disk's target. */
  readonly disk: string;
  /** The job: `'copy'`, `'commit'`, `'active-commit'`, `'pull'`. */
  readonly job: string;
  /** How it ended. */
  readonly status: 'failed' | 'canceled';
  constructor(fields: { disk: string; job: string; status: 'failed' | 'canceled' }, message: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.BLOCK_JOB, message, options);
    this.disk = fields.disk;
    this.job = fields.job;
    this.status = fields.status;
  }
}

/** Why a migration did not happen. */
export type MigrationFailure = 'destination-unreachable' | 'same-host' | 'destination-storage' | 'failed';

/**
 * A migration did not happen and the VM is still on the source (`sourceState`
 * says how it was found afterwards): the destination daemon could not be
 * reached or went away during the transfer, it is the same host, the
 * destination has no place for the copied disks, or the job failed. What the
 * SDK made on the destination was removed before this is thrown. Aborts and
 * timeouts are `AbortError` and `TimeoutError`, with the same guarantees.
 *
 * @example
 * try { await migration.migrate('web1', { to: 'qemu+tcp://host2/system' }); } catch (e) {
 *   if (e instanceof MigrationError && e.reason === 'destination-unreachable') pickAnotherHost();
 * }
 */
export class MigrationError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'MigrationError';
  declare readonly code: typeof ErrorCode.MIGRATION;
  readonly reason: MigrationFailure;
  /** The VM's state on the source after the failure (`'running'` when it kept running), when it could be read. */
  readonly sourceState: string | undefined;
  constructor(
    fields: { reason: MigrationFailure; sourceState: string | undefined },
    message: string,
    options?: LibvirtManagerErrorOptions,
  ) {
    super(ErrorCode.MIGRATION, message, options);
    this.reason = fields.reason;
    this.sourceState = fields.sourceState;
  }
}
