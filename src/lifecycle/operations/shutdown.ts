import { type DomainState, VirErrorCode, isLibvirtCode } from '../../connection/internal.js';
import { GONE_STATE, type OperationRun, finalState, isGone, log, readState, resultOf } from '../context.js';
import { Budget } from '../../runtime/index.js';
import { refusal, verdict } from '../../runtime/index.js';
import type { PowerMethod, PowerMode } from '../mode.js';
import { DEFAULT_FORCE_OFF_TIMEOUT, DEFAULT_RESEND_EVERY, type CallOptions } from '../options.js';
import type { ShutdownResult } from '../results.js';
import { type CompletionWaiter, withWaiter } from '../waiter.js';
import { STOPPED, chooseMethod, firstPowerRequest, isAgentFailure, sendPowerRequest, timeoutWithState, waitResending } from './common.js';
import { forceOffWith } from './force-off.js';

/** Options of `shutdown`. `timeout` (default 60 000 ms) is how long the guest gets, lock wait included. */
export interface ShutdownOptions extends CallOptions {
  /** How to ask the guest. @default 'auto' */
  mode?: PowerMode;
  /** Re-send the request every this many ms while waiting (presses during early boot are lost); 0 never. @default 5000 */
  resendEvery?: number;
  /** When `timeout` elapses: force the VM off (`escalated: true`) or reject with `TimeoutError`. @default 'forceOff' */
  onTimeout?: 'forceOff' | 'throw';
  /** Budget of the force-off after a timeout, on top of `timeout`. @default 30000 */
  forceOffTimeout?: number;
}

/** `shutdown` under the VM's lock. */
export async function shutdown(run: OperationRun, options: ShutdownOptions): Promise<ShutdownResult> {
  let current: DomainState;
  try {
    current = await readState(run);
  } catch (error) {
    if (!isGone(error)) throw error;
    return noop(run, GONE_STATE, 'domain no longer exists');
  }
  const decision = verdict('shutdown', current.state);
  if (typeof decision === 'object') {
    if ('refuse' in decision) throw refusal('shutdown', current.state, run.ref.name, decision.refuse);
    return noop(run, current, decision.noop);
  }
  return withWaiter(run, ['domain.lifecycle'], (waiter) => shutdownWith(run, waiter, options, decision === 'run'));
}

function noop(run: OperationRun, state: Pick<DomainState, 'state' | 'reason'>, why: string): ShutdownResult {
  return {
    ...resultOf(run, state, { changed: false, confirmedBy: 'poll', noop: why }),
    operation: 'shutdown',
    escalated: false,
    requests: 0,
  };
}

/**
 * Ask the guest to shut down (unless `send` is false: a shutdown is already
 * under way), re-send while waiting for `stopped`, and on timeout force it
 * off or throw. The waiter must be open. Also the first half of reboot's
 * stop-start fallback.
 */
export async function shutdownWith(
  run: OperationRun,
  waiter: CompletionWaiter,
  options: ShutdownOptions,
  send = true,
): Promise<ShutdownResult> {
  const mode = options.mode ?? 'auto';
  let method: PowerMethod | undefined;
  let requests = 0;
  const firstSentAt = Date.now();
  if (send) {
    const chosen = await chooseMethod(run, mode);
    try {
      method = await firstPowerRequest(run, 'shutdown', chosen, mode);
    } catch (error) {
      // An agent that does not answer may still be reached by a re-send; the timeout decides.
      // And one that did as asked closes its socket as the guest powers off, which can beat
      // libvirt's reply: libvirt then says "End of file from agent socket" (INTERNAL_ERROR)
      // although the request worked. The stopped event (or the timeout) decides then too.
      const maybeDelivered = chosen === 'agent' && isLibvirtCode(error, VirErrorCode.VIR_ERR_INTERNAL_ERROR);
      if (!isAgentFailure(error) && !maybeDelivered) throw error;
      method = 'agent';
      log(run.ctx.logger, 'warn', 'guest agent did not take the shutdown request', { domain: run.ref.name, error: String(error) });
    }
    requests = 1;
  }
  const resendMethod = method;
  const { outcome, resends } = await waitResending(run, waiter, STOPPED, {
    untilAt: run.deadline.at,
    resendEvery: send ? (options.resendEvery ?? DEFAULT_RESEND_EVERY) : 0,
    firstSentAt,
    resend: () => sendPowerRequest(run, 'shutdown', resendMethod ?? 'default', 10_000),
  });
  requests += resends;
  const base = { operation: 'shutdown' as const, requests, ...(method === undefined ? {} : { method }) };
  if (outcome !== null) {
    const state = outcome.state ?? (await finalState(run));
    return { ...resultOf(run, state, { changed: true, confirmedBy: outcome.confirmedBy }), ...base, escalated: false };
  }
  if (run.deadline.signal?.aborted === true) throw run.deadline.abortError('waiting for the guest to shut down');
  if ((options.onTimeout ?? 'forceOff') === 'throw') {
    throw await timeoutWithState(run, `waiting for the guest to shut down (${requests} request(s) sent)`);
  }
  log(run.ctx.logger, 'warn', 'guest did not shut down in time; forcing it off', {
    domain: run.ref.name,
    timeoutMs: run.deadline.timeout,
    requests,
  });
  const escalation = new Budget(options.forceOffTimeout ?? DEFAULT_FORCE_OFF_TIMEOUT, run.deadline.signal);
  const forced = await forceOffWith(run, waiter, {}, escalation);
  return {
    ...resultOf(run, forced.state, { changed: true, confirmedBy: forced.confirmedBy }),
    ...base,
    escalated: forced.noop === undefined,
    elapsedMs: run.deadline.elapsed(),
  };
}
