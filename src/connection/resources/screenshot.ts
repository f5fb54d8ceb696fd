import { AbortError, InvalidArgumentError, ProtocolError, TimeoutError } from '../../errors/index.js';
import { DOMAIN_SCREENSHOT, checkDuration } from '../../rpc/index.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall, ResourceStream } from './types.js';
import type { CallOptions } from '../../rpc/index.js';

/** Options of {@link DomainResource.screenshot}. */
export interface ScreenshotOptions extends CallOptions {
  /** Which screen (head) of the video device. @default 0 */
  screen?: number;
  /**
   * Refuse an image larger than this, in bytes (the daemon's answer is held
   * in memory). @default 64 MiB
   */
  maxBytes?: number;
}

/** One screenshot, as the hypervisor took it (QEMU: PPM, `image/x-portable-pixmap`). */
export interface Screenshot {
  /** The image's MIME type, as the daemon reported it. */
  mime: string;
  data: Buffer;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const U32_MAX = 2 ** 32 - 1;

function checkOptions(options: ScreenshotOptions): { screen: number; maxBytes: number; timeout: number } {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object', { path: 'options' });
  const screen = options.screen ?? 0;
  if (!Number.isInteger(screen) || screen < 0 || screen > U32_MAX)
    throw new InvalidArgumentError(`screen must be an integer from 0 to ${U32_MAX}`, { path: 'screen' });
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new InvalidArgumentError('maxBytes must be a positive integer', { path: 'maxBytes' });
  const timeout = checkDuration(options.timeout, 'timeout') ?? 0;
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
    throw new InvalidArgumentError('signal must be an AbortSignal', { path: 'signal' });
  return { screen, maxBytes, timeout };
}

/**
 * Take a screenshot (`virDomainScreenshot`): the image arrives as a stream,
 * read to the end here. `timeout` and `signal` bound the whole transfer, not
 * only the call that starts it.
 * @internal The public entry point is `DomainResource.screenshot`.
 */
export async function takeScreenshot(
  call: ResourceCall,
  stream: ResourceStream,
  domain: DomainInput,
  options: ScreenshotOptions,
): Promise<Screenshot> {
  const { screen, maxBytes, timeout } = checkOptions(options);
  const deadline = timeout > 0 ? AbortSignal.timeout(timeout) : undefined;
  const signals = [options.signal, deadline].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  const bound = signal === undefined ? {} : { signal };
  const translate = (error: unknown): unknown =>
    error instanceof AbortError && deadline?.aborted === true && options.signal?.aborted !== true
      ? new TimeoutError(timeout, `screenshot timed out after ${timeout} ms`, { cause: error })
      : error;
  try {
    const dom = await resolveDomain(call, domain, bound);
    const rpc = await stream(DOMAIN_SCREENSHOT, { dom, screen, flags: 0 }, bound);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for (let chunk = await rpc.read(bound); chunk !== null; chunk = await rpc.read(bound)) {
        size += chunk.length;
        if (size > maxBytes) throw new ProtocolError(`the screenshot is larger than maxBytes (${maxBytes} bytes)`);
        chunks.push(chunk);
      }
      await rpc.finish(bound);
    } catch (error) {
      await rpc.abort({ reason: error }).catch(() => undefined);
      throw error;
    }
    return { mime: rpc.reply.mime ?? 'application/octet-stream', data: Buffer.concat(chunks, size) };
  } catch (error) {
    throw translate(error);
  }
}
