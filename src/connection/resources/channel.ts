/**
 * A guest channel (`<channel>`: a virtio-serial port, the guest agent's or
 * an application's own) as the same two-way Node stream as the console.
 *
 * @module
 */
import { InvalidArgumentError, type KnownKeys } from '../../errors/index.js';
import { CALL_OPTION_KEYS, type CallOptions, DOMAIN_OPEN_CHANNEL } from '../../rpc/index.js';
import { checkOptions, flagBits } from './check-options.js';
import { DomainConsole, checkHighWaterMark } from './console.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall, ResourceStream } from './types.js';

/** Options of {@link DomainResource.openChannel}. */
export interface ChannelOptions extends CallOptions {
  /** Take the channel from another client that holds it (`VIR_DOMAIN_CHANNEL_FORCE`); that client's stream ends. */
  force?: boolean;
  /** Bytes of guest output buffered before the connection stops reading the socket (see `ConsoleOptions`). @default 1 MiB */
  highWaterMark?: number;
}

const CHANNEL_KEYS = { ...CALL_OPTION_KEYS, force: true, highWaterMark: true } as const satisfies KnownKeys<ChannelOptions>;
const CHANNEL_FORCE = 1;
/** A channel's target name (`org.qemu.guest_agent.0`) or alias (`channel0`, `ua-…`): no spaces, no NUL. */
const CHANNEL_NAME = /^[A-Za-z0-9_.:-]{1,255}$/;

/**
 * Open a domain's channel (see {@link DomainResource.openChannel}).
 * @internal
 */
export async function openChannel(
  call: ResourceCall,
  stream: ResourceStream,
  domain: DomainInput,
  name: string | null,
  options: ChannelOptions | undefined,
): Promise<DomainConsole> {
  const opts = checkOptions(options, CHANNEL_KEYS);
  if (name !== null && (typeof name !== 'string' || !CHANNEL_NAME.test(name)))
    throw new InvalidArgumentError("name must be a channel's target name (org.qemu.guest_agent.0) or alias (channel0), or null", {
      path: 'name',
    });
  const flags = flagBits(opts, { force: CHANNEL_FORCE });
  const highWaterMark = checkHighWaterMark(opts.highWaterMark);
  const dom = await resolveDomain(call, domain, opts);
  const rpc = await stream(
    DOMAIN_OPEN_CHANNEL,
    { dom, name, flags },
    {
      highWaterMark,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      ...(opts.timeout === undefined ? {} : { timeout: opts.timeout }),
    },
  );
  return new DomainConsole(rpc);
}
