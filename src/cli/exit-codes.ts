/**
 * The CLI's exit codes: one per error class, so a script can branch on `$?`
 * without reading messages. docs/cli.md has the same table.
 *
 * @module
 */
import {
  AbortError,
  AlreadyExistsError,
  AuthError,
  ConnectionClosedError,
  DeviceDetachError,
  InvalidArgumentError,
  InvalidStateError,
  LibvirtError,
  ProtocolError,
  TimeoutError,
  TransportError,
  UnsupportedError,
  XmlParseError,
} from '../index.js';

/** Exit codes of `libvirt-manager`, by what went wrong. */
export const ExitCode = {
  /** Done. */
  OK: 0,
  /** Anything not classified below (a libvirt error of no known category, a bug). */
  GENERIC: 1,
  /** Bad command line, spec or argument (`InvalidArgumentError`, `XmlParseError`, libvirt's invalid-argument codes): nothing was changed. */
  USAGE: 2,
  /** The VM (or pool, volume, network) does not exist. */
  NOT_FOUND: 3,
  /** Not allowed in the VM's current state (`InvalidStateError`, `VIR_ERR_OPERATION_INVALID`). */
  INVALID_STATE: 4,
  /** The operation's budget ran out (`TimeoutError`, libvirt's timeout codes). */
  TIMEOUT: 5,
  /** The daemon could not be reached or the connection broke (`TransportError`, `ConnectionClosedError`, `ProtocolError`). */
  CONNECTION: 6,
  /** Authentication or access refused (`AuthError`, libvirt's auth and access codes). */
  AUTH: 7,
  /** An object with that name exists already (`AlreadyExistsError`). */
  ALREADY_EXISTS: 8,
  /** The driver or the SDK cannot do this (`UnsupportedError`). */
  UNSUPPORTED: 9,
  /** The guest did not release a device (`DeviceDetachError`). */
  DEVICE_DETACH: 10,
  /** Interrupted (SIGINT: 128 + 2, as shells report it). */
  INTERRUPTED: 130,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A libvirt error's category (see `LibvirtError.category`) as an exit code. */
const BY_CATEGORY: Readonly<Record<string, ExitCodeValue>> = {
  'not-found': ExitCode.NOT_FOUND,
  'already-exists': ExitCode.ALREADY_EXISTS,
  'invalid-state': ExitCode.INVALID_STATE,
  'invalid-argument': ExitCode.USAGE,
  unsupported: ExitCode.UNSUPPORTED,
  auth: ExitCode.AUTH,
  timeout: ExitCode.TIMEOUT,
};

/**
 * The exit code for `error`: the SDK's classes first, then libvirt's own category.
 * @example exitCodeOf(new TimeoutError(1000)); // 5
 */
export function exitCodeOf(error: unknown): ExitCodeValue {
  // The CLI's own usage errors are InvalidArgumentErrors too.
  if (error instanceof InvalidArgumentError || error instanceof XmlParseError) return ExitCode.USAGE;
  if (error instanceof AbortError) return ExitCode.INTERRUPTED;
  if (error instanceof TimeoutError) return ExitCode.TIMEOUT;
  if (error instanceof InvalidStateError) return ExitCode.INVALID_STATE;
  if (error instanceof AlreadyExistsError) return ExitCode.ALREADY_EXISTS;
  if (error instanceof UnsupportedError) return ExitCode.UNSUPPORTED;
  if (error instanceof DeviceDetachError) return ExitCode.DEVICE_DETACH;
  if (error instanceof AuthError) return ExitCode.AUTH;
  if (error instanceof TransportError || error instanceof ConnectionClosedError || error instanceof ProtocolError) {
    return ExitCode.CONNECTION;
  }
  // DomainNotFoundError is a LibvirtError of category 'not-found'.
  if (error instanceof LibvirtError) return BY_CATEGORY[error.category] ?? ExitCode.GENERIC;
  return ExitCode.GENERIC;
}
