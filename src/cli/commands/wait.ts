import { callOptions, flagOption, listOption, stringOption, usageError } from '../args.js';
import type { CliCommand } from '../command.js';
import type { VmStateName } from '../../index.js';

/** `wait <vm> --state s[,s…] | --ip`: until the VM is in one of the states, or has an address. */
export const waitCommand: CliCommand = {
  name: 'wait',
  summary: 'Wait until a VM is in one of the given states (--state), or reports an IP address (--ip)',
  usage: '<vm> (--state <s>[,<s>…] | --ip [--family ipv4|ipv6|any]) [--timeout <s>]',
  options: { state: { type: 'string' }, ip: { type: 'boolean' }, family: { type: 'string' }, timeout: { type: 'string' } },
  positionals: ['vm'],
  async run(context, { args, values }) {
    const states = listOption(values, 'state');
    const ip = flagOption(values, 'ip');
    if ((states === undefined) === !ip) throw usageError('--state', 'give exactly one of --state or --ip');
    const call = callOptions(values, context.signal);
    const manager = await context.connect();
    if (states !== undefined) {
      // The registry checks the state names (InvalidArgumentError, exit 2).
      const snapshot = await manager.vms.waitFor(args[0]!, states as VmStateName[], call);
      return { json: snapshot, human: `${snapshot.domain.name}: ${snapshot.state} (${snapshot.reason})` };
    }
    const family = stringOption(values, 'family');
    const found = await manager.lifecycle.waitForAddresses(args[0]!, {
      ...call,
      ...(family === undefined ? {} : { family: family as 'ipv4' | 'ipv6' | 'any' }),
    });
    return { json: found, human: `${found.domain.name}: ${found.addresses.join(' ')} (from ${found.source})` };
  },
};
