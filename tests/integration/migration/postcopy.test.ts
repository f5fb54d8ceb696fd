/**
 * Post-copy between two test hosts (scripts/test-hosts.sh) with a real TCG guest that dirties its memory faster
 * than the migration may send it: pre-copy cannot converge, `switchToPostCopy()` ends it. The guest has no disk
 * (it boots from a kernel and initramfs both hosts see), so only memory moves. One guest test at a time: run under
 * `flock /tmp/lvm-qemu.lock`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LibvirtConnection, type LibvirtEvent } from '../../../src/connection/index.js';
import { MigrationManager, type MigrationProgress } from '../../../src/migration/index.js';
import { guestStartDirtying } from '../../helpers/guest-disk.js';
import { parseMarkerLine, serialOffset, waitForSerialLine } from '../../helpers/guest.js';
import { type HostGuest, cleanup, outside, startGuestWithoutDisk, connectPair, type HostPair } from './helpers.js';

/** The buffer the guest rewrites (MiB) and the migration's bandwidth (MiB/s): the guest dirties it many times faster. */
const DIRTY_MIB = 32;
const BANDWIDTH = 8;
/** What pre-copy may leave for the final pause: QEMU's default downtime limit (300 ms, libvirt keeps it) at the bandwidth. */
const FITS_IN_DOWNTIME = 0.3 * BANDWIDTH * 1024 * 1024;
/** QEMU's x86 target page: the job statistics' dirty rate is in pages per second. */
const PAGE = 4096;
const MiB = 1024 * 1024;

let a: LibvirtConnection;
let b: LibvirtConnection;
let hosts: HostPair | undefined;
let guest: HostGuest | undefined;

beforeAll(async () => {
  hosts = await connectPair(2);
  ({ a, b } = hosts);
}, 120_000);

afterEach(async () => {
  await cleanup([a, b], guest);
  guest = undefined;
});

afterAll(async () => {
  await hosts?.close();
});

/** pass and uptime of a `LIBVIRT_MANAGER_DIRTY pass=<n> mib=<MiB> uptime=<s>` line. */
function dirtyLine(line: string): { pass: number; uptime: number } {
  const { fields } = parseMarkerLine(line);
  return { pass: Number(fields.pass), uptime: Number(fields.uptime) };
}

describe('post-copy on a guest that dirties memory faster than the bandwidth', () => {
  it('pre-copy does not converge; switchToPostCopy() completes it and the guest keeps running on the destination', async () => {
    guest = await startGuestWithoutDisk(a, 2, 'mpd');
    const g = guest;
    const logA = outside(2, g.logPath);
    const logB = outside(3, g.logPath);
    const prefix = g.manifest.dirtyMarkerPrefix;
    await guestStartDirtying(a, g.vm, logA, DIRTY_MIB);
    // The guest's own dirty rate, from two of its lines a few seconds apart.
    const first = dirtyLine(await waitForSerialLine(logA, prefix, 30_000));
    const later = dirtyLine(
      await waitForSerialLine(logA, prefix, 30_000, (line) => dirtyLine(line).uptime >= first.uptime + 2, { from: serialOffset(logA) }),
    );
    const guestRate = ((later.pass - first.pass) * DIRTY_MIB) / (later.uptime - first.uptime);

    // The source's lifecycle events, to time the switch (SUSPENDED/POSTCOPY: the guest now runs on the destination).
    const events = new AbortController();
    let switchedAt: number | undefined;
    const stream = a.events({ types: ['domain.lifecycle'], signal: events.signal });
    await stream.ready;
    const pump = (async () => {
      for await (const e of stream as AsyncIterable<LibvirtEvent>)
        if (e.type === 'domain.lifecycle' && e.domain.name === g.name && e.event === 'suspended' && e.detail === 'postcopy')
          switchedAt ??= Date.now();
    })().catch(() => undefined);

    const reports: MigrationProgress[] = [];
    let stuck: MigrationProgress | undefined;
    let requestedAt = 0;
    let switched: Promise<void> | undefined;
    const started = Date.now();
    const job = new MigrationManager(a).start(g.name, {
      to: b,
      storage: 'shared',
      bandwidth: BANDWIDTH,
      postCopy: true,
      timeout: 120_000,
      onProgress: (p) => {
        reports.push(p);
        // Pre-copy cannot converge: two passes after the first, memory still to send is far above what fits in the
        // final pause. (QEMU's dirty rate counts pages newly dirtied since its last sync — while the whole buffer
        // waits to be sent, that is about what was sent, so it reads near the bandwidth, not the guest's rate.)
        if (switched === undefined && p.memoryIteration >= 3 && p.memoryRemaining > 4 * FITS_IN_DOWNTIME) {
          stuck = p;
          requestedAt = Date.now();
          switched = job.switchToPostCopy({ timeout: 30_000 });
        }
      },
    });
    const result = await job.result;
    const done = Date.now();
    await switched;
    events.abort();
    await pump;

    // Per pass, as its last progress report saw it: memory sent so far, left to send, QEMU's dirty rate (MiB).
    const passes = new Map<number, string>();
    for (const p of reports)
      passes.set(
        p.memoryIteration,
        `${(p.memoryProcessed / MiB).toFixed(0)}/${(p.memoryRemaining / MiB).toFixed(0)}/${((p.memoryDirtyRate * PAGE) / MiB).toFixed(1)}`,
      );
    console.log(
      `post-copy on a dirtying guest: guest dirties ${guestRate.toFixed(1)} MiB/s (${DIRTY_MIB} MiB buffer), bandwidth ${BANDWIDTH} MiB/s; ` +
        `switch requested ${requestedAt - started} ms after start (pass ${stuck?.memoryIteration}, QEMU dirty rate ` +
        `${(((stuck?.memoryDirtyRate ?? 0) * PAGE) / MiB).toFixed(1)} MiB/s, ${((stuck?.memoryRemaining ?? 0) / MiB).toFixed(1)} MiB remaining); ` +
        `SUSPENDED/POSTCOPY ${switchedAt === undefined ? 'not seen' : `${switchedAt - requestedAt} ms`} after the request; ` +
        `done ${done - requestedAt} ms after it, ${done - started} ms in all; pass:sent/remaining/dirty MiB ${[...passes].map(([n, v]) => `${n}:${v}`).join(' ')}`,
      { postCopied: result.postCopied, confirmedBy: result.confirmedBy, downtime: result.stats?.downtime },
    );
    // The guest dirtied faster than the bandwidth (its own count and QEMU's), so pre-copy alone would not end.
    expect(guestRate).toBeGreaterThan(BANDWIDTH);
    expect(stuck).toBeDefined();
    expect(stuck!.memoryDirtyRate * PAGE).toBeGreaterThan(0);
    expect(result.postCopied).toBe(true);
    expect(await a.domains.exists(g.name)).toBe(false);
    expect((await b.domains.getState(g.name)).state).toBe('running');
    // No reboot: the dirtying loop goes on on the destination, further on in passes and uptime.
    const after = dirtyLine(await waitForSerialLine(logB, prefix, 30_000, (line) => dirtyLine(line).uptime > later.uptime));
    expect(after.pass).toBeGreaterThan(later.pass);
  }, 120_000);
});
