/**
 * What went wrong when the agent did not answer: libvirt's errors turned into
 * {@link GuestAgentError}s whose `reason` a caller can branch on.
 *
 * libvirt 9.0 reports an agent that is not connected *and* one that did not
 * answer in time as `VIR_ERR_AGENT_UNRESPONSIVE` (86); the channel's state in
 * the live XML tells them apart (`'connected'` = qemu-ga holds the port: it
 * was too slow). An agent-side error is `VIR_ERR_INTERNAL_ERROR` with the
 * message "unable to execute QEMU agent command '<cmd>': <agent's message>"
 * (newer libvirt: `AGENT_COMMAND_FAILED` 113, `AGENT_COMMAND_TIMEOUT` 112).
 *
 * @module
 */
import type { DomainRef } from '../connection/internal.js';
import { GuestAgentError, LibvirtError, UnsupportedError, VirErrorCode, isLibvirtCode } from '../errors/index.js';
import { agentChannelState } from '../lifecycle/internal.js';
import { CALL_CAP_MS, type Budget } from '../runtime/index.js';
import { QEMU_GUEST_AGENT_CHANNEL } from '../xml/index.js';
import type { AgentRun } from './run.js';

/** The device that gives a domain its guest agent channel (libvirt picks the socket path). */
export const AGENT_CHANNEL_XML = `<channel type='unix'><target type='virtio' name='${QEMU_GUEST_AGENT_CHANNEL}'/></channel>`;

/** The error for a VM without the agent's channel. */
export function notConfigured(ref: DomainRef, command: string, cause?: unknown): GuestAgentError {
  return new GuestAgentError(
    { reason: 'not-configured', command, channelXml: AGENT_CHANNEL_XML },
    `VM ${JSON.stringify(ref.name)} has no guest agent channel; add ${AGENT_CHANNEL_XML} to its <devices> and install qemu-guest-agent in the guest`,
    { cause },
  );
}

/** The agent's own words in a libvirt 9.0 error about `command`, else libvirt's whole message. */
function agentMessageOf(error: LibvirtError, command: string): string {
  const text = error.libvirtMessage ?? error.message;
  const marker = `agent command '${command}': `;
  const at = text.indexOf(marker);
  return at >= 0 ? text.slice(at + marker.length) : text;
}

/** Where the VM's agent channel stands, or `undefined` when that cannot be read now. */
async function channelOf(run: AgentRun, budget: Budget): Promise<'none' | 'connected' | 'disconnected' | undefined> {
  try {
    return agentChannelState(await run.ctx.connection.domains.getXml(run.ref, budget.call(CALL_CAP_MS)));
  } catch {
    return undefined;
  }
}

/**
 * Turn what a call to the agent threw into the error to report. Errors that
 * are not the agent's (a lost connection, the caller's timeout or abort, a
 * VM that is gone) pass through unchanged.
 * @param supported asks the agent's command list; only used for an agent-side error
 */
export async function explainFailure(
  run: AgentRun,
  command: string,
  error: unknown,
  supported?: () => Promise<ReadonlySet<string> | undefined>,
): Promise<unknown> {
  if (error instanceof UnsupportedError && error.remote === undefined) return notConfigured(run.ref, command, error);
  // A driver without the call at all (the test driver has no QEMU program) is UnsupportedError as everywhere.
  if (!(error instanceof LibvirtError) || error.isNotFound) return error;
  const libvirt = error;
  const name = JSON.stringify(run.ref.name);
  // Whatever libvirt said (its wording and code for a missing channel vary by driver and version), a VM without
  // the channel has no agent to talk to: that is the error worth reporting.
  const channel = libvirt.code === VirErrorCode.VIR_ERR_AGENT_COMMAND_TIMEOUT ? 'connected' : await channelOf(run, run.budget);
  if (channel === 'none') return notConfigured(run.ref, command, error);
  if (isLibvirtCode(libvirt, VirErrorCode.VIR_ERR_AGENT_UNRESPONSIVE, VirErrorCode.VIR_ERR_AGENT_COMMAND_TIMEOUT)) {
    if (channel === 'connected') {
      return new GuestAgentError({ reason: 'timeout', command }, `the guest agent of VM ${name} did not answer ${command} in time`, {
        cause: error,
      });
    }
    return new GuestAgentError(
      { reason: 'not-connected', command },
      `the guest agent of VM ${name} is not connected (not installed or not started in the guest, or the guest is still booting)`,
      { cause: error },
    );
  }
  if (isLibvirtCode(libvirt, VirErrorCode.VIR_ERR_INTERNAL_ERROR, VirErrorCode.VIR_ERR_AGENT_COMMAND_FAILED)) {
    const agentMessage = agentMessageOf(libvirt, command);
    const list = await supported?.().catch(() => undefined);
    if (list !== undefined && !list.has(command)) {
      return new GuestAgentError(
        { reason: 'unsupported-command', command, agentMessage },
        `the guest agent of VM ${name} does not support ${command} now (not in its guest-info list, or disabled: by its blocklist, or because filesystems are frozen)`,
        { cause: error },
      );
    }
    return new GuestAgentError(
      { reason: 'command-failed', command, agentMessage },
      `the guest agent of VM ${name} failed ${command}: ${agentMessage}`,
      {
        cause: error,
      },
    );
  }
  return error;
}

/** Run `body`; what it throws is explained by {@link explainFailure}. */
export async function readyOrExplain<T>(run: AgentRun, command: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw await explainFailure(run, command, error);
  }
}
