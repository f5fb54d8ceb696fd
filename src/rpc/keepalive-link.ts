import { ConnectionClosedError } from '../errors/index.js';
import { KeepaliveMonitor, type KeepaliveOptions, keepaliveBacklogged, keepalivePacket, resolveKeepalive } from './keepalive.js';
import { KEEPALIVE_PROC_PING, KEEPALIVE_PROC_PONG } from './protocol/constants.js';

/** What keepalive needs from its client. */
export interface KeepaliveHost {
  /** Send a packet with the client's other packets. */
  write(packet: Buffer): boolean;
  /** Bytes already waiting to be sent. */
  backlog(): number;
  /** `false` once the connection closed. */
  open(): boolean;
  /**
   * `true` while the client itself stopped reading the socket (a stream consumer is behind) and the silence is
   * harmless: nothing else (a reply, another stream) waits for what could be held behind the unread data.
   */
  readingPaused(): boolean;
  /** The daemon went silent for too long: close the connection with this error. */
  dead(error: ConnectionClosedError): void;
}

/**
 * One connection's side of libvirt's keepalive protocol: PONG for every
 * PING the daemon sends (answered from the reader, never behind queued work),
 * and, once started, our own PINGs with the silence check of
 * {@link KeepaliveMonitor}. A packet is never queued behind a write backlog:
 * whatever is already waiting proves us alive as well as a PONG would.
 */
export class KeepaliveLink {
  readonly #host: KeepaliveHost;
  #monitor: KeepaliveMonitor | null = null;

  constructor(host: KeepaliveHost) {
    this.#host = host;
  }

  /** A packet arrived from the daemon (cheap: called for every packet). */
  touch(): void {
    this.#monitor?.touch();
  }

  /** The daemon pinged us. */
  answerPing(): void {
    this.#send(KEEPALIVE_PROC_PONG);
  }

  /** Start (or restart with new settings) our own PINGs. @throws {@link InvalidArgumentError} for bad settings */
  start(options: KeepaliveOptions): void {
    const settings = resolveKeepalive(options);
    this.#monitor?.stop();
    this.#monitor = new KeepaliveMonitor(
      settings,
      () => this.#send(KEEPALIVE_PROC_PING),
      (silentFor) =>
        this.#host.dead(
          new ConnectionClosedError(
            'keepalive',
            `no answer from the daemon for ${silentFor} ms (keepalive ${settings.interval} ms × ${settings.count})`,
          ),
        ),
      () => this.#host.readingPaused(),
    );
    this.#monitor.start();
  }

  stop(): void {
    this.#monitor?.stop();
    this.#monitor = null;
  }

  #send(proc: number): void {
    if (!this.#host.open() || keepaliveBacklogged(this.#host.backlog())) return;
    this.#host.write(keepalivePacket(proc));
  }
}
