/**
 * What every agent operation shares: the connection, the lifecycle's context
 * (for `waitForAgent`), the logger, and the start of each operation — its
 * budget, the VM's reference, and the agent found ready.
 *
 * Agent operations do not take the VM's turn in its queue: they act inside
 * the guest, not on the VM's power state or definition, and some last long
 * (a command, a transfer, a freeze held for a backup). Queued behind them, a
 * shutdown or a teardown would wait on the guest; queued in front, they would
 * wait on a reboot. A VM that stops under an agent operation makes it fail
 * with the agent's errors (or `DomainNotFoundError` once a transient VM is gone).
 *
 * @module
 */
import type { LibvirtConnection, Logger } from '../connection/internal.js';
import { createLifecycleContext, waitForAgent } from '../lifecycle/internal.js';
import { Budget, CALL_CAP_MS, type VmInput, checkCallOptions, resolveVm } from '../runtime/index.js';
import { readyOrExplain } from './failures.js';
import type { AgentContext, AgentRun } from './run.js';

export type { AgentContext, AgentRun } from './run.js';

/** Options of {@link AgentManager}. */
export interface AgentManagerOptions {
  /** Longest pause between two polls of a running command's status (ms, at least 50). @default 1000 */
  pollInterval?: number;
  logger?: Logger;
}

/** The `{ signal, timeout }` every agent method takes, and whether to wait for an agent that is not connected yet. */
export interface AgentCallOptions {
  signal?: AbortSignal;
  /** ms for the whole operation; 0 = no limit. @default 30000 (exec: 60000) */
  timeout?: number;
  /**
   * Wait (within `timeout`) for an agent that has not connected yet, e.g. right after a start, on the agent's
   * lifecycle event. `false`: fail at once with `GuestAgentError` `'not-connected'`.
   * @default false
   */
  waitForAgent?: boolean;
}

/** Default time budget of an agent operation (ms). */
export const DEFAULT_AGENT_TIMEOUT = 30_000;

/** Build the context of an agent manager on `connection`. */
export function createAgentContext(connection: LibvirtConnection, options: AgentManagerOptions): AgentContext {
  const pollInterval = options.pollInterval ?? 1000;
  const logger = options.logger === undefined ? {} : { logger: options.logger };
  return { connection, lifecycle: createLifecycleContext(connection, { pollInterval, ...logger }), logger: options.logger, pollInterval };
}

/**
 * Start an agent operation: check the options (before anything is sent),
 * resolve the VM, and — with `waitForAgent` — wait for its agent to connect.
 */
export async function startRun(
  ctx: AgentContext,
  vm: VmInput,
  options: AgentCallOptions,
  defaultTimeout = DEFAULT_AGENT_TIMEOUT,
): Promise<AgentRun> {
  const budget = new Budget(checkCallOptions(options, defaultTimeout), options.signal);
  const ref = await resolveVm(ctx.connection, vm, budget.call(CALL_CAP_MS));
  const run = { ctx, ref, budget };
  if (options.waitForAgent === true) {
    await readyOrExplain(run, 'guest-ping', () => waitForAgent(ctx.lifecycle, ref, {}, budget));
  }
  return run;
}
