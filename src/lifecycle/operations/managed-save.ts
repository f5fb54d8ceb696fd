import { type OperationRun, finalState, readState, resultOf } from '../context.js';
import { managedSaveFlags } from '../flags.js';
import { refusal, verdict } from '../../runtime/index.js';
import type { CallOptions } from '../options.js';
import type { LifecycleResult } from '../results.js';
import { type WaitSpec, withWaiter } from '../waiter.js';
import { timeoutWithState } from './common.js';

/** Options of `managedSave`. */
export interface ManagedSaveOptions extends CallOptions {
  /** Write the image avoiding the host page cache (`VIR_DOMAIN_SAVE_BYPASS_CACHE`). */
  bypassCache?: boolean;
  /** State the VM comes back in on the next start (`VIR_DOMAIN_SAVE_RUNNING` / `_PAUSED`); default: as it was. */
  startAs?: 'running' | 'paused';
}

/** Saved: the `stopped` event (detail `saved`) or a shut-off state. */
const SAVED: WaitSpec = {
  onEvent: (e) => (e.type === 'domain.lifecycle' && e.event === 'stopped' ? 'done' : 'ignore'),
  isDone: (s) => s.state === 'shutoff',
};

/** `managedSave` under the VM's lock: save memory to libvirt's managed image and stop. */
export async function managedSave(run: OperationRun, options: ManagedSaveOptions): Promise<LifecycleResult> {
  const current = await readState(run);
  const decision = verdict('managedSave', current.state);
  if (typeof decision === 'object')
    throw refusal('managedSave', current.state, run.ref.name, 'refuse' in decision ? decision.refuse : decision.noop);
  return withWaiter(run, ['domain.lifecycle'], async (waiter) => {
    await run.ctx.connection.domains.control.managedSave(run.ref, { ...run.deadline.call(), flags: managedSaveFlags(options) });
    const outcome = await waiter.wait(SAVED, run.deadline.at);
    if (outcome === null) throw await timeoutWithState(run, 'waiting for libvirt to confirm the managed save');
    return resultOf(run, outcome.state ?? (await finalState(run)), { changed: true, confirmedBy: outcome.confirmedBy });
  });
}

/**
 * `removeManagedSave` under the VM's lock: delete the image so the next start
 * boots afresh. No-op (`noop: 'no managed save image'`) when there is none.
 */
export async function removeManagedSave(run: OperationRun): Promise<LifecycleResult> {
  const domains = run.ctx.connection.domains;
  const has = await domains.hasManagedSave(run.ref, run.deadline.call());
  if (has) await domains.control.managedSaveRemove(run.ref, run.deadline.call());
  const state = await readState(run);
  return resultOf(
    run,
    state,
    has ? { changed: true, confirmedBy: 'call' } : { changed: false, confirmedBy: 'poll', noop: 'no managed save image' },
  );
}
