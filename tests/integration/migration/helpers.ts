/**
 * Two test hosts (scripts/test-hosts.sh), a dir pool over /var/lib/libvirt/images on each, and a tiny TCG guest
 * with one qcow2 data disk in that pool, recorded as the SDK's, logging its serial console under /var/log/libvirt
 * so each host writes its own copy.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type DomainRef, LibvirtConnection } from '../../../src/connection/index.js';
import { AFFECT_LIVE, recordOwned } from '../../../src/devices/internal.js';
import { type GuestManifest, ensureTestGuest, guestDomainXml, waitForSerial } from '../../helpers/guest.js';
import { ROOT, uniqueName } from '../../helpers/libvirt.js';

export const HOSTS_BASE = '/var/lib/libvirt-manager/testhosts';
export const IMAGES = '/var/lib/libvirt/images';
export const POOL = 'lvm-mig-images';

export function hostUri(n: number): string {
  return `qemu+tcp://127.0.0.${n}/system`;
}

/** A path of host `n` as seen from outside its namespace. */
export function outside(n: number, path: string): string {
  return join(HOSTS_BASE, `testhost${n}`, path.replace(/^\/var\/(lib|log)\/libvirt\//, '$1/'));
}

export function startHosts(count = 3): void {
  execFileSync(join(ROOT, 'scripts/test-hosts.sh'), ['start', String(count)], { stdio: 'ignore' });
}

/** Connections to test hosts 2 (source) and 3 (destination). */
export interface HostPair {
  a: LibvirtConnection;
  b: LibvirtConnection;
  close(): Promise<void>;
}

/**
 * Starts `count` test hosts (idempotent) and connects to hosts 2 and 3; with `pools`, the images pool is ready on
 * both (guests with a data disk, copied storage).
 */
export async function connectPair(count: number, options: { pools?: boolean } = {}): Promise<HostPair> {
  startHosts(count);
  const a = await LibvirtConnection.connect(hostUri(2));
  const b = await LibvirtConnection.connect(hostUri(3));
  if (options.pools === true) {
    await ensurePool(a);
    await ensurePool(b);
  }
  return {
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
    },
  };
}

/** The images pool on a host (defined and started if missing). */
export async function ensurePool(conn: LibvirtConnection): Promise<void> {
  try {
    await conn.storage.pools.lookup(POOL);
  } catch {
    await conn.storage.pools.define(`<pool type='dir'><name>${POOL}</name><target><path>${IMAGES}</path></target></pool>`);
  }
  if (!(await conn.storage.pools.isActive(POOL))) await conn.storage.pools.start(POOL);
  await conn.storage.pools.refresh(POOL);
}

export interface HostGuest {
  name: string;
  vm: DomainRef;
  manifest: GuestManifest;
  /** `undefined` for a guest without disks (it boots from a kernel and initramfs both hosts see). */
  diskPath: string | undefined;
  /** The serial log's path inside the hosts. */
  logPath: string;
}

/** Start the guest on `conn` (host `n`) with a 64 MiB qcow2 data disk made in the pool and recorded as owned. */
export async function startGuestWithDisk(conn: LibvirtConnection, n: number, prefix: string): Promise<HostGuest & { diskPath: string }> {
  const manifest = ensureTestGuest();
  const name = uniqueName(prefix);
  const vol = await conn.storage.volumes.create(
    POOL,
    `<volume><name>${name}.qcow2</name><capacity unit='MiB'>64</capacity><target><format type='qcow2'/></target></volume>`,
  );
  const diskPath = await conn.storage.volumes.getPath(vol);
  const logPath = `/var/log/libvirt/qemu/${name}-serial.log`;
  const vm = await conn.domains.control.createTransient(
    guestDomainXml(manifest, { variant: 'noacpi', name, logPath, disks: [{ path: diskPath, format: 'qcow2', target: 'vdb' }] }),
  );
  await recordOwned(
    { ctx: { connection: conn, logger: undefined }, ref: vm },
    [AFFECT_LIVE],
    {
      role: 'disk',
      pool: POOL,
      name: `${name}.qcow2`,
      path: diskPath,
      format: 'qcow2',
      key: vol.key,
    },
    {},
  );
  await waitForSerial(outside(n, logPath), manifest.readyMarker, 90_000);
  return { name, vm, manifest, diskPath, logPath };
}

/**
 * A guest with no disk at all on host `n`: it boots from the kernel and initramfs in the user's cache, which every
 * test host sees at the same path, so it migrates with `storage: 'shared'` and only its memory moves.
 */
export async function startGuestWithoutDisk(conn: LibvirtConnection, n: number, prefix: string): Promise<HostGuest> {
  const manifest = ensureTestGuest();
  const name = uniqueName(prefix);
  const logPath = `/var/log/libvirt/qemu/${name}-serial.log`;
  const vm = await conn.domains.control.createTransient(guestDomainXml(manifest, { variant: 'noacpi', name, logPath }));
  await waitForSerial(outside(n, logPath), manifest.readyMarker, 90_000);
  return { name, vm, manifest, diskPath: undefined, logPath };
}

/** Destroy the guest wherever it is and delete its disk on both hosts. */
export async function cleanup(conns: readonly LibvirtConnection[], g: HostGuest | undefined): Promise<void> {
  if (g === undefined) return;
  for (const conn of conns) {
    if (conn.state !== 'open') continue;
    await conn.domains.control.forceOff(g.name).catch(() => undefined);
    await conn.domains.control.undefine(g.name).catch(() => undefined);
    if (g.diskPath === undefined) continue;
    const vol = await conn.storage.volumes.lookupByPath(g.diskPath).catch(() => undefined);
    if (vol !== undefined) await conn.storage.volumes.delete(vol).catch(() => undefined);
  }
}
