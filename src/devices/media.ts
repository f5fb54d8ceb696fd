/**
 * Insert, swap or eject the medium of a CD-ROM drive (`virsh change-media`).
 *
 * @module
 */
import { isAbsolute } from 'node:path';
import { InvalidArgumentError, VirErrorCode, libvirtCodeOf } from '../connection/internal.js';
import type { VolumeLocation } from '../creator/internal.js';
import { CALL_CAP_MS } from '../runtime/index.js';
import { buildDeviceXml, type DiskDevice } from '../xml/index.js';
import type { DeviceRun } from './context.js';
import type { ChangeMediaOptions, ChangeMediaResult } from './options.js';
import { diskByTarget, diskPath, scopeFlags, viewVm } from './vm-view.js';

/** `VIR_DOMAIN_DEVICE_MODIFY_FORCE`: eject even a locked tray. */
const MODIFY_FORCE = 4;

/** The medium as a host path: a path as given, a volume through its pool. */
async function mediumPath(run: DeviceRun, source: string | VolumeLocation | null): Promise<string | undefined> {
  if (source === null) return undefined;
  if (typeof source === 'string') {
    if (!isAbsolute(source))
      throw new InvalidArgumentError('source must be an absolute path on the libvirt host, a { pool, volume }, or null to eject', {
        path: 'source',
      });
    return source;
  }
  if (typeof source !== 'object' || typeof source.pool !== 'string' || typeof source.volume !== 'string')
    throw new InvalidArgumentError('source must be an absolute path on the libvirt host, a { pool, volume }, or null to eject', {
      path: 'source',
    });
  const volumes = run.ctx.connection.storage.volumes;
  try {
    return await volumes.getPath(
      await volumes.lookup(source.pool, source.volume, run.budget.call(CALL_CAP_MS)),
      run.budget.call(CALL_CAP_MS),
    );
  } catch (error) {
    const code = libvirtCodeOf(error);
    if (code === VirErrorCode.VIR_ERR_NO_STORAGE_VOL || code === VirErrorCode.VIR_ERR_NO_STORAGE_POOL)
      throw new InvalidArgumentError(`no volume ${JSON.stringify(source.volume)} in pool ${JSON.stringify(source.pool)}`, {
        path: 'source',
        cause: error,
      });
    throw error;
  }
}

/**
 * Change the medium of the CD-ROM drive `target`.
 * @see VmDeviceManager.changeMedia
 */
export async function changeMedia(
  run: DeviceRun,
  target: string,
  source: string | VolumeLocation | null,
  options: ChangeMediaOptions,
): Promise<ChangeMediaResult> {
  const path = await mediumPath(run, source);
  const view = await viewVm(run.ctx, 'changeMedia', run.ref, options, run.budget, { both: true });
  const explicit = options.live !== undefined || options.config !== undefined;
  const live = diskByTarget(view.live, target);
  const config = diskByTarget(view.config, target);
  if (!explicit) view.scope = { live: live !== undefined, config: config !== undefined };
  const drive = (view.scope.live ? live : config) ?? live ?? config;
  if (drive === undefined || (view.scope.live && live === undefined) || (view.scope.config && config === undefined))
    throw new InvalidArgumentError(
      `VM ${JSON.stringify(run.ref.name)} has no drive ${JSON.stringify(target)}${drive === undefined ? '' : ' in every definition asked for'}`,
      {
        path: 'target',
      },
    );
  if (drive.device !== 'cdrom' && drive.device !== 'floppy')
    throw new InvalidArgumentError(
      `${target} of ${run.ref.name} is a ${drive.device ?? 'disk'}, not a removable drive: use attachDisk and detachDisk`,
      {
        path: 'target',
      },
    );
  // What libvirt matches the drive by (target, bus) and what changes (the source); nothing else.
  const updated: DiskDevice = {
    type: 'file',
    device: drive.device,
    ...(drive.driver === undefined
      ? {}
      : { driver: { ...(drive.driver.name === undefined ? {} : { name: drive.driver.name }), type: 'raw' } }),
    ...(path === undefined ? {} : { source: { file: path } }),
    target: { dev: drive.target.dev, ...(drive.target.bus === undefined ? {} : { bus: drive.target.bus }) },
    readonly: true,
  };
  const flags = scopeFlags(view.scope) | (options.force === true ? MODIFY_FORCE : 0);
  await run.ctx.connection.domains.control.updateDevice(run.ref, buildDeviceXml('disks', updated), { ...run.budget.call(), flags });
  let confirmedBy: ChangeMediaResult['confirmedBy'] = 'call';
  if (view.scope.live) {
    const after = await viewVm(run.ctx, 'changeMedia', run.ref, { live: true }, run.budget);
    if (diskPath(diskByTarget(after.live, target)) === path) confirmedBy = 'xml';
  }
  return {
    change: 'changeMedia',
    domain: run.ref,
    live: view.scope.live,
    config: view.scope.config,
    confirmedBy,
    elapsedMs: run.budget.elapsed(),
    target,
    source: path,
  };
}
