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

/** The plumbing of one `MigrationManager`. */
export interface MigrationContext {
  readonly connection: LibvirtConnection;
  readonly lifecycle: LifecycleContext;
  readonly volumes: VolumeTeardown;
  readonly logger: Logger | undefined;
}

/** Build the context of a migration manager on the source `connection`. */
export function createMigrationContext(connection: LibvirtConnection, options: MigrationManagerOptions): MigrationContext {
  return {
    connection,
    lifecycle: createLifecycleContext(connection, options),
    volumes: new VolumeTeardown(connection),
    logger: options.logger,
  };
}
