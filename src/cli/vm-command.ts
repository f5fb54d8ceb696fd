/**
 * The shape of the commands that act on one VM with one SDK call and only
 * `--timeout` of their own (`start`, `force-off`, `job-abort`): parse the
 * call options before connecting, so a usage error never dials, then run.
 *
 * @module
 */
import type { LibvirtManager } from '../index.js';
import { callOptions } from './args.js';
import type { CliCommand, CommandResult } from './command.js';

/** What {@link vmCallCommand} needs: the command's name, its help line, and the call. */
export interface VmCallCommandSpec {
  readonly name: string;
  readonly summary: string;
  /** The SDK call on `vm`, with the caller's signal and `--timeout`; returns what to print. */
  act(manager: LibvirtManager, vm: string, call: { signal: AbortSignal; timeout?: number }): Promise<CommandResult>;
}

/** A `<vm> [--timeout <s>]` command. */
export function vmCallCommand(spec: VmCallCommandSpec): CliCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: '<vm> [--timeout <s>]',
    options: { timeout: { type: 'string' } },
    positionals: ['vm'],
    async run(context, { args, values }) {
      const call = callOptions(values, context.signal); // usage errors before connecting
      return spec.act(await context.connect(), args[0]!, call);
    },
  };
}
