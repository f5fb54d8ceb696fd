/**
 * One guest-agent command through libvirt's QEMU program: JSON out, the
 * agent's `return` value back, failures explained. Every wrapped command of
 * this module and the raw `agentCommand` go through {@link agentCall}.
 *
 * @module
 */
import { GuestAgentError } from '../errors/index.js';
import { Budget, CALL_CAP_MS } from '../runtime/index.js';
import type { AgentRun } from './context.js';
import { explainFailure } from './failures.js';

/** Longest a single agent command may keep libvirt waiting (s); the operation's own budget is usually shorter. */
const AGENT_CALL_CAP_S = Math.floor(CALL_CAP_MS / 1000);

/** A JSON value, as the agent sends it. */
export type AgentJson = null | boolean | number | string | AgentJson[] | { [key: string]: AgentJson };

/** The agent's reply: `{"return": …}` or `{"error": {"class", "desc"}}`; anything else is malformed. */
function parseReply(run: AgentRun, command: string, text: string | null): AgentJson {
  let reply: unknown;
  try {
    reply = text === null ? null : JSON.parse(text);
  } catch (error) {
    throw malformed(run, command, 'not JSON', error);
  }
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) throw malformed(run, command, 'not a JSON object');
  if ('return' in reply) return (reply as { return: AgentJson }).return;
  const err = (reply as { error?: { desc?: unknown } }).error;
  if (typeof err === 'object' && err !== null) {
    const agentMessage = typeof err.desc === 'string' ? err.desc : JSON.stringify(err);
    throw new GuestAgentError({ reason: 'command-failed', command, agentMessage }, `the guest agent failed ${command}: ${agentMessage}`);
  }
  throw malformed(run, command, 'neither "return" nor "error"');
}

function malformed(run: AgentRun, command: string, what: string, cause?: unknown): GuestAgentError {
  return new GuestAgentError(
    { reason: 'command-failed', command, agentMessage: `malformed reply: ${what}` },
    `the guest agent of VM ${JSON.stringify(run.ref.name)} sent a malformed reply to ${command} (${what})`,
    { cause },
  );
}

/** The agent's command names that are enabled, from `guest-info` (for `'unsupported-command'`). */
export async function supportedCommands(run: AgentRun): Promise<ReadonlySet<string>> {
  const info = await agentCall(run, 'guest-info', undefined, { explainUnsupported: false });
  const list = (info as { supported_commands?: unknown } | null)?.supported_commands;
  if (!Array.isArray(list)) throw malformed(run, 'guest-info', 'no supported_commands list');
  return new Set(
    list
      .filter((c): c is { name: string; enabled?: unknown } => typeof c === 'object' && c !== null && typeof c.name === 'string')
      .filter((c) => c.enabled !== false)
      .map((c) => c.name),
  );
}

/**
 * The run without the caller's signal, same deadline: for a command whose effect the SDK must learn to undo it
 * (`guest-exec`'s pid, `guest-file-open`'s handle). Cut short by an abort, its answer would be lost while the guest
 * carried it out; awaited, the abort is acted on next (the process killed, the handle closed).
 */
export function unabortable(run: AgentRun): AgentRun {
  return { ...run, budget: new Budget(run.budget.timeout, undefined, run.budget.startedAt) };
}

/**
 * Send `command` with `args` and return the agent's `return` value. The
 * agent timeout libvirt applies is what is left of the run's budget (whole
 * seconds, at least 1, at most 30).
 * @throws {@link GuestAgentError}; `TimeoutError` / `AbortError` of the run's budget; `LibvirtError` otherwise
 */
export async function agentCall(
  run: AgentRun,
  command: string,
  args: Record<string, unknown> | undefined,
  options: { explainUnsupported?: boolean; what?: string } = {},
): Promise<AgentJson> {
  const what = options.what ?? `running ${command} in the guest`;
  run.budget.check(what);
  const json = JSON.stringify(args === undefined ? { execute: command } : { execute: command, arguments: args });
  const left = run.budget.remaining();
  const agentTimeout = Math.max(1, Math.min(AGENT_CALL_CAP_S, Number.isFinite(left) ? Math.ceil(left / 1000) : AGENT_CALL_CAP_S));
  let text: string | null;
  try {
    // The RPC may take the agent's timeout plus libvirt's own work: give it a few seconds more.
    const call = run.budget.call(agentTimeout * 1000 + 5_000);
    text = await run.ctx.connection.domains.agent.command(run.ref, json, { ...call, agentTimeout });
  } catch (error) {
    const supported = options.explainUnsupported === false ? undefined : () => supportedCommands(run);
    throw await explainFailure(run, command, error, supported);
  }
  return parseReply(run, command, text);
}
