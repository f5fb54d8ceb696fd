import type { Duplex } from 'node:stream';
import { ProtocolError } from '../errors/index.js';
import { PacketFramer, type Packet } from './framer.js';

/**
 * The client's two ends of the byte stream: packets out, corked for the rest
 * of the tick so pipelined calls leave in one write, and bytes in, cut into
 * packets. A malformed frame is reported once, as a {@link ProtocolError},
 * and the framer refuses everything after it (the stream cannot be
 * resynchronised; the client closes the connection).
 */
export class PacketIo {
  readonly #socket: Duplex;
  readonly #framer: PacketFramer;
  readonly #onPacket: (packet: Packet) => void;
  readonly #onViolation: (error: ProtocolError) => void;
  #corked = false;
  readonly #uncork = (): void => {
    this.#corked = false;
    this.#socket.uncork();
  };

  constructor(
    socket: Duplex,
    maxMessage: number | undefined,
    onPacket: (packet: Packet) => void,
    onViolation: (error: ProtocolError) => void,
  ) {
    this.#socket = socket;
    this.#framer = new PacketFramer(maxMessage === undefined ? {} : { maxMessage });
    this.#onPacket = onPacket;
    this.#onViolation = onViolation;
  }

  /** Send `packet` with whatever else this tick sends; `false` when the socket asks writers to wait for `drain`. */
  write(packet: Buffer): boolean {
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(this.#uncork);
    }
    return this.#socket.write(packet);
  }

  /** Bytes received: every complete packet goes to `onPacket`, in order; an error thrown there is a violation too. */
  receive(chunk: Buffer): void {
    try {
      this.#framer.push(chunk, this.#onPacket);
    } catch (error) {
      this.#onViolation(
        error instanceof ProtocolError ? error : new ProtocolError(`failed to process a packet: ${String(error)}`, { cause: error }),
      );
    }
  }
}
