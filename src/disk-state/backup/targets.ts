/**
 * A backup's targets: which disks it copies, and the volume the SDK makes
 * for each in the caller's pool (with the creator's `makeVolume`, so a
 * failed backup deletes them through the same undo as a failed create).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { CALL_CAP_MS } from '../../runtime/index.js';
import {
  type BackupModel,
  type CheckpointModel,
  type DiskDevice,
  type DomainModel,
  buildStorageVolumeXml,
  parseDomainXml,
} from '../../xml/index.js';
import { type CompensationLog, makeVolume } from '../../creator/internal.js';
import { InvalidArgumentError } from '../../connection/internal.js';
import type { DiskStateRun } from '../context.js';
import type { BackupOptions, BackupVolume } from './options.js';

/** Budget of each undo of a failed backup (it runs after the caller's budget may have run out). */
export const BACKUP_ROLLBACK_TIMEOUT = 60_000;

function isBackupable(disk: DiskDevice): boolean {
  return (disk.device ?? 'disk') === 'disk' && (disk.source?.file !== undefined || disk.source?.dev !== undefined);
}

/**
 * The running VM's disks the backup copies: `wanted` (each must be a disk
 * with a source), or every such disk.
 * @throws InvalidArgumentError for an unknown target, a cdrom, a disk without a source, an incremental backup of a non-qcow2 disk
 */
export function chooseDisks(
  live: DomainModel,
  options: Pick<BackupOptions, 'disks' | 'incremental' | 'checkpoint'>,
  vmName: string,
): DiskDevice[] {
  const disks = live.devices?.disks ?? [];
  let chosen: DiskDevice[];
  if (options.disks === undefined) {
    chosen = disks.filter(isBackupable);
    if (chosen.length === 0) throw new InvalidArgumentError(`VM ${JSON.stringify(vmName)} has no disk to back up`, { path: 'disks' });
  } else {
    chosen = options.disks.map((target, i) => {
      const disk = disks.find((d) => d.target.dev === target);
      if (disk === undefined || !isBackupable(disk))
        throw new InvalidArgumentError(
          `VM ${JSON.stringify(vmName)} has no disk ${JSON.stringify(target)} to back up${disk === undefined ? '' : ' (a cdrom, floppy or empty drive)'}`,
          { path: `disks[${i}]` },
        );
      return disk;
    });
  }
  // Checkpoints are persistent dirty bitmaps, which only qcow2 images hold.
  const bitmaps = options.incremental !== undefined ? 'incremental' : options.checkpoint !== undefined ? 'checkpoint' : undefined;
  if (bitmaps !== undefined) {
    const notQcow2 = chosen.find((d) => d.driver?.type !== 'qcow2');
    if (notQcow2 !== undefined)
      throw new InvalidArgumentError(
        `${bitmaps === 'incremental' ? 'an incremental backup' : 'a checkpoint'} needs qcow2 disks (persistent bitmaps); ${notQcow2.target.dev} is ${notQcow2.driver?.type ?? 'of unknown format'}`,
        { path: bitmaps },
      );
  }
  return chosen;
}

/** `20261207T171500Z`: when, in the volume names (sortable, no characters a pool refuses). */
function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Make one volume per chosen disk in `options.pool`, as steps of `log`
 * (their undo deletes them): `<vm>-<disk>-<time>-<random>.<format>`, as big
 * as the disk (QEMU's backup job needs the target's size to match).
 */
export async function makeTargets(
  run: DiskStateRun,
  log: CompensationLog,
  disks: DiskDevice[],
  options: BackupOptions,
): Promise<BackupVolume[]> {
  const { connection } = run.ctx;
  const format = options.format ?? 'qcow2';
  const when = stamp(new Date());
  const volumes: BackupVolume[] = [];
  for (const disk of disks) {
    const target = disk.target.dev;
    const { capacity } = await connection.domains.getBlockInfo(run.ref, target, run.budget.call(CALL_CAP_MS));
    const name = `${run.ref.name}-${target}-${when}-${randomBytes(2).toString('hex')}.${format}`;
    const made = await makeVolume(
      connection,
      log,
      {
        step: `volume:${target}`,
        specPath: `disks.${target}`,
        role: 'other',
        pool: options.pool,
        name,
        predictedPath: '',
        format,
        // v3 (compat 1.1): libvirt 9.0 makes v2 images otherwise, which cannot hold the bitmaps of checkpoints.
        xml: buildStorageVolumeXml({ name, capacity, target: format === 'qcow2' ? { format, compat: '1.1' } : { format } }),
        writes: 0n,
      },
      { call: run.budget.call(), rollback: { timeout: BACKUP_ROLLBACK_TIMEOUT } },
    );
    volumes.push({ disk: target, pool: options.pool, name, path: made.path, format, size: Number(capacity) });
  }
  return volumes;
}

/**
 * The `<domainbackup>` of a push backup into `volumes` (REUSE_EXTERNAL: the
 * SDK made them). Every other disk of `live` is named with `backup='no'`:
 * libvirt would otherwise pick its own target for a disk left unmentioned.
 */
export function backupModel(live: DomainModel, volumes: BackupVolume[], incremental: string | undefined): BackupModel {
  const copied = new Set(volumes.map((v) => v.disk));
  const others = (live.devices?.disks ?? []).filter((d) => isBackupable(d) && !copied.has(d.target.dev));
  return {
    mode: 'push',
    ...(incremental === undefined ? {} : { incremental }),
    disks: [
      ...volumes.map((v) => ({ name: v.disk, type: 'file' as const, target: v.path, format: v.format })),
      ...others.map((d) => ({ name: d.target.dev, backup: false })),
    ],
  };
}

/** The checkpoint created with the backup: a bitmap in each copied disk, none in the others (they may not be qcow2). */
export function checkpointModel(live: DomainModel, volumes: BackupVolume[], name: string): CheckpointModel {
  const copied = new Set(volumes.map((v) => v.disk));
  const disks = (live.devices?.disks ?? []).filter(isBackupable);
  return {
    name,
    disks: disks.map((d) => ({ name: d.target.dev, checkpoint: copied.has(d.target.dev) ? ('bitmap' as const) : ('no' as const) })),
  };
}

/** The running VM's definition. */
export async function liveModel(run: DiskStateRun): Promise<DomainModel> {
  return parseDomainXml(await run.ctx.connection.domains.getXml(run.ref, run.budget.call(CALL_CAP_MS)));
}
