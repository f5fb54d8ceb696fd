/**
 * Load in CI, at the numbers: 200 VMs created, started and destroyed
 * concurrently on the test driver over one connection, and 10 real TCG
 * guests booted concurrently on qemu:///system (ready marker on each serial
 * log), shut down and destroyed. Throughput is printed, never asserted
 * (docs/performance.md: speed is measured, not tested); what is asserted is
 * that every call succeeded and `virsh` finds nothing left.
 */
import { describe, expect, it } from 'vitest';
import { formatLoadSummary, runRealGuestLoad, runTestDriverLoad } from '../../reliability/load.js';

describe('load', () => {
  it('200 VMs created, started and destroyed concurrently on the test driver, one connection, nothing left', async () => {
    const summary = await runTestDriverLoad({ vms: 200 });
    const report = formatLoadSummary('test driver', summary);
    console.log(report);
    expect(summary.errors, report).toEqual([]);
    expect(summary.phases.map((p) => [p.phase, p.vms, p.failed])).toEqual([
      ['create', 200, 0],
      ['start', 200, 0],
      ['destroy', 200, 0],
    ]);
    expect(summary.leaked).toEqual({ domains: [], volumes: [], files: [], processes: [] });
    expect(summary.ok).toBe(true);
  }, 120_000);

  it('10 real TCG guests booted concurrently on qemu:///system, shut down and destroyed, nothing left', async () => {
    const summary = await runRealGuestLoad({ vms: 10 });
    const report = formatLoadSummary('real TCG guests', summary);
    console.log(report);
    expect(summary.errors, report).toEqual([]);
    expect(summary.phases.map((p) => p.phase)).toEqual(['create', 'start', 'boot (start → ready marker)', 'shutdown (ACPI)', 'destroy']);
    for (const p of summary.phases) expect(p.failed, p.phase).toBe(0);
    expect(summary.leaked).toEqual({ domains: [], volumes: [], files: [], processes: [] });
    expect(summary.ok).toBe(true);
  }, 240_000);
});
