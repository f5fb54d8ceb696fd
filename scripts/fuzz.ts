/**
 * Property-based fuzzing of the framer, the XDR decoders, the RPC client, the
 * XML parsers and the cloud-init builders (tests/fuzz): by default 1,000,000
 * inputs split between the targets by weight.
 *
 *   npm run fuzz                               (= tsx scripts/fuzz.ts)
 *   npx tsx scripts/fuzz.ts --runs 200000      fewer inputs
 *   npx tsx scripts/fuzz.ts --only xml/        targets whose name contains "xml/"
 *   npx tsx scripts/fuzz.ts --seed 42          reproducible run (each target's seed derives from it)
 *   npx tsx scripts/fuzz.ts --only client/garbage --seed 42 --path "17:3:0"   replay one failure
 *   npx tsx scripts/fuzz.ts --list             the targets, their weights and inputs
 *
 * Options: --runs N (total inputs, default 1,000,000), --seed S (base seed,
 * default random), --only NAME (substring, repeatable), --path P (fast-check
 * replay path; with one target), --jobs J (worker threads, default
 * min(2, cores)), --hang-seconds T (watchdog, default 60), --verbose.
 *
 * Targets run in worker threads so a watchdog can stop one that stops making
 * progress (a synchronous infinite loop cannot be interrupted from inside) and
 * name the input it hung on. Exits 1 when any target fails, 2 on bad usage.
 * See docs/reliability.md for what is checked.
 */
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  ALL_TARGETS,
  type TargetReport,
  clientCoverage,
  distributeRuns,
  formatFailure,
  runTarget,
  setInputHook,
  targetSeed,
} from '../tests/fuzz/index.js';

interface Job {
  name: string;
  numRuns: number;
  seed: number;
  path?: string;
}

interface WorkerInit {
  /** Int32 slot this worker bumps once per input, for the watchdog. */
  progress: SharedArrayBuffer;
}

type WorkerMessage =
  { kind: 'report'; report: TargetReport; coverage: Record<string, number> } | { kind: 'crash'; name: string; error: string };

// ---- worker ----------------------------------------------------------------

async function workerMain(): Promise<void> {
  const { progress } = workerData as WorkerInit;
  const counter = new Int32Array(progress);
  setInputHook(() => Atomics.add(counter, 0, 1));
  parentPort!.on('message', (job: Job) => {
    void (async () => {
      const target = ALL_TARGETS.find((t) => t.name === job.name)!;
      Atomics.store(counter, 0, 0);
      try {
        const report = await runTarget(target, {
          numRuns: job.numRuns,
          seed: job.seed,
          ...(job.path === undefined ? {} : { path: job.path }),
        });
        parentPort!.postMessage({ kind: 'report', report, coverage: { ...clientCoverage } } satisfies WorkerMessage);
      } catch (error) {
        parentPort!.postMessage({
          kind: 'crash',
          name: job.name,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies WorkerMessage);
      }
    })();
  });
}

// ---- main ------------------------------------------------------------------

interface Options {
  runs: number;
  seed: number;
  only: string[];
  path: string | undefined;
  jobs: number;
  hangSeconds: number;
  verbose: boolean;
  list: boolean;
}

function usage(message: string): never {
  console.error(
    `fuzz: ${message}\nusage: tsx scripts/fuzz.ts [--runs N] [--seed S] [--only NAME]… [--path P] [--jobs J] [--hang-seconds T] [--verbose] [--list]`,
  );
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    runs: 1_000_000,
    seed: Math.floor(Math.random() * 2 ** 31),
    only: [],
    path: undefined,
    jobs: Math.max(1, Math.min(2, availableParallelism())),
    hangSeconds: 60,
    verbose: false,
    list: false,
  };
  const integer = (value: string | undefined, flag: string, min: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isSafeInteger(n) || n < min) usage(`${flag} needs an integer ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--runs':
        options.runs = integer(value(), '--runs', 1);
        break;
      case '--seed':
        options.seed = integer(value(), '--seed', -(2 ** 31)) | 0;
        break;
      case '--only': {
        const name = value();
        if (name === undefined) usage('--only needs a target name');
        options.only.push(name);
        break;
      }
      case '--path':
        options.path = value();
        break;
      case '--jobs':
        options.jobs = integer(value(), '--jobs', 1);
        break;
      case '--hang-seconds':
        options.hangSeconds = integer(value(), '--hang-seconds', 1);
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--list':
        options.list = true;
        break;
      default:
        usage(`unknown option ${arg}`);
    }
  }
  return options;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function reportLine(r: TargetReport, width: number): string {
  const rate = r.numRuns / (r.ms / 1000);
  const status = r.failed ? '✖' : '✔';
  const retained = r.retainedGrowth === null ? '' : `  retained ${mib(Math.max(0, r.retainedGrowth))}`;
  return (
    `${status} ${r.name.padEnd(width)} ${fmt(r.numRuns).padStart(9)} inputs ${(r.ms / 1000).toFixed(1).padStart(6)} s ${fmt(Math.round(rate)).padStart(8)}/s` +
    `  slowest ${r.stats.maxMs.toFixed(1)} ms  max alloc ${mib(Math.max(0, r.stats.maxAllocation))}${retained}` +
    (r.numSkips > 0 ? `  skipped ${fmt(r.numSkips)}` : '') +
    (r.stats.retriedSlow > 0 ? `  slow-then-fine ${r.stats.retriedSlow}` : '')
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const targets = options.only.length === 0 ? ALL_TARGETS : ALL_TARGETS.filter((t) => options.only.some((o) => t.name.includes(o)));
  if (targets.length === 0) usage(`no target matches ${options.only.join(', ')}; --list shows them`);
  if (options.path !== undefined && targets.length !== 1) usage('--path replays one target: select exactly one with --only');
  // A replay runs just the recorded input (fast-check would otherwise continue from it for numRuns inputs).
  const runs = options.path === undefined ? distributeRuns(options.runs, targets) : new Map(targets.map((t) => [t.name, 1]));
  const width = Math.max(...targets.map((t) => t.name.length));

  if (options.list) {
    for (const t of targets)
      console.log(
        `${t.name.padEnd(width)}  weight ${String(t.weight).padStart(4)}  ${fmt(runs.get(t.name)!).padStart(9)} inputs  ${t.description}`,
      );
    return;
  }

  const total = [...runs.values()].reduce((a, b) => a + b, 0);
  console.log(
    `fuzz: ${fmt(total)} inputs over ${targets.length} targets, base seed ${options.seed}, ${options.jobs} worker(s)` +
      (options.path === undefined ? '' : `, replaying path ${options.path}`),
  );

  // Expensive targets first, so the workers finish together.
  const queue: Job[] = targets
    .map((t) => ({
      name: t.name,
      numRuns: runs.get(t.name)!,
      seed: targetSeed(options.seed, t.name),
      ...(options.path === undefined ? {} : { path: options.path }),
    }))
    .sort((a, b) => b.numRuns * costOf(b.name) - a.numRuns * costOf(a.name));
  const reports: TargetReport[] = [];
  const failures: string[] = [];
  const coverage: Record<string, number> = {};
  const started = performance.now();

  await Promise.all(
    Array.from({ length: Math.min(options.jobs, queue.length) }, async () => {
      const slot = new WorkerSlot();
      while (queue.length > 0) {
        const job = queue.shift()!;
        const outcome = await slot.run(job, options.hangSeconds);
        if (outcome.kind === 'report') {
          reports.push(outcome.report);
          if (job.name.startsWith('client/')) Object.assign(coverage, outcome.coverage);
          console.log(reportLine(outcome.report, width));
          if (outcome.report.failed) failures.push(formatFailure(outcome.report, options.seed));
        } else {
          console.log(`✖ ${job.name.padEnd(width)} ${outcome.error.split('\n')[0]}`);
          failures.push(`${job.name}: ${outcome.error}`);
        }
      }
      slot.close();
    }),
  );

  const seconds = (performance.now() - started) / 1000;
  const inputs = reports.reduce((sum, r) => sum + r.numRuns, 0);
  const cpu = reports.reduce((sum, r) => sum + r.ms, 0) / 1000;
  if (options.verbose && Object.keys(coverage).length > 0) console.log(`\nclient/garbage outcomes: ${JSON.stringify(coverage)}`);
  console.log(
    `\n${fmt(inputs)} inputs in ${seconds.toFixed(1)} s wall (${fmt(Math.round(inputs / seconds))}/s; ${cpu.toFixed(1)} s of target time), ` +
      `${failures.length} failure(s), base seed ${options.seed}`,
  );
  for (const f of failures) console.log(`\n${f}`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

/** Rough µs per input, only to order the queue. */
function costOf(name: string): number {
  if (name === 'xml/structure') return 25_000;
  if (name === 'xml/values') return 4_000;
  if (name.startsWith('xml/') || name.startsWith('client/')) return 400;
  if (name.startsWith('iso/')) return 250;
  return 60;
}

/**
 * A worker does not inherit tsx's module hooks (Node 20 registers them per
 * thread, and `--import` is not applied to workers), so each worker registers
 * tsx itself before loading this file.
 */
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;

type Outcome = { kind: 'report'; report: TargetReport; coverage: Record<string, number> } | { kind: 'error'; error: string };

/** A long-lived worker running one job at a time, replaced when it hangs or dies. */
class WorkerSlot {
  #worker: Worker | null = null;
  #counter = new Int32Array(new SharedArrayBuffer(4));

  #spawn(): Worker {
    this.#counter = new Int32Array(new SharedArrayBuffer(4));
    return new Worker(WORKER_BOOTSTRAP, {
      eval: true,
      workerData: { progress: this.#counter.buffer as SharedArrayBuffer } satisfies WorkerInit,
    });
  }

  /** Run `job`; a watchdog on the per-input counter stops a worker that makes no progress. */
  run(job: Job, hangSeconds: number): Promise<Outcome> {
    const worker = (this.#worker ??= this.#spawn());
    const counter = this.#counter;
    return new Promise((resolve) => {
      let last = -1;
      let stalledSince = performance.now();
      const finish = (outcome: Outcome, broken: boolean): void => {
        clearInterval(watchdog);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (broken) {
          void worker.terminate();
          this.#worker = null;
        }
        resolve(outcome);
      };
      const onMessage = (message: WorkerMessage): void => {
        if (message.kind === 'report') finish({ kind: 'report', report: message.report, coverage: message.coverage }, false);
        else finish({ kind: 'error', error: message.error }, false);
      };
      const onError = (error: Error): void => finish({ kind: 'error', error: `worker crashed: ${error.stack ?? error.message}` }, true);
      const onExit = (code: number): void => finish({ kind: 'error', error: `worker exited with code ${code} before reporting` }, true);
      const watchdog = setInterval(() => {
        const now = Atomics.load(counter, 0);
        if (now !== last) {
          last = now;
          stalledSince = performance.now();
          return;
        }
        if (performance.now() - stalledSince > hangSeconds * 1000) {
          // The counter names the input being processed: its 0-based index is the fast-check path (before any shrinking).
          finish(
            {
              kind: 'error',
              error: `no progress for ${hangSeconds} s at input #${now} (fast-check seed ${job.seed}): a hang; replay with --only ${job.name} --path "${job.path ?? Math.max(0, now - 1)}" and the same --seed`,
            },
            true,
          );
        }
      }, 1000);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(job);
    });
  }

  close(): void {
    void this.#worker?.terminate();
    this.#worker = null;
  }
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  void workerMain();
}
