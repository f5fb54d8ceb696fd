import type { DomainJobStats } from '../../connection/index.js';
import { callOptions, flagOption } from '../args.js';
import type { CliCommand } from '../command.js';
import { bytes } from '../output.js';

/** The fields a human reads first, in virsh `domjobinfo`'s order; `--json` has every one. */
function lines(stats: DomainJobStats): string[] {
  const out: string[] = [];
  const add = (label: string, value: string | undefined): void => {
    if (value !== undefined) out.push(`${label.padEnd(20)} ${value}`);
  };
  const size = (n: number | undefined): string | undefined => (n === undefined ? undefined : bytes(n));
  const ms = (n: number | undefined): string | undefined => (n === undefined ? undefined : `${n} ms`);
  add('Job type:', stats.type);
  add('Operation:', stats.operation);
  add('Time elapsed:', ms(stats.timeElapsed));
  add('Data processed:', size(stats.dataProcessed));
  add('Data remaining:', size(stats.dataRemaining));
  add('Data total:', size(stats.dataTotal));
  add('Memory processed:', size(stats.memoryProcessed));
  add('Memory remaining:', size(stats.memoryRemaining));
  add('Dirty rate:', stats.memoryDirtyRate === undefined ? undefined : `${stats.memoryDirtyRate} pages/s`);
  add('Iteration:', stats.memoryIteration?.toString());
  add('File processed:', size(stats.diskProcessed));
  add('File total:', size(stats.diskTotal));
  add('Expected downtime:', stats.type === 'completed' ? undefined : ms(stats.downtime));
  add('Total downtime:', stats.type === 'completed' ? ms(stats.downtime) : undefined);
  add('Error message:', stats.errmsg);
  return out;
}

/** `job-info <vm>`: the running (or last finished) job's statistics (virsh `domjobinfo`). */
export const jobInfoCommand: CliCommand = {
  name: 'job-info',
  summary: "A VM's running job (migration, backup, save…) and its progress; --completed: the last finished one (virsh domjobinfo)",
  usage: '<vm> [--completed] [--timeout <s>]',
  options: { completed: { type: 'boolean' }, timeout: { type: 'string' } },
  positionals: ['vm'],
  async run(context, { args, values }) {
    const call = callOptions(values, context.signal); // usage errors before connecting
    const manager = await context.connect();
    const stats = await manager.connection.domains.jobs.getStats(args[0]!, {
      ...call,
      ...(flagOption(values, 'completed') ? { completed: true } : {}),
    });
    return { json: stats, human: lines(stats).join('\n') };
  },
};
