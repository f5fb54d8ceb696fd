/**
 * A disk as the running VM has it: its image chain (top first), read from
 * the live XML. Block jobs read it before they start (what to copy, what
 * chain to shorten) and after they end without an event the SDK saw (a
 * reconnect in between): the chain then says how the job ended.
 *
 * @module
 */
import { type CallOptions, InvalidArgumentError } from '../../connection/internal.js';
import { diskByTarget, disksOf } from '../../devices/internal.js';
import { type DiskBackingStore, type DiskDevice, type DomainModel, parseDomainXml } from '../../xml/index.js';
import type { DiskStateRun } from '../context.js';

/** A disk of the running VM. */
export interface LiveDisk {
  model: DomainModel;
  device: DiskDevice;
  /** Image paths, the active one first, then each backing image. */
  chain: string[];
  /** The active image's format (`qcow2`, `raw`), when the XML says. */
  format: string | undefined;
}

function chainOf(device: DiskDevice): string[] {
  const chain: string[] = [];
  const top = device.source?.file ?? device.source?.dev;
  if (top !== undefined) chain.push(top);
  for (let b: DiskBackingStore | undefined = device.backingStore; b !== undefined; b = b.backingStore) {
    const path = b.source?.file ?? b.source?.dev;
    if (path !== undefined) chain.push(path);
  }
  return chain;
}

/** What reading the running VM needs. */
export type LiveView = Pick<DiskStateRun, 'ctx' | 'ref'>;

/** The targets of the running VM's disks that have an image (CD-ROMs and empty drives aside). */
export async function liveDiskTargets(view: LiveView, call: CallOptions): Promise<string[]> {
  const model = parseDomainXml(await view.ctx.connection.domains.getXml(view.ref, call));
  return disksOf(model)
    .filter((d) => (d.device ?? 'disk') === 'disk' && chainOf(d).length > 0)
    .map((d) => d.target.dev);
}

/** The disk `target` of the running VM, or `undefined` when it has none. */
export async function readLiveDisk(run: LiveView, target: string, call: CallOptions): Promise<LiveDisk | undefined> {
  const model = parseDomainXml(await run.ctx.connection.domains.getXml(run.ref, call));
  const device = diskByTarget(model, target);
  if (device === undefined) return undefined;
  return { model, device, chain: chainOf(device), format: device.driver?.type };
}

/**
 * The disk `target` of the running VM, which must be a disk with an image.
 * @throws {@link InvalidArgumentError} when the VM has no such disk, or it is a CD-ROM or has no image
 */
export async function requireLiveDisk(run: DiskStateRun, target: string, call: CallOptions): Promise<LiveDisk> {
  const disk = await readLiveDisk(run, target, call);
  if (disk === undefined)
    throw new InvalidArgumentError(`VM ${JSON.stringify(run.ref.name)} has no disk ${JSON.stringify(target)}`, { path: 'disk' });
  if ((disk.device.device ?? 'disk') !== 'disk' || disk.chain.length === 0)
    throw new InvalidArgumentError(`disk ${JSON.stringify(target)} of ${JSON.stringify(run.ref.name)} is not a disk with an image`, {
      path: 'disk',
    });
  return disk;
}
