import type { Duplex } from 'node:stream';
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
  const asTimeout = (error: unknown): TimeoutError =>
    new TimeoutError(timeout, `connecting to ${parsed.redacted} timed out after ${timeout} ms`, { cause: error });
  const started = Date.now();
  // Built-in dialers bound themselves by `timeout` and the caller's signal (one timer of their own). A caller's
  // dialer also gets a signal that fires at the deadline, in case it honours only `signal` (src/rpc/deadline.ts).
  const custom = options.transport?.connect !== undefined;
  const dialDeadline = custom && timeout > 0 ? startDeadline(timeout, options.signal, () => undefined) : undefined;
  const dialSignal = dialDeadline?.signal ?? options.signal;
  let socket: Duplex;
  try {
    socket = await dialer({ ...(dialSignal === undefined ? {} : { signal: dialSignal }), ...(timeout > 0 ? { timeout } : {}) });
  } catch (error) {
    // The dialer's own timer is our deadline when one was given (without one, a built-in dialer's default applies).
    throw (error instanceof TimeoutError && timeout > 0) || dialDeadline?.expired === true ? asTimeout(error) : error;
  } finally {
    dialDeadline?.dispose();
  }
  const left = timeout > 0 ? Math.max(1, timeout - (Date.now() - started)) : 0;
  return handshakeOn(socket, parsed, options, readonly, left, asTimeout);
}

/**
 * Run the handshake on a dialed socket within `left` ms (0: no deadline) and the caller's signal. Either ends it by
 * destroying the client, which fails the call in flight: one timer and one listener for the whole handshake, not a
 * listener per call and no AbortController (EventTarget listeners and controllers are not cheap per connection).
 */
async function handshakeOn(
  socket: Duplex,
  parsed: LibvirtUri,
  options: ConnectRpcOptions,
  readonly: boolean,
  left: number,
  asTimeout: (error: unknown) => TimeoutError,
): Promise<RpcLink> {
  const client = new RpcClient(socket, {
    ...(options.defaultTimeout === undefined ? {} : { defaultTimeout: options.defaultTimeout }),
    ...(options.maxMessage === undefined ? {} : { maxMessage: options.maxMessage }),
    ...(options.onMessage === undefined ? {} : { onMessage: options.onMessage }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const { signal } = options;
  let expired = false;
  const stop = (): void => client.destroy(new ConnectionClosedError('client', `connecting to ${parsed.redacted} was aborted`));
  const timer =
    left > 0
      ? setTimeout(() => {
          expired = true;
          stop();
        }, left).unref()
      : undefined;
  if (signal?.aborted === true) stop();
  else signal?.addEventListener('abort', stop, { once: true });
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
    if (expired) throw asTimeout(error);
    if (signal?.aborted === true) throw new AbortError(`connecting to ${parsed.redacted} was aborted`, { cause: signal.reason });
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
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
