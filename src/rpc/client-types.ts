import type { ConnectionClosedError } from '../errors/index.js';
import type { KeepaliveOptions } from './keepalive.js';
import type { Logger } from './logger.js';
import type { MessageHeader } from './protocol/header.js';

/**
 * Longest timeout the SDK accepts, in ms (2³¹ − 1, about 24.8 days): Node's
 * timers cannot wait longer, and silently fire after 1 ms instead.
 */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Per-call options: every async operation of the SDK takes these last. */
export interface CallOptions {
  /** Abort the call. Before sending: it never goes out. After: the late reply is dropped (libvirt may still complete the operation). */
  signal?: AbortSignal;
  /** Milliseconds to wait for the reply (at most {@link MAX_TIMEOUT_MS}); `0` waits forever. Defaults to the client's `defaultTimeout`. */
  timeout?: number;
}

/** Options of {@link RpcClient}. */
export interface RpcClientOptions {
  /**
   * Default per-call timeout in milliseconds; `0` means none.
   * @default 0
   */
  defaultTimeout?: number;
  /**
   * Largest packet accepted from the daemon (header+payload bytes).
   * @default 32 MiB (VIR_NET_MESSAGE_MAX)
   */
  maxMessage?: number;
  /** Keepalive settings for our own pings, started by {@link RpcClient.startKeepalive}. */
  keepalive?: KeepaliveOptions;
  /** Receives every MESSAGE packet that is not keepalive (domain, network, pool events…). */
  onMessage?: (header: MessageHeader, payload: Buffer) => void;
  /** Structured logger; never receives payload bytes. */
  logger?: Logger;
}

/** A raw call: program, version and procedure numbers with a pre-encoded payload. */
export interface RawCall {
  program: number;
  version: number;
  proc: number;
  payload: Uint8Array;
}

/** Events of {@link RpcClient}. */
export interface RpcClientEvents {
  /** The connection closed; `error` says why. Emitted once. */
  close: [error: ConnectionClosedError];
}
