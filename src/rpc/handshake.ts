import { AuthError, LibvirtError, UnsupportedError } from '../errors/index.js';
import type { CallOptions, RpcClient } from './client.js';
import type { KeepaliveOptions } from './keepalive.js';
import { AUTH_LIST, AUTH_POLKIT, RemoteAuthType } from './protocol/procedures/auth.js';
import { CONNECT_OPEN, CONNECT_SUPPORTS_FEATURE, VirConnectFlags, VirDrvFeature } from './protocol/procedures/connect.js';
import { type SaslContext, type SaslMechanismName, saslAuthenticate } from './sasl/index.js';

/** What to open once the transport is up. */
export interface HandshakeParams extends CallOptions {
  /** Name sent in CONNECT_OPEN (the URI with transport, host and client-side params removed). */
  name: string;
  /** Open read-only (`VIR_CONNECT_RO`). @default false */
  readonly?: boolean;
  /** Our own keepalive pings; `false` disables them (we still answer the daemon's). @default libvirt's 5 s × 5 */
  keepalive?: KeepaliveOptions | false;
  /** Credentials and transport, for a daemon that asks for SASL. */
  sasl?: SaslContext;
}

/** The authentication method the daemon asked for. */
export type AuthMethod = 'none' | 'polkit' | 'sasl';

/** What the handshake learned about the daemon. */
export interface HandshakeResult {
  /** Authentication the socket required. */
  auth: AuthMethod;
  /** The SASL mechanism used, when `auth` is `'sasl'`. */
  saslMechanism?: SaslMechanismName;
  /** The daemon supports keepalive (and pings us now). */
  keepalive: boolean;
}

/**
 * Run libvirt's connection handshake on a fresh client, in the order libvirt's
 * own client uses (`doRemoteOpen`):
 *
 * 1. AUTH_LIST — mandatory even without auth (on a polkit socket it is what
 *    authenticates root);
 * 2. AUTH_POLKIT when the socket asks for polkit, or the SASL exchange
 *    (AUTH_SASL_INIT, _START, _STEP…) when it asks for SASL;
 * 3. CONNECT_SUPPORTS_FEATURE(PROGRAM_KEEPALIVE) — allowed before open; from
 *    then on the daemon pings us and we must answer — pipelined with
 * 4. CONNECT_OPEN with the driver name.
 *
 * Unlike libvirt's client it does not then ask whether the daemon has event
 * callbacks and the close callback (two more CONNECT_SUPPORTS_FEATURE, a round
 * trip after the open: they cannot go with it, the daemon answers "hypervisor
 * connection not open" when its workers run them first). Every libvirtd since
 * 1.2.1 (2013) has both, and an older one answers the procedure that needs them
 * with "unknown procedure" ({@link UnsupportedError}), which the event
 * consumers already treat as "poll instead". go-libvirt does not ask either.
 *
 * @throws {@link AuthError} polkit refused; SASL without credentials, on plain TCP, with no common mechanism, or refused
 * @throws {@link LibvirtError} CONNECT_OPEN failed (e.g. unknown driver)
 */
export async function handshake(client: RpcClient, params: HandshakeParams): Promise<HandshakeResult> {
  const options: CallOptions = {
    ...(params.signal === undefined ? {} : { signal: params.signal }),
    ...(params.timeout === undefined ? {} : { timeout: params.timeout }),
  };
  const { auth, saslMechanism } = await authenticate(
    client,
    options,
    params.sasl ?? { sasl: undefined, uriUser: undefined, transport: 'custom' },
  );
  // The keepalive probe is answered without a driver connection, so it goes out with CONNECT_OPEN, in one
  // write (a round trip saved).
  const [keepalive] = await Promise.all([
    params.keepalive === false ? false : supports(client, VirDrvFeature.VIR_DRV_FEATURE_PROGRAM_KEEPALIVE, options),
    client.call(CONNECT_OPEN, { name: params.name, flags: params.readonly === true ? VirConnectFlags.VIR_CONNECT_RO : 0 }, options),
  ]);
  // From the keepalive probe on the daemon pings us (the client always answers); now we ping it too.
  if (keepalive && params.keepalive !== false) client.startKeepalive(params.keepalive ?? {});
  return { auth, ...(saslMechanism === undefined ? {} : { saslMechanism }), keepalive };
}

async function authenticate(
  client: RpcClient,
  options: CallOptions,
  sasl: SaslContext,
): Promise<{ auth: AuthMethod; saslMechanism?: SaslMechanismName }> {
  let types: number[];
  try {
    ({ types } = await client.call(AUTH_LIST, undefined, options));
  } catch (error) {
    // A daemon too old to know AUTH_LIST needs no auth (libvirt's client does the same).
    if (error instanceof UnsupportedError) return { auth: 'none' };
    throw error;
  }
  const type = types[0] ?? RemoteAuthType.REMOTE_AUTH_NONE;
  switch (type) {
    case RemoteAuthType.REMOTE_AUTH_NONE:
      return { auth: 'none' };
    case RemoteAuthType.REMOTE_AUTH_POLKIT: {
      try {
        const { complete } = await client.call(AUTH_POLKIT, undefined, options);
        if (complete !== 1) throw new AuthError('polkit did not complete authentication');
      } catch (error) {
        if (error instanceof LibvirtError) {
          throw new AuthError(
            `polkit refused access: ${error.libvirtMessage ?? error.codeName}. Run as root, add the user to the 'libvirt' group, or add a polkit rule for org.libvirt.unix.manage`,
            { cause: error },
          );
        }
        throw error;
      }
      return { auth: 'polkit' };
    }
    case RemoteAuthType.REMOTE_AUTH_SASL:
      return { auth: 'sasl', saslMechanism: await saslAuthenticate(client, sasl, options) };
    default:
      throw new AuthError(`the daemon asks for unknown authentication type ${type}`);
  }
}

async function supports(client: RpcClient, feature: number, options: CallOptions): Promise<boolean> {
  try {
    const { supported } = await client.call(CONNECT_SUPPORTS_FEATURE, { feature }, options);
    return supported !== 0;
  } catch (error) {
    if (error instanceof UnsupportedError) return false;
    throw error;
  }
}
