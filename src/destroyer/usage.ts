import { LibvirtError } from '../errors/index.js';
import type { CallOptions, DomainRef, LibvirtConnection } from '../connection/index.js';
import { parseDomainXml, parseStorageVolumeXml } from '../xml/index.js';
import { backingChainPaths } from './plan.js';

/** Who else uses a path: other domains, as a disk or somewhere in a backing chain. */
export type ForeignUsage = Map<string, Set<string>>;

function note(usage: ForeignUsage, path: string, domain: string): void {
  let users = usage.get(path);
  if (users === undefined) {
    users = new Set();
    usage.set(path, users);
  }
  users.add(domain);
}

/**
 * Map every storage path other domains use — their disks' sources, the
 * backing chains libvirt reports for running ones, and, for disks that are
 * pool volumes, the backing store recorded in the volume itself (inactive
 * domains report no chain) — to the names of those domains.
 *
 * This is virt-manager's `path_in_use_by` rule: a disk used by another domain
 * is never deleted, whatever the policy.
 */
export async function foreignUsage(connection: LibvirtConnection, self: DomainRef, options: CallOptions = {}): Promise<ForeignUsage> {
  const usage: ForeignUsage = new Map();
  const domains = await connection.domains.list(options);
  await Promise.all(
    domains
      .filter((d) => d.uuid !== self.uuid)
      .map(async (other) => {
        let xml: string;
        try {
          xml = await connection.domains.getXml(other, options);
        } catch (error) {
          // Undefined while we looked: it uses nothing any more.
          if (error instanceof LibvirtError && error.code === 42) return;
          throw error;
        }
        const model = parseDomainXml(xml);
        for (const disk of model.devices?.disks ?? []) {
          const path = disk.source?.file ?? disk.source?.dev;
          if (path !== undefined) note(usage, path, other.name);
          for (const backing of backingChainPaths(disk.backingStore)) note(usage, backing, other.name);
          if (path !== undefined && (disk.device ?? 'disk') === 'disk') {
            for (const backing of await volumeBackingChain(connection, path, options)) note(usage, backing, other.name);
          }
        }
      }),
  );
  return usage;
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
