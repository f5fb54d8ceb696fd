import { callOptions } from '../args.js';
import type { CliCommand } from '../command.js';

/**
 * `job-abort <vm>`: cancel a VM's running job (virsh `domjobabort`). A
 * migration the CLI runs elsewhere then fails with its own error and leaves
 * the VM on the source. No job: libvirt's `VIR_ERR_OPERATION_INVALID` (exit 4).
 */
export const jobAbortCommand: CliCommand = {
  name: 'job-abort',
  summary: "Cancel a VM's running job: a migration, backup, save… (virsh domjobabort)",
  usage: '<vm> [--timeout <s>]',
  options: { timeout: { type: 'string' } },
  positionals: ['vm'],
  async run(context, { args, values }) {
    const call = callOptions(values, context.signal); // usage errors before connecting
    const manager = await context.connect();
    await manager.connection.domains.jobs.abort(args[0]!, call);
    return { json: { domain: args[0]!, aborted: true }, human: `${args[0]!}: job abort requested` };
  },
};
