/**
 * Transports: libvirt URIs, and dialers that turn one into a connected Duplex.
 * The only part of `src/rpc` that touches sockets and processes.
 *
 * @module transport
 */
export {
  parseLibvirtUri,
  isSshTransport,
  LIBVIRT_TRANSPORTS,
  DEFAULT_PORTS,
  MAX_URI_LENGTH,
  type LibvirtUri,
  type LibvirtTransport,
  type UriEnvironment,
} from './uri.js';
export {
  CLIENT_SIDE_URI_PARAMS,
  type ClientSideUriParam,
  type KnownHostsVerify,
  type LibvirtUriClientParams,
  type SshAuthMethod,
  type SshProxyMode,
} from './uri-params.js';
export { redactUri, type QueryParam as LibvirtUriParam } from './uri-syntax.js';
export type { SocketMode } from './socket-path.js';
export { createDialer, type Dialer, type DialOptions, type TransportOptions } from './dialer.js';
export { DEFAULT_CONNECT_TIMEOUT } from './dial-util.js';
export { dialUnix } from './unix.js';
export { dialTcp } from './tcp.js';
export { dialTls, resolveTlsConnectOptions, type TlsOptions } from './tls.js';
export { resolveTlsFiles, SYSTEM_TLS_FILES, type TlsFilePaths, type TlsFileEnvironment } from './tls-files.js';
export { dialSsh, buildSshArgs, buildRemoteCommand, shellQuote, type SshOptions } from './ssh.js';
export { dialExt, type ExtOptions } from './ext.js';
export { ChildProcessDuplex } from './child-duplex.js';
