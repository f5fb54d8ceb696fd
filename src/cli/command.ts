/**
 * What every CLI command is: a name, its options for `util.parseArgs`, the
 * positionals it needs, and a `run` that calls the SDK's public API and
 * returns what to print. The dispatcher (`run.ts`) does the rest: parsing,
 * connecting, printing, exit codes.
 *
 * @module
 */
import type { ParseArgsConfig } from 'node:util';
import type { LibvirtManager } from '../index.js';

/** Options of one command, in `util.parseArgs` form. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** Parsed option values (`util.parseArgs`'s `values`). */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What a command receives. */
export interface CommandInput {
  /** Positionals after the command name, in order (at least as many as {@link CliCommand.positionals}). */
  readonly args: readonly string[];
  /** Option values (global ones included). */
  readonly values: OptionValues;
}

/** What the dispatcher gives a command. */
export interface CliContext {
  /** `--json`: machine output on stdout. */
  readonly json: boolean;
  /** The URI the command connects to. */
  readonly uri: string;
  /** Aborted on SIGINT. */
  readonly signal: AbortSignal;
  /** `true` when stderr is a terminal and `--json` is off: progress may be drawn there. */
  readonly interactive: boolean;
  /** Open the manager (once; the dispatcher closes it). */
  connect(): Promise<LibvirtManager>;
  /** Write one line to stdout (commands that stream, e.g. `events`). */
  print(line: string): void;
  /** Write one line to stderr (notes and progress: never machine output). */
  note(line: string): void;
}

/** What a command returns for the dispatcher to print: `json` with `--json`, else `human`. */
export interface CommandResult {
  readonly json: unknown;
  readonly human: string;
  /** Exit code when the command finished but did not do all it should (e.g. a teardown that left volumes). @default 0 */
  readonly exitCode?: number;
}

/** One command of `libvirt-manager`. */
export interface CliCommand {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** The arguments, e.g. `'<vm> [--timeout <s>]'`. */
  readonly usage: string;
  readonly options: CommandOptions;
  /** Names of the required positionals, in order. */
  readonly positionals: readonly string[];
  /** Positionals that may follow the required ones. @default 0 */
  readonly optionalPositionals?: number;
  /** Run it; `undefined` for commands that printed as they went. */
  run(context: CliContext, input: CommandInput): Promise<CommandResult | undefined>;
}
