import { UnsupportedError } from '../../errors/index.js';
import { type OperationRun, finalState, readState, resultOf } from '../context.js';
import { refusal, verdict } from '../../runtime/index.js';
import type { LifecycleResult, ResumeResult } from '../results.js';
import { type WaitSpec, withWaiter } from '../waiter.js';
import type { CallOptions } from '../options.js';
import { isRunning, raceRecovered, timeoutWithState } from './common.js';
import { syncGuestTime } from './guest-time.js';

/** Options of `resume`. */
export interface ResumeOptions extends CallOptions {
  /**
   * Once the VM runs again, set its clock to the host's time through the guest
   * agent: a paused guest's clock stood still. Best effort: the outcome is in
   * the result's `timeSync`, never thrown. Not done for a no-op.
   * @default false
   */
  syncTime?: boolean;
}

const SUSPENDED: WaitSpec = {
  onEvent: (e) => (e.type === 'domain.lifecycle' && e.event === 'suspended' ? 'done' : 'ignore'),
  isDone: (s) => s.state === 'paused',
};

/** Resume is confirmed by `resumed`; PM wakeup by `started` (detail `wakeup`) — either way the guest runs again. */
const RESUMED: WaitSpec = {
  onEvent: (e) => (e.type === 'domain.lifecycle' && (e.event === 'resumed' || e.event === 'started') ? 'done' : 'ignore'),
  isDone: isRunning,
};

/** `pause` in the VM's turn: pause the vCPUs (libvirt's suspend; no-op when already paused). */
export async function pause(run: OperationRun): Promise<LifecycleResult> {
  const current = await readState(run);
  const decision = verdict('pause', current.state);
  if (typeof decision === 'object') {
    if ('refuse' in decision) throw refusal('pause', current.state, run.ref.name, decision.refuse);
    return resultOf(run, current, { changed: false, confirmedBy: 'poll', noop: decision.noop });
  }
  return withWaiter(run, ['domain.lifecycle'], async (waiter) => {
    try {
      await run.ctx.connection.domains.control.suspend(run.ref, run.deadline.call());
    } catch (error) {
      const raced = await raceRecovered(run, error, (s) => s.state === 'paused');
      if (raced !== null) return resultOf(run, raced, { changed: false, confirmedBy: 'poll', noop: 'already paused' });
      throw error;
    }
    const outcome = await waiter.wait(SUSPENDED, run.deadline.at);
    if (outcome === null) throw await timeoutWithState(run, 'waiting for libvirt to confirm the pause');
    return resultOf(run, outcome.state ?? (await finalState(run)), { changed: true, confirmedBy: outcome.confirmedBy });
  });
}

/**
 * `resume` under the VM's lock: resume paused vCPUs, or wake a pmsuspended
 * guest (virDomainPMWakeup); no-op when already running.
 */
export async function resume(run: OperationRun, options: ResumeOptions): Promise<ResumeResult> {
  const current = await readState(run);
  const decision = verdict('resume', current.state);
  if (typeof decision === 'object') {
    if ('refuse' in decision) throw refusal('resume', current.state, run.ref.name, decision.refuse);
    return { ...resultOf(run, current, { changed: false, confirmedBy: 'poll', noop: decision.noop }), operation: 'resume', wokeUp: false };
  }
  const wake = decision === 'wake';
  return withWaiter(run, ['domain.lifecycle'], async (waiter) => {
    const control = run.ctx.connection.domains.control;
    try {
      if (wake) await control.pmWakeup(run.ref, run.deadline.call());
      else await control.resume(run.ref, run.deadline.call());
    } catch (error) {
      if (wake && error instanceof UnsupportedError) {
        throw new UnsupportedError(
          `VM ${JSON.stringify(run.ref.name)} is pmsuspended and this hypervisor driver cannot wake it (virDomainPMWakeup): ${error.message}`,
          error.remote === undefined ? { cause: error } : { remote: error.remote },
        );
      }
      const raced = await raceRecovered(run, error, isRunning);
      if (raced !== null)
        return {
          ...resultOf(run, raced, { changed: false, confirmedBy: 'poll', noop: 'already running' }),
          operation: 'resume',
          wokeUp: false,
        };
      throw error;
    }
    const outcome = await waiter.wait(RESUMED, run.deadline.at);
    if (outcome === null) throw await timeoutWithState(run, `waiting for libvirt to confirm the ${wake ? 'wakeup' : 'resume'}`);
    const state = outcome.state ?? (await finalState(run));
    const result: ResumeResult = {
      ...resultOf(run, state, { changed: true, confirmedBy: outcome.confirmedBy }),
      operation: 'resume',
      wokeUp: wake,
    };
    if (options.syncTime === true && state.state === 'running') result.timeSync = await syncGuestTime(run);
    return result;
  });
}
