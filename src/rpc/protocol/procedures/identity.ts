/**
 * The identity the daemon uses for this connection's access checks, set by a
 * trusted proxy (virtproxyd does this for its clients).
 */
import { struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';

/** `REMOTE_CONNECT_IDENTITY_PARAMS_MAX`. */
export const REMOTE_CONNECT_IDENTITY_PARAMS_MAX = 20;

/**
 * 419: replace the connection's client identity with typed parameters (`user-name`, `unix-user-id`,
 * `group-name`, `unix-group-id`, `process-id`, `process-time`, `sasl-user-name`, `x509-distinguished-name`,
 * `selinux-context`); flags: none yet. Only a privileged client may.
 * @see virConnectSetIdentity
 */
export const CONNECT_SET_IDENTITY = procedure(
  419,
  'CONNECT_SET_IDENTITY',
  struct({ params: typedParams(REMOTE_CONNECT_IDENTITY_PARAMS_MAX), flags: uint }),
  xdrVoid,
);
