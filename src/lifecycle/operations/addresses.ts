import type { AddressSource, DomainInterfaceAddresses, DomainRef } from '../../connection/internal.js';
import { AbortError, LibvirtError, TimeoutError, UnsupportedError, VirErrorCode, isLibvirtCode } from '../../errors/index.js';
import { CALL_CAP_MS, type LifecycleContext, type VmInput, isGone, resolveVm } from '../context.js';
import type { Budget } from '../../runtime/index.js';
import type { CallOptions } from '../options.js';
import { pollUntil } from './poll-wait.js';

/** Options of {@link VmLifecycleManager.waitForAddresses}. */
export interface WaitForAddressesOptions extends CallOptions {
  /**
   * Where to look, all at once at each poll; the first in this order that has
   * an address wins. `lease`: the libvirt network's DHCP leases; `agent`: the
   * guest agent; `arp`: the host's ARP table.
   * @default ['lease', 'agent', 'arp']
   */
  sources?: readonly AddressSource[];
  /** Which addresses count. @default 'any' */
  family?: 'ipv4' | 'ipv6' | 'any';
  /** Ms between polls; events (the guest agent connecting, the VM starting) also wake the wait. @default 1000 */
  pollInterval?: number;
}

/** The guest's addresses, and where they came from. */
export interface AddressesResult {
  domain: DomainRef;
  source: AddressSource;
  /** Every interface the source reported, with the addresses that count (loopback and link-local left out). */
  interfaces: DomainInterfaceAddresses[];
  /** The addresses that count, sorted. */
  addresses: string[];
  elapsedMs: number;
}

/** The default {@link WaitForAddressesOptions.sources}. */
export const DEFAULT_ADDRESS_SOURCES: readonly AddressSource[] = ['lease', 'agent', 'arp'];

/** Loopback and link-local addresses: never how anyone reaches a guest. */
function usable(type: 'ipv4' | 'ipv6', addr: string, family: 'ipv4' | 'ipv6' | 'any'): boolean {
  if (family !== 'any' && type !== family) return false;
  const a = addr.toLowerCase();
  if (type === 'ipv4') return !a.startsWith('127.') && !a.startsWith('169.254.') && a !== '0.0.0.0';
  return a !== '::1' && a !== '::' && !/^fe[89ab]/.test(a);
}

/** `true` for answers that mean "not yet" (not running, no agent yet), not "never". */
function notYet(error: unknown): boolean {
  return (
    error instanceof LibvirtError &&
    isLibvirtCode(
      error,
      VirErrorCode.VIR_ERR_OPERATION_INVALID,
      VirErrorCode.VIR_ERR_AGENT_UNRESPONSIVE,
      VirErrorCode.VIR_ERR_OPERATION_FAILED,
    )
  );
}

/** `true` for answers that mean this source will never work here (driver or hypervisor cannot). */
function never(error: unknown): boolean {
  if (error instanceof UnsupportedError) return true;
  return error instanceof LibvirtError && isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_SUPPORT, VirErrorCode.VIR_ERR_ARGUMENT_UNSUPPORTED);
}

/**
 * Poll the address sources until one reports a usable address. Waking up
 * early on the guest agent connecting and on the VM's lifecycle events; a
 * source that can never work here is dropped, and when none is left the wait
 * fails with `UnsupportedError` instead of running out the clock.
 */
export async function waitForAddresses(
  ctx: LifecycleContext,
  vm: VmInput,
  options: WaitForAddressesOptions,
  deadline: Budget,
): Promise<AddressesResult> {
  const what = 'waiting for the guest’s addresses';
  deadline.check(what);
  const ref = await resolveVm(ctx, vm, deadline);
  const sources = [...(options.sources ?? DEFAULT_ADDRESS_SOURCES)];
  const family = options.family ?? 'any';
  const pollInterval = options.pollInterval ?? 1000;
  const alive = new Set(sources);
  const dropped: string[] = [];
  return pollUntil(ctx, ref, ['domain.agent-lifecycle', 'domain.lifecycle'], pollInterval, deadline, what, async () => {
    const answers = await Promise.all(
      [...alive].map(async (source) => {
        try {
          return { source, interfaces: await ctx.connection.domains.getInterfaceAddresses(ref, { source, ...deadline.call(CALL_CAP_MS) }) };
        } catch (error) {
          return { source, error };
        }
      }),
    );
    for (const source of sources) {
      const answer = answers.find((a) => a.source === source);
      if (answer === undefined || answer.interfaces === undefined) continue;
      const interfaces = answer.interfaces.map((i) => ({ ...i, addrs: i.addrs.filter((a) => usable(a.type, a.addr, family)) }));
      const addresses = interfaces.flatMap((i) => i.addrs.map((a) => a.addr)).sort();
      if (addresses.length > 0) return { domain: { ...ref }, source, interfaces, addresses, elapsedMs: deadline.elapsed() };
    }
    for (const { source, error } of answers) {
      if (error === undefined || notYet(error)) continue;
      if (isGone(error) || error instanceof AbortError || error instanceof TimeoutError) {
        deadline.check(what);
        throw error;
      }
      if (never(error)) {
        alive.delete(source);
        dropped.push(`${source}: ${(error as Error).message}`);
      }
      // Anything else (a lost link, a busy daemon) is tried again at the next poll.
    }
    if (alive.size === 0) throw new UnsupportedError(`no address source works for ${ref.name}: ${dropped.join('; ')}`);
    return undefined;
  });
}
