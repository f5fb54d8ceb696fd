/**
 * Plain TCP transport (`driver+tcp://host[:16509]/path`). Unencrypted: libvirt
 * only accepts it with SASL auth, or with auth "none" on a trusted loopback.
 *
 * @module
 */
import { type Socket, createConnection } from 'node:net';
import { TransportError } from '../../errors/index.js';
import { type DialOptions, awaitSocket, copiedReads, errnoCode } from './dial-util.js';

/** `host:port`, with brackets around IPv6 literals. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Turn a failed TCP connect into an error that says what to do. */
export function explainTcpError(host: string, port: number, err: Error, listener = 'TCP'): TransportError {
  const where = formatHostPort(host, port);
  const code = errnoCode(err);
  let message: string;
  switch (code) {
    case 'ECONNREFUSED':
      message =
        `connection refused by ${where}: is libvirtd listening for ${listener}? ` +
        (listener === 'TLS'
          ? '(listen_tls = 1, or the libvirtd-tls.socket / virtproxyd-tls.socket unit)'
          : '(listen_tcp = 1 in libvirtd.conf with libvirtd --listen, or the libvirtd-tcp.socket unit)');
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      message = `cannot resolve host '${host}' (${code}): check the host name in the URI`;
      break;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      message = `${where} is unreachable (${code}): check the network path and any firewall`;
      break;
    case 'ECONNRESET':
      message = `${where} closed the connection during setup (${code})`;
      break;
    default:
      message = `cannot connect to ${where}: ${code ?? err.message}`;
  }
  return new TransportError(message, { cause: err });
}

/**
 * Open a TCP connection (Nagle off: RPC calls are small and latency-bound).
 *
 * @throws {@link TransportError} (refused, unresolvable, unreachable),
 *   {@link TimeoutError}, {@link AbortError}.
 * @example
 * ```ts
 * const socket = await dialTcp('127.0.0.1', 16509, { timeout: 5000 });
 * ```
 * @see https://libvirt.org/remote.html#transports
 */
export function dialTcp(host: string, port: number, options: DialOptions = {}): Promise<Socket> {
  return awaitSocket(
    options,
    `connecting to ${formatHostPort(host, port)}`,
    () => {
      const socket: Socket = createConnection({ host, port, noDelay: true, onread: copiedReads(() => socket) });
      return socket;
    },
    'connect',
    (err) => explainTcpError(host, port, err),
  );
}
