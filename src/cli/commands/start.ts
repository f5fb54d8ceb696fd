import { callOptions } from '../args.js';
import type { CliCommand } from '../command.js';

/** `start <vm>`: start and wait until it runs (virsh `start`). */
export const startCommand: CliCommand = {
  name: 'start',
  summary: 'Start a VM and wait until it runs (virsh start)',
  usage: '<vm> [--timeout <s>]',
  options: { timeout: { type: 'string' } },
  positionals: ['vm'],
  async run(context, { args, values }) {
    const call = callOptions(values, context.signal); // usage errors before connecting
    const manager = await context.connect();
    const result = await manager.startVm(args[0]!, call);
    return { json: result, human: `${result.domain.name}: ${result.changed ? 'started' : 'already running'}` };
  },
};
