import type { DomainRef } from '../../connection/internal.js';
import { AbortError, TimeoutError, UnsupportedError } from '../../errors/index.js';
import { QEMU_GUEST_AGENT_CHANNEL, parseDomainXml } from '../../xml/index.js';
import { CALL_CAP_MS, type LifecycleContext, type VmInput, isGone, resolveVm } from '../context.js';
import type { Budget } from '../../runtime/index.js';
import type { CallOptions } from '../options.js';
import { pollUntil } from './poll-wait.js';

/** Options of {@link VmLifecycleManager.waitForAgent}. */
export interface WaitForAgentOptions extends CallOptions {
  /** Ms between reads of the VM's live XML; the agent connecting (an event) and the VM's lifecycle events also wake the wait. @default 1000 */
  pollInterval?: number;
}

/** The guest agent answers: the VM's agent channel is connected. */
export interface AgentResult {
  domain: DomainRef;
  elapsedMs: number;
}

/**
 * The state of the guest agent's channel in domain XML: `'none'` when the
 * domain has no such channel, else what libvirt reports on its `<target>`
 * (`'connected'` once qemu-ga has the port open; live XML only, so an
 * inactive domain's is `'disconnected'`).
 * @example agentChannelState(await conn.domains.getXml('web1')) // 'connected'
 */
export function agentChannelState(xml: string): 'none' | 'connected' | 'disconnected' {
  const channel = (parseDomainXml(xml).devices.channels ?? []).find((c) => c.target?.name === QEMU_GUEST_AGENT_CHANNEL);
  if (channel === undefined) return 'none';
  return channel.target?.state === 'connected' ? 'connected' : 'disconnected';
}

/**
 * Wait until the guest agent is connected, read from the live XML at once,
 * then on each poll and each agent-lifecycle or lifecycle event. A VM without
 * the agent's channel fails at once with `UnsupportedError`.
 */
export async function waitForAgent(
  ctx: LifecycleContext,
  vm: VmInput,
  options: WaitForAgentOptions,
  deadline: Budget,
): Promise<AgentResult> {
  const what = 'waiting for the guest agent to connect';
  deadline.check(what);
  const ref = await resolveVm(ctx, vm, deadline);
  return pollUntil(ctx, ref, ['domain.agent-lifecycle', 'domain.lifecycle'], options.pollInterval ?? 1000, deadline, what, async () => {
    let xml: string;
    try {
      xml = await ctx.connection.domains.getXml(ref, deadline.call(CALL_CAP_MS));
    } catch (error) {
      if (isGone(error) || error instanceof AbortError || error instanceof TimeoutError) {
        deadline.check(what);
        throw error;
      }
      return undefined; // a lost link or a busy daemon: tried again at the next poll
    }
    const state = agentChannelState(xml);
    if (state === 'none') {
      throw new UnsupportedError(
        `VM ${JSON.stringify(ref.name)} has no guest agent channel; add <channel type='unix'><target type='virtio' name='${QEMU_GUEST_AGENT_CHANNEL}'/></channel>`,
      );
    }
    return state === 'connected' ? { domain: { ...ref }, elapsedMs: deadline.elapsed() } : undefined;
  });
}
