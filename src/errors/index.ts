/**
 * Errors of libvirt-manager. This is the leaf of the layer graph: it imports
 * nothing else from the package.
 *
 * @module errors
 */
export { LibvirtManagerError, type LibvirtManagerErrorOptions } from './base.js';
export {
  LibvirtError,
  DomainNotFoundError,
  libvirtErrorFrom,
  type RemoteErrorFields,
  type FailedProcedure,
  type LibvirtErrorCategory,
} from './libvirt-error.js';
export {
  ErrorCode,
  ProtocolError,
  ConnectionClosedError,
  AbortError,
  TimeoutError,
  UnsupportedError,
  InvalidArgumentError,
  type InvalidArgumentIssue,
  InvalidUriError,
  TransportError,
  AuthError,
  EventOverflowError,
  InvalidStateError,
  XmlParseError,
  AlreadyExistsError,
  BlockJobError,
  DeviceDetachError,
  JobFailedError,
  MigrationError,
  type MigrationFailure,
  type DeviceDetachFailure,
  type CloseReason,
} from './sdk-errors.js';
export { GuestAgentError, GuestExecError, type GuestAgentFailure } from './agent-errors.js';
export { VirErrorCode, VirErrorDomain, errorCodeName, errorDomainName, errorLevelName } from './error-codes.js';
export { asSdkError, isFlagRefusal, isLibvirtCode, libvirtCodeOf } from './checks.js';
export { MAX_LISTED_ISSUES, errorOfIssues, issuesMessage } from './issues.js';
export { checkKeys, suggestKeys, unknownKeyErrors, type KnownKeys, type UnknownKeyKind } from './unknown-keys.js';
