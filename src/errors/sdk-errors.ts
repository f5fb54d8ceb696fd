/**
 * The SDK's own errors, by family: codes (`sdk-codes.ts`), a call and its
 * connection (`call-errors.ts`), bad input and refused states (`input-errors.ts`),
 * day-2 operations (`operation-errors.ts`). Re-exported here so one import
 * path serves them all.
 * @module
 */
export { ErrorCode } from './sdk-codes.js';
export {
  ProtocolError,
  type CloseReason,
  ConnectionClosedError,
  AbortError,
  TimeoutError,
  UnsupportedError,
  TransportError,
  AuthError,
  EventOverflowError,
} from './call-errors.js';
export {
  InvalidArgumentError,
  type InvalidArgumentIssue,
  InvalidUriError,
  InvalidStateError,
  XmlParseError,
  AlreadyExistsError,
} from './input-errors.js';
export {
  type DeviceDetachFailure,
  DeviceDetachError,
  JobFailedError,
  BlockJobError,
  type MigrationFailure,
  MigrationError,
} from './operation-errors.js';
