/**
 * The one place a chaos run kills and restarts libvirtd, and the host-side
 * repair of a domain libvirt 9.0 itself wedges when killed mid-start.
 *
 * @module
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { signalLibvirtd } from '../helpers/libvirt.js';
import { restartLibvirtd } from './common.js';

/** Where libvirtd (monolithic, `qemu:///system`) keeps the status XML of active domains. */
export const QEMU_STATUS_DIR = '/run/libvirt/qemu';

/**
 * libvirt 9.0 bug: libvirtd killed while it starts a domain, after it saved
 * the domain's status but before it learnt QEMU's pid, leaves a status XML
 * with `pid='0'` and an async `start` job. The next libvirtd skips domains
 * with pid 0 when it reconnects to running guests, so the domain stays
 * "paused (starting up)" with a start job nobody owns: destroy and undefine
 * time out on the state-change lock, across restarts, forever. `true` when
 * `name`'s status XML looks like that and was written before the last
 * restart (by a daemon that is dead, so no start is really in progress).
 */
export function wedged(name: string, lastRestart: number): boolean {
  const path = `${QEMU_STATUS_DIR}/${name}.xml`;
  try {
    if (!existsSync(path) || statSync(path).mtimeMs >= lastRestart) return false;
    const xml = readFileSync(path, 'utf8');
    return /<domstatus [^>]*pid='0'/.test(xml) && /<job [^>]*async='start'/.test(xml);
  } catch {
    return false;
  }
}

/** The one place that kills and restarts libvirtd: kills and repairs never overlap. */
export class Daemon {
  kills = 0;
  targetedKills = 0;
  repairs = 0;
  /** When the last restart finished (epoch ms): status files older than this were written by a dead daemon. */
  lastRestart = 0;
  #busy: Promise<unknown> | null = null;
  readonly #pending = new Set<Promise<unknown>>();

  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.#busy !== null) await this.#busy.catch(() => undefined);
    const run = work();
    this.#busy = run;
    this.#pending.add(run);
    try {
      return await run;
    } finally {
      this.#busy = null;
      this.#pending.delete(run);
    }
  }

  async #killAndRestart(): Promise<number> {
    const pid = signalLibvirtd('SIGKILL');
    this.kills++;
    await restartLibvirtd();
    this.lastRestart = Date.now();
    return pid;
  }

  /** A timed kill: SIGKILL libvirtd, then start it again (waiting for a kill in progress first). */
  kill(): Promise<number> {
    return this.#exclusive(() => this.#killAndRestart());
  }

  /** A targeted kill, now; skipped (`false`) while another kill or a repair is in progress. Never rejects. */
  killNow(): boolean {
    if (this.#busy !== null) return false;
    this.targetedKills++;
    void this.#exclusive(() => this.#killAndRestart()).catch(() => undefined);
    return true;
  }

  /**
   * The host-side repair of a domain libvirt wedged (see {@link wedged}):
   * stop libvirtd, delete the domain's stale status XML, start libvirtd. The
   * persistent definition is untouched, so the domain comes back shut off and
   * the SDK's own recovery removes it.
   */
  repair(name: string): Promise<void> {
    return this.#exclusive(async () => {
      if (!wedged(name, this.lastRestart)) return;
      signalLibvirtd('SIGKILL');
      this.repairs++;
      rmSync(`${QEMU_STATUS_DIR}/${name}.xml`, { force: true });
      rmSync(`${QEMU_STATUS_DIR}/${name}.pid`, { force: true });
      await restartLibvirtd();
      this.lastRestart = Date.now();
    });
  }

  /** Wait until every kill and repair has finished. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}
