import { Duplex } from 'node:stream';
import { InvalidArgumentError } from '../../errors/index.js';
import { DOMAIN_OPEN_CONSOLE, type RpcStream } from '../../rpc/index.js';
import { flagBits } from './check-options.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall, ResourceStream } from './types.js';
import type { CallOptions } from '../../rpc/index.js';

/** Options of {@link DomainResource.openConsole}. */
export interface ConsoleOptions extends CallOptions {
  /**
   * Alias of the console, serial or parallel device (`console0`, `serial0`,
   * `serial1`…); default: the domain's first console.
   */
  device?: string;
  /** Take the console from another client that holds it (`VIR_DOMAIN_CONSOLE_FORCE`); that client's stream ends. */
  force?: boolean;
  /** Refuse unless the driver can make the access exclusive safely (`VIR_DOMAIN_CONSOLE_SAFE`). */
  safe?: boolean;
  /**
   * Bytes of guest output buffered before the connection stops reading the
   * socket (back-pressure, as for downloads: other calls' replies wait too
   * while it is full). Read the console, or destroy it when done.
   * @default 1 MiB
   */
  highWaterMark?: number;
}

/** libvirt device aliases: its own (`serial0`, `console0`, `channel1`) and users' (`ua-…`). */
const ALIAS = /^[A-Za-z0-9_-]{1,255}$/;

function checkAlias(value: unknown): string {
  if (typeof value !== 'string' || !ALIAS.test(value)) {
    throw new InvalidArgumentError('device must be a device alias such as "serial0" or "console0" (letters, digits, "_" and "-")', {
      path: 'device',
    });
  }
  return value;
}

/**
 * The bytes of device output buffered before the connection stops reading (1 MiB unless given).
 * @throws InvalidArgumentError unless a positive integer
 */
export function checkHighWaterMark(value: number | undefined): number {
  const highWaterMark = value ?? 1024 * 1024;
  if (!Number.isSafeInteger(highWaterMark) || highWaterMark < 1) {
    throw new InvalidArgumentError(`highWaterMark must be a positive integer of bytes, got ${String(highWaterMark)}`, {
      path: 'highWaterMark',
    });
  }
  return highWaterMark;
}

const CONSOLE_FORCE = 1;
const CONSOLE_SAFE = 2;

/**
 * A domain's text console as a Node `Duplex`: what the guest writes comes out
 * of the readable side, what is written goes to the guest — at once, in both
 * directions, over the connection's one socket (`virsh console`, but as a
 * stream). Pipe it: `process.stdin.pipe(console).pipe(process.stdout)`.
 *
 * Ending it — two ways, as libvirt has two (there is no half-close: once the
 * daemon has the client's end, the console device is closed in both directions):
 *
 * - `end()` finishes it (`virStreamFinish`): what was written goes out first,
 *   then libvirt is told the client is done. Every byte of guest output the
 *   daemon sent before it confirms still comes out of the readable side, in
 *   order, before `'end'`; then `'finish'`, `'end'` and `'close'` (keep
 *   reading — a `'data'` listener, `resume()` or a pipe — or `'end'` and
 *   `'close'` wait for you). Output the guest writes after the daemon took
 *   the finish is not read from the device at all: to be sure to get a line,
 *   wait for it, then `end()`. (`virsh console` finishes the same way on its
 *   escape key, but drops even the output already on the way.)
 * - `destroy()` aborts it (`virStreamAbort`), discarding output not read yet
 *   and output still on the way — also when that output had filled
 *   `highWaterMark` and paused the connection's socket: reading resumes for
 *   the daemon's confirmation, and the wait for it is bounded
 *   (`RpcStream.abort`, 5 s), so `'close'` always follows and the connection
 *   stays usable.
 *
 * Input written in the first second or so of a session can wait in QEMU's
 * pty until QEMU notices the new client (it polls once a second): to type a
 * command and leave, wait for its answer before `end()`.
 *
 * The readable side also ends when the daemon ends the stream (the domain
 * stopped, or another client took the console with `force`). A failure — the
 * connection lost, the daemon's error — is emitted as `'error'` with the
 * SDK's typed error (after the output received before it), so listen for it.
 *
 * @example
 * const console = await conn.domains.openConsole('web1', { device: 'serial0' });
 * console.on('error', (error) => log.warn(error));
 * console.on('data', (bytes) => process.stdout.write(bytes));
 * console.write('root\n');
 * // later: everything the daemon sent until it confirms is still emitted
 * console.end();
 * await once(console, 'close');
 * @see virDomainOpenConsole, virStreamFinish, virStreamAbort
 */
export class DomainConsole extends Duplex {
  readonly #stream: RpcStream<unknown>;
  #pumping = false;

  /** @internal Built by {@link DomainResource.openConsole}. */
  constructor(stream: RpcStream<unknown>) {
    // The console is one conversation: when either side ends, both do.
    super({ allowHalfOpen: false });
    this.#stream = stream;
  }

  /** Bytes received from the guest so far. */
  get bytesReceived(): number {
    return this.#stream.bytesReceived;
  }

  /** Bytes sent to the guest so far. */
  get bytesSent(): number {
    return this.#stream.bytesSent;
  }

  override _read(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    void this.#pump();
  }

  /** Move guest output into the readable side until it is full, the stream ends, or it fails. */
  async #pump(): Promise<void> {
    try {
      for (;;) {
        // After end() this keeps waiting: read() only returns null once the daemon has confirmed (or at its EOF).
        const chunk = await this.#stream.read();
        if (this.destroyed) return;
        if (chunk === null) {
          // The daemon ended the stream: confirm, so it can release the console.
          await this.#stream.finish().catch(() => undefined);
          this.push(null);
          return;
        }
        if (!this.push(chunk)) return;
      }
    } catch (error) {
      this.destroy(error as Error);
    } finally {
      this.#pumping = false;
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#stream.write(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#stream.finish().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Bounded even when unread output paused the socket (see RpcStream.abort). The pump's pending read rejects
    // with the abort, which destroy() on a destroyed console ignores.
    this.#stream.abort(error === null ? {} : { reason: error }).then(
      () => callback(error),
      () => callback(error),
    );
  }
}

/**
 * Open a domain's console (see {@link DomainConsole}).
 * @internal The public entry point is `DomainResource.openConsole`.
 */
export async function openConsole(
  call: ResourceCall,
  stream: ResourceStream,
  domain: DomainInput,
  options: ConsoleOptions,
): Promise<DomainConsole> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object', { path: 'options' });
  const device = options.device === undefined ? null : checkAlias(options.device);
  const flags = flagBits(options, { force: CONSOLE_FORCE, safe: CONSOLE_SAFE });
  const highWaterMark = checkHighWaterMark(options.highWaterMark);
  const dom = await resolveDomain(call, domain, options);
  const rpc = await stream(
    DOMAIN_OPEN_CONSOLE,
    { dom, dev_name: device, flags },
    {
      highWaterMark,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    },
  );
  return new DomainConsole(rpc);
}
