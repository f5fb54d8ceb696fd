import { type CallOptions, type DomainRef, type LibvirtConnection, type StorageVolRef, asSdkError } from '../connection/internal.js';
import { VirErrorCode, isLibvirtCode } from '../errors/index.js';
import { localHost, provesSharedFilesystem } from './local-host.js';
import type { DestroyReport, VolumeRecord } from './report.js';
import { type UsageView, UsageScans } from './usage.js';
import { type VolumeOutcome, deleteRecordedVolume, findPoolVolume } from './volume-delete.js';

/**
 * The storage half of a teardown on one connection: decide, by storage
 * identity, which of a domain's volumes nobody else uses, and delete those
 * through their pools. Concurrent teardowns share its usage scans.
 */
export class VolumeTeardown {
  readonly #connection: LibvirtConnection;
  readonly #usage: UsageScans;

  constructor(connection: LibvirtConnection) {
    this.#connection = connection;
    this.#usage = new UsageScans(connection);
  }

  /**
   * Delete these volumes of `domain`, except those another domain uses (kept
   * as `in-use`) and — unless the SDK created them — those below another of
   * its own disks (`backing-image`). Both are decided by storage identity
   * (volume key, every spelling of a path, symlinks where the SDK shares the
   * daemon's filesystem), never by comparing path strings. `false` when who
   * uses what could not be read: then nothing is deleted, since deleting any
   * would be a gamble.
   */
  async delete(domain: DomainRef, volumes: readonly VolumeRecord[], call: () => CallOptions, report: DestroyReport): Promise<boolean> {
    if (volumes.length === 0) return true;
    let usage: UsageView;
    try {
      await this.#proveLocal(volumes, call());
      usage = await this.#usage.view(domain, call());
    } catch (error) {
      report.errors.push({ step: 'inspect', error: asSdkError(error) });
      report.volumesLeft.push(...volumes);
      return false;
    }
    for (const volume of volumes) {
      let ids: string[];
      try {
        ids = await usage.resolver.of({
          ...(volume.path === undefined ? {} : { path: volume.path }),
          ...(volume.pool === undefined || volume.name === undefined ? {} : { pool: volume.pool, volume: volume.name }),
        });
      } catch (error) {
        report.errors.push({ step: 'inspect', volume, error: asSdkError(error) });
        report.volumesLeft.push(volume);
        continue;
      }
      const users = usage.usersOf(ids);
      if (users.length > 0) {
        report.volumesKept.push({ volume, reason: 'in-use', detail: `used by ${users.join(', ')}` });
        continue;
      }
      if (!volume.owned && usage.backsSelf(ids)) {
        report.volumesKept.push({ volume, reason: 'backing-image', detail: "in the backing chain of another of this domain's disks" });
        continue;
      }
      const outcome = await deleteRecordedVolume(this.#connection, volume, this.#usage.local, call());
      record(volume, outcome, report);
      if (volume.secret !== undefined && (outcome.kind === 'deleted' || outcome.kind === 'gone'))
        await this.#deleteSecret(volume, volume.secret, call(), report);
    }
    return true;
  }

  /**
   * Undefine the secret the SDK made for a volume now gone ("already gone" is
   * fine). On failure the volume stays in `volumesLeft`, so `finish` — which
   * finds the volume gone — tries the secret again.
   */
  async #deleteSecret(volume: VolumeRecord, uuid: string, call: CallOptions, report: DestroyReport): Promise<void> {
    try {
      await this.#connection.secrets.undefine(uuid, call);
      report.secretsDeleted.push(uuid);
    } catch (error) {
      if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_SECRET)) return;
      report.errors.push({ step: 'delete-secret', volume, error: asSdkError(error) });
      report.volumesLeft.push(volume);
    }
  }

  /**
   * Learn once per connection whether the SDK sees the daemon's filesystem
   * (then symlinks are followed and qcow2 headers read), from the fingerprint
   * of a volume about to be deleted — or, when none is in a pool any more, of
   * any volume of a running pool.
   */
  async #proveLocal(volumes: readonly VolumeRecord[], call: CallOptions): Promise<void> {
    if (this.#usage.local !== null) return;
    let sample: StorageVolRef | undefined;
    for (const volume of volumes.slice(0, 3)) {
      sample = await findPoolVolume(this.#connection, volume, call);
      if (sample !== undefined) break;
    }
    if (sample === undefined) {
      for (const pool of (await this.#connection.storage.pools.list({ ...call, flags: 2 /* ACTIVE */ })).slice(0, 3)) {
        sample = (await this.#connection.storage.volumes.list(pool, call).catch(() => []))[0];
        if (sample !== undefined) break;
      }
    }
    if (sample !== undefined && (await provesSharedFilesystem(this.#connection, sample, call).catch(() => false)))
      this.#usage.local = localHost;
  }
}

/** Put what became of one volume into the report. */
function record(volume: VolumeRecord, outcome: VolumeOutcome, report: DestroyReport): void {
  switch (outcome.kind) {
    case 'deleted':
      report.volumesDeleted.push({ ...volume, pool: outcome.ref.pool, name: outcome.ref.name });
      return;
    case 'gone':
      report.volumesAlreadyGone.push(volume);
      return;
    case 'kept':
      report.volumesKept.push({ volume, reason: outcome.reason, detail: outcome.detail });
      return;
    case 'failed':
      report.errors.push({ step: 'delete-volume', volume, error: asSdkError(outcome.error) });
      report.volumesLeft.push(volume);
  }
}
