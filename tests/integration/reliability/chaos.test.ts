/**
 * Chaos in CI: a small `npm run chaos` (20 create → start → destroy
 * workflows on qemu:///system, libvirtd SIGKILLed a few times, timed and in
 * the middle of chosen steps) with the same verdict: every workflow settled,
 * each completed or ended in a typed error after which the SDK's recovery
 * left nothing behind (virsh, ps and the pool directory agree).
 *
 * This file kills the system libvirtd; integration files run one at a time
 * (vitest.config.ts), and the daemon is always restarted at the end.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/index.js';
import { QEMU_URI, startLibvirtd } from '../../helpers/libvirt.js';
import { runChaos } from '../../reliability/chaos.js';
import { formatChaosSummary } from '../../reliability/chaos-report.js';

afterAll(() => {
  startLibvirtd();
});

describe('chaos: libvirtd SIGKILLed during create/start/destroy workflows', () => {
  it('every workflow settles, completed or recovered by the SDK, and nothing leaks', async () => {
    const summary = await runChaos({
      workflows: 24,
      concurrency: 4,
      seed: 20_240_901,
      killEvery: [2000, 5000],
      maxKills: 2,
      targetedShare: 0.15,
      workflowBound: 120_000,
    });
    const report = formatChaosSummary(summary);
    console.log(report);

    expect(summary.kills, report).toBeGreaterThanOrEqual(2);
    expect(summary.outcomes.pending, report).toBe(0);
    expect(summary.outcomes.unrecovered, report).toBe(0);
    expect(summary.untypedErrors, report).toEqual([]);
    expect(summary.leaked, report).toEqual({ domains: [], volumes: [], files: [], processes: [] });
    expect(summary.busyVmsAfter).toBe(0);
    expect(summary.records).toHaveLength(24);
    for (const record of summary.records) expect(['completed', 'refused', 'rolled-back', 'recovered']).toContain(record.outcome);
    // Workflows were really interrupted (how many, and where, depends on timing).
    expect(summary.records.some((r) => r.errors.length > 0)).toBe(true);
    expect(summary.ok).toBe(true);
    // The daemon is healthy again: a new connection completes libvirt's handshake and the QEMU driver answers.
    await using conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: false, keepalive: false, connectTimeout: 10_000 });
    expect(await conn.host.getType({ timeout: 10_000 })).toBe('QEMU');
  }, 240_000);
});
