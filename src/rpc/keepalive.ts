import { InvalidArgumentError } from '../errors/index.js';
import { KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, MessageStatus, MessageType } from './protocol/constants.js';
import { encodeRawPacket } from './protocol/packet.js';

/** Options of libvirt's keepalive protocol, as `virConnectSetKeepAlive` takes them. */
export interface KeepaliveOptions {
  /**
   * Milliseconds without any incoming packet before we send a PING.
   * @default 5000
   */
  interval?: number;
  /**
   * How many intervals may pass without any incoming packet before the link is
   * declared dead: the connection closes `interval × count` ms after the last
   * packet received.
   * @default 5
   */
  count?: number;
}

/** Resolved keepalive settings. */
export interface KeepaliveSettings {
  interval: number;
  count: number;
}

/** libvirtd's own defaults (`keepalive_interval = 5`, `keepalive_count = 5`). */
export const DEFAULT_KEEPALIVE: KeepaliveSettings = Object.freeze({ interval: 5000, count: 5 });

/**
 * The sending half of libvirt's keepalive, as `virKeepAliveTimer` does it:
 * every `interval` ms, if nothing at all arrived since the last tick, count a
 * miss and send a PING; after `count` consecutive misses (≈ `interval × count`
 * ms of silence) report the link dead. Any incoming packet, not only a PONG,
 * proves the peer alive (`virKeepAliveCheckMessage`). Answering the daemon's
 * PINGs is the client's job and happens in its reader, never behind queued work.
 *
 * The timer is `unref`'d: keepalive alone never keeps a process running.
 */
export class KeepaliveMonitor {
  readonly #settings: KeepaliveSettings;
  readonly #sendPing: () => void;
  readonly #onDead: (silentFor: number) => void;
  readonly #readingPaused: () => boolean;
  #lastReceived = Date.now();
  #receivedSinceTick = false;
  #missed = 0;
  #timer: NodeJS.Timeout | null = null;

  /**
   * @param readingPaused `true` while the client itself does not read the socket (back-pressure of a stream
   *   consumer that is behind) and nothing else waits for the daemon: what it sent meanwhile waits unread, so
   *   that silence proves nothing and counts as activity. Otherwise a consumer busy for `interval × count` ms
   *   would close the whole connection.
   */
  constructor(
    settings: KeepaliveSettings,
    sendPing: () => void,
    onDead: (silentFor: number) => void,
    readingPaused: () => boolean = () => false,
  ) {
    this.#settings = settings;
    this.#sendPing = sendPing;
    this.#onDead = onDead;
    this.#readingPaused = readingPaused;
  }

  /** Start pinging. Idempotent. */
  start(): void {
    if (this.#timer !== null) return;
    this.#missed = 0;
    this.#receivedSinceTick = false;
    this.#lastReceived = Date.now();
    this.#timer = setInterval(() => this.#tick(), this.#settings.interval);
    this.#timer.unref();
  }

  /** Stop pinging. Idempotent. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Record that a packet arrived (cheap: called for every packet). */
  touch(): void {
    this.#receivedSinceTick = true;
  }

  #tick(): void {
    const paused = this.#readingPaused();
    if (this.#receivedSinceTick || paused) {
      this.#receivedSinceTick = false;
      this.#missed = 0;
      this.#lastReceived = Date.now();
      // Paused, we do not read the daemon's PINGs either: our own PING is what tells its keepalive we are alive.
      if (paused) this.#sendPing();
      return;
    }
    this.#missed++;
    if (this.#missed >= this.#settings.count) {
      this.stop();
      this.#onDead(Date.now() - this.#lastReceived);
    } else {
      this.#sendPing();
    }
  }
}

/**
 * Validate and fill in keepalive options.
 *
 * @throws InvalidArgumentError when `interval` or `count` is not a positive integer.
 */
export function resolveKeepalive(options: KeepaliveOptions | undefined): KeepaliveSettings {
  const interval = options?.interval ?? DEFAULT_KEEPALIVE.interval;
  const count = options?.count ?? DEFAULT_KEEPALIVE.count;
  if (!Number.isInteger(interval) || interval < 1 || interval > 2_147_483_647) {
    throw new InvalidArgumentError(`keepalive.interval must be a positive integer of milliseconds, got ${String(interval)}`, {
      path: 'keepalive.interval',
    });
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidArgumentError(`keepalive.count must be a positive integer, got ${String(count)}`, {
      path: 'keepalive.count',
    });
  }
  return { interval, count };
}

/**
 * Unsent bytes in the socket's write buffer from which the client stops
 * queuing keepalive packets (64 KiB, about 2,300 PONGs of 28 bytes).
 *
 * libvirt's keepalive takes *any* packet from the peer as proof of life
 * (`virKeepAliveCheckMessage`), not only a PONG: while this much is already
 * waiting to go out, the daemon will see it as soon as it reads, so one more
 * PONG proves nothing more. And a daemon that floods PINGs while never
 * reading would otherwise make every PONG queue in our memory without limit
 * (measured: 154 → 871 MiB in 8 s). Skipping is safe for an honest daemon:
 * when it reads again it gets our queued bytes, and its next PING is answered
 * once the backlog is below the cap. The same holds for our own PINGs: one
 * queued behind a backlog the daemon is not reading cannot be answered sooner.
 */
export const KEEPALIVE_BACKLOG_LIMIT = 64 * 1024;

/** `true` when a keepalive packet should not be queued behind `writableLength` unsent bytes (see {@link KEEPALIVE_BACKLOG_LIMIT}). */
export function keepaliveBacklogged(writableLength: number): boolean {
  return writableLength >= KEEPALIVE_BACKLOG_LIMIT;
}

/**
 * A keepalive PING (proc 1) or PONG (proc 2): always exactly 28 bytes, type
 * MESSAGE, serial 0, empty payload (`virKeepAliveMessage`).
 */
export function keepalivePacket(proc: number): Buffer {
  return encodeRawPacket(
    {
      prog: KEEPALIVE_PROGRAM,
      vers: KEEPALIVE_PROTOCOL_VERSION,
      proc,
      type: MessageType.VIR_NET_MESSAGE,
      serial: 0,
      status: MessageStatus.VIR_NET_OK,
    },
    Buffer.alloc(0),
  );
}
