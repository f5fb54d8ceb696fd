import { LibvirtConnection } from '../../index.js';
import { type MigrateOptions, MigrationManager, type MigrationProgress, type MigrationResult } from '../../migration/index.js';
import { callOptions, flagOption, listOption, positiveIntegerOption, secondsOption, stringOption, usageError } from '../args.js';
import type { CliCommand, OptionValues } from '../command.js';
import { errorLine } from '../output.js';
import { migrationProgressReporter } from '../progress.js';

/** Two flags that exclude each other. */
function oneOf(values: OptionValues, a: string, b: string): void {
  if (flagOption(values, a) && flagOption(values, b)) throw usageError(`--${b}`, `--${a} and --${b} exclude each other`);
}

/**
 * The SDK's options from the command line, with virsh's meanings: no `--p2p`
 * is a client-driven (managed) migration, `--live`/`--offline` state what must
 * move. Everything here is syntax; the SDK checks the rest (nothing is sent
 * before its checks).
 */
function migrateOptions(values: OptionValues): Omit<MigrateOptions, 'to' | 'signal' | 'timeout' | 'onProgress'> {
  oneOf(values, 'live', 'offline');
  oneOf(values, 'copy-storage-all', 'copy-storage-inc');
  const pool = stringOption(values, 'pool');
  const bandwidth = positiveIntegerOption(values, 'bandwidth');
  const maxDowntime = positiveIntegerOption(values, 'max-downtime');
  const methods = listOption(values, 'comp-methods');
  const live = flagOption(values, 'live') ? true : flagOption(values, 'offline') ? false : undefined;
  const storage = flagOption(values, 'copy-storage-all')
    ? 'copy-all'
    : flagOption(values, 'copy-storage-inc')
      ? 'copy-incremental'
      : 'shared';
  if (pool !== undefined && storage === 'shared') throw usageError('--pool', 'needs --copy-storage-all or --copy-storage-inc');
  return {
    mode: flagOption(values, 'p2p') ? 'p2p' : 'managed',
    storage,
    ...(live === undefined ? {} : { live }),
    ...(pool === undefined ? {} : { pool }),
    ...(bandwidth === undefined ? {} : { bandwidth }),
    ...(maxDowntime === undefined ? {} : { maxDowntime }),
    ...(flagOption(values, 'auto-converge') ? { autoConverge: true } : {}),
    ...(flagOption(values, 'postcopy') ? { postCopy: true } : {}),
    // --compressed alone: QEMU's default method, xbzrle (as virsh without --comp-methods). The SDK checks the names.
    ...(methods !== undefined
      ? { compression: methods as ('xbzrle' | 'mt')[] }
      : flagOption(values, 'compressed')
        ? { compression: ['xbzrle' as const] }
        : {}),
  };
}

/** The human summary of a finished migration. */
function summary(vm: string, r: MigrationResult): string {
  const seconds = (r.durationMs / 1000).toFixed(1);
  const downtime = r.stats?.downtime === undefined ? '' : `, downtime ${r.stats.downtime} ms`;
  return [
    `${vm}: migrated ${r.live ? 'live' : 'offline (its definition)'} to ${r.destinationUri} (${r.mode}, ${seconds} s${downtime}${r.postCopied ? ', post-copy' : ''})`,
    ...r.copiedDisks.map((d) => `  disk ${d.target} copied into ${d.pool}/${d.name}`),
    ...r.sourceVolumesDeleted.map((v) => `  source volume ${v.pool}/${v.name} deleted`),
    ...r.sourceVolumesKept.map((k) => `  source volume ${k.volume.pool}/${k.volume.name} kept (${k.reason})`),
  ].join('\n');
}

/** `migrate <vm> --to <uri>`: move a VM to another host (virsh `migrate`), through `MigrationManager`. */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Migrate a VM to another host: live or offline, p2p or managed, shared or copied storage (virsh migrate)',
  usage:
    '<vm> --to <uri> [--live|--offline] [--p2p] [--copy-storage-all|--copy-storage-inc] [--pool <p>] [--bandwidth <MiB/s>] ' +
    '[--max-downtime <ms>] [--auto-converge] [--postcopy [--postcopy-after <s>]] [--compressed] [--comp-methods xbzrle,mt] [--timeout <s>]',
  options: {
    to: { type: 'string' },
    live: { type: 'boolean' },
    offline: { type: 'boolean' },
    p2p: { type: 'boolean' },
    'copy-storage-all': { type: 'boolean' },
    'copy-storage-inc': { type: 'boolean' },
    pool: { type: 'string' },
    bandwidth: { type: 'string' },
    'max-downtime': { type: 'string' },
    'auto-converge': { type: 'boolean' },
    postcopy: { type: 'boolean' },
    'postcopy-after': { type: 'string' },
    compressed: { type: 'boolean' },
    'comp-methods': { type: 'string' },
    timeout: { type: 'string' },
  },
  positionals: ['vm'],
  async run(context, { args, values }) {
    const vm = args[0]!;
    // Usage errors before connecting.
    const to = stringOption(values, 'to');
    if (to === undefined || to === '') throw usageError('--to', 'the destination URI is required (e.g. qemu+ssh://host2/system)');
    const options = migrateOptions(values);
    const postcopyAfter = secondsOption(values, 'postcopy-after');
    if (postcopyAfter !== undefined && options.postCopy !== true) throw usageError('--postcopy-after', 'needs --postcopy');
    const call = callOptions(values, context.signal);
    const bar = migrationProgressReporter(context, vm);

    // The destination first: a bad --to fails before the source is touched. Closed here; the dispatcher closes the source.
    const dest = await LibvirtConnection.connect(to, { signal: context.signal });
    try {
      const manager = await context.connect();
      let switchError: unknown;
      let switching = false;
      const onProgress = (p: MigrationProgress): void => {
        bar?.onProgress(p);
        // --postcopy-after: switch once the job has run that long (progress comes only while it runs).
        if (postcopyAfter !== undefined && !switching && p.elapsedMs >= postcopyAfter) {
          switching = true;
          job.switchToPostCopy({ signal: context.signal }).catch((error: unknown) => (switchError = error));
        }
      };
      const job = new MigrationManager(manager.connection).start(vm, { ...options, ...call, to: dest, onProgress });
      let result: MigrationResult;
      try {
        result = await job.result;
      } finally {
        bar?.end();
      }
      // The switch is best effort: a job that converged first simply finished in pre-copy (`postCopied: false`).
      if (switchError !== undefined && !result.postCopied) context.note(`${errorLine(switchError)} (the migration completed in pre-copy)`);
      return { json: result, human: summary(vm, result) };
    } finally {
      await dest.close({ timeout: 5_000 }).catch(() => undefined);
    }
  },
};
