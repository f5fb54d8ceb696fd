import { LibvirtError, UnsupportedError, VirErrorCode, isLibvirtCode } from '../../errors/index.js';

/**
 * `error`, or — when libvirt refused with `VIR_ERR_OPERATION_UNSUPPORTED`
 * (the driver has the call but not for this host or setup: SEV without the
 * hardware, per-CPU statistics under cgroup v2, block statistics summed over
 * disks on the test driver) — an {@link UnsupportedError} saying what, with
 * libvirt's error as `remote`: the same error as a driver without the call,
 * so callers branch once.
 * @example throw unsupportedAs(error, 'AMD SEV');
 */
export function unsupportedAs(error: unknown, what: string): unknown {
  if (!(error instanceof LibvirtError) || !isLibvirtCode(error, VirErrorCode.VIR_ERR_OPERATION_UNSUPPORTED)) return error;
  return new UnsupportedError(`${what} is not available here: ${error.libvirtMessage ?? error.message}`, { remote: error });
}
