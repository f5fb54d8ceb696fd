import type { DomainState } from '../../connection/internal.js';
import { LibvirtError, type TimeoutError, UnsupportedError, VirErrorCode, isFlagRefusal } from '../../errors/index.js';
import { CALL_CAP_MS, type OperationRun, isGone, libvirtCode, log } from '../context.js';
import type { Budget } from '../../runtime/index.js';
import { type PowerMethod, type PowerMode, nextResendAt, powerFacts, powerFlags, selectPowerMethod } from '../mode.js';
import type { CompletionWaiter, WaitOutcome, WaitSpec } from '../waiter.js';

/** States in which the guest runs (libvirt's `running` and `blocked`). */
export function isRunning(state: DomainState): boolean {
  return state.state === 'running' || state.state === 'blocked';
}

/** States of an active (started) domain. */
export function isActive(state: DomainState): boolean {
  return state.state !== 'shutoff' && state.state !== 'nostate';
}

/** Completion of anything that stops the VM: the `stopped` event, a shut-off state, or the (transient) domain gone. */
export const STOPPED: WaitSpec = {
  onEvent: (e) => (e.type !== 'domain.lifecycle' ? 'ignore' : e.event === 'stopped' ? 'done' : e.event === 'crashed' ? 'check' : 'ignore'),
  isDone: (s) => s.state === 'shutoff',
  goneIsDone: true,
};

/**
 * The method a graceful request uses: for `'auto'`, read the live XML once
 * (`<acpi/>`, the guest-agent channel). Explicit modes need no read.
 */
export async function chooseMethod(run: OperationRun, mode: PowerMode): Promise<PowerMethod> {
  if (mode !== 'auto') return mode;
  const xml = await run.ctx.connection.domains.getXml(run.ref, run.deadline.call(CALL_CAP_MS));
  return selectPowerMethod(mode, powerFacts(xml));
}

export { isFlagRefusal };

/** The guest agent did not answer (the request may not have reached the guest). */
export function isAgentFailure(error: unknown): boolean {
  const code = libvirtCode(error);
  return code !== undefined && AGENT_FAILURES.has(code);
}

/** VIR_ERR_AGENT_UNRESPONSIVE (86), VIR_ERR_AGENT_UNSYNCED (97), VIR_ERR_AGENT_COMMAND_TIMEOUT (112), VIR_ERR_AGENT_COMMAND_FAILED (113). */
const AGENT_FAILURES: ReadonlySet<number> = new Set([
  VirErrorCode.VIR_ERR_AGENT_UNRESPONSIVE,
  VirErrorCode.VIR_ERR_AGENT_UNSYNCED,
  VirErrorCode.VIR_ERR_AGENT_COMMAND_TIMEOUT,
  VirErrorCode.VIR_ERR_AGENT_COMMAND_FAILED,
]);

/** Send one graceful shutdown or reboot request with `method`'s flags. */
export async function sendPowerRequest(
  run: OperationRun,
  kind: 'shutdown' | 'reboot',
  method: PowerMethod,
  cap = CALL_CAP_MS,
): Promise<void> {
  const control = run.ctx.connection.domains.control;
  await control[kind](run.ref, { ...run.deadline.call(cap), flags: powerFlags(method) });
}

/**
 * Send the first graceful request. When the driver refuses the method's
 * flags: with `mode: 'auto'`, fall back to the hypervisor default (flags 0 —
 * the test driver accepts nothing else for shutdown); with an explicit mode,
 * throw {@link UnsupportedError}. Returns the method that was accepted.
 */
export async function firstPowerRequest(
  run: OperationRun,
  kind: 'shutdown' | 'reboot',
  method: PowerMethod,
  mode: PowerMode,
): Promise<PowerMethod> {
  try {
    await sendPowerRequest(run, kind, method);
    return method;
  } catch (error) {
    if (method === 'default' || !isFlagRefusal(error)) throw error;
    if (mode !== 'auto') {
      const remote = error instanceof LibvirtError ? error : (error as { remote?: LibvirtError }).remote;
      throw new UnsupportedError(
        `${kind} mode '${method}' is not available for VM ${JSON.stringify(run.ref.name)}: ${(error as Error).message}`,
        remote === undefined ? { cause: error } : { remote },
      );
    }
    log(run.ctx.logger, 'info', `${kind} method refused; falling back to the hypervisor default`, {
      domain: run.ref.name,
      method,
      error: String(error),
    });
    await sendPowerRequest(run, kind, 'default');
    return 'default';
  }
}

/**
 * After a request failed, re-read the state: if the VM is already where the
 * operation leads (`reached`), someone else got there first and the failure
 * was a race. Returns that state, or `null` (then the error stands).
 */
export async function raceRecovered(run: OperationRun, error: unknown, reached: (s: DomainState) => boolean): Promise<DomainState | null> {
  if (libvirtCode(error) === undefined || isGone(error)) return null;
  try {
    const state = await run.ctx.connection.domains.getState(run.ref, run.deadline.call(5_000));
    return reached(state) ? state : null;
  } catch {
    return null;
  }
}

/**
 * Wait for `spec`, calling `resend` every `resendEvery` ms (0: never) until
 * it is satisfied or `untilAt` passes (`null`). `firstSentAt` is when the
 * first request went out. Resend failures are logged and ignored: the wait or
 * the timeout decides.
 */
export async function waitResending(
  run: OperationRun,
  waiter: CompletionWaiter,
  spec: WaitSpec,
  options: { untilAt: number; resendEvery: number; firstSentAt: number; resend: () => Promise<void> },
): Promise<{ outcome: WaitOutcome | null; resends: number }> {
  let lastSent = options.firstSentAt;
  let resends = 0;
  for (;;) {
    const outcome = await waiter.wait(spec, nextResendAt(lastSent, options.resendEvery, options.untilAt));
    if (outcome !== null || Date.now() >= options.untilAt) return { outcome, resends };
    try {
      resends++;
      await options.resend();
    } catch (error) {
      log(run.ctx.logger, 'debug', 're-sent request failed', { domain: run.ref.name, operation: run.operation, error: String(error) });
    }
    lastSent = Date.now();
  }
}

/** A `TimeoutError` for `what`, naming the VM's current state (read with a short budget of its own). */
export async function timeoutWithState(run: OperationRun, what: string, deadline: Budget = run.deadline): Promise<TimeoutError> {
  let now = 'unknown';
  try {
    const s = await run.ctx.connection.domains.getState(run.ref, { timeout: 5_000 });
    now = `${s.state} (${s.reason})`;
  } catch (error) {
    if (isGone(error)) now = 'gone';
  }
  return deadline.timeoutError(`${what} for VM ${JSON.stringify(run.ref.name)}; it is ${now}`);
}
