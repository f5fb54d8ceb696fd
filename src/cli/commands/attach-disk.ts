import { callOptions, flagOption, scopeOptions, stringOption, usageError } from '../args.js';
import type { CliCommand, OptionValues } from '../command.js';
import { progressReporter } from '../progress.js';
import { readSpecFile } from '../spec-file.js';
import type { DiskSpec } from '../../index.js';

/** Fields every disk kind takes, from the command line. */
function common(values: OptionValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['target', 'bus', 'format', 'name'] as const) {
    const value = stringOption(values, key);
    if (value !== undefined) out[key] = value;
  }
  if (flagOption(values, 'readonly')) out['readonly'] = true;
  return out;
}

/**
 * The disk spec: from a file (any `DiskSpec` kind), or the two common cases
 * spelled as options — a new volume (`--pool --size`) or an existing image
 * (`--path`). The SDK validates the result.
 */
async function diskSpec(file: string | undefined, values: OptionValues): Promise<DiskSpec> {
  const size = stringOption(values, 'size');
  const path = stringOption(values, 'path');
  const given = [file, size, path].filter((v) => v !== undefined).length;
  if (given !== 1)
    throw usageError('--size', 'give exactly one of a disk spec file, --pool with --size (a new volume), or --path (an existing image)');
  if (file !== undefined) return { ...(await readSpecFile(file)), ...common(values) } as unknown as DiskSpec;
  if (size !== undefined) return { kind: 'new', pool: stringOption(values, 'pool') ?? '', size, ...common(values) } as unknown as DiskSpec;
  return { kind: 'existing', path, ...common(values) } as unknown as DiskSpec;
}

/** `attach-disk <vm> …`: attach a disk, confirmed by libvirt (virsh `attach-disk`). */
export const attachDiskCommand: CliCommand = {
  name: 'attach-disk',
  summary: 'Attach a disk: a new volume (--pool --size), an existing image (--path), or any disk spec from a file',
  usage:
    '<vm> [<disk.yaml|json>] [--pool <p> --size <size>] [--path <p>] [--target <t>] [--bus <b>] [--format <f>] [--name <vol>] [--readonly] [--live] [--config] [--timeout <s>]',
  options: {
    pool: { type: 'string' },
    size: { type: 'string' },
    path: { type: 'string' },
    target: { type: 'string' },
    bus: { type: 'string' },
    format: { type: 'string' },
    name: { type: 'string' },
    readonly: { type: 'boolean' },
    live: { type: 'boolean' },
    config: { type: 'boolean' },
    timeout: { type: 'string' },
  },
  positionals: ['vm'],
  optionalPositionals: 1,
  async run(context, { args, values }) {
    const disk = await diskSpec(args[1], values);
    const onProgress = progressReporter(context);
    const call = callOptions(values, context.signal); // usage errors before connecting
    const manager = await context.connect();
    const result = await manager.attachDisk(args[0]!, disk, {
      ...call,
      ...scopeOptions(values),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    return { json: result, human: `${args[0]!}: disk ${result.target} attached` };
  },
};
