/**
 * Domain events as virsh prints them (`virsh event --all --loop --timestamp`), read from a child process: how
 * the device tests see DEVICE_ADDED / DEVICE_REMOVED without the SDK.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** One event line, e.g. `2026-12-07 16:05:09.589+0000: event 'device-removed' for domain 'vm': virtio-disk1`. */
export interface VirshEvent {
  /** virsh's timestamp, in ms since the epoch. */
  at: number;
  /** virsh's name of the event: `lifecycle`, `device-added`, `device-removed`, `device-removal-failed`, `tray-change`… */
  type: string;
  domain: string;
  /** The rest: `virtio-disk1` (device events), `Started Booted` (lifecycle), `disk scsi0-0-0-0: opened` (tray)… */
  detail: string;
}

const LINE = /^(\S+) (\S+?)([+-]\d\d)(\d\d): event '([^']+)' for domain '([^']*)'(.*)$/;

/** Parse one line of `virsh event --timestamp`; undefined for anything else. */
export function parseVirshEvent(line: string): VirshEvent | undefined {
  const m = LINE.exec(line.trim());
  if (m === null) return undefined;
  const [, date, time, zoneHours, zoneMinutes, type, domain, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    at: Date.parse(`${date}T${time}${zoneHours}:${zoneMinutes}`),
    type,
    domain,
    detail: rest.replace(/^:\s*/, '').trim(),
  };
}

/**
 * Every event of every domain on `uri` from the moment the child process has registered. Start it before
 * creating the domains to watch: their `lifecycle` `Started` event then shows it was listening in time.
 */
export class VirshEventLog {
  readonly #child: ChildProcess;
  readonly #events: VirshEvent[] = [];
  #pending = '';
  #exited: string | undefined;

  constructor(uri: string) {
    this.#child = spawn('virsh', ['-c', uri, 'event', '--all', '--loop', '--timestamp'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (this.#pending + chunk).split('\n');
      this.#pending = lines.pop() ?? '';
      for (const line of lines) {
        const event = parseVirshEvent(line);
        if (event !== undefined) this.#events.push(event);
      }
    });
    let stderr = '';
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    this.#child.on('exit', (code, signal) => (this.#exited = `virsh event exited (${code ?? signal}): ${stderr.trim()}`));
  }

  /** How many events have arrived: pass it as `from` to look only at later ones. */
  mark(): number {
    return this.#events.length;
  }

  /** The events of `domain` (from index `from` of the whole log), optionally of one type. */
  of(domain: string, type?: string, from = 0): VirshEvent[] {
    return this.#events.slice(from).filter((e) => e.domain === domain && (type === undefined || e.type === type));
  }

  /** Wait for an event of `domain` and `type` (from index `from`) that satisfies `predicate`. */
  async waitFor(
    domain: string,
    type: string,
    timeoutMs: number,
    from = 0,
    predicate: (e: VirshEvent) => boolean = () => true,
  ): Promise<VirshEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(domain, type, from).find(predicate);
      if (found !== undefined) return found;
      if (this.#exited !== undefined) throw new Error(this.#exited);
      if (Date.now() >= deadline) {
        throw new Error(
          `no '${type}' event for ${domain} within ${timeoutMs} ms; its events: ${JSON.stringify(this.of(domain, undefined, from))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): void {
    this.#child.kill();
  }
}
