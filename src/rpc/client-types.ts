import { InvalidArgumentError, type KnownKeys, checkKeys } from '../errors/index.js';
import type { ConnectionClosedError } from '../errors/index.js';
import type { KeepaliveOptions } from './keepalive.js';
import type { Logger } from './logger.js';
import type { MessageHeader } from './protocol/header.js';

/**
 * Longest timeout the SDK accepts, in ms (2³¹ − 1, about 24.8 days): Node's
 * timers cannot wait longer, and silently fire after 1 ms instead.
 */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * The SDK's one check of a duration option (a timeout, an interval), in ms:
 * a finite number from 0 to {@link MAX_TIMEOUT_MS}. `undefined` passes through
 * (the caller applies its default).
 *
 * @example const timeout = checkDuration(options.timeout, 'timeout') ?? 30_000;
 * @throws {@link InvalidArgumentError} naming `path`; the value is shown only when it is a number
 */
export function checkDuration(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMEOUT_MS) {
    const shown = typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value;
    throw new InvalidArgumentError(`${path} must be a number of milliseconds from 0 to ${MAX_TIMEOUT_MS} (0: none), got ${shown}`, {
      path,
    });
  }
  return value;
}

/** The keys of {@link CallOptions}: spread into each method's list of known option keys (`checkKeys`). */
export const CALL_OPTION_KEYS = { signal: true, timeout: true } as const satisfies KnownKeys<CallOptions>;

/**
 * Check the `{ signal, timeout }` every async method takes last, before
 * anything is sent: an object (or nothing), an `AbortSignal`, a duration in
 * ms (0 for no limit, at most `MAX_TIMEOUT_MS`).
 *
 * @returns the timeout to use: the caller's, or `defaultTimeout`
 * @throws {@link InvalidArgumentError} naming the option (`path`)
 */
export function checkCallOptions(options: unknown, defaultTimeout: number): number {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError('options must be an object', { path: 'options' });
  }
  const { signal, timeout } = (options ?? {}) as { signal?: unknown; timeout?: unknown };
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new InvalidArgumentError('signal must be an AbortSignal', { path: 'signal' });
  return checkDuration(timeout, 'timeout') ?? defaultTimeout;
}

/**
 * {@link checkCallOptions} for a call that takes `{ signal, timeout }` and
 * nothing else: any other key is refused too, a misspelling with its hint.
 * Not for calls that hand a wider options object on (the `conn.*` resources
 * pass their own options to `LibvirtConnection.call`).
 *
 * @returns the timeout to use: the caller's, or `defaultTimeout`
 * @example const timeout = checkOnlyCallOptions(options, 60_000); // { timout: 5 }: unknown option 'timout' (did you mean 'timeout'?)
 * @throws {@link InvalidArgumentError} naming the option (`path`)
 */
export function checkOnlyCallOptions(options: unknown, defaultTimeout: number): number {
  const timeout = checkCallOptions(options, defaultTimeout);
  if (options !== undefined) checkKeys(options as object, CALL_OPTION_KEYS, '', { kind: 'option' });
  return timeout;
}

/**
 * `{ signal, timeout }`: the one options type every async method of the SDK
 * takes last (alone, or extended with the method's own options).
 */
export interface CallOptions {
  /**
   * Abort. Before anything was sent: nothing is. After: the caller gets
   * `AbortError` at once, a late reply is dropped, and libvirt may still
   * complete what was asked.
   */
  signal?: AbortSignal;
  /**
   * Milliseconds the whole method may take — for a single call, until its
   * reply; for an operation (start, shutdown, a teardown…), every step
   * including waiting for the VM's turn and for libvirt's confirmation. At
   * most {@link MAX_TIMEOUT_MS}; `0` waits without limit. Each method
   * documents its default.
   */
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
