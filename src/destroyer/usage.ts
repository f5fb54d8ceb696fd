import { AbortError, LibvirtError } from '../errors/index.js';
import type { CallOptions, DomainRef, LibvirtConnection } from '../connection/index.js';
import { parseDomainXml, parseStorageVolumeXml } from '../xml/index.js';
import { backingChainPaths } from './plan.js';

/** Who else uses a path: other domains, as a disk or somewhere in a backing chain. */
export type ForeignUsage = Map<string, Set<string>>;

/** Every path every domain uses: path → (domain UUID → domain name). */
export type UsageIndex = Map<string, Map<string, string>>;

/** Domain XMLs read at once during a scan: enough to pipeline, without one listener per domain on the caller's signal. */
const SCAN_CONCURRENCY = 8;

function note(index: UsageIndex, path: string, domain: DomainRef): void {
  let users = index.get(path);
  if (users === undefined) {
    users = new Map();
    index.set(path, users);
  }
  users.set(domain.uuid, domain.name);
}

/**
 * Index every storage path any domain uses — their disks' sources, the
 * backing chains libvirt reports for running ones, and, for disks that are
 * pool volumes, the backing store recorded in the volume itself (inactive
 * domains report no chain).
 */
export async function scanUsage(connection: LibvirtConnection, options: CallOptions = {}): Promise<UsageIndex> {
  const index: UsageIndex = new Map();
  const domains = await connection.domains.list(options);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < domains.length) {
      const domain = domains[next++]!;
      let xml: string;
      try {
        xml = await connection.domains.getXml(domain, options);
      } catch (error) {
        // Undefined while we looked: it uses nothing any more.
        if (error instanceof LibvirtError && error.code === 42) continue;
        throw error;
      }
      const model = parseDomainXml(xml);
      for (const disk of model.devices?.disks ?? []) {
        const path = disk.source?.file ?? disk.source?.dev;
        if (path !== undefined) note(index, path, domain);
        for (const backing of backingChainPaths(disk.backingStore)) note(index, backing, domain);
        if (path !== undefined && (disk.device ?? 'disk') === 'disk') {
          for (const backing of await volumeBackingChain(connection, path, options)) note(index, backing, domain);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, domains.length) }, worker));
  return index;
}

/** The paths domains other than `self` use, from an index. */
export function usageOthers(index: UsageIndex, self: DomainRef): ForeignUsage {
  const usage: ForeignUsage = new Map();
  for (const [path, users] of index) {
    const others = [...users].filter(([uuid]) => uuid !== self.uuid).map(([, name]) => name);
    if (others.length > 0) usage.set(path, new Set(others));
  }
  return usage;
}

/**
 * Map every storage path other domains use to the names of those domains.
 *
 * This is virt-manager's `path_in_use_by` rule: a disk used by another domain
 * is never deleted, whatever the policy.
 */
export async function foreignUsage(connection: LibvirtConnection, self: DomainRef, options: CallOptions = {}): Promise<ForeignUsage> {
  return usageOthers(await scanUsage(connection, options), self);
}

/**
 * Coalesces the usage scans of concurrent teardowns on one connection. A
 * caller always gets a scan that STARTED after it asked — as fresh as one of
 * its own — but callers that ask while a scan is running share the next one,
 * so N concurrent destroys cost two scans instead of N (each of which reads
 * every domain's XML: N² calls in all).
 *
 * The shared scan runs with the per-call `timeout` of the caller that started
 * it and no signal; each caller still stops waiting when its own signal aborts.
 */
export class UsageScans {
  readonly #connection: LibvirtConnection;
  #running: Promise<UsageIndex> | null = null;
  #queued: Promise<UsageIndex> | null = null;

  constructor(connection: LibvirtConnection) {
    this.#connection = connection;
  }

  /** Paths used by domains other than `self`, from a scan that started after this call. */
  async foreignUsage(self: DomainRef, options: CallOptions = {}): Promise<ForeignUsage> {
    const scan = this.#running === null ? this.#start(options) : this.#afterRunning(options);
    return usageOthers(await raceSignal(scan, options.signal), self);
  }

  #afterRunning(options: CallOptions): Promise<UsageIndex> {
    const running = this.#running!;
    this.#queued ??= running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      this.#queued = null;
      return this.#start(options);
    });
    return this.#queued;
  }

  #start(options: CallOptions): Promise<UsageIndex> {
    const scan = scanUsage(this.#connection, options.timeout === undefined ? {} : { timeout: options.timeout });
    this.#running = scan;
    const clear = (): void => {
      if (this.#running === scan) this.#running = null;
    };
    scan.then(clear, clear);
    return scan;
  }
}

/** `promise`, or a rejection with the signal's abort once it fires. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortError('aborted while waiting for the disk usage scan', { cause: signal.reason }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The backing chain recorded in a pool volume's own XML (empty when not a pool volume). */
async function volumeBackingChain(connection: LibvirtConnection, path: string, options: CallOptions): Promise<string[]> {
  const chain: string[] = [];
  let current = path;
  // Bounded: a chain longer than this is either a loop or not worth following.
  for (let depth = 0; depth < 16; depth++) {
    let backing: string | undefined;
    try {
      const vol = await connection.storage.volumes.lookupByPath(current, options);
      backing = parseStorageVolumeXml(await connection.storage.volumes.getXml(vol, options)).backingStore?.path;
    } catch (error) {
      if (error instanceof LibvirtError) return chain; // not a pool volume, or gone
      throw error;
    }
    if (backing === undefined || chain.includes(backing)) return chain;
    chain.push(backing);
    current = backing;
  }
  return chain;
}
