import { InvalidArgumentError } from '../../errors/index.js';
import { DOMAIN_GET_TIME, DOMAIN_SET_TIME, VirDomainSetTimeFlags } from '../../rpc/index.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';
import type { CallOptions } from '../../rpc/index.js';

/** A guest's clock reading: seconds and nanoseconds since the Unix epoch, and the same as a `Date` (millisecond precision). */
export interface GuestTime {
  seconds: number;
  nseconds: number;
  date: Date;
}

/**
 * What to set a guest's clock to: a `Date` (to the millisecond), an exact
 * `{ seconds, nseconds }` since the Unix epoch, or `'rtc'`: the guest re-reads
 * its own hardware clock (`VIR_DOMAIN_TIME_SYNC`), which the hypervisor keeps
 * with the host's.
 */
export type GuestTimeInput = Date | { seconds: number; nseconds?: number } | 'rtc';

/** Nanoseconds must stay below one second. */
const NS_PER_S = 1_000_000_000;

/** The guest's clock (`virsh domtime`). */
export async function getTime(call: ResourceCall, domain: DomainInput, options: CallOptions): Promise<GuestTime> {
  const dom = await resolveDomain(call, domain, options);
  const { seconds, nseconds } = await call(DOMAIN_GET_TIME, { dom, flags: 0 }, options);
  const s = Number(seconds);
  return { seconds: s, nseconds, date: new Date(s * 1000 + Math.floor(nseconds / 1_000_000)) };
}

/** Set the guest's clock (`virsh domtime --time` / `--now` / `--sync`). */
export async function setTime(call: ResourceCall, domain: DomainInput, time: GuestTimeInput, options: CallOptions): Promise<void> {
  const { seconds, nseconds, flags } = timeArgs(time);
  const dom = await resolveDomain(call, domain, options);
  await call(DOMAIN_SET_TIME, { dom, seconds, nseconds, flags }, options);
}

function timeArgs(time: GuestTimeInput): { seconds: bigint; nseconds: number; flags: number } {
  if (time === 'rtc') return { seconds: 0n, nseconds: 0, flags: VirDomainSetTimeFlags.VIR_DOMAIN_TIME_SYNC };
  if (time instanceof Date) {
    const ms = time.getTime();
    if (!Number.isFinite(ms) || ms < 0) throw new InvalidArgumentError('time must be a valid Date from 1970 on', { path: 'time' });
    return { seconds: BigInt(Math.floor(ms / 1000)), nseconds: (ms % 1000) * 1_000_000, flags: 0 };
  }
  if (typeof time === 'object' && time !== null) {
    const { seconds, nseconds = 0 } = time as { seconds: unknown; nseconds?: unknown };
    if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0) {
      throw new InvalidArgumentError('time.seconds must be a whole number of seconds since 1970, at least 0', { path: 'time.seconds' });
    }
    if (typeof nseconds !== 'number' || !Number.isInteger(nseconds) || nseconds < 0 || nseconds >= NS_PER_S) {
      throw new InvalidArgumentError('time.nseconds must be an integer from 0 to 999999999', { path: 'time.nseconds' });
    }
    return { seconds: BigInt(seconds), nseconds, flags: 0 };
  }
  throw new InvalidArgumentError("time must be a Date, { seconds, nseconds } or 'rtc'", { path: 'time' });
}
