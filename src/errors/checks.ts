import { ErrorCode, UnsupportedError } from './sdk-errors.js';
import { LibvirtManagerError } from './base.js';
import { LibvirtError } from './libvirt-error.js';
import { VirErrorCode } from './error-codes.js';

/**
 * libvirt's error code behind `error`: of a `LibvirtError`, or of the
 * `LibvirtError` an `UnsupportedError` carries as `remote`; `undefined` for
 * anything else.
 * @example libvirtCodeOf(err) === VirErrorCode.VIR_ERR_NO_DOMAIN
 */
export function libvirtCodeOf(error: unknown): number | undefined {
  if (error instanceof LibvirtError) return error.code;
  const remote = (error as { remote?: unknown } | null)?.remote;
  return remote instanceof LibvirtError ? remote.code : undefined;
}

/**
 * `true` when libvirt reported `error` with one of `codes` (`VirErrorCode`):
 * the one way the SDK branches on libvirt's error numbers.
 * @example if (isLibvirtCode(err, VirErrorCode.VIR_ERR_NO_STORAGE_VOL, VirErrorCode.VIR_ERR_NO_STORAGE_POOL)) …
 */
export function isLibvirtCode(error: unknown, ...codes: number[]): boolean {
  const code = libvirtCodeOf(error);
  return code !== undefined && codes.includes(code);
}

/**
 * `true` when the daemon refused the *flags* of a request rather than the
 * request: the driver lacks the method or the flag (`UnsupportedError`,
 * `VIR_ERR_NO_SUPPORT`), or calls it an invalid or unsupported argument,
 * configuration or operation (the test driver answers an ACPI shutdown flag
 * with `VIR_ERR_INVALID_ARG`; QEMU without an agent, with
 * `VIR_ERR_ARGUMENT_UNSUPPORTED`). Callers then try fewer flags.
 */
export function isFlagRefusal(error: unknown): boolean {
  if (error instanceof UnsupportedError) return true;
  return isLibvirtCode(
    error,
    VirErrorCode.VIR_ERR_NO_SUPPORT,
    VirErrorCode.VIR_ERR_INVALID_ARG,
    VirErrorCode.VIR_ERR_ARGUMENT_UNSUPPORTED,
    VirErrorCode.VIR_ERR_CONFIG_UNSUPPORTED,
    VirErrorCode.VIR_ERR_OPERATION_UNSUPPORTED,
  );
}

/** `error` as an SDK error: itself when it is one, else wrapped (`ERR_LIBVIRT_INTERNAL`, `cause` the original) for a report. */
export function asSdkError(error: unknown): LibvirtManagerError {
  return error instanceof LibvirtManagerError ? error : new LibvirtManagerError(ErrorCode.INTERNAL, String(error), { cause: error });
}
