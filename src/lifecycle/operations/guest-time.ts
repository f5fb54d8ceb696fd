import { CALL_CAP_MS, type OperationRun, log } from '../context.js';
import type { TimeSyncOutcome } from '../results.js';

/**
 * After the guest's clock stood still (vCPUs paused, or a managed save
 * restored), set it to the host's time through the guest agent, as Nova and
 * virt-manager do. Best effort: the power operation already succeeded, so a
 * failure (no agent, an agent that does not answer) is reported in the
 * result and logged, never thrown.
 */
export async function syncGuestTime(run: OperationRun): Promise<TimeSyncOutcome> {
  try {
    await run.ctx.connection.domains.setTime(run.ref, new Date(), run.deadline.call(CALL_CAP_MS));
    return { synced: true };
  } catch (error) {
    log(run.ctx.logger, 'warn', "could not set the guest's clock", { domain: run.ref.name, error: String(error) });
    return { synced: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
