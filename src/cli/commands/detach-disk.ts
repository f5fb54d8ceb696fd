import { callOptions, flagOption, scopeOptions } from '../args.js';
import type { CliCommand } from '../command.js';
import { ExitCode } from '../exit-codes.js';

/** `detach-disk <vm> <target>`: detach a disk, confirmed and retried (virsh `detach-disk`). */
export const detachDiskCommand: CliCommand = {
  name: 'detach-disk',
  summary: 'Detach a disk by target (vdb…), confirmed; --delete-volume also deletes a volume the SDK created for the VM',
  usage: '<vm> <target> [--delete-volume] [--live] [--config] [--timeout <s>]',
  options: { 'delete-volume': { type: 'boolean' }, live: { type: 'boolean' }, config: { type: 'boolean' }, timeout: { type: 'string' } },
  positionals: ['vm', 'target'],
  async run(context, { args, values }) {
    const call = callOptions(values, context.signal); // usage errors before connecting
    const manager = await context.connect();
    const result = await manager.detachDisk(args[0]!, args[1]!, {
      ...call,
      ...scopeOptions(values),
      ...(flagOption(values, 'delete-volume') ? { deleteVolume: true } : {}),
    });
    const human = `${args[0]!}: disk ${args[1]!} detached`;
    // The disk is gone but the volume asked to be deleted is not: the command did not do all it was asked (exit 1).
    if (result.volume?.outcome === 'not-deleted')
      return { json: result, human: `${human}; its volume was NOT deleted (${result.volume.reason})`, exitCode: ExitCode.GENERIC };
    return { json: result, human };
  },
};
