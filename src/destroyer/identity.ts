/**
 * Storage identities: every name under which one piece of storage can be
 * reached, so that two domains naming the same disk differently — a pool
 * volume (`<disk type='volume'>`) and its path, `//` or `/./` in a path, a
 * symlink, a backing file — are seen to share it.
 *
 * Each reference resolves to a set of identity strings; two references name
 * the same storage when their sets meet. More names can only make the
 * destroyer keep more (the safe direction), never delete more.
 *
 * - `key:<key>`: the pool volume's key (libvirt's own identity of a volume);
 * - `vol:<pool>/<name>`: a pool volume as a `type='volume'` disk names it;
 * - `path:<path>`: the path normalized (`paths.ts`), without `..`, and — when the
 *   SDK shares the daemon's filesystem — with every symlink followed;
 * - `net:<protocol>:<name>`: a network disk (rbd, iSCSI, NBD, gluster…);
 * - `nvme:<attributes>`: an NVMe namespace by PCI address.
 *
 * @module
 */
import { LibvirtError } from '../errors/index.js';
import type { CallOptions, LibvirtConnection, StorageVolRef } from '../connection/internal.js';
import { type DiskBackingStore, type DiskDevice, type DiskSource, parseStorageVolumeXml } from '../xml/index.js';
import type { LocalHost } from './local-host.js';
import { normalizePath, resolveFrom, withoutDotDot } from './paths.js';

/** Backing chains longer than this are loops or not worth following. */
const MAX_CHAIN = 16;

/** A storage reference as a domain (or a teardown record) names it. */
export interface StorageReference {
  path?: string;
  pool?: string;
  volume?: string;
  protocol?: string;
  name?: string;
  /** Identity attributes of an NVMe source (namespace, PCI address), already joined. */
  nvme?: string;
}

/** The storage references of one disk: its source first, then each backing image libvirt reported. */
export function diskReferences(disk: DiskDevice): { top: StorageReference | undefined; backing: StorageReference[] } {
  const backing: StorageReference[] = [];
  for (let store: DiskBackingStore | undefined = disk.backingStore; store !== undefined; store = store.backingStore) {
    const ref = store.source === undefined ? undefined : sourceReference(store.type ?? 'file', store.source);
    if (ref !== undefined) backing.push(ref);
  }
  return { top: disk.source === undefined ? undefined : sourceReference(disk.type, disk.source), backing };
}

function sourceReference(type: string, source: DiskSource): StorageReference | undefined {
  switch (type) {
    case 'volume':
      return source.pool !== undefined && source.volume !== undefined ? { pool: source.pool, volume: source.volume } : undefined;
    case 'network':
      return source.protocol !== undefined && source.name !== undefined ? { protocol: source.protocol, name: source.name } : undefined;
    case 'nvme': {
      const attrs = Object.entries(source.extraAttributes ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`);
      return { nvme: [...attrs, ...(source.extraElements ?? []).map((e) => e.replace(/\s+/g, ' '))].join(';') };
    }
    default: {
      const path = source.file ?? source.dev ?? source.dir;
      return path === undefined ? undefined : { path };
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof LibvirtError && error.isNotFound;
}

/**
 * Resolves references to identities for one scan, asking libvirt (pool
 * lookups, volume XML) and — only when given a {@link LocalHost} — the
 * filesystem. Every answer is cached for the scan's lifetime. Errors other
 * than "not found" (a lost connection) propagate: a scan that could not look
 * must not conclude that nothing is in use.
 */
export class IdentityResolver {
  readonly #connection: LibvirtConnection;
  readonly #call: CallOptions;
  readonly #local: LocalHost | null;
  readonly #paths = new Map<string, Promise<string[]>>();
  readonly #volumes = new Map<string, Promise<{ ids: string[]; ref?: StorageVolRef; path?: string }>>();
  readonly #chains = new Map<string, Promise<string[]>>();

  constructor(connection: LibvirtConnection, call: CallOptions, local: LocalHost | null) {
    this.#connection = connection;
    this.#call = call;
    this.#local = local;
  }

  /** `true` when symlinks and qcow2 headers are read from the daemon's (shared) filesystem. */
  get sharesFilesystem(): boolean {
    return this.#local !== null;
  }

  /** Every identity of a reference. */
  async of(ref: StorageReference): Promise<string[]> {
    if (ref.pool !== undefined && ref.volume !== undefined) {
      const resolved = await this.#volume(ref.pool, ref.volume);
      const fromPath = ref.path === undefined ? [] : await this.#path(ref.path);
      return [...resolved.ids, ...fromPath];
    }
    if (ref.path !== undefined) return this.#path(ref.path);
    if (ref.protocol !== undefined && ref.name !== undefined) return [`net:${ref.protocol}:${ref.name}`];
    if (ref.nvme !== undefined) return [`nvme:${ref.nvme}`];
    return [];
  }

  /** The pool volume a reference resolves to, when it is one. */
  async volumeOf(ref: StorageReference): Promise<StorageVolRef | undefined> {
    if (ref.pool !== undefined && ref.volume !== undefined) return (await this.#volume(ref.pool, ref.volume)).ref;
    if (ref.path === undefined) return undefined;
    return this.#lookupByPath(normalizePath(ref.path));
  }

  /**
   * Identities of the images below a reference that libvirt did not list in
   * the domain XML (inactive domains report no chain): from the volume XML of
   * pool volumes, and from the qcow2 header of files when the filesystem is
   * shared. Each element resolved like a reference.
   */
  async backingChain(ref: StorageReference): Promise<string[]> {
    const start =
      ref.path ?? (ref.pool !== undefined && ref.volume !== undefined ? (await this.#volume(ref.pool, ref.volume)).path : undefined);
    if (start === undefined) return [];
    const key = normalizePath(start);
    let chain = this.#chains.get(key);
    if (chain === undefined) {
      chain = this.#followChain(key);
      this.#chains.set(key, chain);
    }
    return chain;
  }

  async #followChain(start: string): Promise<string[]> {
    const ids: string[] = [];
    const seen = new Set<string>([start]);
    let current = start;
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      const next = await this.#backingOf(current);
      if (next === null || seen.has(next)) break;
      seen.add(next);
      ids.push(...(await this.#path(next)));
      current = next;
    }
    return ids;
  }

  /** The image below `path`: from its pool volume's XML, else from its qcow2 header (shared filesystem only). */
  async #backingOf(path: string): Promise<string | null> {
    const vol = await this.#lookupByPath(path);
    if (vol !== undefined) {
      try {
        const backing = parseStorageVolumeXml(await this.#connection.storage.volumes.getXml(vol, this.#call)).backingStore?.path;
        if (backing !== undefined) return resolveFrom(path, backing);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    if (this.#local === null) return null;
    return this.#local.backingFile(path);
  }

  #path(path: string): Promise<string[]> {
    const normalized = normalizePath(path);
    let ids = this.#paths.get(normalized);
    if (ids === undefined) {
      ids = this.#resolvePath(normalized);
      this.#paths.set(normalized, ids);
    }
    return ids;
  }

  async #resolvePath(normalized: string): Promise<string[]> {
    const ids = new Set<string>([`path:${normalized}`, `path:${withoutDotDot(normalized)}`]);
    const addVolume = (vol: StorageVolRef | undefined): void => {
      if (vol === undefined) return;
      ids.add(`key:${vol.key}`);
      ids.add(`vol:${vol.pool}/${vol.name}`);
    };
    addVolume(await this.#lookupByPath(normalized));
    if (this.#local !== null) {
      const real = await this.#local.realpath(normalized);
      if (real !== null && real !== normalized) {
        ids.add(`path:${real}`);
        // A symlink from outside every pool into one: the real file's volume key.
        addVolume(await this.#lookupByPath(real));
      }
    }
    return [...ids];
  }

  async #lookupByPath(path: string): Promise<StorageVolRef | undefined> {
    try {
      return await this.#connection.storage.volumes.lookupByPath(path, this.#call);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  #volume(pool: string, name: string): Promise<{ ids: string[]; ref?: StorageVolRef; path?: string }> {
    const cacheKey = `${pool}/${name}`;
    let resolved = this.#volumes.get(cacheKey);
    if (resolved === undefined) {
      resolved = this.#resolveVolume(pool, name);
      this.#volumes.set(cacheKey, resolved);
    }
    return resolved;
  }

  async #resolveVolume(pool: string, name: string): Promise<{ ids: string[]; ref?: StorageVolRef; path?: string }> {
    const ids = [`vol:${pool}/${name}`];
    let ref: StorageVolRef;
    try {
      ref = await this.#connection.storage.volumes.lookup(pool, name, this.#call);
    } catch (error) {
      // The pool is gone or inactive, or the volume is: only its name identifies it now.
      if (isNotFound(error) || (error instanceof LibvirtError && error.category === 'invalid-state')) return { ids };
      throw error;
    }
    ids.push(`key:${ref.key}`);
    let path: string;
    try {
      path = await this.#connection.storage.volumes.getPath(ref, this.#call);
    } catch (error) {
      if (isNotFound(error)) return { ids, ref };
      throw error;
    }
    return { ids: [...ids, ...(await this.#path(path))], ref, path };
  }
}
