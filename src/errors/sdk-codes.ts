/**
 * The stable string codes of the errors the SDK raises itself (libvirt's own
 * numeric codes are in `error-codes.ts`).
 * @module
 */

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
