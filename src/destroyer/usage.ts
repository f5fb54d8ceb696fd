import { AbortError, DomainNotFoundError } from '../errors/index.js';
import type { CallOptions, DomainRef, LibvirtConnection } from '../connection/internal.js';
import { type DomainModel, parseDomainXml } from '../xml/index.js';
import { IdentityResolver, diskReferences } from './identity.js';
import type { LocalHost } from './local-host.js';

/** How a domain uses a piece of storage. */
export type UsageRole =
  /** As a disk (its source). */
  | 'disk'
  /** Somewhere below a disk, in its backing chain. */
  | 'backing'
  /** To boot: kernel, initrd, device tree, firmware or NVRAM file. */
  | 'boot';

/** One domain's use of one identity. */
export interface UsageEntry {
  name: string;
  roles: Set<UsageRole>;
}

/** Every storage identity (see `identity.ts`) any domain uses → (domain UUID → how). */
export type UsageIndex = Map<string, Map<string, UsageEntry>>;

/** A finished scan: the index, and the resolver (with its caches) to resolve what is to be deleted the same way. */
export interface UsageScan {
  index: UsageIndex;
  resolver: IdentityResolver;
}

/** Domain XMLs read at once during a scan: enough to pipeline, without one listener per domain on the caller's signal. */
const SCAN_CONCURRENCY = 8;

function note(index: UsageIndex, ids: readonly string[], domain: DomainRef, role: UsageRole): void {
  for (const id of ids) {
    let users = index.get(id);
    if (users === undefined) {
      users = new Map();
      index.set(id, users);
    }
    let entry = users.get(domain.uuid);
    if (entry === undefined) {
      entry = { name: domain.name, roles: new Set() };
      users.set(domain.uuid, entry);
    }
    entry.roles.add(role);
  }
}

/** The boot files a domain definition names (virt-manager counts kernel, initrd and dtb as in use too). */
function bootFiles(model: DomainModel): string[] {
  const os = model.os;
  return [os.kernel, os.initrd, os.dtb, os.loader?.path, os.nvram?.path].filter((p): p is string => p !== undefined);
}

async function readXml(
  connection: LibvirtConnection,
  domain: DomainRef,
  options: CallOptions,
  inactive: boolean,
): Promise<DomainModel | null> {
  try {
    return parseDomainXml(await connection.domains.getXml(domain, { ...options, inactive }));
  } catch (error) {
    // Undefined while we looked: it uses nothing any more.
    if (error instanceof DomainNotFoundError) return null;
    throw error;
  }
}

async function indexModel(index: UsageIndex, resolver: IdentityResolver, domain: DomainRef, model: DomainModel): Promise<void> {
  for (const disk of model.devices?.disks ?? []) {
    const { top, backing } = diskReferences(disk);
    if (top !== undefined) {
      note(index, await resolver.of(top), domain, 'disk');
      if ((disk.device ?? 'disk') === 'disk' || disk.device === 'lun') note(index, await resolver.backingChain(top), domain, 'backing');
    }
    for (const ref of backing) note(index, await resolver.of(ref), domain, 'backing');
  }
  for (const path of bootFiles(model)) note(index, await resolver.of({ path }), domain, 'boot');
}

/**
 * Index every piece of storage every domain uses, under every identity it
 * has: disk sources of any type (file, block, dir, pool volume, network,
 * NVMe), the backing chains libvirt reports for running domains, the chains
 * recorded in pool volumes and (shared filesystem) in qcow2 headers, and boot
 * files. A running persistent domain is read twice — live, and the definition
 * it boots from next time — since either may name a disk the other does not.
 *
 * @param local the daemon's filesystem when the SDK shares it (symlinks and qcow2 headers), else `null`
 */
export async function scanUsage(
  connection: LibvirtConnection,
  options: CallOptions = {},
  local: LocalHost | null = null,
): Promise<UsageScan> {
  const index: UsageIndex = new Map();
  const resolver = new IdentityResolver(connection, options, local);
  const domains = await connection.domains.list(options);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < domains.length) {
      const domain = domains[next++]!;
      const live = await readXml(connection, domain, options, false);
      if (live === null) continue;
      await indexModel(index, resolver, domain, live);
      if (domain.id >= 0) {
        const persistent = await connection.domains.isPersistent(domain, options).catch((error: unknown) => {
          if (error instanceof DomainNotFoundError) return false;
          throw error;
        });
        const config = persistent ? await readXml(connection, domain, options, true) : null;
        if (config !== null) await indexModel(index, resolver, domain, config);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, domains.length) }, worker));
  return { index, resolver };
}

/** Who else uses storage, and which of `self`'s own disks sit below its other disks. */
export interface UsageView {
  /** Names of the domains other than `self` that use any of `ids`, sorted. */
  usersOf(ids: readonly string[]): string[];
  /** `true` when any of `ids` is in a backing chain of one of `self`'s disks. */
  backsSelf(ids: readonly string[]): boolean;
  /** Resolves references the way the scan did. */
  resolver: IdentityResolver;
}

/** A view of a scan from one domain's side. */
export function viewFor(scan: UsageScan, self: DomainRef): UsageView {
  return {
    resolver: scan.resolver,
    usersOf(ids) {
      const names = new Set<string>();
      for (const id of ids) {
        for (const [uuid, entry] of scan.index.get(id) ?? []) if (uuid !== self.uuid) names.add(entry.name);
      }
      return [...names].sort();
    },
    backsSelf(ids) {
      return ids.some((id) => scan.index.get(id)?.get(self.uuid)?.roles.has('backing') === true);
    },
  };
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
 * Whether the scan reads the shared filesystem is decided when it starts (see
 * {@link UsageScans.local}).
 */
export class UsageScans {
  readonly #connection: LibvirtConnection;
  #running: Promise<UsageScan> | null = null;
  #queued: Promise<UsageScan> | null = null;
  /** The daemon's filesystem, once proven shared (it stays proven for this connection). */
  local: LocalHost | null = null;

  constructor(connection: LibvirtConnection) {
    this.#connection = connection;
  }

  /** A scan that started after this call, viewed from `self`. */
  async view(self: DomainRef, options: CallOptions = {}): Promise<UsageView> {
    const scan = this.#running === null ? this.#start(options) : this.#afterRunning(options);
    return viewFor(await raceSignal(scan, options.signal), self);
  }

  #afterRunning(options: CallOptions): Promise<UsageScan> {
    const running = this.#running!;
    this.#queued ??= running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.#queued = null;
        return this.#start(options);
      });
    return this.#queued;
  }

  #start(options: CallOptions): Promise<UsageScan> {
    const scan = scanUsage(this.#connection, options.timeout === undefined ? {} : { timeout: options.timeout }, this.local);
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
