/**
 * Authentication procedures (`AUTH_*`), the only ones a daemon accepts before
 * the client is authenticated.
 */
import { array, charArray, int, struct, xdrVoid } from '../../xdr/index.js';
import { REMOTE_AUTH_SASL_DATA_MAX, REMOTE_AUTH_TYPE_LIST_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullString } from '../types.js';

/** `remote_auth_type`. */
export const RemoteAuthType = {
  REMOTE_AUTH_NONE: 0,
  REMOTE_AUTH_SASL: 1,
  REMOTE_AUTH_POLKIT: 2,
} as const;

/** 66: which auth the socket wants; mandatory first call (it also authenticates root on polkit sockets). */
export const AUTH_LIST = procedure(66, 'AUTH_LIST', xdrVoid, struct({ types: array(int, REMOTE_AUTH_TYPE_LIST_MAX) }), {
  priority: 'high',
});

/** 67: start SASL, returns the server's mechanism list. */
export const AUTH_SASL_INIT = procedure(67, 'AUTH_SASL_INIT', xdrVoid, struct({ mechlist: nonnullString }), {
  priority: 'high',
});

const saslData = charArray(REMOTE_AUTH_SASL_DATA_MAX);
const saslReply = struct({ complete: int, nil: int, data: saslData });

/** 68: first SASL step. `nil = 1` means NULL data (distinct from empty). */
export const AUTH_SASL_START = procedure(68, 'AUTH_SASL_START', struct({ mech: nonnullString, nil: int, data: saslData }), saslReply, {
  priority: 'high',
});

/** 69: further SASL steps until `complete = 1`. */
export const AUTH_SASL_STEP = procedure(69, 'AUTH_SASL_STEP', struct({ nil: int, data: saslData }), saslReply, {
  priority: 'high',
});

/** 70: ask polkit to authorize this client. */
export const AUTH_POLKIT = procedure(70, 'AUTH_POLKIT', xdrVoid, struct({ complete: int }), { priority: 'high' });
