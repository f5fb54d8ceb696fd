import { flagOption, secondsOption, usageError } from '../args.js';
import type { CliCommand } from '../command.js';
import { progressReporter } from '../progress.js';
import { readSpecFile } from '../spec-file.js';
import type { AddressesResult, VmSpec } from '../../index.js';

/** `create <spec>`: a VM from a YAML or JSON `VmSpec` (virt-install, declaratively). */
export const createCommand: CliCommand = {
  name: 'create',
  summary: 'Create a VM from a YAML or JSON spec (VmSpec); optionally start it and wait for its IP address',
  usage: '<spec.yaml|spec.json> [--start] [--wait-ip] [--timeout <s>] [--ip-timeout <s>]',
  options: { start: { type: 'boolean' }, 'wait-ip': { type: 'boolean' }, timeout: { type: 'string' }, 'ip-timeout': { type: 'string' } },
  positionals: ['spec'],
  async run(context, { args, values }) {
    const spec = await readSpecFile(args[0]!);
    if (flagOption(values, 'start')) spec['start'] = true;
    const waitIp = flagOption(values, 'wait-ip');
    if (waitIp && spec['start'] !== true) throw usageError('--wait-ip', 'needs --start (or start: true in the spec)');
    const timeout = secondsOption(values, 'timeout');
    const ipTimeout = secondsOption(values, 'ip-timeout');
    const onProgress = progressReporter(context);
    const manager = await context.connect();
    // The SDK validates the spec (InvalidArgumentError with the field's path, exit 2) before it creates anything.
    const result = await manager.createVm(spec as unknown as VmSpec, {
      signal: context.signal,
      ...(timeout === undefined ? {} : { timeout }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    let found: AddressesResult | undefined;
    if (waitIp) {
      if (context.interactive) context.note(`… waiting for ${result.domain.name}'s IP address`);
      found = await manager.lifecycle.waitForAddresses(result.domain, {
        signal: context.signal,
        ...(ipTimeout === undefined ? {} : { timeout: ipTimeout }),
      });
    }
    const json = {
      domain: result.domain,
      started: result.started,
      volumes: result.created.volumes,
      seed: result.created.seed ?? null,
      ...(found === undefined ? {} : { addresses: found.addresses, addressSource: found.source }),
    };
    const human = [
      `${result.domain.name}: created${result.started ? ' and started' : ''} (uuid ${result.domain.uuid})`,
      ...result.created.volumes.map((v) => `  volume ${v.pool}/${v.name} (${v.role})`),
      ...(found === undefined ? [] : [`  addresses ${found.addresses.join(' ')} (from ${found.source})`]),
    ].join('\n');
    return { json, human };
  },
};
