/**
 * How a device change is confirmed by libvirt: through the lifecycle's one
 * event-or-poll waiter, opened before the request is sent, listening for
 * DEVICE_ADDED / DEVICE_REMOVED / DEVICE_REMOVAL_FAILED of one alias, and
 * reading the live XML instead when events do not come.
 *
 * @module
 */
import { CALL_CAP_MS, type Budget } from '../runtime/index.js';
import { CompletionWaiter, type WaitSpec } from '../lifecycle/internal.js';
import { parseDomainXml } from '../xml/index.js';
import type { DeviceRun } from './context.js';

/** `true` when the running VM has a device with alias `alias`. */
export async function liveHasAlias(run: DeviceRun, alias: string, budget: Budget): Promise<boolean> {
  const model = parseDomainXml(await run.ctx.connection.domains.getXml(run.ref, budget.call(CALL_CAP_MS)));
  const devices = model.devices;
  return [...(devices?.disks ?? []), ...(devices?.interfaces ?? [])].some((d) => d.alias === alias);
}

/** Open a waiter for device events of the run's VM (before the request is sent), run `body`, close it. */
export async function withDeviceWaiter<T>(run: DeviceRun, body: (waiter: CompletionWaiter) => Promise<T>): Promise<T> {
  const waiter = await CompletionWaiter.open(run.waitRun, ['domain.device-added', 'domain.device-removed', 'domain.device-removal-failed']);
  try {
    return await body(waiter);
  } finally {
    waiter.close();
  }
}

/** The wait for a device with alias `alias` to appear in the running VM. */
export function addedSpec(run: DeviceRun, alias: string): WaitSpec {
  return {
    onEvent: (e) => (e.type === 'domain.device-added' && e.devAlias === alias ? 'done' : 'ignore'),
    probe: (budget) => liveHasAlias(run, alias, budget),
  };
}

/** What ended a wait for an unplug. */
export type RemovalOutcome = { removed: true; by: 'event' | 'xml' } | { removed: false; failed: boolean };

/**
 * Wait until the device with alias `alias` has left the running VM
 * (DEVICE_REMOVED, or the live XML no longer shows it), libvirt reports
 * DEVICE_REMOVAL_FAILED for it, or `untilAt` passes.
 */
export async function waitRemoved(run: DeviceRun, waiter: CompletionWaiter, alias: string, untilAt: number): Promise<RemovalOutcome> {
  let failed = false;
  const outcome = await waiter.wait(
    {
      onEvent: (e) => {
        if (e.type === 'domain.device-removed' && e.devAlias === alias) return 'done';
        if (e.type === 'domain.device-removal-failed' && e.devAlias === alias) {
          failed = true;
          return 'done';
        }
        return 'ignore';
      },
      probe: async (budget) => !(await liveHasAlias(run, alias, budget)),
    },
    untilAt,
    run.budget,
  );
  if (outcome === null) return { removed: false, failed: false };
  if (failed) return { removed: false, failed: true };
  return { removed: true, by: outcome.confirmedBy === 'event' ? 'event' : 'xml' };
}
