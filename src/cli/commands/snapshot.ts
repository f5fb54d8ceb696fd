import { callOptions, flagOption, stringOption, usageError } from '../args.js';
import type { CliCommand } from '../command.js';

const ACTIONS = ['create', 'list', 'revert', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

/**
 * `snapshot <vm> <create|list|revert|delete> [name]`: virsh `snapshot-create-as`, `snapshot-list --tree`,
 * `snapshot-revert`, `snapshot-delete`, through the facade's snapshot methods.
 */
export const snapshotCommand: CliCommand = {
  name: 'snapshot',
  summary: 'Create, list, revert or delete snapshots (internal or external; overlays owned by the VM)',
  usage:
    '<vm> create <name> [--description <text>] [--disk-only] [--internal|--external] [--quiesce auto|required|off] | ' +
    '<vm> list | <vm> revert <name> [--running|--paused] [--force] | <vm> delete <name> [--children]  [--timeout <s>]',
  options: {
    description: { type: 'string' },
    'disk-only': { type: 'boolean' },
    internal: { type: 'boolean' },
    external: { type: 'boolean' },
    quiesce: { type: 'string' },
    running: { type: 'boolean' },
    paused: { type: 'boolean' },
    force: { type: 'boolean' },
    children: { type: 'boolean' },
    timeout: { type: 'string' },
  },
  positionals: ['vm', 'action'],
  optionalPositionals: 1,
  async run(context, { args, values }) {
    const call = callOptions(values, context.signal); // usage errors before connecting
    const [vm, actionArg, name] = args as [string, string, string | undefined];
    if (!(ACTIONS as readonly string[]).includes(actionArg))
      throw usageError('action', `the action must be one of ${ACTIONS.join(', ')}, got ${JSON.stringify(actionArg)}`);
    const action = actionArg as Action;
    if (action !== 'list' && name === undefined) throw usageError('name', `snapshot ${action} needs the snapshot's name`);
    if (flagOption(values, 'internal') && flagOption(values, 'external'))
      throw usageError('external', '--internal and --external exclude each other');
    const quiesce = stringOption(values, 'quiesce');
    if (quiesce !== undefined && !['auto', 'required', 'off'].includes(quiesce))
      throw usageError('quiesce', `--quiesce must be auto, required or off, got ${JSON.stringify(quiesce)}`);
    const manager = await context.connect();
    switch (action) {
      case 'list': {
        const list = await manager.listSnapshots(vm, call);
        const line = (s: (typeof list)[number]): string =>
          `${s.current ? '*' : ' '} ${s.name}  ${s.kind}${s.memory === 'no' ? '' : ' +memory'}  ${s.state ?? '-'}  parent ${s.parent ?? '-'}`;
        return { json: list, human: list.length === 0 ? `${vm}: no snapshots` : list.map(line).join('\n') };
      }
      case 'create': {
        const description = stringOption(values, 'description');
        const disks = flagOption(values, 'internal') ? 'internal' : flagOption(values, 'external') ? 'external' : undefined;
        const result = await manager.createSnapshot(vm, {
          ...call,
          name: name!,
          ...(description === undefined ? {} : { description }),
          ...(flagOption(values, 'disk-only') ? { memory: false } : {}),
          ...(disks === undefined ? {} : { disks }),
          ...(quiesce === undefined ? {} : { quiesce: quiesce as 'auto' | 'required' | 'off' }),
        });
        const s = result.snapshot;
        return { json: result, human: `${vm}: snapshot ${s.name} created (${s.kind}${s.memory === 'no' ? '' : ', with memory'})` };
      }
      case 'revert': {
        const result = await manager.revertSnapshot(vm, name!, {
          ...call,
          ...(flagOption(values, 'running') ? { running: true } : {}),
          ...(flagOption(values, 'paused') ? { paused: true } : {}),
          ...(flagOption(values, 'force') ? { force: true } : {}),
        });
        return { json: result, human: `${vm}: reverted to ${name!}` };
      }
      case 'delete': {
        const result = await manager.deleteSnapshot(vm, name!, { ...call, ...(flagOption(values, 'children') ? { children: true } : {}) });
        return { json: result, human: `${vm}: snapshot ${name!} deleted` };
      }
    }
  },
};
