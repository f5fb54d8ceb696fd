import { ErrorCode, InvalidArgumentError, XmlParseError } from '../errors/index.js';

/** Stable code of {@link XmlParseError}. */
export const XML_PARSE_ERROR_CODE = ErrorCode.XML;

export { XmlParseError };

/** An `InvalidArgumentError` about a model field (`code: ERR_LIBVIRT_INVALID_SPEC`). */
export function invalidSpec(path: string, message: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`${path}: ${message}`, {
    path,
    code: ErrorCode.INVALID_SPEC,
    ...(cause === undefined ? {} : { cause }),
  });
}
