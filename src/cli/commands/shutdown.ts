import { callOptions, flagOption, stringOption } from '../args.js';
import type { CliCommand } from '../command.js';
import type { PowerMode } from '../../index.js';

/** `shutdown <vm>`: graceful shutdown, forced off after the timeout unless `--no-force` (virsh `shutdown`). */
export const shutdownCommand: CliCommand = {
  name: 'shutdown',
  summary: 'Shut a VM down gracefully; force it off after --timeout unless --no-force (virsh shutdown)',
  usage: '<vm> [--timeout <s>] [--mode acpi|agent|auto] [--no-force]',
  options: { timeout: { type: 'string' }, mode: { type: 'string' }, 'no-force': { type: 'boolean' } },
  positionals: ['vm'],
  async run(context, { args, values }) {
    const call = callOptions(values, context.signal); // usage errors before connecting
    const mode = stringOption(values, 'mode');
    const manager = await context.connect();
    const result = await manager.shutdownVm(args[0]!, {
      ...call,
      // The SDK checks the mode's value.
      ...(mode === undefined ? {} : { mode: mode as PowerMode }),
      ...(flagOption(values, 'no-force') ? { onTimeout: 'throw' as const } : {}),
    });
    const how = result.escalated ? 'forced off after the timeout' : result.changed ? 'shut down' : 'already shut off';
    return { json: result, human: `${result.domain.name}: ${how}` };
  },
};
