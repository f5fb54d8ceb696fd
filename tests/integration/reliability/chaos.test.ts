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
import { CompensationLog } from '../../../src/creator/transaction.js';
import { ConnectionClosedError } from '../../../src/index.js';
import { QEMU_URI, startLibvirtd, virsh } from '../../helpers/libvirt.js';
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
    // The daemon is healthy again.
    expect(virsh(QEMU_URI, 'list', '--all', '--name')).toBeTypeOf('string');
  }, 240_000);
});

describe('a rollback cut by a lost connection', () => {
  it('runs the undo again (undos are idempotent), so a second kill mid-rollback still removes everything', async () => {
    const log = new CompensationLog();
    let calls = 0;
    await log.step('volume:disks[0]', 'create volume p/v', async () => 'ref', {
      undo: async () => {
        calls++;
        if (calls === 1) throw new ConnectionClosedError('eof');
        return 'already-gone';
      },
    });
    const report = await log.rollback();
    expect(calls).toBe(2);
    expect(report).toMatchObject({ complete: true, failed: [], undone: [{ step: 'volume:disks[0]', outcome: 'already-gone' }] });
  });

  it('gives up after three lost connections and reports the step as failed', async () => {
    const log = new CompensationLog();
    let calls = 0;
    await log.step('define', 'define domain x', async () => 'ref', {
      undo: async () => {
        calls++;
        throw new ConnectionClosedError('eof');
      },
    });
    const report = await log.rollback();
    expect(calls).toBe(3);
    expect(report.complete).toBe(false);
    expect(report.failed[0]?.error).toBeInstanceOf(ConnectionClosedError);
  });

  it('does not retry other failures', async () => {
    const log = new CompensationLog();
    let calls = 0;
    await log.step('define', 'define domain x', async () => 'ref', {
      undo: async () => {
        calls++;
        throw new Error('refused');
      },
    });
    expect((await log.rollback()).complete).toBe(false);
    expect(calls).toBe(1);
  });
});
