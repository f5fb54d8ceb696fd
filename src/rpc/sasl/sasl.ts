import { AuthError, InvalidArgumentError, LibvirtError } from '../../errors/index.js';
import type { CallOptions, RpcClient } from '../client.js';
import { AUTH_SASL_INIT, AUTH_SASL_START, AUTH_SASL_STEP } from '../protocol/procedures/auth.js';
import type { LibvirtTransport } from '../transport/index.js';
import type { SaslCredentials, SaslMechanism, SaslMechanismName } from './mechanism.js';
import { PlainMechanism } from './plain.js';
import { ScramMechanism } from './scram.js';

/**
 * Credentials for a daemon whose listener asks for SASL (`auth_tls = "sasl"`,
 * users in libvirt's sasldb: `saslpasswd2 -a libvirt <user>`).
 *
 * @example
 * await LibvirtConnection.connect('qemu+tls://alice@kvm1.example/system', {
 *   sasl: { password: () => vault.read('libvirt/alice') },
 * });
 */
export interface SaslOptions {
  /** The SASL user; default: the URI's user (`qemu+tls://alice@host/system`). */
  username?: string;
  /**
   * The password, or a function that returns it. A function is called at
   * each (re)connect, so the secret need not live in your options; the SDK
   * never logs it, stores it or puts it in an error.
   */
  password: string | (() => string | Promise<string>);
  /**
   * Mechanisms allowed, in order of preference. Default `['SCRAM-SHA-256',
   * 'SCRAM-SHA-1']`: the password never crosses the wire and the server proves
   * it knows it. `'PLAIN'` sends the password itself (inside TLS or a local
   * socket); it is used only when listed here. SCRAM refuses a server asking
   * for more than 65,536 PBKDF2 iterations (`SCRAM_MAX_ITERATIONS`, the limit
   * of Cyrus SASL's client that `virsh` uses) with an `AuthError`, before
   * computing anything.
   */
  mechanisms?: readonly SaslMechanismName[];
}

/** The mechanisms used when {@link SaslOptions.mechanisms} is not given. */
export const DEFAULT_SASL_MECHANISMS: readonly SaslMechanismName[] = ['SCRAM-SHA-256', 'SCRAM-SHA-1'];

const KNOWN: readonly SaslMechanismName[] = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'];

/** More round trips than any mechanism here needs: a server that keeps asking is not finishing. */
const MAX_STEPS = 8;

/**
 * Check {@link SaslOptions} before anything is dialed.
 * @throws {@link InvalidArgumentError} naming the field (`sasl.…`); never quoting the password
 */
export function checkSaslOptions(sasl: unknown): void {
  if (sasl === undefined) return;
  if (typeof sasl !== 'object' || sasl === null)
    throw new InvalidArgumentError('sasl must be an object { username?, password, mechanisms? }', { path: 'sasl' });
  const { username, password, mechanisms } = sasl as Partial<Record<keyof SaslOptions, unknown>>;
  // eslint-disable-next-line no-control-regex -- a NUL would end the name inside the PLAIN message
  if (username !== undefined && (typeof username !== 'string' || username === '' || username.length > 1024 || /[\u0000]/.test(username))) {
    throw new InvalidArgumentError('sasl.username must be a non-empty string without NUL', { path: 'sasl.username' });
  }
  if (typeof password !== 'string' && typeof password !== 'function') {
    throw new InvalidArgumentError('sasl.password must be a string or a function returning one', { path: 'sasl.password' });
  }
  if (mechanisms !== undefined) {
    if (!Array.isArray(mechanisms) || mechanisms.length === 0 || mechanisms.some((m) => !KNOWN.includes(m as SaslMechanismName))) {
      throw new InvalidArgumentError(`sasl.mechanisms must be a non-empty list of ${KNOWN.join(', ')}`, { path: 'sasl.mechanisms' });
    }
  }
}

function mechanism(name: SaslMechanismName, credentials: SaslCredentials): SaslMechanism {
  return name === 'PLAIN' ? new PlainMechanism(credentials) : new ScramMechanism(name, credentials);
}

async function resolvePassword(password: SaslOptions['password']): Promise<string> {
  let value: unknown;
  try {
    value = typeof password === 'function' ? await password() : password;
  } catch (cause) {
    throw new AuthError('sasl.password: the password function failed', { cause });
  }
  // eslint-disable-next-line no-control-regex -- a NUL would end the password inside the PLAIN message
  if (typeof value !== 'string' || /[\u0000]/.test(value))
    throw new AuthError('sasl.password: the password function did not return a string without NUL');
  return value;
}

/** What {@link saslAuthenticate} needs besides the client. */
export interface SaslContext {
  sasl: SaslOptions | undefined;
  /** The URI's user, the default SASL user. */
  uriUser: string | undefined;
  /** The transport in use: SASL is refused on plain `tcp` (see below). */
  transport: LibvirtTransport | 'custom';
}

/**
 * Authenticate with SASL (AUTH_SASL_INIT, _START, _STEP…), choosing the
 * first allowed mechanism the daemon offers.
 *
 * On plain TCP libvirt demands a SASL security layer (it encrypts everything
 * after authentication; SSF ≥ 56) that none of these mechanisms has, and
 * would refuse only after the exchange: so nothing is sent there, and the
 * error says to use TLS.
 *
 * @returns the mechanism used
 * @throws {@link AuthError} no credentials, plain TCP, no common mechanism, wrong password, a server that cannot prove itself
 */
export async function saslAuthenticate(client: RpcClient, context: SaslContext, options: CallOptions): Promise<SaslMechanismName> {
  const { sasl } = context;
  if (sasl === undefined) {
    throw new AuthError(
      'the daemon requires SASL authentication: pass sasl: { username, password } (connection options), or connect over a socket whose auth is "none" or polkit',
    );
  }
  if (context.transport === 'tcp') {
    throw new AuthError(
      'the daemon requires SASL on plain TCP, where libvirt insists on a SASL security layer (encryption) that libvirt-manager does not implement; connect with qemu+tls:// (SASL inside TLS) instead. No credentials were sent',
    );
  }
  const username = sasl.username ?? context.uriUser;
  if (username === undefined)
    throw new AuthError('SASL needs a user: pass sasl.username or put it in the URI (qemu+tls://user@host/system)');
  const allowed = sasl.mechanisms ?? DEFAULT_SASL_MECHANISMS;
  const wrap = (error: unknown): unknown =>
    error instanceof LibvirtError
      ? new AuthError(`SASL authentication as ${JSON.stringify(username)} failed: ${error.libvirtMessage ?? error.codeName}`, {
          cause: error,
        })
      : error;
  try {
    const { mechlist } = await client.call(AUTH_SASL_INIT, undefined, options);
    const offered = mechlist
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((m) => m.toUpperCase());
    const name = allowed.find((m) => offered.includes(m));
    if (name === undefined) {
      throw new AuthError(
        `no SASL mechanism in common: the daemon offers ${offered.join(', ') || 'none'}; allowed here: ${allowed.join(', ')}${offered.includes('PLAIN') && !allowed.includes('PLAIN') ? " (add 'PLAIN' to sasl.mechanisms to send the password inside TLS)" : ''}`,
      );
    }
    const mech = mechanism(name, { username, password: await resolvePassword(sasl.password) });
    const initial = await mech.start();
    let reply = await client.call(
      AUTH_SASL_START,
      { mech: name, nil: initial === null ? 1 : 0, data: initial ?? Buffer.alloc(0) },
      options,
    );
    for (let steps = 0; reply.complete !== 1; steps++) {
      if (steps === MAX_STEPS) throw new AuthError(`SASL ${name}: the daemon did not complete after ${MAX_STEPS} steps`);
      const response = await mech.step(reply.nil === 1 ? Buffer.alloc(0) : reply.data);
      reply = await client.call(AUTH_SASL_STEP, { nil: 0, data: response }, options);
    }
    mech.complete(reply.nil === 1 ? null : reply.data);
    return name;
  } catch (error) {
    throw wrap(error);
  }
}
