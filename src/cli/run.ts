/**
 * The dispatcher: parse the command line (`util.parseArgs`), open the manager
 * on the command's first need, run the command, print its result (JSON on
 * stdout with `--json`), print errors on stderr, and return the exit code
 * (see `exit-codes.ts`). Always closes what it opened.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { LibvirtManager } from '../index.js';
import { SDK_VERSION } from '../creator/index.js';
import { usageError } from './args.js';
import type { CliCommand, CliContext, CommandOptions } from './command.js';
import { COMMANDS } from './commands/index.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { errorJson, errorLine, toJson } from './output.js';

/** Options every command takes. */
const GLOBAL_OPTIONS: CommandOptions = {
  uri: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * Where the CLI's documentation is for someone who installed the package (the
 * tarball ships docs/); in a clone of the repository it is docs/cli.md.
 */
const DOCS_POINTER = 'Documentation: node_modules/libvirt-manager/docs/cli.md (docs/cli.md in the repository).';

/** Bound on opening the connection and reading every VM's state, in ms. */
const CONNECT_TIMEOUT = 30_000;

/**
 * The URI, as virsh picks it: `--uri`/`-c`, else `$LIBVIRT_URI` (the SDK's
 * variable), else `$LIBVIRT_DEFAULT_URI` (libvirt's, which virsh reads), else
 * `qemu:///system`.
 */
export function resolveUri(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? env['LIBVIRT_URI'] ?? env['LIBVIRT_DEFAULT_URI'] ?? 'qemu:///system';
}

/** The text of `--help`. */
export function helpText(command?: CliCommand): string {
  if (command !== undefined) {
    return `Usage: libvirt-manager ${command.name} ${command.usage} [--uri <uri>] [--json]\n\n${command.summary}\n\n${DOCS_POINTER}`;
  }
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: libvirt-manager <command> [options] [--uri <uri>] [--json]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  -c, --uri <uri>  libvirt URI (default: $LIBVIRT_URI, $LIBVIRT_DEFAULT_URI, qemu:///system)',
    '  --json           machine output: JSON on stdout, a JSON error object on stderr',
    "  -h, --help       this help, or a command's with `libvirt-manager <command> --help`",
    '  -V, --version    the package version',
    '',
    'Exit codes: 0 ok, 1 other error, 2 usage or invalid argument, 3 not found, 4 invalid state, 5 timeout,',
    '6 connection, 7 auth, 8 already exists, 9 unsupported, 10 device not released, 130 interrupted.',
    '',
    DOCS_POINTER,
  ].join('\n');
}

/** Where the dispatcher writes (injectable for tests of the dispatcher itself). */
export interface CliStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress is drawn only then). */
  stderrIsTty: boolean;
}

const PROCESS_STREAMS: CliStreams = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true,
};

/**
 * Run `libvirt-manager` with `argv` (without `node` and the script); resolves
 * to the exit code. Never throws: every error is printed and mapped.
 * @example process.exitCode = await runCli(['list', '--json'], controller.signal);
 */
export async function runCli(argv: readonly string[], signal: AbortSignal, streams: CliStreams = PROCESS_STREAMS): Promise<number> {
  const json = argv.includes('--json');
  const fail = (error: unknown): number => {
    streams.stderr(`${json ? toJson(errorJson(error)) : errorLine(error)}\n`);
    return exitCodeOf(error);
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    streams.stdout(`${helpText()}\n`);
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  if (name === '--version' || name === '-V') {
    streams.stdout(`${SDK_VERSION}\n`);
    return ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) return fail(usageError(name, `unknown command (one of: ${COMMANDS.map((c) => c.name).join(', ')})`));

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...rest], options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs names the option in its message ("Unknown option '--x'").
    return fail(usageError(name, (error as Error).message));
  }
  const { values, positionals } = parsed;
  if (values['help'] === true) {
    streams.stdout(`${helpText(command)}\n`);
    return ExitCode.OK;
  }
  const max = command.positionals.length + (command.optionalPositionals ?? 0);
  if (positionals.length < command.positionals.length || positionals.length > max) {
    const missing = command.positionals[positionals.length];
    return fail(
      usageError(
        missing === undefined ? name : `<${missing}>`,
        missing === undefined ? `too many arguments (usage: ${name} ${command.usage})` : `missing (usage: ${name} ${command.usage})`,
      ),
    );
  }

  const uri = resolveUri(typeof values['uri'] === 'string' ? values['uri'] : undefined);
  let manager: Promise<LibvirtManager> | undefined;
  const context: CliContext = {
    json,
    uri,
    signal,
    interactive: streams.stderrIsTty && !json,
    connect: () => (manager ??= LibvirtManager.connect(uri, { signal, connectTimeout: CONNECT_TIMEOUT })),
    print: (line) => streams.stdout(`${line}\n`),
    note: (line) => streams.stderr(`${line}\n`),
  };
  try {
    const result = await command.run(context, { args: positionals, values });
    if (result !== undefined) streams.stdout(`${json ? toJson(result.json) : result.human}\n`);
    return result?.exitCode ?? ExitCode.OK;
  } catch (error) {
    return fail(error);
  } finally {
    if (manager !== undefined) await manager.then((m) => m.close({ timeout: 5_000 })).catch(() => undefined);
  }
}
