import { callOptions, flagOption, secondsOption, stringOption } from '../args.js';
import type { CliCommand } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import type { StoragePolicy } from '../../index.js';

/** `destroy <vm>`: stop, delete storage by policy, undefine (virsh `destroy` + `undefine --remove-all-storage`, made safe). */
export const destroyCommand: CliCommand = {
  name: 'destroy',
  summary: 'Tear a VM down: stop it, delete its storage by policy, undefine it',
  usage: '<vm> [--storage owned|all-safe|none] [--force] [--shutdown-timeout <s>] [--timeout <s>]',
  options: {
    storage: { type: 'string' },
    force: { type: 'boolean' },
    'shutdown-timeout': { type: 'string' },
    timeout: { type: 'string' },
  },
  positionals: ['vm'],
  async run(context, { args, values }) {
    const call = callOptions(values, context.signal); // usage errors before connecting
    const storage = stringOption(values, 'storage');
    const shutdownTimeout = secondsOption(values, 'shutdown-timeout');
    const manager = await context.connect();
    const report = await manager.destroyVm(args[0]!, {
      ...call,
      // The SDK checks the policy's value (InvalidArgumentError, exit 2).
      ...(storage === undefined ? {} : { storage: storage as StoragePolicy }),
      ...(flagOption(values, 'force') ? { stop: 'force' as const } : {}),
      ...(shutdownTimeout === undefined ? {} : { shutdownTimeout }),
    });
    const name = report.domain?.name ?? args[0]!;
    const lines = report.alreadyGone
      ? [`${name}: no such VM, nothing to do`]
      : [
          `${name}: ${report.complete ? 'destroyed' : 'NOT fully destroyed (run destroy again to finish)'} (stop: ${report.stopped})`,
          ...report.volumesDeleted.map((v) => `  deleted ${v.path ?? `${v.pool ?? '-'}/${v.name ?? '-'}`}`),
          ...report.volumesKept.map((k) => `  kept    ${k.volume.path ?? k.volume.name ?? '-'} (${k.reason})`),
          ...report.volumesLeft.map((v) => `  left    ${v.path ?? v.name ?? '-'}`),
          ...report.errors.map((e) => `  error   ${e.step}: ${e.error.message}`),
        ];
    return { json: report, human: lines.join('\n'), ...(report.complete ? {} : { exitCode: ExitCode.GENERIC }) };
  },
};
