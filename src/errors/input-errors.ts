/**
 * Errors raised before anything is sent or created: a bad value or URI, an
 * operation refused in the VM's state, unreadable XML, a name already taken.
 * @module
 */
import { LibvirtManagerError, type LibvirtManagerErrorOptions } from './base.js';
import { ErrorCode } from './sdk-codes.js';

/** One problem of an input: the field and what is wrong with it (an entry of `InvalidArgumentError.issues`). */
export interface InvalidArgumentIssue {
  /** Dotted path of the field, e.g. `'disks[1].size'`, when known. */
  readonly path: string | undefined;
  /** The message an error about this problem alone has, e.g. `'disks[1].size: must be greater than zero'`. */
  readonly message: string;
}

/**
 * A value passed to the SDK is invalid (out of range, too long, wrong type).
 * Raised before anything is sent to libvirt. `path` names the offending field.
 *
 * A spec with several problems is refused with all of them: `issues` lists
 * each (`{ path, message }`), `path` is the first one's and the message has
 * one line per problem, the first first.
 *
 * @example
 * catch (error) {
 *   if (error instanceof InvalidArgumentError) for (const issue of error.issues) console.error(issue.message);
 * }
 */
export class InvalidArgumentError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'InvalidArgumentError';
  declare readonly code: typeof ErrorCode.INVALID_ARGUMENT | typeof ErrorCode.INVALID_SPEC | typeof ErrorCode.INVALID_URI;
  /** Dotted path of the offending field, e.g. `'disks[1].size'`, when known. */
  readonly path: string | undefined;
  /**
   * Every problem found, in the order checked (the first is `path`'s): several
   * when a spec had several mistakes, else just this error's own `{ path, message }`.
   */
  // Spelled out, not `InvalidArgumentIssue[]`: the shape is the public contract, without a new name on the root entry.
  readonly issues: readonly { readonly path: string | undefined; readonly message: string }[];
  constructor(
    message: string,
    options: LibvirtManagerErrorOptions & {
      path?: string;
      code?: typeof ErrorCode.INVALID_ARGUMENT | typeof ErrorCode.INVALID_SPEC | typeof ErrorCode.INVALID_URI;
      /** All the problems, when there are several (the first is the one `path` and `message` start with). */
      issues?: readonly { path: string | undefined; message: string }[];
    } = {},
  ) {
    super(options.code ?? ErrorCode.INVALID_ARGUMENT, message, options);
    this.path = options.path;
    const issues = options.issues ?? [];
    const list = issues.length > 0 ? issues : [{ path: options.path, message }];
    this.issues = Object.freeze(list.map((i) => Object.freeze({ path: i.path, message: i.message })));
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
