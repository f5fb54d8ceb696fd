import { AbortError, ConnectionClosedError, InvalidArgumentError, TimeoutError } from '../errors/index.js';
import type { CallOptions, RpcClientOptions } from './client.js';
import { RpcClient, checkDuration } from './client.js';
import { startDeadline } from './deadline.js';
import { type HandshakeResult, handshake } from './handshake.js';
import type { KeepaliveOptions } from './keepalive.js';
import { type SaslOptions, checkSaslOptions } from './sasl/index.js';
import { type Dialer, type LibvirtUri, type TransportOptions, createDialer } from './transport/index.js';
import { parseLibvirtUriCached } from './transport/uri-cache.js';

/** Options of {@link openRpcLink} and {@link connectRpc}. */
export interface ConnectRpcOptions extends CallOptions, Omit<RpcClientOptions, 'keepalive'> {
  /** TLS/ssh settings or your own dialer. */
  transport?: TransportOptions;
  /** Open read-only (read-only socket and `VIR_CONNECT_RO`). @default false */
  readonly?: boolean;
  /** Our own keepalive pings; `false` disables them. @default 5000 ms × 5 */
  keepalive?: KeepaliveOptions | false;
  /** A dialer built earlier (the connection reuses one across reconnects). */
  dialer?: Dialer;
  /** Credentials for a daemon that asks for SASL (only ever sent inside TLS, ssh or a local socket). */
  sasl?: SaslOptions;
}

/** A connected, handshaken RPC client and what it learned. */
export interface RpcLink {
  client: RpcClient;
  uri: LibvirtUri;
  handshake: HandshakeResult;
}

/**
 * Dial the daemon `uri` names, run the handshake and return the live link.
 * `timeout` (default 30 s) and `signal` bound the whole dial + handshake; on
 * any failure the socket is destroyed, so nothing leaks.
 *
 * @throws {@link InvalidUriError} · {@link TransportError} · {@link AuthError} · {@link LibvirtError} · {@link TimeoutError} · {@link AbortError}
 */
export async function openRpcLink(uri: string | LibvirtUri, options: ConnectRpcOptions = {}): Promise<RpcLink> {
  const parsed = typeof uri === 'string' ? parseLibvirtUriCached(uri) : uri;
  const readonly = options.readonly === true;
  checkSaslOptions(options.sasl);
  const dialer = options.dialer ?? createDialer(parsed, { ...options.transport, readonly });
  const timeout = options.timeout ?? 30_000;
  // Checked before anything is dialed (AbortSignal.timeout would throw a bare RangeError).
  checkDuration(timeout, 'timeout');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
    throw new InvalidArgumentError('signal must be an AbortSignal', { path: 'signal' });
  // One controller and one timer, released below; AbortSignal.timeout()/any() would outlive the open (src/rpc/deadline.ts).
  const deadline = timeout > 0 || options.signal !== undefined ? startDeadline(timeout, options.signal, () => undefined) : undefined;
  const signal = deadline?.signal;
  // The deadline aborts the dial and the handshake calls; report it as a timeout, not an abort.
  const asTimeout = (error: unknown): unknown =>
    deadline?.expired === true
      ? new TimeoutError(timeout, `connecting to ${parsed.redacted} timed out after ${timeout} ms`, { cause: error })
      : error;
  try {
    return await dialAndHandshake(parsed, dialer, options, readonly, timeout, signal);
  } catch (error) {
    throw asTimeout(error);
  } finally {
    deadline?.dispose();
  }
}

async function dialAndHandshake(
  parsed: LibvirtUri,
  dialer: Dialer,
  options: ConnectRpcOptions,
  readonly: boolean,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<RpcLink> {
  const socket = await dialer({ ...(signal === undefined ? {} : { signal }), ...(timeout > 0 ? { timeout } : {}) });
  const client = new RpcClient(socket, {
    ...(options.defaultTimeout === undefined ? {} : { defaultTimeout: options.defaultTimeout }),
    ...(options.maxMessage === undefined ? {} : { maxMessage: options.maxMessage }),
    ...(options.onMessage === undefined ? {} : { onMessage: options.onMessage }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  // The deadline (or the caller's abort) ends the handshake by destroying the client, which fails the call in
  // flight: one listener for the whole handshake instead of one per call (EventTarget listeners are not cheap).
  const onAbort = (): void => client.destroy(new ConnectionClosedError('client', `connecting to ${parsed.redacted} was aborted`));
  if (signal?.aborted === true) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await handshake(client, {
      name: parsed.name,
      readonly,
      keepalive: options.keepalive ?? {},
      sasl: { sasl: options.sasl, uriUser: parsed.user, transport: options.transport?.connect !== undefined ? 'custom' : parsed.transport },
    });
    return { client, uri: parsed, handshake: result };
  } catch (error) {
    client.destroy();
    // A caller's abort is reported as such (a deadline becomes a TimeoutError in openRpcLink).
    if (signal?.aborted === true && options.signal?.aborted === true)
      throw new AbortError(`connecting to ${parsed.redacted} was aborted`, { cause: options.signal.reason });
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Connect a raw RPC client: the lowest public layer, for calling any
 * procedure descriptor directly. Most applications want `LibvirtConnection`,
 * which adds reconnects, events and typed resources.
 *
 * @example
 * const client = await connectRpc('test+unix:///default');
 * const { lib_ver } = await client.call(CONNECT_GET_LIB_VERSION, undefined);
 * await client.close();
 */
export async function connectRpc(uri: string | LibvirtUri, options: ConnectRpcOptions = {}): Promise<RpcClient> {
  return (await openRpcLink(uri, options)).client;
}
