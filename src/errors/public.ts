/**
 * The errors the public entry points export (the root and
 * `libvirt-manager/connection`): every class callers branch on, libvirt's
 * codes, and the helpers to test them. `./index.ts` has the rest, for the SDK.
 *
 * @module
 */
export {
  AbortError,
  AlreadyExistsError,
  BlockJobError,
  DeviceDetachError,
  JobFailedError,
  type DeviceDetachFailure,
  AuthError,
  ConnectionClosedError,
  DomainNotFoundError,
  ErrorCode,
  EventOverflowError,
  GuestAgentError,
  GuestExecError,
  type GuestAgentFailure,
  InvalidArgumentError,
  InvalidStateError,
  InvalidUriError,
  LibvirtError,
  LibvirtManagerError,
  ProtocolError,
  TimeoutError,
  TransportError,
  UnsupportedError,
  VirErrorCode,
  VirErrorDomain,
  XmlParseError,
  isLibvirtCode,
  libvirtCodeOf,
  type CloseReason,
  type FailedProcedure,
  type LibvirtErrorCategory,
  type LibvirtManagerErrorOptions,
  type RemoteErrorFields,
} from './index.js';
