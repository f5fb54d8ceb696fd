/**
 * What every migration of one manager shares: the source connection, the
 * lifecycle's plumbing (the VM's turn in its one queue) and the destroyer's
 * volume teardown for the source's copied disks.
 *
 * @module
 */
import type { LibvirtConnection, Logger } from '../connection/internal.js';
import { VolumeTeardown } from '../destroyer/internal.js';
import { type LifecycleContext, createLifecycleContext } from '../lifecycle/internal.js';

/** Options of `MigrationManager`. */
export interface MigrationManagerOptions {
  logger?: Logger;
}

/** After an abort or a timeout, how long the SDK waits for the job to end before it reports (ms). */
export const JOB_END_GRACE = 120_000;

/**
 * Settings the SDK's own tests shorten; not part of {@link MigrationManagerOptions}
 * (users get the defaults), read from the same bag when present.
 */
export interface MigrationInternalOptions {
  /** Overrides {@link JOB_END_GRACE} (ms), so a test of the give-up path need not wait two minutes. */
  jobEndGrace?: number;
}

/** The plumbing of one `MigrationManager`. */
export interface MigrationContext {
  readonly connection: LibvirtConnection;
  readonly lifecycle: LifecycleContext;
  readonly volumes: VolumeTeardown;
  readonly logger: Logger | undefined;
  /** How long, after ABORT_JOB, to wait for the job to end before giving up (ms). */
  readonly jobEndGrace: number;
}

/** Build the context of a migration manager on the source `connection`. */
export function createMigrationContext(
  connection: LibvirtConnection,
  options: MigrationManagerOptions & MigrationInternalOptions,
): MigrationContext {
  // The lifecycle checks the bag (an object, no unknown key): the internal key is taken out first, and anything
  // that is not an object goes on as it is, for the lifecycle to refuse.
  let lifecycleOptions: MigrationManagerOptions = options;
  let grace: number | undefined;
  if (typeof options === 'object' && options !== null && 'jobEndGrace' in options) {
    ({ jobEndGrace: grace, ...lifecycleOptions } = options);
  }
  return {
    connection,
    lifecycle: createLifecycleContext(connection, lifecycleOptions),
    volumes: new VolumeTeardown(connection),
    logger: options.logger,
    jobEndGrace: typeof grace === 'number' && Number.isFinite(grace) && grace >= 0 ? grace : JOB_END_GRACE,
  };
}
