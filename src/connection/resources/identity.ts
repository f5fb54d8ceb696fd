import { InvalidArgumentError, checkKeys } from '../../errors/index.js';
import { CALL_OPTION_KEYS, CONNECT_SET_IDENTITY, type CallOptions, type TypedParam } from '../../rpc/index.js';
import { checkOptions } from './check-options.js';
import type { ResourceCall } from './types.js';

/**
 * The identity a connection's calls are checked against (libvirt's
 * `VIR_CONNECT_IDENTITY_*` typed parameters). Every field is optional; the
 * fields given replace the whole identity the daemon derived from the socket.
 */
export interface ConnectionIdentity {
  /** `user-name`: the operating system user name. */
  userName?: string;
  /** `unix-user-id`: the UNIX user id. */
  unixUserId?: number;
  /** `group-name`: the operating system group name. */
  groupName?: string;
  /** `unix-group-id`: the UNIX group id. */
  unixGroupId?: number;
  /** `process-id`: the client's process id. */
  processId?: number;
  /** `process-time`: the client process's start time (on Linux, clock ticks since boot: `/proc/<pid>/stat` field 22). */
  processTime?: number | bigint;
  /** `sasl-user-name`: the SASL-authenticated user name. */
  saslUserName?: string;
  /** `x509-distinguished-name`: the client certificate's distinguished name. */
  x509DistinguishedName?: string;
  /** `selinux-context`: the client's SELinux context. */
  selinuxContext?: string;
}

/** Each field: libvirt's parameter name and type. */
const FIELDS = {
  userName: ['user-name', 'string'],
  unixUserId: ['unix-user-id', 'ullong'],
  groupName: ['group-name', 'string'],
  unixGroupId: ['unix-group-id', 'ullong'],
  processId: ['process-id', 'llong'],
  processTime: ['process-time', 'ullong'],
  saslUserName: ['sasl-user-name', 'string'],
  x509DistinguishedName: ['x509-distinguished-name', 'string'],
  selinuxContext: ['selinux-context', 'string'],
} as const satisfies Record<keyof ConnectionIdentity, readonly [string, 'string' | 'llong' | 'ullong']>;

const KNOWN: Readonly<Record<string, true>> = Object.fromEntries(Object.keys(FIELDS).map((k) => [k, true]));

/** Largest `ullong` and `llong`. */
const MAX = { ullong: 2n ** 64n - 1n, llong: 2n ** 63n - 1n } as const;

function param(key: keyof ConnectionIdentity, value: unknown): TypedParam {
  const [field, type] = FIELDS[key];
  if (type === 'string') {
    if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`${key} must be a non-empty string`, { path: key });
    return { field, type, value };
  }
  const n = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : typeof value === 'bigint' ? value : -1n;
  if (n < 0n || n > MAX[type]) throw new InvalidArgumentError(`${key} must be a whole number from 0 to ${MAX[type]}`, { path: key });
  return { field, type, value: n };
}

/** The identity as typed parameters, checked field by field before anything is sent. */
export function identityParams(identity: ConnectionIdentity): TypedParam[] {
  if (typeof identity !== 'object' || identity === null) throw new InvalidArgumentError('identity must be an object', { path: 'identity' });
  checkKeys(identity, KNOWN, 'identity');
  const params: TypedParam[] = [];
  for (const [key, value] of Object.entries(identity)) {
    if (value !== undefined) params.push(param(key as keyof ConnectionIdentity, value));
  }
  return params;
}

/** Replace the connection's identity (`conn.host.setIdentity`). */
export async function setIdentity(call: ResourceCall, identity: ConnectionIdentity, options: CallOptions | undefined): Promise<void> {
  const params = identityParams(identity);
  const o = checkOptions(options, CALL_OPTION_KEYS);
  await call(CONNECT_SET_IDENTITY, { params, flags: 0 }, o);
}
