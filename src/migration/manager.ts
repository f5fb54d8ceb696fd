import {
  type CallOptions,
  InvalidArgumentError,
  InvalidStateError,
  type LibvirtConnection,
  checkOnlyCallOptions,
} from '../connection/internal.js';
import { ProgressFeed, type VmInput, checkVmInput } from '../runtime/index.js';
import { type MigrationContext, type MigrationManagerOptions, createMigrationContext } from './context.js';
import { type LiveMigration, migrate } from './migrate.js';
import { type MigrateOptions, type MigrationProgress, checkMigrateOptions } from './options.js';
import type { MigrationHandle, MigrationResult } from './result.js';

/**
 * Live and offline migration of VMs from the host of `connection` to another
 * (`virsh migrate`):
 *
 * - **p2p** (default: the source daemon reaches the destination itself) or
 *   **managed** (this client drives both daemons, libvirt's v3 order);
 * - **shared** storage, or disks **copied** over NBD (`copy-all`,
 *   `copy-incremental`) into volumes the SDK makes on the destination (the
 *   pool with the disk's directory, or `pool`); they are recorded there as the
 *   VM's, and the source's copies are deleted afterwards when the SDK made
 *   them and no other domain uses them (the destroyer's rules);
 * - **progress** from the job statistics, as `onProgress` and as an iterator;
 * - **abort** (`signal`) and **timeout** become ABORT_JOB: the VM keeps
 *   running on the source, the volumes made on the destination are deleted;
 * - **confirmed** on both hosts: the VM runs on the destination and is gone
 *   (or shut off) on the source, from their lifecycle events or states;
 * - **in the VM's turn**: it queues behind (and ahead of) the VM's power,
 *   device and disk-state operations on this connection;
 * - a shut-off VM moves **offline**: its definition, and with copied storage
 *   its disks first — the SDK streams each volume (download on the source,
 *   upload into the volume it made on the destination; `pool` elsewhere
 *   moves the disk there and the definition names it).
 *
 * The ownership record travels inside the domain XML. See docs/fleet.md.
 *
 * @example
 * const migration = new MigrationManager(source);
 * const result = await migration.migrate('web1', { to: 'qemu+tcp://host2/system', storage: 'copy-all',
 *   onProgress: (p) => console.log(p.dataProcessed, p.dataTotal) });
 */
export class MigrationManager {
  readonly #ctx: MigrationContext;

  /**
   * @param connection an open connection to the **source** host (shared; never closed here)
   * @throws InvalidArgumentError when `connection` is not one
   */
  constructor(connection: LibvirtConnection, options: MigrationManagerOptions = {}) {
    if (connection === null || typeof connection !== 'object')
      throw new InvalidArgumentError('connection must be a LibvirtConnection', { path: 'connection' });
    this.#ctx = createMigrationContext(connection, options);
  }

  /**
   * Migrate `vm` to `options.to`; resolves once it runs there (and the
   * source let go of it). Default `timeout`: 3 600 000 ms.
   * @example await migration.migrate('web1', { to: dest, mode: 'p2p', storage: 'copy-all', bandwidth: 100 });
   * @example await migration.migrate('stopped1', { to: dest, storage: 'copy-all', live: false }); // offline, disks streamed
   * @throws InvalidArgumentError for bad options (nothing is sent), a copied disk that is no pool volume, `copy-all` of a disk with a backing image offline · InvalidStateError for a VM that cannot move (crashed…, or not as `live` expects)
   * @throws MigrationError (`destination-unreachable`, `same-host`, `destination-storage`, `failed`) — the VM stayed on the source
   * @throws AbortError · TimeoutError — the job was aborted; the VM stayed on the source; what was made on the destination is gone
   * @see virDomainMigrateToURI3
   * @see virDomainMigrate3
   * @see virStorageVolDownload
   * @see virStorageVolUpload
   */
  migrate(vm: VmInput, options: MigrateOptions): Promise<MigrationResult> {
    return this.start(vm, options).result;
  }

  /**
   * {@link MigrationManager.migrate}, with its progress as an async iterator and the switch to post-copy.
   * @example
   * const job = migration.start('web1', { to: dest, postCopy: true });
   * for await (const p of job.progress) if (p.memoryIteration > 3) await job.switchToPostCopy();
   * await job.result;
   * @throws as {@link MigrationManager.migrate} (through `result`, and at the end of `progress`); InvalidArgumentError at once for bad options
   * @see virDomainMigrateToURI3
   */
  start(vm: VmInput, options: MigrateOptions): MigrationHandle {
    const checked = checkMigrateOptions(options);
    checkVmInput(vm);
    const feed = new ProgressFeed<MigrationProgress>(options.onProgress);
    const live: LiveMigration = {};
    const result = feed.endWith(migrate(this.#ctx, vm, checked, options.signal, feed, live));
    result.catch(() => undefined);
    const source = this.#ctx.connection;
    return {
      progress: feed,
      result,
      switchToPostCopy: async (call: CallOptions = {}) => {
        checkOnlyCallOptions(call, 0); // the call's own timeout applies below
        if (!checked.postCopy)
          throw new InvalidArgumentError('switchToPostCopy needs the migration started with postCopy: true', { path: 'postCopy' });
        if (live.ref === undefined)
          throw new InvalidStateError('migrate', 'unknown', 'the migration job is not running (not started yet, or over)');
        await source.domains.migration.startPostCopy(live.ref, call);
      },
    };
  }
}
