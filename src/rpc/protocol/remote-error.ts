import { type FailedProcedure, type LibvirtError, type RemoteErrorFields, libvirtErrorFrom } from '../../errors/index.js';
import { type Codec, int, struct } from '../xdr/index.js';
import { XdrReader } from '../xdr/index.js';
import { remoteDomain, remoteNetwork, remoteString } from './types.js';

/**
 * `remote_error` (`virNetMessageError`): the payload of a REPLY or STREAM
 * packet with status ERROR. Every field is decoded, including the normally
 * unused `dom` and `net` pointers (they must be consumed to stay aligned).
 */
export const remoteError = struct({
  code: int,
  domain: int,
  message: remoteString,
  level: int,
  dom: remoteDomain,
  str1: remoteString,
  str2: remoteString,
  str3: remoteString,
  int1: int,
  int2: int,
  net: remoteNetwork,
});

/** Decode a `remote_error` payload into its public fields. */
export function decodeRemoteErrorFields(payload: Buffer): RemoteErrorFields {
  const r = new XdrReader(payload);
  const e = remoteError.decode(r);
  return {
    code: e.code,
    domain: e.domain,
    message: e.message,
    level: e.level,
    str1: e.str1,
    str2: e.str2,
    str3: e.str3,
    int1: e.int1,
    int2: e.int2,
    domainName: e.dom?.name ?? null,
    networkName: e.net?.name ?? null,
  };
}

/** Decode a `remote_error` payload into a {@link LibvirtError} (or its most specific subclass). */
export function decodeRemoteError(payload: Buffer, procedure?: FailedProcedure): LibvirtError {
  return libvirtErrorFrom(decodeRemoteErrorFields(payload), procedure);
}

/** Codec type of `remote_error`, for the fake daemon that sends errors. */
export type RemoteErrorCodec = typeof remoteError extends Codec<infer T> ? T : never;
