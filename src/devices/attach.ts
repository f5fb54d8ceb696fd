/**
 * Attach a disk or a NIC: planned by the creator's own code (the same specs
 * as `createVm`, the same validation, storage and XML), made as logged steps
 * (volume, ownership record) that a failure undoes, then plugged in and
 * confirmed by libvirt.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { type CallOptions, TimeoutError } from '../connection/internal.js';
import {
  CompensationLog,
  attachRollback,
  makeVolume,
  outcomeUnknown,
  planAddedDisk,
  planAddedNic,
  type DiskSpec,
  type NetworkSpec,
} from '../creator/internal.js';
import { buildDeviceXml, type DomainModel } from '../xml/index.js';
import { addedSpec, liveHasAlias, withDeviceWaiter } from './confirm.js';
import type { DeviceRun } from './context.js';
import type { AttachDiskOptions, AttachDiskResult, AttachNicResult, DeviceConfirmation, DeviceOptions } from './options.js';
import { everyDefinition, recordOwned, restoreRecords } from './ownership.js';
import { type VmView, disksOf, nicByMac, nicsOf, scopeFlags, viewVm } from './vm-view.js';
import { Budget, CALL_CAP_MS } from '../runtime/index.js';

/** Budget of each undo after a failed attach (it runs after the caller's own budget may have run out). */
const ROLLBACK_TIMEOUT = 60_000;

/** The VM's definitions merged: a new device must fit next to what either has. */
function merged(view: VmView): DomainModel {
  const base = (view.live ?? view.config)!;
  return {
    ...base,
    devices: {
      ...base.devices,
      disks: [...disksOf(view.live), ...disksOf(view.config)],
      interfaces: [...nicsOf(view.live), ...nicsOf(view.config)],
    },
  };
}

function aliasesOf(view: VmView): Set<string> {
  const all = [view.live, view.config].flatMap((m) => [...disksOf(m), ...nicsOf(m)]);
  return new Set(all.flatMap((d) => (d.alias === undefined ? [] : [d.alias])));
}

/** A user alias (`ua-` keeps it in the persistent definition) no device of the VM has: events name the device by it. */
function freshAlias(view: VmView, stem: string): string {
  const taken = aliasesOf(view);
  let alias = `ua-lvm-${stem}`;
  while (taken.has(alias)) alias = `ua-lvm-${stem}-${randomBytes(3).toString('hex')}`;
  return alias;
}

/**
 * A MAC for a NIC whose spec has none, made as libvirt makes them (QEMU's
 * `52:54:00` prefix, 3 random bytes) but before the call, so that the live
 * and persistent definitions get the same one and the result can name it.
 */
function freshMac(view: VmView): string {
  for (;;) {
    const mac = `52:54:00:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
    if (nicByMac(view.live, mac) === undefined && nicByMac(view.config, mac) === undefined) return mac;
  }
}

/**
 * Plug the device in where the scope says, and confirm: a live attach waits
 * for DEVICE_ADDED of its alias (or the live XML showing it); a
 * definition-only attach is confirmed by the call. A call whose outcome is
 * unknown (timed out, link lost) is settled by reading the XML back.
 *
 * @returns how it was confirmed
 * @throws the call's error when the device is not there · TimeoutError when libvirt accepted it but never showed it
 */
async function plugIn(run: DeviceRun, view: VmView, xml: string, alias: string): Promise<DeviceConfirmation> {
  const control = run.ctx.connection.domains.control;
  const flags = scopeFlags(view.scope);
  const call = (): Promise<void> => control.attachDevice(run.ref, xml, { ...run.budget.call(), flags });
  if (!view.scope.live) {
    await call();
    return 'call';
  }
  return withDeviceWaiter(run, async (waiter) => {
    try {
      await call();
    } catch (error) {
      if (!outcomeUnknown(error)) throw error;
      // libvirt may have attached it anyway: the live XML says.
      if (!(await liveHasAlias(run, alias, new Budget(CALL_CAP_MS)).catch(() => false))) throw error;
      return 'xml';
    }
    const outcome = await waiter.wait(addedSpec(run, alias), run.budget.at);
    if (outcome === null)
      throw new TimeoutError(
        run.budget.timeout,
        `libvirt accepted the new device ${alias} of ${run.ref.name} but did not show it within ${run.budget.timeout} ms`,
      );
    return outcome.confirmedBy === 'event' ? 'event' : 'xml';
  });
}

/**
 * Attach a disk made from `spec`.
 * @see VmDeviceManager.attachDisk
 */
export async function attachDisk(run: DeviceRun, spec: DiskSpec, options: AttachDiskOptions): Promise<AttachDiskResult> {
  const { connection } = run.ctx;
  const view = await viewVm(run.ctx, 'attachDisk', run.ref, options, run.budget, { both: true });
  const call: CallOptions = run.budget.call();
  const plan = await planAddedDisk(connection, merged(view), spec, call);
  const alias = freshAlias(view, plan.placement.target);
  const rollback: CallOptions = { timeout: ROLLBACK_TIMEOUT };
  const log = new CompensationLog(run.budget.signal === undefined ? {} : { signal: run.budget.signal });
  let volume: AttachDiskResult['volume'];
  let mayBeAttached = false;
  try {
    let path = plan.volume?.predictedPath;
    if (plan.volume !== undefined) {
      const v = plan.volume;
      const made = await makeVolume(connection, log, v, { call: run.budget.call(), rollback, onProgress: options.onProgress });
      path = made.path;
      volume = { pool: v.pool, name: v.name, path: made.path, format: v.format };
      const owned = {
        role: 'disk',
        pool: v.pool,
        name: v.name,
        path: made.path,
        format: v.format,
        ...(made.key === undefined ? {} : { key: made.key }),
        ...(v.encryption?.owned === true ? { secret: v.encryption.secret } : {}),
      };
      const definitions = everyDefinition(view.live !== undefined, view.persistent);
      // Recorded before it is attached: once attached it is owned, whatever happens next. A volume recorded but
      // never attached is kept by teardown (its record alone proves nothing).
      await log.step(
        'ownership',
        `record ${v.pool}/${v.name} as owned by ${run.ref.name}`,
        () => recordOwned(run, definitions, owned, run.budget.call()),
        {
          undo: async (previous) => {
            await restoreRecords(run, previous, rollback);
            return 'undone';
          },
        },
      );
    }
    const device = { ...plan.device(path), alias };
    mayBeAttached = true;
    const confirmedBy = await plugIn(run, view, buildDeviceXml('disks', device), alias);
    return {
      change: 'attachDisk',
      domain: run.ref,
      live: view.scope.live,
      config: view.scope.config,
      confirmedBy,
      elapsedMs: run.budget.elapsed(),
      target: plan.placement.target,
      bus: plan.placement.bus,
      alias,
      path: device.source?.file ?? device.source?.dev,
      volume,
    };
  } catch (error) {
    if (mayBeAttached && outcomeUnknown(error)) {
      // The attach may have happened: deleting the volume could pull a disk out from under the guest. Keep everything.
      throw attachRollback(error, { undone: [], failed: [], complete: false });
    }
    throw attachRollback(error, await log.rollback());
  }
}

/**
 * Attach a NIC made from `spec`.
 * @see VmDeviceManager.attachNic
 */
export async function attachNic(run: DeviceRun, spec: NetworkSpec, options: DeviceOptions): Promise<AttachNicResult> {
  const view = await viewVm(run.ctx, 'attachNic', run.ref, options, run.budget, { both: true });
  const plan = await planAddedNic(run.ctx.connection, merged(view), spec, run.budget.call());
  const mac = plan.mac ?? freshMac(view);
  const alias = freshAlias(view, `net-${mac.slice(9).replaceAll(':', '')}`);
  const device = { ...plan.device, mac, alias };
  const confirmedBy = await plugIn(run, view, buildDeviceXml('interfaces', device), alias);
  return {
    change: 'attachNic',
    domain: run.ref,
    live: view.scope.live,
    config: view.scope.config,
    confirmedBy,
    elapsedMs: run.budget.elapsed(),
    mac,
    alias,
    model: device.model,
  };
}
