/**
 * Small helpers of the fake hypervisor's handlers. The fake reads the XML it
 * is sent with its own few lines rather than the SDK's parser, so a bug in
 * the SDK's XML code cannot hide itself by agreeing with itself.
 */
import type { FakeReply } from './fake-daemon.js';

/** A libvirt error reply: `code` is a `virErrorNumber`, `domain` a `virErrorDomain`. */
export function fakeError(code: number, message: string, domain: number): FakeReply<never> {
  return { error: { code, domain, message } };
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Text of the first `<tag>` element of `xml` (entities decoded), or `undefined`. */
export function xmlElementText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(xml);
  return match?.[1]
    ?.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITIES[e]!)
    .replace(/&#(x?)([0-9a-fA-F]+);/g, (_, x: string, n: string) => String.fromCodePoint(parseInt(n, x === '' ? 10 : 16)));
}

// libvirt's scaled-integer units (virScaleInteger): bytes, decimal (KB, MB…) and binary (K, KiB, M, MiB…).
const UNIT_POWER: Record<string, [bigint, number]> = {
  b: [1n, 0],
  byte: [1n, 0],
  bytes: [1n, 0],
  k: [1024n, 1],
  m: [1024n, 2],
  g: [1024n, 3],
  t: [1024n, 4],
  p: [1024n, 5],
  e: [1024n, 6],
};

/** A size element such as `<capacity unit='GiB'>2</capacity>` in bytes, or `undefined`. */
export function xmlSize(xml: string, tag: string): bigint | undefined {
  const match = new RegExp(`<${tag}(?:\\s+unit=['"]([A-Za-z]*)['"])?\\s*>\\s*(\\d+)\\s*</${tag}>`).exec(xml);
  if (match === null) return undefined;
  const unit = (match[1] ?? 'bytes').toLowerCase();
  const value = BigInt(match[2]!);
  const decimal = /^[kmgtpe]b$/.test(unit);
  const entry = UNIT_POWER[decimal ? unit[0]! : unit.replace(/ib$/, '')];
  if (entry === undefined) return undefined;
  const [base, power] = decimal ? [1000n, UNIT_POWER[unit[0]!]![1]] : entry;
  return value * base ** BigInt(power);
}
