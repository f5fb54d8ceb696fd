/**
 * The load runs behind `npm run load` and its CI test:
 *
 * - **test driver**: N VMs (each with an owned volume) created, then started,
 *   then destroyed, each phase with all N in flight at once, on ONE
 *   `LibvirtManager` connection (`test+unix:///default`);
 * - **real guests**: M tiny TCG guests on `qemu:///system` created, started
 *   and booted concurrently (the ready marker seen on every serial log), then
 *   shut down gracefully (ACPI) and destroyed with their storage.
 *
 * Each phase reports its wall time, VMs/s and per-VM latency p50/p99; `virsh`
 * (and, for real guests, the pool directory and `ps`) must find nothing left.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibvirtManager, type VmSpec } from '../../src/index.js';
import { ensureTestGuest, guestVmSpec, waitForSerial } from '../helpers/guest.js';
import { QEMU_URI, TEST_URI } from '../helpers/libvirt.js';
import { type TempPool, tempPool } from '../helpers/pool.js';
import { formatTable, leftoverDomains, leftoverFiles, leftoverProcesses, leftoverVolumes, percentile, purge, purgePool } from './common.js';

/** One phase of a load run. */
export interface PhaseStats {
  phase: string;
  vms: number;
  /** Calls that failed (must be 0). */
  failed: number;
  wallMs: number;
  vmsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What a load run found. */
export interface LoadSummary {
  uri: string;
  vms: number;
  phases: PhaseStats[];
  /** First errors, as `name: message` (must be empty). */
  errors: string[];
  leaked: { domains: string[]; volumes: string[]; files: string[]; processes: string[] };
  totalMs: number;
  ok: boolean;
}

/** Destroy a VM with the storage it owns; an incomplete report counts as a failure. */
async function destroyOwned(manager: LibvirtManager, name: string): Promise<void> {
  const report = await manager.destroyVm(name, { storage: 'owned', stop: 'force', timeout: 120_000 });
  if (!report.complete) throw new Error(`destroy incomplete: ${report.errors.map((e) => e.step).join(', ')}`);
}

/**
 * Run one phase with every item in flight at once. A VM's latency runs from
 * the phase's start, or from `since(item)` (e.g. its own start call) when given.
 */
async function phase(
  name: string,
  items: readonly string[],
  run: (item: string) => Promise<unknown>,
  errors: string[],
  since?: (item: string) => number,
): Promise<PhaseStats> {
  const latencies: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    items.map(async (item) => {
      const start = since?.(item) ?? performance.now();
      try {
        await run(item);
        latencies.push(performance.now() - start);
      } catch (error) {
        failed++;
        if (errors.length < 20)
          errors.push(`${name} ${item}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
    }),
  );
  const wallMs = performance.now() - t0;
  return {
    phase: name,
    vms: items.length,
    failed,
    wallMs,
    vmsPerSecond: (items.length - failed) / (wallMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
  };
}

function verdict(summary: Omit<LoadSummary, 'ok'>): LoadSummary {
  const leaked =
    summary.leaked.domains.length + summary.leaked.volumes.length + summary.leaked.files.length + summary.leaked.processes.length;
  return { ...summary, ok: leaked === 0 && summary.errors.length === 0 && summary.phases.every((p) => p.failed === 0) };
}

/**
 * N VMs on the test driver, one connection, every phase fully concurrent.
 * The test driver's state lives as long as a connection is open, so leftovers
 * are counted while the run's connection still is.
 */
export async function runTestDriverLoad(options: { vms?: number; uri?: string } = {}): Promise<LoadSummary> {
  const uri = options.uri ?? TEST_URI;
  const count = options.vms ?? 200;
  const prefix = `lvm-load-${randomBytes(3).toString('hex')}-`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
  const errors: string[] = [];
  const started = performance.now();
  const manager = await LibvirtManager.connect(uri);
  try {
    const spec = (name: string): VmSpec => ({
      name,
      memory: '64MiB',
      virtType: 'test',
      disks: [{ kind: 'new', pool: 'default-pool', size: '1MiB', format: 'raw' }],
    });
    const phases = [
      await phase('create', names, (n) => manager.createVm(spec(n), { timeout: 120_000 }), errors),
      await phase('start', names, (n) => manager.startVm(n, { timeout: 120_000 }), errors),
      await phase('destroy', names, (n) => destroyOwned(manager, n), errors),
    ];
    const leaked = {
      domains: leftoverDomains(uri, prefix),
      volumes: leftoverVolumes(uri, 'default-pool', prefix),
      files: [],
      processes: [],
    };
    purge(uri, prefix, 'default-pool');
    return verdict({ uri, vms: count, phases, errors, leaked, totalMs: performance.now() - started });
  } finally {
    await manager.close();
  }
}

/**
 * M tiny TCG guests on qemu:///system, every phase concurrent: create
 * (a thin volume each), start, boot (the ready marker on each serial log),
 * graceful shutdown (ACPI), destroy with storage.
 */
export async function runRealGuestLoad(options: { vms?: number; uri?: string; bootTimeout?: number } = {}): Promise<LoadSummary> {
  const uri = options.uri ?? QEMU_URI;
  const count = options.vms ?? 10;
  const bootTimeout = options.bootTimeout ?? 180_000;
  const guest = ensureTestGuest();
  const prefix = `lvm-loadq-${randomBytes(3).toString('hex')}-`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
  const logs = mkdtempSync(join(tmpdir(), 'lvm-load-logs-'));
  const logOf = (name: string): string => join(logs, `${name}.log`);
  const errors: string[] = [];
  const started = performance.now();
  const manager = await LibvirtManager.connect(uri);
  let pool: TempPool | undefined;
  try {
    pool = await tempPool(manager.connection, 'loadpool');
    const poolName = pool.name;
    const spec = (name: string): VmSpec =>
      guestVmSpec(guest, name, 'acpi', {
        disks: [{ kind: 'new', pool: poolName, size: '16MiB', format: 'qcow2' }],
        serialConsole: { logFile: logOf(name) },
      });
    const startedAt = new Map<string, number>();
    const phases = [
      await phase('create', names, (n) => manager.createVm(spec(n), { timeout: 120_000 }), errors),
      await phase(
        'start',
        names,
        (n) => {
          startedAt.set(n, performance.now());
          return manager.startVm(n, { timeout: 120_000 });
        },
        errors,
      ),
    ];
    // Boot: each guest's latency runs from its own start call to its ready marker (the logs are polled every 50 ms).
    phases.push(
      await phase(
        'boot (start → ready marker)',
        names,
        (n) => waitForSerial(logOf(n), guest.readyMarker, bootTimeout),
        errors,
        (n) => startedAt.get(n)!,
      ),
    );
    phases.push(await phase('shutdown (ACPI)', names, (n) => manager.shutdownVm(n, { timeout: 120_000, onTimeout: 'throw' }), errors));
    phases.push(await phase('destroy', names, (n) => destroyOwned(manager, n), errors));
    const leaked = {
      domains: leftoverDomains(uri, prefix),
      volumes: leftoverVolumes(uri, poolName, ''),
      files: leftoverFiles(pool.dir),
      processes: leftoverProcesses(prefix),
    };
    return verdict({ uri, vms: count, phases, errors, leaked, totalMs: performance.now() - started });
  } finally {
    purge(uri, prefix, pool?.name);
    await pool?.remove().catch(() => undefined);
    if (pool !== undefined) purgePool(uri, pool.name, pool.dir);
    rmSync(logs, { recursive: true, force: true });
    await manager.close();
  }
}

const ms = (v: number): string => (Number.isNaN(v) ? '-' : `${Math.round(v)} ms`);

/** A load summary as a table. */
export function formatLoadSummary(title: string, s: LoadSummary): string {
  const leaked = s.leaked.domains.length + s.leaked.volumes.length + s.leaked.files.length + s.leaked.processes.length;
  const rows = [
    [`${title} (${s.vms} VMs, ${s.uri})`, 'wall', 'VMs/s', 'p50', 'p99', 'max', 'failed'],
    ...s.phases.map((p) => [
      p.phase,
      `${(p.wallMs / 1000).toFixed(2)} s`,
      p.vmsPerSecond.toFixed(1),
      ms(p.p50Ms),
      ms(p.p99Ms),
      ms(p.maxMs),
      String(p.failed),
    ]),
    ['total', `${(s.totalMs / 1000).toFixed(2)} s`, (s.vms / (s.totalMs / 1000)).toFixed(1), '', '', '', ''],
  ];
  const lines = [formatTable(rows), `leaked (must be 0): ${leaked}`];
  if (leaked > 0) lines.push(`LEAKED ${JSON.stringify(s.leaked)}`);
  for (const e of s.errors) lines.push(`ERROR ${e}`);
  return lines.join('\n');
}
