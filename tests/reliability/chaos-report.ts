/**
 * The table `npm run chaos` prints.
 *
 * @module
 */
import type { ChaosSummary } from './chaos.js';
import { formatTable } from './common.js';

const ms = (v: number): string => (Number.isNaN(v) ? '-' : `${Math.round(v)} ms`);

/** The summary as the table `npm run chaos` prints. */
export function formatChaosSummary(s: ChaosSummary): string {
  const leaked = s.leaked.domains.length + s.leaked.volumes.length + s.leaked.files.length + s.leaked.processes.length;
  const table = formatTable([
    ['chaos run', 'value'],
    ['uri', s.uri],
    ['seed', s.seed],
    ['workflows', s.workflows],
    ['concurrency', s.concurrency],
    ['libvirtd kills (targeted)', `${s.kills} (${s.targetedKills})`],
    ['reconnects', s.reconnects],
    ['domains wedged by libvirt (host repair)', s.repairs],
    ['completed', s.outcomes.completed],
    ['refused (nothing made)', s.outcomes.refused],
    ['rolled back', s.outcomes['rolled-back']],
    ['recovered by destroy', s.outcomes.recovered],
    ['unrecovered (must be 0)', s.outcomes.unrecovered],
    ['leaked (must be 0)', leaked],
    ['pending (must be 0)', s.outcomes.pending],
    ['untyped errors (must be 0)', s.untypedErrors.length],
    ['VM locks held after (must be 0)', s.busyVmsAfter],
    ["libvirtd's stale status files (removed)", s.staleStatusFiles.length],
    ['create p50 / p99 (completed)', `${ms(s.phaseTimes.create.p50)} / ${ms(s.phaseTimes.create.p99)}`],
    ['start p50 / p99 (completed)', `${ms(s.phaseTimes.start.p50)} / ${ms(s.phaseTimes.start.p99)}`],
    ['destroy p50 / p99 (completed)', `${ms(s.phaseTimes.destroy.p50)} / ${ms(s.phaseTimes.destroy.p99)}`],
    ['elapsed', `${(s.elapsedMs / 1000).toFixed(1)} s`],
    ['workflows/s', s.workflowsPerSecond.toFixed(2)],
  ]);
  const lines = [table];
  const errors = Object.entries(s.errorCounts);
  if (errors.length > 0) lines.push('', formatTable([['errors seen (phase class:code)', 'count'], ...errors]));
  if (leaked > 0) {
    lines.push(
      '',
      `LEAKED domains: ${s.leaked.domains.join(' ') || '-'}`,
      `LEAKED volumes: ${s.leaked.volumes.join(' ') || '-'}`,
      `LEAKED files: ${s.leaked.files.join(' ') || '-'}`,
      `LEAKED QEMU processes: ${s.leaked.processes.join(' ') || '-'}`,
    );
  }
  for (const u of s.untypedErrors) lines.push(`UNTYPED ${u}`);
  for (const r of s.records.filter((x) => x.outcome === 'pending' || x.outcome === 'unrecovered')) {
    lines.push(`${r.outcome.toUpperCase()} ${r.name} [${r.errors.join(', ')}]`);
  }
  lines.push('', s.ok ? 'OK: every workflow settled and nothing leaked' : 'FAILED');
  return lines.join('\n');
}
