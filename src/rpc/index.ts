/**
 * libvirt's remote RPC protocol in TypeScript: XDR codec, procedure
 * descriptors, framer, pipelined client, streams, keepalive, transports.
 *
 * @module rpc
 */
export * from './xdr/index.js';
export * from './protocol/index.js';
export * from './transport/index.js';
export { PacketFramer, type Packet, type FramerOptions } from './framer.js';
export {
  RpcClient,
  classifyRemoteError,
  MAX_TIMEOUT_MS,
  CALL_OPTION_KEYS,
  checkCallOptions,
  checkOnlyCallOptions,
  checkDuration,
  type CallOptions,
  type RawCall,
  type RpcClientOptions,
  type RpcClientEvents,
} from './client.js';
export {
  RpcStream,
  STREAM_ABORT_TIMEOUT_MS,
  type RpcStreamOptions,
  type StreamAbortOptions,
  type StreamOperationOptions,
  type StreamPacketType,
} from './stream.js';
export { type SparseChunk, type StreamHole, isStreamHole } from './stream-hole.js';
export { DEFAULT_KEEPALIVE, resolveKeepalive, type KeepaliveOptions, type KeepaliveSettings } from './keepalive.js';
export { handshake, type HandshakeParams, type HandshakeResult, type AuthMethod } from './handshake.js';
export * from './sasl/index.js';
export { connectRpc, openRpcLink, type ConnectRpcOptions, type RpcLink } from './connect.js';
export type { Logger } from './logger.js';
export { RPC_CALL_CHANNEL, type RpcCallMessage, errorCodeOf, hasTraceSubscribers, traceTimed } from './tracing.js';
export { type RaceErrors, raceDeadline } from './deadline.js';
