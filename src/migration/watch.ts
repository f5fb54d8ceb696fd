/**
 * The evidence a migration ended where it should: the lifecycle events of the
 * VM on both hosts (subscribed before the transfer, so none is missed), and
 * the job statistics read while it runs, as progress.
 *
 * @module
 */
import type { DomainJobStats, DomainRef, LibvirtConnection, LibvirtEvent, Logger } from '../connection/internal.js';
import { logSafely } from '../connection/internal.js';
import { CALL_CAP_MS } from '../runtime/index.js';
import type { MigrationProgress } from './options.js';

/** The lifecycle events of one VM (by UUID) on one host. */
export class LifecycleWatch {
  readonly seen: { event: string; detail: string }[] = [];
  #wake: (() => void) | undefined;
  readonly #abort = new AbortController();

  /** Subscribe; resolves once the daemon registered it (or the subscription failed: then state reads decide alone). */
  static async open(connection: LibvirtConnection, vm: DomainRef, logger: Logger | undefined): Promise<LifecycleWatch> {
    const watch = new LifecycleWatch();
    try {
      // By UUID on our side: on the destination the domain does not exist yet.
      const stream = connection.events({
        types: ['domain.lifecycle'],
        bufferSize: 64,
        signal: watch.#abort.signal,
        registration: { timeout: CALL_CAP_MS },
      });
      await stream.ready;
      void watch.#pump(stream, vm.uuid.toLowerCase());
    } catch (error) {
      logSafely(logger, 'warn', 'lifecycle events unavailable: confirming the migration by state reads', {
        uri: connection.uri,
        error: String(error),
      });
    }
    return watch;
  }

  async #pump(stream: AsyncIterable<LibvirtEvent>, uuid: string): Promise<void> {
    try {
      for await (const event of stream) {
        if (event.type !== 'domain.lifecycle' || event.domain.uuid.toLowerCase() !== uuid) continue;
        this.seen.push({ event: event.event, detail: event.detail });
        this.#wake?.();
      }
    } catch {
      // The link went away: state reads decide.
    }
  }

  /** Whether `event`/`detail` was seen. */
  saw(event: string, detail: string): boolean {
    return this.seen.some((e) => e.event === event && e.detail === detail);
  }

  subscribe(wake: () => void): () => void {
    this.#wake = wake;
    return () => {
      this.#wake = undefined;
    };
  }

  close(): void {
    this.#abort.abort();
  }
}

/** A running migration's statistics as progress. */
export function progressOf(stats: DomainJobStats): MigrationProgress {
  return {
    dataTotal: stats.dataTotal ?? 0,
    dataProcessed: stats.dataProcessed ?? 0,
    dataRemaining: stats.dataRemaining ?? 0,
    memoryProcessed: stats.memoryProcessed ?? 0,
    memoryRemaining: stats.memoryRemaining ?? 0,
    memoryDirtyRate: stats.memoryDirtyRate ?? 0,
    memoryIteration: stats.memoryIteration ?? 0,
    diskProcessed: stats.diskProcessed ?? 0,
    diskTotal: stats.diskTotal ?? 0,
    downtime: stats.downtime,
    elapsedMs: stats.timeElapsed ?? 0,
  };
}
