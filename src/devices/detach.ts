/**
 * Detach a disk or a NIC, as OpenStack Nova learned to: the DEVICE_REMOVED
 * waiter is installed before the request; a guest that has not released the
 * device gets the request again (spaced so Linux does not take it as
 * "cancel"); DEVICE_REMOVAL_FAILED is a typed error; the persistent
 * definition loses the device only once the running VM has, so the two
 * never disagree in the direction that matters (config without a device the
 * live VM still has).
 *
 * @module
 */
import {
  type CallOptions,
  DeviceDetachError,
  InvalidArgumentError,
  UnsupportedError,
  VirErrorCode,
  isLibvirtCode,
  logSafely,
} from '../connection/internal.js';
import { emptyReport, type VolumeRecord } from '../destroyer/internal.js';
import type { CompletionWaiter } from '../lifecycle/internal.js';
import { buildDeviceXml, parseDomainXml, type DiskDevice, type DomainModel, type InterfaceDevice } from '../xml/index.js';
import { CALL_CAP_MS } from '../runtime/index.js';
import { waitRemoved, withDeviceWaiter } from './confirm.js';
import type { DeviceRun } from './context.js';
import {
  DEFAULT_RESEND_EVERY,
  type DetachDiskOptions,
  type DetachOptions,
  type DetachResult,
  type DetachedVolume,
  type DeviceConfirmation,
} from './options.js';
import { everyDefinition, forgetOwned, ownedVolumeOf } from './ownership.js';
import { AFFECT_CONFIG, AFFECT_LIVE } from '../connection/internal.js';
import { type VmView, diskByTarget, diskPath, nicByMac, viewVm } from './vm-view.js';

/** The device a detach looks for, in each definition. */
interface Wanted<D> {
  kind: 'disks' | 'interfaces';
  /** The target or MAC, for messages and results. */
  label: string;
  /** `disk "vdb"`, `NIC 52:54:00:…`. */
  what: string;
  find(model: DomainModel | undefined): D | undefined;
}

/** Where the device is, and so where the detach applies. */
interface Found<D> {
  live: D | undefined;
  config: D | undefined;
}

/**
 * Find the device where the scope says: an explicit scope needs it in each
 * definition it names; without one, it goes from every definition that has it.
 *
 * @throws InvalidArgumentError when it is not where it was asked for, or nowhere
 */
function locate<D>(view: VmView, wanted: Wanted<D>, options: DetachOptions): Found<D> {
  const live = wanted.find(view.live);
  const config = wanted.find(view.config);
  const explicit = options.live !== undefined || options.config !== undefined;
  const path = wanted.kind === 'disks' ? 'target' : 'mac';
  if (!explicit) {
    if (live === undefined && config === undefined)
      throw new InvalidArgumentError(`VM ${JSON.stringify(view.ref.name)} has no ${wanted.what}`, { path });
    view.scope = { live: live !== undefined, config: config !== undefined };
    return { live, config };
  }
  if (view.scope.live && live === undefined)
    throw new InvalidArgumentError(`the running VM ${JSON.stringify(view.ref.name)} has no ${wanted.what}`, { path });
  if (view.scope.config && config === undefined)
    throw new InvalidArgumentError(`the persistent definition of ${JSON.stringify(view.ref.name)} has no ${wanted.what}`, { path });
  return { live: view.scope.live ? live : undefined, config: view.scope.config ? config : undefined };
}

/**
 * `true` for QEMU's refusal of a second unplug request while the first is
 * pending: with native PCIe hot-plug, "Hot-unplug failed: guest is busy
 * (power indicator blinking)" (VIR_ERR_INTERNAL_ERROR from VIR_FROM_QEMU,
 * QEMU 7.2); other versions and buses say the unplug is already in progress.
 */
function unplugInProgress(error: unknown): boolean {
  return (
    error instanceof Error &&
    /guest is busy|power indicator blinking|already in the process of unplug|unplug.*in progress/i.test(error.message)
  );
}

/**
 * Ask libvirt to unplug the live device: by alias (asynchronous; the removal
 * is DEVICE_REMOVED), or by its XML on a daemon without DetachDeviceAlias.
 */
async function requestUnplug(
  run: DeviceRun,
  kind: 'disks' | 'interfaces',
  device: DiskDevice | InterfaceDevice,
  call: CallOptions,
): Promise<void> {
  const control = run.ctx.connection.domains.control;
  if (device.alias !== undefined) {
    try {
      await control.detachDeviceAlias(run.ref, device.alias, { ...call, flags: AFFECT_LIVE });
      return;
    } catch (error) {
      if (!(error instanceof UnsupportedError)) throw error;
    }
  }
  await control.detachDevice(run.ref, buildDeviceXml(kind, device as never), { ...call, flags: AFFECT_LIVE });
}

/**
 * Unplug from the running VM and wait for it to go, re-sending the request
 * every `resendEvery` ms.
 *
 * @throws DeviceDetachError (`'removal-failed'`, `'timeout'`)
 */
async function unplugLive(
  run: DeviceRun,
  waiter: CompletionWaiter,
  wanted: Wanted<unknown>,
  device: DiskDevice | InterfaceDevice,
  resendEvery: number,
): Promise<{ requests: number; confirmedBy: DeviceConfirmation }> {
  const alias = device.alias;
  const fail = (reason: 'removal-failed' | 'timeout', requests: number, cause?: unknown): DeviceDetachError =>
    new DeviceDetachError(
      { reason, device: wanted.label, alias, live: reason === 'timeout' ? 'pending' : 'present', config: 'unchanged', requests },
      reason === 'timeout'
        ? `the guest of ${run.ref.name} did not release ${wanted.what} within ${run.budget.timeout} ms (${requests} unplug request${requests === 1 ? '' : 's'}); the running VM and its definition both still have it`
        : `libvirt reports that ${wanted.what} of ${run.ref.name} could not be unplugged (DEVICE_REMOVAL_FAILED); the running VM and its definition both still have it`,
      cause === undefined ? undefined : { cause },
    );
  let requests = 0;
  for (;;) {
    try {
      requests++;
      await requestUnplug(run, wanted.kind, device, run.budget.call());
    } catch (error) {
      // A request while the guest still works on the previous one: that one stays pending.
      if (requests === 1 || !unplugInProgress(error)) {
        if (requests > 1 && isLibvirtCode(error, VirErrorCode.VIR_ERR_DEVICE_MISSING)) return { requests, confirmedBy: 'xml' };
        throw error;
      }
      logSafely(run.ctx.logger, 'debug', 'unplug still in progress in the guest', { domain: run.ref.name, device: wanted.label });
    }
    if (alias === undefined) {
      // No alias, no event to tell this device's removal from another's: the live XML says.
      const gone = wanted.find(await liveModel(run)) === undefined;
      if (gone) return { requests, confirmedBy: 'xml' };
    }
    const until = Math.min(run.budget.at, Date.now() + resendEvery);
    const outcome = alias === undefined ? { removed: false as const, failed: false } : await waitRemoved(run, waiter, alias, until);
    if (outcome.removed) return { requests, confirmedBy: outcome.by };
    if (outcome.failed) throw fail('removal-failed', requests);
    if (alias === undefined)
      await run.budget.sleep(Math.max(0, until - Date.now()), `waiting for ${wanted.what} to leave the running VM`).catch(() => undefined);
    if (Date.now() >= run.budget.at || run.budget.signal?.aborted === true) {
      if (run.budget.signal?.aborted === true) throw run.budget.abortError(`waiting for ${wanted.what} to leave the running VM`);
      throw fail('timeout', requests);
    }
    logSafely(run.ctx.logger, 'info', 'the guest has not released the device: asking again', {
      domain: run.ref.name,
      device: wanted.label,
      requests,
    });
  }
}

async function liveModel(run: DeviceRun): Promise<DomainModel> {
  return parseDomainXml(await run.ctx.connection.domains.getXml(run.ref, run.budget.call(CALL_CAP_MS)));
}

/**
 * The shared engine: find, unplug live (confirmed), then remove from the
 * persistent definition.
 */
async function detach<D extends DiskDevice | InterfaceDevice>(
  run: DeviceRun,
  view: VmView,
  wanted: Wanted<D>,
  found: Found<D>,
  options: DetachOptions,
): Promise<Omit<DetachResult, 'change' | 'volume'>> {
  let requests = 0;
  let confirmedBy: DeviceConfirmation = 'call';
  if (found.live !== undefined) {
    const device = found.live;
    ({ requests, confirmedBy } = await withDeviceWaiter(run, (waiter) =>
      unplugLive(run, waiter, wanted, device, options.resendEvery ?? DEFAULT_RESEND_EVERY),
    ));
  }
  if (found.config !== undefined) {
    try {
      await run.ctx.connection.domains.control.detachDevice(run.ref, buildDeviceXml(wanted.kind, found.config as never), {
        ...run.budget.call(),
        flags: AFFECT_CONFIG,
      });
    } catch (error) {
      if (found.live === undefined) throw error;
      throw new DeviceDetachError(
        { reason: 'config-failed', device: wanted.label, alias: found.live.alias, live: 'removed', config: 'unchanged', requests },
        `${wanted.what} left the running VM ${run.ref.name}, but removing it from the persistent definition failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  return {
    domain: run.ref,
    live: found.live !== undefined,
    config: found.config !== undefined,
    confirmedBy,
    elapsedMs: run.budget.elapsed(),
    device: wanted.label,
    alias: found.live?.alias,
    requests,
  };
}

/**
 * Detach the disk with target `target`.
 * @see VmDeviceManager.detachDisk
 */
export async function detachDisk(run: DeviceRun, target: string, options: DetachDiskOptions): Promise<DetachResult> {
  const view = await viewVm(run.ctx, 'detachDisk', run.ref, options, run.budget, { both: true });
  const wanted: Wanted<DiskDevice> = {
    kind: 'disks',
    label: target,
    what: `disk ${JSON.stringify(target)}`,
    find: (m) => diskByTarget(m, target),
  };
  const found = locate(view, wanted, options);
  const disk = (found.config ?? found.live)!;
  // The definition that has the disk says whether the SDK made its volume (both carry the same ownership record).
  const model = diskByTarget(view.config, target) !== undefined ? view.config! : view.live!;
  const owned = ownedVolumeOf(model, diskByTarget(model, target)!);
  // After this detach, does the VM still have the disk anywhere?
  const stillUsed =
    (view.live !== undefined && diskByTarget(view.live, target) !== undefined && found.live === undefined) ||
    (view.config !== undefined && diskByTarget(view.config, target) !== undefined && found.config === undefined);
  if (options.deleteVolume === true) {
    if (owned === undefined)
      throw new InvalidArgumentError(
        `deleteVolume: the SDK did not create the volume of disk ${JSON.stringify(target)} for ${run.ref.name} (it is not in the VM's ownership record); it is never deleted by the SDK`,
        { path: 'deleteVolume' },
      );
    if (stillUsed)
      throw new InvalidArgumentError(
        `deleteVolume: disk ${JSON.stringify(target)} stays in the ${found.live === undefined ? 'running VM' : 'persistent definition'}; detach it from both to delete its volume`,
        { path: 'deleteVolume' },
      );
  }
  const result = await detach(run, view, wanted, found, options);
  const path = diskPath(disk);
  let volume: DetachedVolume = { outcome: 'kept', path };
  if (owned !== undefined && !stillUsed) volume = await settleVolume(run, view, owned, options.deleteVolume === true, path);
  return { ...result, change: 'detachDisk', volume };
}

/**
 * What becomes of an owned volume once its disk has left the VM: deleted
 * (with the destroyer's checks: no other domain uses it) when asked, else
 * kept and taken out of the ownership record — it is the caller's now.
 */
async function settleVolume(
  run: DeviceRun,
  view: VmView,
  owned: VolumeRecord,
  remove: boolean,
  path: string | undefined,
): Promise<DetachedVolume> {
  const definitions = everyDefinition(view.live !== undefined, view.persistent);
  const call = (): CallOptions => run.budget.call(CALL_CAP_MS);
  // The disk is gone from the VM: a failure from here on is reported with the volume, never as a failed detach.
  const forget = async (): Promise<void> => {
    try {
      await forgetOwned(run, definitions, owned, call());
    } catch (error) {
      // Still listed but no longer attached: teardown keeps it ("ownership-unverified"), so nothing is lost.
      logSafely(run.ctx.logger, 'warn', "could not take the detached disk's volume out of the ownership record", {
        domain: run.ref.name,
        volume: owned.name ?? owned.path,
        error: String(error),
      });
    }
  };
  if (!remove) {
    await forget();
    return { outcome: 'kept', path };
  }
  const report = emptyReport();
  await run.ctx.volumes.delete(run.ref, [owned], call, report);
  const deleted = report.volumesDeleted[0] ?? report.volumesAlreadyGone[0];
  if (deleted !== undefined) {
    await forget();
    return { outcome: 'deleted', pool: deleted.pool ?? owned.pool ?? '', name: deleted.name ?? owned.name ?? '', path };
  }
  const kept = report.volumesKept[0];
  const failure = report.errors[0];
  return {
    outcome: 'not-deleted',
    path,
    reason:
      kept !== undefined ? `${kept.reason}${kept.detail === undefined ? '' : `: ${kept.detail}`}` : (failure?.error.message ?? 'unknown'),
  };
}

/**
 * Detach the NIC with MAC `mac`.
 * @see VmDeviceManager.detachNic
 */
export async function detachNic(run: DeviceRun, mac: string, options: DetachOptions): Promise<DetachResult> {
  const view = await viewVm(run.ctx, 'detachNic', run.ref, options, run.budget, { both: true });
  const wanted: Wanted<InterfaceDevice> = {
    kind: 'interfaces',
    label: mac.toLowerCase(),
    what: `NIC ${mac.toLowerCase()}`,
    find: (m) => nicByMac(m, mac),
  };
  const found = locate(view, wanted, options);
  return { ...(await detach(run, view, wanted, found, options)), change: 'detachNic' };
}
