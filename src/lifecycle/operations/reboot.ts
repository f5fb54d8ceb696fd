import { VirErrorCode } from '../../errors/index.js';
import { type OperationRun, finalState, libvirtCode, log, readState, resultOf } from '../context.js';
import { Budget } from '../../runtime/index.js';
import { refusal, verdict } from '../../runtime/index.js';
import type { PowerMethod, PowerMode } from '../mode.js';
import { DEFAULT_RESEND_EVERY, DEFAULT_TIMEOUTS, type CallOptions } from '../options.js';
import type { LifecycleResult, RebootResult } from '../results.js';
import { type WaitSpec, withWaiter } from '../waiter.js';
import { chooseMethod, firstPowerRequest, sendPowerRequest, timeoutWithState, waitResending } from './common.js';
import { shutdownWith } from './shutdown.js';
import { startShutOff } from './start.js';

/** Options of `reboot`. */
export interface RebootOptions extends CallOptions {
  /** How to ask the guest (the same choice as shutdown). @default 'auto' */
  mode?: PowerMode;
  /** Re-send the request every this many ms until the reboot event arrives; 0 never. @default 5000 */
  resendEvery?: number;
  /**
   * When the hypervisor cannot reboot (`VIR_ERR_NO_SUPPORT`,
   * `OPERATION_UNSUPPORTED`): `'stop-start'` shuts the guest down (forcing it
   * off after `timeout`) and starts it; `'none'` rethrows the `UnsupportedError`.
   * @default 'stop-start'
   */
  fallback?: 'stop-start' | 'none';
}

/** After the first reboot event, QEMU sends a few more within ~50 ms: absorb them so the next operation does not see them. */
const REBOOT_SETTLE_MS = 200;

/**
 * The hypervisor cannot reboot at all — as opposed to refusing a mode (an
 * agent that is not configured is a mode problem, reported as UnsupportedError
 * by the request itself and not worked around).
 */
function cannotReboot(error: unknown, method: PowerMethod): boolean {
  const code = libvirtCode(error);
  if (code === VirErrorCode.VIR_ERR_NO_SUPPORT || code === VirErrorCode.VIR_ERR_OPERATION_UNSUPPORTED) return true;
  return method === 'default' && code === VirErrorCode.VIR_ERR_ARGUMENT_UNSUPPORTED;
}

/** `reboot` under the VM's lock. */
export async function reboot(run: OperationRun, options: RebootOptions): Promise<RebootResult> {
  const current = await readState(run);
  const decision = verdict('reboot', current.state);
  if (typeof decision === 'object') {
    // Reboot has no no-op: every non-running state is refused.
    throw refusal('reboot', current.state, run.ref.name, 'refuse' in decision ? decision.refuse : decision.noop);
  }
  const mode = options.mode ?? 'auto';
  const chosen = await chooseMethod(run, mode);
  const rebootEvents = await run.ctx.emitsRebootEvents(run.deadline);
  return withWaiter(run, ['domain.lifecycle', 'domain.reboot'], async (waiter) => {
    let method: PowerMethod;
    try {
      method = await firstPowerRequest(run, 'reboot', chosen, mode);
    } catch (error) {
      if ((options.fallback ?? 'stop-start') === 'stop-start' && cannotReboot(error, chosen)) {
        log(run.ctx.logger, 'info', 'hypervisor cannot reboot; shutting down and starting instead', {
          domain: run.ref.name,
          error: String(error),
        });
        const stopped = await shutdownWith(run, waiter, { mode, resendEvery: options.resendEvery ?? DEFAULT_RESEND_EVERY });
        const started = await startShutOff({ ...run, deadline: new Budget(DEFAULT_TIMEOUTS.start, run.deadline.signal) }, {});
        return {
          ...started,
          operation: 'reboot',
          path: 'stop-start',
          method: stopped.method ?? 'default',
          requests: stopped.requests,
          escalated: stopped.escalated,
          elapsedMs: run.deadline.elapsed(),
        };
      }
      throw error;
    }
    const sentAt = Date.now();
    // Reboot events already received came before the request returned: a previous reboot's burst, not ours.
    const before = waiter.received;
    const base = { operation: 'reboot' as const, path: 'reboot' as const, method, escalated: false };
    if (!rebootEvents || !waiter.eventsLive) {
      // No reboot event will come (test driver, or events unavailable): the accepted call is the confirmation.
      const state = await finalState(run);
      return { ...resultOf(run, state, { changed: true, confirmedBy: 'call' }), ...base, requests: 1 };
    }
    const spec: WaitSpec = {
      // Only reboot events that arrive after the request count; on_reboot='destroy' ends with `stopped`.
      onEvent: (e, seq) =>
        e.type === 'domain.reboot'
          ? seq > before
            ? 'done'
            : 'ignore'
          : e.type === 'domain.lifecycle' && e.event === 'stopped'
            ? 'check'
            : 'ignore',
      isDone: (s) => s.state === 'shutoff',
    };
    const { outcome, resends } = await waitResending(run, waiter, spec, {
      untilAt: run.deadline.at,
      resendEvery: options.resendEvery ?? DEFAULT_RESEND_EVERY,
      firstSentAt: sentAt,
      resend: () => sendPowerRequest(run, 'reboot', method, 10_000),
    });
    if (outcome === null) {
      if (run.deadline.signal?.aborted === true) throw run.deadline.abortError('waiting for the guest to reboot');
      throw await timeoutWithState(run, `waiting for the reboot event (${1 + resends} request(s) sent)`);
    }
    if (outcome.event !== undefined) await run.deadline.sleep(REBOOT_SETTLE_MS, 'letting reboot events settle');
    const state = outcome.state ?? (await finalState(run));
    return { ...resultOf(run, state, { changed: true, confirmedBy: outcome.confirmedBy }), ...base, requests: 1 + resends };
  });
}

/**
 * `reset` under the VM's lock: virDomainReset is synchronous (QEMU's
 * `system_reset` has happened when the call returns), so the call plus a
 * state read confirm it. The test driver accepts it and does nothing.
 */
export async function reset(run: OperationRun): Promise<LifecycleResult> {
  const current = await readState(run);
  const decision = verdict('reset', current.state);
  if (typeof decision === 'object')
    throw refusal('reset', current.state, run.ref.name, 'refuse' in decision ? decision.refuse : decision.noop);
  await run.ctx.connection.domains.control.reset(run.ref, run.deadline.call());
  const state = await finalState(run);
  return resultOf(run, state, { changed: true, confirmedBy: 'call' });
}
