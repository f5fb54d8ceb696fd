import { type CallOptions, type ConnectRpcOptions, type LibvirtUri, type RpcLink, createDialer, openRpcLink } from '../rpc/index.js';
import type { LibvirtConnectionOptions, ResolvedConnectionOptions } from './options.js';

/** Dial and handshake one link; `timeout` defaults to the connection's `connectTimeout`. */
export type LinkOpener = (options: CallOptions) => Promise<RpcLink>;

/**
 * How a connection opens its links, the first one and every reconnect's: the
 * dialer is chosen from the URI once (it may throw, so before anything else
 * is built), then each link runs the handshake with the connection's options.
 */
export function linkOpener(
  uri: LibvirtUri,
  options: LibvirtConnectionOptions,
  resolved: ResolvedConnectionOptions,
  onMessage: NonNullable<ConnectRpcOptions['onMessage']>,
): LinkOpener {
  const dialer = createDialer(uri, {
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    ...(options.ssh === undefined ? {} : { ssh: options.ssh }),
    ...(options.connect === undefined ? {} : { connect: options.connect }),
    ...(options.allowCommand === undefined ? {} : { allowCommand: options.allowCommand }),
    readonly: resolved.readonly,
  });
  const customDialer = options.connect;
  return (callOptions) =>
    openRpcLink(uri, {
      dialer,
      readonly: resolved.readonly,
      keepalive: resolved.keepalive,
      defaultTimeout: resolved.defaultTimeout,
      timeout: callOptions.timeout ?? resolved.connectTimeout,
      ...(resolved.sasl === undefined ? {} : { sasl: resolved.sasl }),
      // The dialer above wins; this only tells the handshake the link is not plain TCP.
      ...(customDialer === undefined ? {} : { transport: { connect: customDialer } }),
      onMessage,
      ...(resolved.logger === undefined ? {} : { logger: resolved.logger }),
      ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
    });
}
