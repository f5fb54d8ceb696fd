/**
 * A domain's asynchronous job (backup, migration, save, dump…): its
 * statistics and its cancellation, and the backup that starts one.
 */
import { int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_DOMAIN_JOB_STATS_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { nonnullDomain, nonnullString, remoteString } from '../types.js';
import { domFlagsArgs } from './domain.js';

/**
 * 298: the current job's statistics (`type` = virDomainJobType: NONE 0, BOUNDED 1, UNBOUNDED 2, COMPLETED 3,
 * FAILED 4, CANCELLED 5) and its typed parameters (`operation`, `time_elapsed`, `disk_total`…). flags =
 * virDomainGetJobStatsFlags: COMPLETED 1 (the last finished job), KEEP_COMPLETED 2 (do not discard it on read).
 * Hand-written in libvirt (`@generate: none`), plain on the wire.
 * @see virDomainGetJobStats
 */
export const DOMAIN_GET_JOB_STATS = procedure(
  298,
  'DOMAIN_GET_JOB_STATS',
  domFlagsArgs,
  struct({ type: int, params: typedParams(REMOTE_DOMAIN_JOB_STATS_MAX) }),
);

/**
 * 164: cancel the domain's current asynchronous job (backup, migration, save, dump…). Returns once QEMU
 * accepted the cancel; the job ends a little later (JOB_COMPLETED with `success` 0).
 * @see virDomainAbortJob
 */
export const DOMAIN_ABORT_JOB = procedure(164, 'DOMAIN_ABORT_JOB', struct({ dom: nonnullDomain }), xdrVoid);

/**
 * 421: start a backup job from `<domainbackup>` XML; `checkpoint_xml` (optional) creates a checkpoint at the
 * same instant, for the next incremental backup. flags = virDomainBackupBeginFlags: REUSE_EXTERNAL 1 (the
 * target files exist: libvirt neither creates nor deletes them). Returns when the job has started.
 * @see virDomainBackupBegin
 */
export const DOMAIN_BACKUP_BEGIN = procedure(
  421,
  'DOMAIN_BACKUP_BEGIN',
  struct({ dom: nonnullDomain, backup_xml: nonnullString, checkpoint_xml: remoteString, flags: uint }),
  xdrVoid,
);

/**
 * 422: the running backup's `<domainbackup>` XML; VIR_ERR_NO_DOMAIN_BACKUP (104) when none runs. flags 0.
 * @see virDomainBackupGetXMLDesc
 */
export const DOMAIN_BACKUP_GET_XML_DESC = procedure(422, 'DOMAIN_BACKUP_GET_XML_DESC', domFlagsArgs, struct({ xml: nonnullString }), {
  priority: 'high',
});
