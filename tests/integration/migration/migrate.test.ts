/**
 * Live migration between two test hosts (scripts/test-hosts.sh) with a real TCG guest whose data disk is copied
 * over NBD (post-copy: postcopy.test.ts). One guest test at a time: run under `flock /tmp/lvm-qemu.lock`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AbortError, LibvirtConnection } from '../../../src/connection/index.js';
import { LibvirtManager } from '../../../src/manager.js';
import { MigrationError, MigrationManager, type MigrationProgress } from '../../../src/migration/index.js';
import { parseOwnership } from '../../../src/xml/index.js';
import { guestStartCounter } from '../../helpers/guest-disk.js';
import { serialOffset, waitForSerialLine } from '../../helpers/guest.js';
import {
  HOSTS_BASE,
  type HostGuest,
  cleanup,
  hostUri,
  outside,
  startGuestWithDisk,
  startHosts,
  connectPair,
  type HostPair,
} from './helpers.js';

let a: LibvirtConnection;
let b: LibvirtConnection;
let hosts: HostPair | undefined;
let guest: HostGuest | undefined;

beforeAll(async () => {
  hosts = await connectPair(3, { pools: true });
  ({ a, b } = hosts);
}, 120_000);

afterEach(async () => {
  await cleanup([a, b], guest);
  guest = undefined;
});

afterAll(async () => {
  await hosts?.close();
});

const uptimeOf = (line: string): number => Number(/uptime=(\d+\.\d+)/.exec(line)![1]);

describe('live migration with copied storage (p2p)', () => {
  it('moves the running guest: it keeps counting on the destination, the source keeps nothing', async () => {
    guest = await startGuestWithDisk(a, 2, 'mig');
    const g = guest;
    const logA = outside(2, g.logPath);
    const logB = outside(3, g.logPath);
    await guestStartCounter(a, g.vm, logA);
    const before = await waitForSerialLine(logA, `${g.manifest.countMarkerPrefix}3 `, 60_000);
    // Registries on both hosts: the source's forgets the VM, the destination's tracks it (from libvirt's events).
    await using managerA = await LibvirtManager.connect(hostUri(2));
    await using managerB = await LibvirtManager.connect(hostUri(3));
    expect(managerA.getVm(g.name)?.state).toBe('running');
    const reports: MigrationProgress[] = [];
    const started = Date.now();
    const result = await new MigrationManager(a).migrate(g.name, { to: b, storage: 'copy-all', onProgress: (p) => reports.push(p) });
    const took = Date.now() - started;
    console.log(`migrate p2p copy-all: ${took} ms, ${reports.length} progress reports, confirmed by`, result.confirmedBy, {
      downtime: result.stats?.downtime,
      dataProcessed: result.stats?.dataProcessed,
      diskTotal: result.stats?.diskTotal,
    });
    expect(result.live).toBe(true);
    expect(result.copiedDisks.map((d) => d.target)).toEqual(['vdb']);
    // The source: no domain, no owned volume left.
    expect(await a.domains.exists(g.name)).toBe(false);
    expect(result.sourceVolumesDeleted.map((v) => v.path)).toEqual([g.diskPath]);
    expect(existsSync(outside(2, g.diskPath!))).toBe(false);
    // The destination: running, its volume recorded as the VM's.
    expect((await b.domains.getState(g.name)).state).toBe('running');
    const record = parseOwnership(await b.domains.getXml(g.name));
    expect(record?.volumes.map((v) => v.path)).toContain(g.diskPath);
    // No reboot: the counter goes on in the destination's own serial log, its uptime beyond the last one seen on the source.
    const from = existsSync(logB) ? serialOffset(logB) : 0;
    const after = await waitForSerialLine(logB, g.manifest.countMarkerPrefix, 60_000, () => true, { from });
    expect(uptimeOf(after)).toBeGreaterThan(uptimeOf(before));
    await vi.waitFor(() => expect(managerB.getVm(g.name)?.state).toBe('running'), { timeout: 10_000, interval: 100 });
    await vi.waitFor(() => expect(managerA.getVm(g.name)).toBeUndefined(), { timeout: 10_000, interval: 100 });
    // Lifecycle events arrived on both ends.
    expect(result.confirmedBy).toEqual({ source: 'event', destination: 'event' });
  }, 300_000);

  it('abort halfway (1 MiB/s): AbortError, the guest runs on the source, nothing on the destination', async () => {
    guest = await startGuestWithDisk(a, 2, 'mab');
    const g = guest;
    const controller = new AbortController();
    let processed = 0;
    const job = new MigrationManager(a).start(g.name, {
      to: b,
      storage: 'copy-all',
      bandwidth: 1,
      signal: controller.signal,
      onProgress: (p) => {
        processed = p.dataProcessed;
        if (p.dataProcessed > 0 && !controller.signal.aborted) controller.abort();
      },
    });
    const started = Date.now();
    await expect(job.result).rejects.toBeInstanceOf(AbortError);
    console.log(`abort: result after ${Date.now() - started} ms, ${processed} bytes processed when aborted`);
    expect(processed).toBeGreaterThan(0);
    expect((await a.domains.getState(g.name)).state).toBe('running');
    expect(await b.domains.exists(g.name)).toBe(false);
    expect(await b.storage.volumes.lookupByPath(g.diskPath!).catch(() => undefined)).toBeUndefined();
    expect(existsSync(outside(3, g.diskPath!))).toBe(false);
  }, 300_000);

  it('a destination without a pool for the disk: MigrationError before anything moves', async () => {
    guest = await startGuestWithDisk(a, 2, 'mnp');
    const g = guest;
    const c = await LibvirtConnection.connect(hostUri(4));
    try {
      const error = await new MigrationManager(a).migrate(g.name, { to: c, storage: 'copy-all' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).reason).toBe('destination-storage');
      expect((await a.domains.getState(g.name)).state).toBe('running');
      expect(await c.domains.exists(g.name)).toBe(false);
    } finally {
      await c.close();
    }
  }, 300_000);
});

describe('managed mode and failures', () => {
  it('managed (client-driven v3) with copied storage', async () => {
    guest = await startGuestWithDisk(a, 2, 'mmg');
    const g = guest;
    const started = Date.now();
    const result = await new MigrationManager(a).migrate(g.name, { to: b, mode: 'managed', storage: 'copy-all' });
    console.log(`migrate managed copy-all: ${Date.now() - started} ms, confirmed by`, result.confirmedBy);
    expect(result.mode).toBe('managed');
    expect(await a.domains.exists(g.name)).toBe(false);
    expect((await b.domains.getState(g.name)).state).toBe('running');
    expect(existsSync(outside(2, g.diskPath!))).toBe(false);
  }, 300_000);

  it('the destination daemon killed mid-migration: MigrationError, the guest runs on the source, nothing leaked', async () => {
    guest = await startGuestWithDisk(a, 2, 'mkl');
    const g = guest;
    let killed = false;
    const job = new MigrationManager(a).start(g.name, {
      to: b,
      storage: 'copy-all',
      bandwidth: 1,
      onProgress: (p) => {
        if (p.dataProcessed > 0 && !killed) {
          killed = true;
          const pid = Number(readFileSync(`${HOSTS_BASE}/testhost3/libvirtd.pid`, 'utf8'));
          process.kill(pid, 'SIGKILL');
          // Back at once, as a supervisor would bring it: the SDK's undo on the destination waits for the reconnect.
          startHosts(3);
        }
      },
    });
    const started = Date.now();
    const error = await job.result.catch((e: unknown) => e);
    console.log(`destination killed: result after ${Date.now() - started} ms:`, String(error));
    expect(killed).toBe(true);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).reason).toBe('destination-unreachable');
    expect((error as MigrationError).sourceState).toBe('running');
    expect((await a.domains.getState(g.name)).state).toBe('running');
    const fresh = await LibvirtConnection.connect(hostUri(3));
    try {
      // The restarted destination dropped the half-migrated domain; the SDK deleted the volume it had made.
      await vi.waitFor(async () => expect(await fresh.domains.exists(g.name)).toBe(false), { timeout: 30_000, interval: 500 });
      expect(await fresh.storage.volumes.lookupByPath(g.diskPath!).catch(() => undefined)).toBeUndefined();
      expect(existsSync(outside(3, g.diskPath!))).toBe(false);
    } finally {
      await fresh.close();
    }
  }, 300_000);
});

describe('offline migration', () => {
  it('moves a shut-off persistent VM: defined on the destination, gone from the source', async () => {
    const name = `lvm-moff-${Date.now().toString(36)}`;
    const xml = `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>`;
    await a.domains.control.define(xml);
    try {
      const result = await new MigrationManager(a).migrate(name, { to: hostUri(3) });
      expect(result.live).toBe(false);
      expect(await a.domains.exists(name)).toBe(false);
      expect((await b.domains.getState(name)).state).toBe('shutoff');
      expect(await b.domains.isPersistent(name)).toBe(true);
    } finally {
      await a.domains.control.undefine(name).catch(() => undefined);
      await b.domains.control.undefine(name).catch(() => undefined);
    }
  }, 120_000);
});
