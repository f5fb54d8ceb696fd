import { LibvirtManagerError } from './base.js';
import { VirErrorCode, errorCodeName, errorDomainName, errorLevelName } from './error-codes.js';

/**
 * Every field of libvirt's `remote_error` (`virNetMessageError`) as decoded
 * from the wire, plus the procedure that failed.
 */
export interface RemoteErrorFields {
  /** `virErrorNumber`, e.g. 42 for `VIR_ERR_NO_DOMAIN`. */
  code: number;
  /** `virErrorDomain`: the libvirt module that raised it, e.g. 12 for `VIR_FROM_TEST`. */
  domain: number;
  /** libvirt's fully formatted message, if it sent one. */
  message: string | null;
  /** `virErrorLevel`: 0 none, 1 warning, 2 error. */
  level: number;
  /** Extra information; meaning depends on the error. */
  str1: string | null;
  str2: string | null;
  str3: string | null;
  int1: number;
  int2: number;
  /** Name of the domain the error is about, when libvirt filled the (normally unused) `dom` field. */
  domainName?: string | null;
  /** Name of the network the error is about, when libvirt filled the (normally unused) `net` field. */
  networkName?: string | null;
}

/** Where a failed call went: the remote procedure's number and libvirt name. */
export interface FailedProcedure {
  /** Program number (`0x20008086` for the main API). */
  program: number;
  /** Procedure number, e.g. 23. */
  proc: number;
  /** libvirt's procedure name without prefix, e.g. `'DOMAIN_LOOKUP_BY_NAME'`. */
  name: string;
}

/**
 * Coarse classes of libvirt error codes, for callers that branch on the kind of
 * failure rather than on one code.
 */
export type LibvirtErrorCategory =
  'not-found' | 'already-exists' | 'invalid-state' | 'invalid-argument' | 'unsupported' | 'auth' | 'timeout' | 'internal' | 'other';

const CATEGORY_BY_CODE: ReadonlyMap<number, LibvirtErrorCategory> = new Map<number, LibvirtErrorCategory>([
  ...[42, 43, 49, 50, 53, 57, 62, 66, 72, 80, 101, 103, 104, 107, 111].map((c) => [c, 'not-found'] as const),
  ...[28, 37, 76, 90, 106].map((c) => [c, 'already-exists'] as const),
  ...[55, 87].map((c) => [c, 'invalid-state'] as const),
  ...[8, 27, 35, 67, 74, 92, 44].map((c) => [c, 'invalid-argument'] as const),
  ...[3, 84].map((c) => [c, 'unsupported'] as const),
  ...[29, 45, 79, 88, 94].map((c) => [c, 'auth'] as const),
  ...[68, 86, 112].map((c) => [c, 'timeout'] as const),
  ...[1, 9, 38].map((c) => [c, 'internal'] as const),
]);

/**
 * An error reported by libvirt itself (a REPLY or STREAM packet with status
 * ERROR). `code` is libvirt's numeric `virErrorNumber` and `codeName` its name,
 * so `err.code === VirErrorCode.VIR_ERR_NO_DOMAIN` and
 * `err.codeName === 'VIR_ERR_NO_DOMAIN'` are both safe tests.
 *
 * @see https://libvirt.org/html/libvirt-virterror.html
 */
export class LibvirtError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'LibvirtError';

  /** libvirt's `virErrorNumber`. */
  declare readonly code: number;
  /** libvirt's name for `code`, e.g. `'VIR_ERR_NO_DOMAIN'`. */
  readonly codeName: string;
  /** `virErrorDomain` number (the module that raised the error). */
  readonly domain: number;
  /** libvirt's name for `domain`, e.g. `'VIR_FROM_TEST'`. */
  readonly domainName: string;
  /** `virErrorLevel` number. */
  readonly level: number;
  /** libvirt's name for `level`, e.g. `'VIR_ERR_ERROR'`. */
  readonly levelName: string;
  readonly str1: string | null;
  readonly str2: string | null;
  readonly str3: string | null;
  readonly int1: number;
  readonly int2: number;
  /** libvirt's own message, unchanged (`message` adds the procedure name). */
  readonly libvirtMessage: string | null;
  /** The procedure that failed, when known. */
  readonly procedure: FailedProcedure | undefined;
  /** The raw decoded fields, for logging or re-raising. */
  readonly remote: Readonly<RemoteErrorFields>;

  constructor(fields: RemoteErrorFields, procedure?: FailedProcedure, options: { cause?: unknown } = {}) {
    const codeName = errorCodeName(fields.code);
    const text = fields.message ?? codeName;
    super(fields.code, procedure === undefined ? text : `${text} (${procedure.name})`, options);
    this.codeName = codeName;
    this.domain = fields.domain;
    this.domainName = errorDomainName(fields.domain);
    this.level = fields.level;
    this.levelName = errorLevelName(fields.level);
    this.str1 = fields.str1;
    this.str2 = fields.str2;
    this.str3 = fields.str3;
    this.int1 = fields.int1;
    this.int2 = fields.int2;
    this.libvirtMessage = fields.message;
    this.procedure = procedure;
    this.remote = Object.freeze({ ...fields });
  }

  /** Coarse class of this error, derived from `code` alone. */
  get category(): LibvirtErrorCategory {
    return CATEGORY_BY_CODE.get(this.code) ?? 'other';
  }

  /** `true` when the object the call named does not exist (domain, pool, volume, network…). */
  get isNotFound(): boolean {
    return this.category === 'not-found';
  }

  /**
   * The `errno` of the system call that failed in the daemon
   * (`VIR_ERR_SYSTEM_ERROR`, which carries it in `int1`), numbered as on the
   * daemon's host (Linux); `undefined` for any other error.
   */
  get errno(): number | undefined {
    return this.code === VirErrorCode.VIR_ERR_SYSTEM_ERROR && this.int1 > 0 ? this.int1 : undefined;
  }

  /**
   * `true` when a system call in the daemon failed with EAGAIN or EINTR
   * ("Resource temporarily unavailable", "Interrupted system call"): the same
   * call may succeed if made again. Example: QEMU's start failing with
   * "failed to load cgroup BPF prog" while many guests start at once.
   */
  get isTemporary(): boolean {
    const errno = this.errno;
    return errno === LINUX_EAGAIN || errno === LINUX_EINTR;
  }
}

/** Linux errno values (libvirtd runs on Linux; the client's own `os.constants` may number them differently). */
const LINUX_EINTR = 4;
const LINUX_EAGAIN = 11;

/**
 * libvirt said the domain does not exist (`VIR_ERR_NO_DOMAIN`, code 42). The one
 * `LibvirtError` subclass, because "is it gone?" is what callers branch on most.
 */
export class DomainNotFoundError extends LibvirtError {
  /** @internal */
  static override readonly kind: string = 'DomainNotFoundError';
}

/** Build the most specific {@link LibvirtError} subclass for the decoded fields. */
export function libvirtErrorFrom(fields: RemoteErrorFields, procedure?: FailedProcedure): LibvirtError {
  if (fields.code === VirErrorCode.VIR_ERR_NO_DOMAIN) return new DomainNotFoundError(fields, procedure);
  return new LibvirtError(fields, procedure);
}
