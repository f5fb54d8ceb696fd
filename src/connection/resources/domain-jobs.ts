import {
  DOMAIN_ABORT_JOB,
  DOMAIN_ABORT_JOB_FLAGS,
  DOMAIN_BACKUP_BEGIN,
  DOMAIN_BACKUP_GET_XML_DESC,
  DOMAIN_GET_JOB_STATS,
  type CallOptions,
} from '../../rpc/index.js';
import { type BackupModel, type CheckpointModel, buildBackupXml, buildCheckpointXml } from '../../xml/index.js';
import { flagBits } from './check-options.js';
import { type DomainJobStats, decodeJobStats } from './job-stats.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';

/** `virDomainGetJobStatsFlags`. */
const JOB_STATS_COMPLETED = 1;
const JOB_STATS_KEEP_COMPLETED = 2;
/** `virDomainBackupBeginFlags.VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL`. */
const BACKUP_REUSE_EXTERNAL = 1;

/** Options of {@link DomainJobResource.getStats}. */
export interface JobStatsOptions extends CallOptions {
  /** The last finished job's statistics instead of the running one's (kept by libvirt until read, or longer with `keep`). */
  completed?: boolean;
  /** With `completed`: leave them for the next reader. @default true */
  keep?: boolean;
}

/** Options of {@link DomainJobResource.abort}. */
export interface AbortJobOptions extends CallOptions {
  /**
   * Interrupt a migration in its post-copy phase, leaving it paused and
   * resumable (`VIR_DOMAIN_ABORT_JOB_POSTCOPY`, through `virDomainAbortJobFlags`, libvirt ≥ 8.5). @default false
   */
  postcopy?: boolean;
}

/** Options of {@link DomainJobResource.beginBackup}. */
export interface BeginBackupOptions extends CallOptions {
  /** A checkpoint to create at the instant the backup starts, for the next incremental backup. */
  checkpoint?: CheckpointModel | string;
  /** The target files exist already: libvirt neither creates them nor deletes them when the job fails. @default false */
  reuseExternal?: boolean;
}

/**
 * A domain's asynchronous job — the one backup, migration, save, dump or
 * snapshot job QEMU runs for it at a time: its statistics, its cancellation,
 * and the backup that starts one. `BackupManager` builds confirmed backups on these.
 */
export class DomainJobResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * The running job's statistics (`type: 'none'` when none runs), or with
   * `completed` the last finished one's (`virsh domjobinfo [--completed]`).
   * @example const { type, diskProcessed, diskTotal } = await conn.domains.jobs.getStats('web1');
   * @throws `LibvirtError` (`UnsupportedError` where the driver has no jobs, e.g. the test driver)
   * @see virDomainGetJobStats
   */
  async getStats(domain: DomainInput, options: JobStatsOptions = {}): Promise<DomainJobStats> {
    const dom = await resolveDomain(this.#call, domain, options);
    const flags = options.completed === true ? JOB_STATS_COMPLETED | (options.keep === false ? 0 : JOB_STATS_KEEP_COMPLETED) : 0;
    const { type, params } = await this.#call(DOMAIN_GET_JOB_STATS, { dom, flags }, options);
    return decodeJobStats(type, params);
  }

  /**
   * Cancel the domain's running job (`virsh domjobabort`). Returns once QEMU
   * took the request; the job ends shortly after (a JOB_COMPLETED event with
   * `success: false`).
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when no job runs · InvalidArgumentError (`postcopy` not a boolean)
   * @see virDomainAbortJob
   * @see virDomainAbortJobFlags
   */
  async abort(domain: DomainInput, options: AbortJobOptions = {}): Promise<void> {
    // Without flags, the old call: every daemon has it (the test driver lacks ABORT_JOB_FLAGS).
    const postcopy = flagBits(options, { postcopy: 1 });
    const dom = await resolveDomain(this.#call, domain, options);
    if (postcopy === 0) await this.#call(DOMAIN_ABORT_JOB, { dom }, options);
    else await this.#call(DOMAIN_ABORT_JOB_FLAGS, { dom, flags: postcopy }, options);
  }

  /**
   * Start a backup job (`virsh backup-begin`) from a model or raw
   * `<domainbackup>` XML; resolves once it started. Use `BackupManager.backup`
   * for a backup that makes its target volumes, reports progress and is confirmed.
   * @example await conn.domains.jobs.beginBackup('web1', { disks: [{ name: 'vda', target: '/backups/vda.qcow2', format: 'qcow2' }] });
   * @throws InvalidArgumentError for a bad model (nothing is sent) · `LibvirtError` (another job runs, a checkpoint name taken…)
   * @see virDomainBackupBegin
   */
  async beginBackup(domain: DomainInput, backup: BackupModel | string, options: BeginBackupOptions = {}): Promise<void> {
    const backupXml = typeof backup === 'string' ? backup : buildBackupXml(backup);
    const checkpoint = options.checkpoint;
    const checkpointXml = checkpoint === undefined ? null : typeof checkpoint === 'string' ? checkpoint : buildCheckpointXml(checkpoint);
    const dom = await resolveDomain(this.#call, domain, options);
    const flags = options.reuseExternal === true ? BACKUP_REUSE_EXTERNAL : 0;
    await this.#call(DOMAIN_BACKUP_BEGIN, { dom, backup_xml: backupXml, checkpoint_xml: checkpointXml, flags }, options);
  }

  /**
   * The running backup's `<domainbackup>` XML (`virsh backup-dumpxml`).
   * @throws `LibvirtError` `VIR_ERR_NO_DOMAIN_BACKUP` (104) when none runs
   * @see virDomainBackupGetXMLDesc
   */
  async getBackupXml(domain: DomainInput, options: CallOptions = {}): Promise<string> {
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_BACKUP_GET_XML_DESC, { dom, flags: 0 }, options)).xml;
  }
}
