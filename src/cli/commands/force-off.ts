import { callOptions } from '../args.js';
import type { CliCommand } from '../command.js';

/** `force-off <vm>`: power off at once (virsh `destroy`). */
export const forceOffCommand: CliCommand = {
  name: 'force-off',
  summary: "Power a VM off at once (virsh destroy: the VM's definition and storage stay)",
  usage: '<vm> [--timeout <s>]',
  options: { timeout: { type: 'string' } },
  positionals: ['vm'],
  async run(context, { args, values }) {
    const call = callOptions(values, context.signal); // usage errors before connecting
    const manager = await context.connect();
    const result = await manager.forceOffVm(args[0]!, call);
    return { json: result, human: `${result.domain.name}: ${result.changed ? 'powered off' : 'already shut off'}` };
  },
};
