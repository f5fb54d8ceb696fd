import { LibvirtError, UnsupportedError, VirErrorCode } from '../../errors/index.js';
import { CALL_CAP_MS, type OperationRun, finalState, libvirtCode, log, readState, resultOf } from '../context.js';
import { startFlagNames, startFlags } from '../flags.js';
import { refusal, verdict } from '../../runtime/index.js';
import { DEFAULT_START_RETRIES, type CallOptions } from '../options.js';
import type { StartResult } from '../results.js';
import { type WaitSpec, withWaiter } from '../waiter.js';
import { syncGuestTime } from './guest-time.js';
import { isActive, raceRecovered, timeoutWithState } from './common.js';

/** Options of `start`: libvirt's `virDomainCreateFlags` as booleans. */
export interface StartOptions extends CallOptions {
  /** Leave the vCPUs paused (`VIR_DOMAIN_START_PAUSED`); the result's state is then `paused`. */
  paused?: boolean;
  /** Destroy the VM when this connection closes (`VIR_DOMAIN_START_AUTODESTROY`). */
  autodestroy?: boolean;
  /** Avoid the host page cache when restoring a managed save (`VIR_DOMAIN_START_BYPASS_CACHE`). */
  bypassCache?: boolean;
  /** Discard a managed save image and boot afresh (`VIR_DOMAIN_START_FORCE_BOOT`). */
  forceBoot?: boolean;
  /** Re-initialise the UEFI variable store from its template (`VIR_DOMAIN_START_RESET_NVRAM`). */
  resetNvram?: boolean;
  /** Validate the XML against libvirt's schema first (`VIR_DOMAIN_START_VALIDATE`). */
  validate?: boolean;
  /**
   * Retries when the start fails because a system call in the daemon failed
   * with EAGAIN or EINTR (`LibvirtError.isTemporary`), e.g. "failed to load
   * cgroup BPF prog: Resource temporarily unavailable" while many guests start
   * at once. libvirt has undone the failed start, so trying again is safe.
   * 0 to 20. @default 2
   */
  retries?: number;
  /**
   * When the VM was restored from its managed save image and runs, set its
   * clock to the host's time through the guest agent (it stood still while
   * saved). Best effort: the outcome is in the result's `timeSync`.
   * @default false
   */
  syncTime?: boolean;
}

/** Pause before start retry `attempt`: 0.2 s, 0.4 s, 0.6 s… */
export function startRetryDelay(attempt: number): number {
  return 200 * attempt;
}

/** Start is confirmed by the `started` event (booted, restored…) or a poll that finds the VM active. */
const STARTED: WaitSpec = {
  onEvent: (e) => (e.type !== 'domain.lifecycle' ? 'ignore' : e.event === 'started' ? 'done' : e.event === 'stopped' ? 'check' : 'ignore'),
  isDone: isActive,
};

/** `start` under the VM's lock: no-op when already active, refused from crashed/shutdown states. */
export async function start(run: OperationRun, options: StartOptions): Promise<StartResult> {
  const current = await readState(run);
  const decision = verdict('start', current.state);
  if (typeof decision === 'object') {
    if ('refuse' in decision) throw refusal('start', current.state, run.ref.name, decision.refuse);
    return {
      ...resultOf(run, current, { changed: false, confirmedBy: 'poll', noop: decision.noop }),
      operation: 'start',
      restored: false,
      attempts: 0,
    };
  }
  return startShutOff(run, options);
}

async function hasImage(run: OperationRun): Promise<boolean> {
  try {
    return await run.ctx.connection.domains.hasManagedSave(run.ref, run.deadline.call(CALL_CAP_MS));
  } catch (error) {
    if (error instanceof UnsupportedError) return false;
    throw error;
  }
}

/**
 * Start a VM known to be shut off (also the second half of reboot's
 * stop-start fallback): DOMAIN_CREATE_WITH_FLAGS, retried after a temporary
 * failure in the daemon, then wait for `started`.
 */
export async function startShutOff(run: OperationRun, options: StartOptions): Promise<StartResult> {
  const flags = startFlags(options);
  const retries = options.retries ?? DEFAULT_START_RETRIES;
  const restoring = options.forceBoot !== true && (await hasImage(run));
  return withWaiter(run, ['domain.lifecycle'], async (waiter) => {
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        const ref = await run.ctx.connection.domains.control.start(run.ref, { ...run.deadline.call(), flags });
        run.ref = { ...run.ref, id: ref.id };
        break;
      } catch (error) {
        if (flags !== 0 && libvirtCode(error) === VirErrorCode.VIR_ERR_INVALID_ARG) {
          // virCheckFlags: the driver does not know one of the flags (the test driver accepts none).
          throw new UnsupportedError(
            `the hypervisor driver refused start option(s) ${startFlagNames(flags).join(', ')}: ${(error as Error).message}`,
            error instanceof LibvirtError ? { remote: error } : { cause: error },
          );
        }
        if (error instanceof LibvirtError && error.isTemporary && attempts <= retries) {
          log(run.ctx.logger, 'warn', 'start failed for a temporary reason; retrying', {
            domain: run.ref.name,
            attempt: attempts,
            error: String(error),
          });
          await run.deadline.sleep(startRetryDelay(attempts), 'waiting to retry the start');
          continue;
        }
        const raced = await raceRecovered(run, error, isActive);
        if (raced !== null) {
          return {
            ...resultOf(run, raced, { changed: false, confirmedBy: 'poll', noop: 'already running' }),
            operation: 'start',
            restored: false,
            attempts,
          };
        }
        throw error;
      }
    }
    const outcome = await waiter.wait(STARTED, run.deadline.at);
    if (outcome === null) throw await timeoutWithState(run, 'waiting for libvirt to confirm the start');
    const state = outcome.state ?? (await finalState(run));
    const result: StartResult = {
      ...resultOf(run, state, { changed: true, confirmedBy: outcome.confirmedBy }),
      operation: 'start',
      restored: restoring || state.reason === 'restored',
      attempts,
    };
    if (options.syncTime === true && result.restored && state.state === 'running') result.timeSync = await syncGuestTime(run);
    return result;
  });
}
