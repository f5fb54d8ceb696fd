/**
 * Live and offline migration, protocol v3 with extensible parameters
 * (libvirt ≥ 1.1.0). Cookies are opaque QEMU-driver documents passed on
 * unchanged from one step to the next; params are `VIR_MIGRATE_PARAM_*`
 * typed parameters (names may repeat, e.g. `migrate_disks`).
 */
import { int, opaque, struct, uhyper, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_MIGRATE_COOKIE_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { nonnullDomain, nonnullString, remoteString } from '../types.js';
import { domFlagsArgs } from './domain.js';

/** `REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX`. */
export const REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX = 64;

const params = typedParams(REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX);
const cookie = opaque(REMOTE_MIGRATE_COOKIE_MAX);
const cookieRet = struct({ cookie_out: cookie });

/**
 * 302 (source, managed mode step 1): start the outgoing job; returns the cookie for Prepare and the domain
 * XML to start on the destination.
 * @see virDomainMigrateBegin3Params
 */
export const DOMAIN_MIGRATE_BEGIN3_PARAMS = procedure(
  302,
  'DOMAIN_MIGRATE_BEGIN3_PARAMS',
  struct({ dom: nonnullDomain, params, flags: uint }),
  struct({ cookie_out: cookie, xml: nonnullString }),
);

/**
 * 303 (destination, managed step 2): start the incoming QEMU; `uri_out` is the data URI to hand to Perform.
 * @see virDomainMigratePrepare3Params
 */
export const DOMAIN_MIGRATE_PREPARE3_PARAMS = procedure(
  303,
  'DOMAIN_MIGRATE_PREPARE3_PARAMS',
  struct({ params, cookie_in: cookie, flags: uint }),
  struct({ cookie_out: cookie, uri_out: remoteString }),
);

/**
 * 305 (source): the transfer itself. With PEER2PEER and `dconnuri` the source daemon runs the whole
 * migration (Prepare/Finish on the destination, its own Confirm); without, managed step 3. Long: no short
 * per-call timeout. Note `dconnuri` comes before `params` on the wire.
 * @see virDomainMigratePerform3Params
 */
export const DOMAIN_MIGRATE_PERFORM3_PARAMS = procedure(
  305,
  'DOMAIN_MIGRATE_PERFORM3_PARAMS',
  struct({ dom: nonnullDomain, dconnuri: remoteString, params, cookie_in: cookie, flags: uint }),
  cookieRet,
);

/**
 * 306 (destination, managed step 4): resume (or with `cancelled` 1, kill) the incoming domain; returns it
 * (`remote_nonnull_domain`: when it did not start, the call fails instead).
 * @see virDomainMigrateFinish3Params
 */
export const DOMAIN_MIGRATE_FINISH3_PARAMS = procedure(
  306,
  'DOMAIN_MIGRATE_FINISH3_PARAMS',
  struct({ params, cookie_in: cookie, flags: uint, cancelled: int }),
  struct({ dom: nonnullDomain, cookie_out: cookie }),
);

/**
 * 307 (source, managed step 5): kill the source domain (`cancelled` 0) or resume it (1).
 * @see virDomainMigrateConfirm3Params
 */
export const DOMAIN_MIGRATE_CONFIRM3_PARAMS = procedure(
  307,
  'DOMAIN_MIGRATE_CONFIRM3_PARAMS',
  struct({ dom: nonnullDomain, params, cookie_in: cookie, flags: uint, cancelled: int }),
  xdrVoid,
);

/**
 * 166: the tolerable downtime (ms) at switchover, before or during a migration. flags 0.
 * @see virDomainMigrateSetMaxDowntime
 */
export const DOMAIN_MIGRATE_SET_MAX_DOWNTIME = procedure(
  166,
  'DOMAIN_MIGRATE_SET_MAX_DOWNTIME',
  struct({ dom: nonnullDomain, downtime: uhyper, flags: uint }),
  xdrVoid,
);

/**
 * 387: the tolerable downtime (ms) at switchover as the hypervisor has it. flags 0.
 * @see virDomainMigrateGetMaxDowntime
 */
export const DOMAIN_MIGRATE_GET_MAX_DOWNTIME = procedure(
  387,
  'DOMAIN_MIGRATE_GET_MAX_DOWNTIME',
  domFlagsArgs,
  struct({ downtime: uhyper }),
);

/**
 * 242: the migration bandwidth (MiB/s); flag POSTCOPY 1 reads the post-copy one.
 * @see virDomainMigrateGetMaxSpeed
 */
export const DOMAIN_MIGRATE_GET_MAX_SPEED = procedure(242, 'DOMAIN_MIGRATE_GET_MAX_SPEED', domFlagsArgs, struct({ bandwidth: uhyper }));

/**
 * 207: the migration bandwidth (MiB/s), before or during a migration; flag POSTCOPY 1 sets the post-copy one.
 * @see virDomainMigrateSetMaxSpeed
 */
export const DOMAIN_MIGRATE_SET_MAX_SPEED = procedure(
  207,
  'DOMAIN_MIGRATE_SET_MAX_SPEED',
  struct({ dom: nonnullDomain, bandwidth: uhyper, flags: uint }),
  xdrVoid,
);

/**
 * 364: switch a running migration started with POSTCOPY to post-copy (no way back: the guest then runs on
 * the destination and the job can no longer be cancelled). flags 0.
 * @see virDomainMigrateStartPostCopy
 */
export const DOMAIN_MIGRATE_START_POST_COPY = procedure(364, 'DOMAIN_MIGRATE_START_POST_COPY', domFlagsArgs, xdrVoid);
