import {
  ConnectionClosedError,
  type LibvirtError,
  type LibvirtManagerError,
  UnsupportedError,
  VirErrorCode,
  VirErrorDomain,
} from '../errors/index.js';

/**
 * Turn the daemon's "cannot dispatch this" errors into {@link UnsupportedError}.
 * Decided by code only: VIR_ERR_NO_SUPPORT (the driver lacks the method), and
 * VIR_ERR_RPC from VIR_FROM_RPC, which is how the daemon's dispatcher reports a
 * procedure number it does not know (older daemon than this SDK).
 */
export function classifyRemoteError(error: LibvirtError): LibvirtManagerError {
  const unknownProcedure = error.code === VirErrorCode.VIR_ERR_RPC && error.domain === VirErrorDomain.VIR_FROM_RPC;
  if (error.code === VirErrorCode.VIR_ERR_NO_SUPPORT || unknownProcedure) {
    const what = error.procedure?.name ?? 'this procedure';
    return new UnsupportedError(
      unknownProcedure ? `the daemon does not implement ${what}: ${error.libvirtMessage ?? ''}`.trim() : `${error.message}`,
      { remote: error },
    );
  }
  return error;
}

/**
 * Re-capture an error's stack at the caller's `await`, so it points at user
 * code rather than at the socket's data handler (V8 keeps the async frames).
 */
export function atCallSite(error: unknown): unknown {
  if (error instanceof Error) Error.captureStackTrace(error, atCallSite);
  return error;
}

/** One error object per caller, so re-captured stacks never clash. */
export function copyClosed(error: ConnectionClosedError): ConnectionClosedError {
  return new ConnectionClosedError(error.reason, error.message, { cause: error.cause });
}
