/**
 * `libvirt-manager migrate` (and `job-info`, `job-abort`) as a subprocess: bad options exit 2 before anything is
 * sent (no daemon needed); then one real TCG guest with a qcow2 data disk on test host 2 (scripts/test-hosts.sh)
 * is refused `--offline` while it runs (exit 4), interrupted with SIGINT mid-migration at 1 MiB/s (exit 130, still
 * running on the source, nothing on the destination), and migrated `--live --p2p --copy-storage-all` to host 3
 * (`--json` parses; it runs there, gone from the source); a shut-off VM is refused `--live` and moved `--offline`.
 * Run it alone: `flock /tmp/lvm-qemu.lock npx vitest run <this file>`.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LibvirtConnection } from '../../../src/index.js';
import { type HostGuest, cleanup, hostUri, outside, startGuestWithDisk, connectPair, type HostPair } from '../migration/helpers.js';
import { cli, cliJson, startCli } from './run-cli.js';

/** The error object `--json` prints on stderr. */
function errorOf(stderr: string): { name: string; path?: string; exitCode: number } {
  return (JSON.parse(stderr) as { error: { name: string; path?: string; exitCode: number } }).error;
}

describe('libvirt-manager migrate: usage errors, before anything is sent', () => {
  it.each([
    [['migrate', 'lvm-x'], '--to'],
    [['migrate', 'lvm-x', '--to', 'qemu+tcp://127.0.0.3/system', '--live', '--offline'], '--offline'],
    [['migrate', 'lvm-x', '--to', 'qemu+tcp://127.0.0.3/system', '--copy-storage-all', '--copy-storage-inc'], '--copy-storage-inc'],
    [['migrate', 'lvm-x', '--to', 'qemu+tcp://127.0.0.3/system', '--bandwidth', 'fast'], '--bandwidth'],
    [['migrate', 'lvm-x', '--to', 'qemu+tcp://127.0.0.3/system', '--max-downtime', '0'], '--max-downtime'],
    [['migrate', 'lvm-x', '--to', 'qemu+tcp://127.0.0.3/system', '--postcopy-after', '10'], '--postcopy-after'],
    [['migrate', 'lvm-x', '--to', 'qemu+tcp://127.0.0.3/system', '--timeout', 'soon'], '--timeout'],
    [['migrate', 'lvm-x', '--to', 'qemu+tcp://127.0.0.3/system', '--no-such-option'], 'migrate'],
  ])('%j → exit 2 naming %s', async (args, path) => {
    // An unreachable source URI: a usage error must come before any connection is tried.
    const run = await cli([...args, '--uri', 'qemu+tcp://127.0.0.254:1/system', '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(errorOf(run.stderr)).toMatchObject({ name: 'InvalidArgumentError', path, exitCode: 2 });
  });
});

describe('libvirt-manager migrate between two test hosts', () => {
  let a: LibvirtConnection;
  let b: LibvirtConnection;
  let hosts: HostPair | undefined;
  let guest: HostGuest | undefined;

  beforeAll(async () => {
    hosts = await connectPair(2, { pools: true });
    ({ a, b } = hosts);
  }, 120_000);

  afterAll(async () => {
    await cleanup([a, b], guest);
    await hosts?.close();
  });

  it('refuses --offline for a running VM, aborts on SIGINT, then moves it --live --p2p --copy-storage-all', async () => {
    guest = await startGuestWithDisk(a, 2, 'cli-mig');
    const g = guest;
    const U = ['--uri', hostUri(2), '--to', hostUri(3)];

    // --offline: the VM runs, so only a live migration can move it (InvalidStateError, exit 4); nothing moved.
    const offline = await cli(['migrate', g.name, ...U, '--offline', '--json']);
    expect(offline.code).toBe(4);
    expect(errorOf(offline.stderr).name).toBe('InvalidStateError');
    expect(await b.domains.exists(g.name)).toBe(false);

    // Ctrl-C once the job moves data: exit 130, the guest still runs on the source, nothing on the destination.
    const slow = startCli(['migrate', g.name, ...U, '--live', '--p2p', '--copy-storage-all', '--bandwidth', '1', '--json']);
    await vi.waitFor(
      async () => {
        if (slow.child.exitCode !== null) throw new Error(`exited first: ${slow.stderr()}`);
        const stats = await a.domains.jobs.getStats(g.name);
        expect(stats.dataProcessed ?? 0).toBeGreaterThan(0);
      },
      { timeout: 30_000, interval: 200 },
    );
    const interrupted = Date.now();
    slow.child.kill('SIGINT');
    const end = await slow.exited;
    console.log(`migrate: SIGINT → exit ${end.code} after ${Date.now() - interrupted} ms`);
    expect(end.code).toBe(130);
    expect(errorOf(slow.stderr()).name).toBe('AbortError');
    expect(slow.stdout()).toBe('');
    expect((await a.domains.getState(g.name)).state).toBe('running');
    expect(await b.domains.exists(g.name)).toBe(false);
    expect(existsSync(outside(3, g.diskPath!))).toBe(false);

    // No job now: job-info says so; job-abort is libvirt's "operation invalid" (exit 4).
    expect((await cliJson<{ type: string }>(['job-info', g.name, '--uri', hostUri(2)])).type).toBe('none');
    expect((await cli(['job-abort', g.name, '--uri', hostUri(2)])).code).toBe(4);

    // virsh migrate --live --p2p --copy-storage-all, with JSON out.
    const started = Date.now();
    const result = await cliJson<{
      domain: { name: string };
      live: boolean;
      mode: string;
      copiedDisks: { target: string }[];
      sourceVolumesDeleted: { path: string }[];
      confirmedBy: { source: string; destination: string };
      durationMs: number;
    }>(['migrate', g.name, ...U, '--live', '--p2p', '--copy-storage-all']);
    console.log(
      `migrate --live --p2p --copy-storage-all: ${Date.now() - started} ms end to end (SDK ${result.durationMs} ms)`,
      result.confirmedBy,
    );
    expect(result).toMatchObject({ domain: { name: g.name }, live: true, mode: 'p2p' });
    expect(result.copiedDisks.map((d) => d.target)).toEqual(['vdb']);
    expect(result.sourceVolumesDeleted.map((v) => v.path)).toEqual([g.diskPath]);
    expect((await b.domains.getState(g.name)).state).toBe('running');
    expect(await a.domains.exists(g.name)).toBe(false);
  }, 180_000);

  it('refuses --live for a shut-off VM, moves it with --offline (its definition only)', async () => {
    const name = `lvm-cli-moff-${Date.now().toString(36)}`;
    const xml = `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>`;
    await a.domains.control.define(xml);
    try {
      const live = await cli(['migrate', name, '--uri', hostUri(2), '--to', hostUri(3), '--live', '--json']);
      expect(live.code).toBe(4);
      expect(errorOf(live.stderr).name).toBe('InvalidStateError');
      expect(await b.domains.exists(name)).toBe(false);
      const result = await cliJson<{ live: boolean; mode: string }>([
        'migrate',
        name,
        '--uri',
        hostUri(2),
        '--to',
        hostUri(3),
        '--offline',
        '--p2p',
      ]);
      expect(result).toMatchObject({ live: false, mode: 'p2p' });
      expect(await a.domains.exists(name)).toBe(false);
      expect((await b.domains.getState(name)).state).toBe('shutoff');
      expect(await b.domains.isPersistent(name)).toBe(true);
    } finally {
      await a.domains.control.undefine(name).catch(() => undefined);
      await b.domains.control.undefine(name).catch(() => undefined);
    }
  }, 60_000);
});
