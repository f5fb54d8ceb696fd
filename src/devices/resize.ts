/**
 * Grow (or, when asked, shrink) a disk: live through QEMU (`virsh
 * blockresize`) while the VM runs, through its storage pool (`virsh
 * vol-resize`) while it is shut off. Confirmed by the size libvirt reports
 * afterwards.
 *
 * @module
 */
import { InvalidArgumentError, VirErrorCode, libvirtCodeOf } from '../connection/internal.js';
import { CALL_CAP_MS } from '../runtime/index.js';
import { type SizeInput, parseSize } from '../xml/index.js';
import type { DeviceRun } from './context.js';
import type { ResizeDiskOptions, ResizeDiskResult } from './options.js';
import { diskByTarget, diskPath, viewVm } from './vm-view.js';

/** `VIR_STORAGE_VOL_RESIZE_SHRINK`. */
const RESIZE_SHRINK = 4;

/** Parse and check a new disk size: bytes, a positive multiple of 512 (what QEMU's block layer resizes to). */
export function checkDiskSize(size: SizeInput): bigint {
  const bytes = parseSize(size, { path: 'size' });
  if (bytes <= 0n || bytes % 512n !== 0n)
    throw new InvalidArgumentError(`size must be a positive multiple of 512 bytes, got ${bytes}`, { path: 'size' });
  return bytes;
}

function shrinkCheck(bytes: bigint, before: bigint, target: string, options: ResizeDiskOptions): void {
  if (bytes < before && options.allowShrink !== true)
    throw new InvalidArgumentError(
      `size ${bytes} is below ${target}'s current ${before} bytes: shrinking cuts off what the guest stored past the new end (pass allowShrink: true once its filesystem is smaller)`,
      { path: 'size' },
    );
}

/**
 * Resize the disk `target` to `size`.
 * @see VmDeviceManager.resizeDisk
 */
export async function resizeDisk(run: DeviceRun, target: string, size: SizeInput, options: ResizeDiskOptions): Promise<ResizeDiskResult> {
  const bytes = checkDiskSize(size);
  const view = await viewVm(run.ctx, 'resizeDisk', run.ref, {}, run.budget, { both: true });
  const live = view.live !== undefined;
  const disk = diskByTarget(live ? view.live : view.config, target);
  if (disk === undefined)
    throw new InvalidArgumentError(
      `${live ? 'the running VM' : 'VM'} ${JSON.stringify(run.ref.name)} has no disk ${JSON.stringify(target)}`,
      { path: 'target' },
    );
  if (disk.device === 'cdrom' || disk.device === 'floppy' || disk.readonly === true)
    throw new InvalidArgumentError(
      `${target} of ${run.ref.name} is ${disk.readonly === true ? 'read-only' : `a ${disk.device}`}: it cannot be resized`,
      { path: 'target' },
    );
  const call = () => run.budget.call(CALL_CAP_MS);
  const base = { change: 'resizeDisk' as const, domain: run.ref, live, config: !live, target, confirmedBy: 'size' as const };
  if (live) {
    const domains = run.ctx.connection.domains;
    const before = (await domains.getBlockInfo(run.ref, target, call())).capacity;
    shrinkCheck(bytes, before, target, options);
    if (bytes !== before) await domains.control.blockResize(run.ref, target, bytes, run.budget.call());
    const capacity = (await domains.getBlockInfo(run.ref, target, call())).capacity;
    return { ...base, method: 'live', before, capacity, elapsedMs: run.budget.elapsed() };
  }
  const path = diskPath(disk);
  const volumes = run.ctx.connection.storage.volumes;
  let vol;
  try {
    if (path === undefined) throw new InvalidArgumentError(`${target} of ${run.ref.name} has no file or block source`, { path: 'target' });
    vol = await volumes.lookupByPath(path, call());
  } catch (error) {
    if (libvirtCodeOf(error) !== VirErrorCode.VIR_ERR_NO_STORAGE_VOL) throw error;
    throw new InvalidArgumentError(
      `${target} of the shut-off VM ${run.ref.name} (${path}) is not a volume of any active pool: the SDK resizes a shut-off VM's disk through its pool`,
      { path: 'target', cause: error },
    );
  }
  const before = (await volumes.getInfo(vol, call())).capacity;
  shrinkCheck(bytes, before, target, options);
  if (bytes !== before) await volumes.resize(vol, bytes, { ...run.budget.call(), flags: bytes < before ? RESIZE_SHRINK : 0 });
  const capacity = (await volumes.getInfo(vol, call())).capacity;
  return { ...base, method: 'volume', before, capacity, elapsedMs: run.budget.elapsed() };
}
