/**
 * Filesystem freeze as a resource: `virDomainFSFreeze` now, `virDomainFSThaw`
 * when the caller disposes of it, when the caller's signal fires, when the
 * watchdog runs out, or at once when the connection comes back after a loss
 * (the SDK cannot know what happened meanwhile, so it does not leave the
 * guest frozen on a guess). A connection closed for good cannot thaw: that
 * is logged as an error and `thaw()` rejects, so it is never silent.
 *
 * While frozen, qemu-ga refuses every command but the freeze family, ping
 * and info, and guest writes to the frozen filesystems block.
 *
 * @module
 */
import type { DomainRef } from '../connection/internal.js';
import { AbortError, InvalidArgumentError, TimeoutError } from '../errors/index.js';
import { Budget, CALL_CAP_MS } from '../runtime/index.js';
import type { AgentCallOptions, AgentRun } from './context.js';
import { explainFailure } from './failures.js';
import { log } from './log.js';

/** Longest watchdog (ms): one hour. Freezes are meant to last seconds. */
export const MAX_FREEZE_WATCHDOG_MS = 3_600_000;

/** Options of {@link AgentManager.freeze}. */
export interface FreezeOptions extends AgentCallOptions {
  /** Mountpoints in the guest to freeze. @default every freezable filesystem */
  mountpoints?: readonly string[];
  /**
   * Thaw after this many ms even if the caller never disposes of the freeze (1 to 3600000). Until then the
   * timer keeps Node's event loop alive, so a script that forgets to thaw still thaws before it exits.
   * @default 60000
   */
  watchdog?: number;
}

/** Why a freeze was thawed. */
export type ThawTrigger = 'dispose' | 'abort' | 'watchdog' | 'reconnect';

/** Where a freeze stands. */
export type FreezeState = 'frozen' | 'thawing' | 'thawed' | 'thaw-failed';

/** Check freeze options before anything is sent. @throws {@link InvalidArgumentError} */
export function checkFreeze(options: FreezeOptions): { mountpoints: string[]; watchdog: number } {
  const watchdog = options.watchdog ?? 60_000;
  if (!Number.isSafeInteger(watchdog) || watchdog < 1 || watchdog > MAX_FREEZE_WATCHDOG_MS) {
    throw new InvalidArgumentError(`watchdog must be an integer from 1 to ${MAX_FREEZE_WATCHDOG_MS} ms`, { path: 'watchdog' });
  }
  const mountpoints = options.mountpoints ?? [];
  if (!Array.isArray(mountpoints) || !mountpoints.every((m) => typeof m === 'string' && m.startsWith('/'))) {
    throw new InvalidArgumentError('mountpoints must be absolute paths in the guest', { path: 'mountpoints' });
  }
  return { mountpoints: [...mountpoints], watchdog };
}

/**
 * Frozen filesystems of one VM: thaw with `await using`, `thaw()`, the
 * caller's signal, or the watchdog. Thawing is idempotent: every trigger after
 * the first shares its result.
 *
 * @example
 * await using frozen = await manager.agent.freeze('db1', { mountpoints: ['/var/lib/db'], watchdog: 30_000 });
 * await takeBackup(); // thawed when the block ends, even on a throw
 */
export class FrozenFilesystems implements AsyncDisposable {
  /** The VM whose filesystems are frozen. */
  readonly vm: DomainRef;
  /** Filesystems the agent froze. */
  readonly frozen: number;
  readonly #run: AgentRun;
  readonly #cleanup: (() => void)[] = [];
  #state: FreezeState = 'frozen';
  #thawing: Promise<number> | undefined;
  #trigger: ThawTrigger | undefined;

  /** @internal */
  constructor(run: AgentRun, frozen: number, watchdog: number, signal: AbortSignal | undefined) {
    this.#run = run;
    this.vm = { ...run.ref };
    this.frozen = frozen;
    const timer = setTimeout(() => this.#auto('watchdog'), watchdog);
    this.#cleanup.push(() => clearTimeout(timer));
    if (signal !== undefined) {
      const onAbort = (): void => this.#auto('abort');
      signal.addEventListener('abort', onAbort, { once: true });
      this.#cleanup.push(() => signal.removeEventListener('abort', onAbort));
    }
    const conn = run.ctx.connection;
    const onReconnected = (): void => this.#auto('reconnect');
    const onClose = (): void => {
      if (this.#state !== 'frozen') return;
      log(run.ctx.logger, 'error', 'the connection closed while filesystems were frozen; the SDK cannot thaw them', {
        domain: run.ref.name,
      });
    };
    conn.on('reconnected', onReconnected);
    conn.on('close', onClose);
    this.#cleanup.push(() => {
      conn.off('reconnected', onReconnected);
      conn.off('close', onClose);
    });
  }

  /** `'frozen'`, `'thawing'`, `'thawed'`, or `'thaw-failed'` (call {@link thaw} again to retry). */
  get state(): FreezeState {
    return this.#state;
  }

  /** What thawed it (or is thawing it), once something did. */
  get trigger(): ThawTrigger | undefined {
    return this.#trigger;
  }

  /**
   * Thaw now (`virsh domfsthaw`). Returns how many filesystems the agent thawed.
   * @throws {@link GuestAgentError}, `ConnectionClosedError`, `TimeoutError` (10 s); the freeze then stays `'thaw-failed'`
   * @see virDomainFSThaw
   */
  thaw(): Promise<number> {
    return this.#thaw('dispose');
  }

  /** Thaw (the end of an `await using` block). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#thaw('dispose');
  }

  #auto(trigger: ThawTrigger): void {
    this.#thaw(trigger).catch(() => undefined); // logged in #thaw; thaw() shows it to the caller
  }

  #thaw(trigger: ThawTrigger): Promise<number> {
    if (this.#state === 'thawed' || this.#state === 'thawing') return this.#thawing as Promise<number>;
    this.#state = 'thawing';
    this.#trigger = trigger;
    const run: AgentRun = { ...this.#run, budget: new Budget(CALL_CAP_MS / 3) };
    this.#thawing = (async () => {
      try {
        // libvirt thaws everything the agent froze: mountpoints cannot be named on thaw (qemu driver).
        const count = await run.ctx.connection.domains.agent.fsThaw(run.ref, [], run.budget.call());
        this.#state = 'thawed';
        for (const stop of this.#cleanup.splice(0)) stop();
        log(run.ctx.logger, trigger === 'dispose' ? 'debug' : 'warn', `filesystems thawed (${trigger})`, { domain: run.ref.name, count });
        return count;
      } catch (error) {
        this.#state = 'thaw-failed';
        log(run.ctx.logger, 'error', 'could not thaw filesystems', { domain: run.ref.name, trigger, error: String(error) });
        throw await explainFailure(run, 'guest-fsfreeze-thaw', error);
      }
    })();
    return this.#thawing;
  }
}

/** Freeze the guest's filesystems (all, or `mountpoints`). */
export async function freeze(run: AgentRun, options: FreezeOptions): Promise<FrozenFilesystems> {
  const { mountpoints, watchdog } = checkFreeze(options);
  let count: number;
  try {
    count = await run.ctx.connection.domains.agent.fsFreeze(run.ref, mountpoints, run.budget.call(CALL_CAP_MS));
  } catch (error) {
    if (error instanceof AbortError || error instanceof TimeoutError) {
      // The call gave up, not libvirt: the daemon may still freeze the guest after we stopped waiting. Thaw (its
      // own budget; the watchdog retries a failed thaw) so an abort never leaves the guest's writes blocked.
      await new FrozenFilesystems(run, 0, watchdog, undefined).thaw().catch(() => undefined);
    }
    throw await explainFailure(run, mountpoints.length > 0 ? 'guest-fsfreeze-freeze-list' : 'guest-fsfreeze-freeze', error);
  }
  if (options.signal?.aborted === true) {
    // Aborted while the freeze was under way: thaw before reporting the abort.
    const frozen = new FrozenFilesystems(run, count, watchdog, undefined);
    await frozen.thaw().catch(() => undefined);
    run.budget.check('freezing filesystems');
  }
  return new FrozenFilesystems(run, count, watchdog, options.signal);
}
