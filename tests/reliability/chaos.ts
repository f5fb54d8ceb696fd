/**
 * The chaos run behind `npm run chaos` and its CI-sized test: N
 * create → start → destroy workflows through `LibvirtManager` on
 * `qemu:///system`, while libvirtd is SIGKILLed and restarted at random
 * moments. Every workflow must end completed, or failed with a typed error
 * after which the SDK's own recovery (the creator's rollback; then
 * `destroyer.destroy(name)`) leaves nothing behind. `virsh`, `ps` and the
 * pool directory are the judges.
 *
 * Two kinds of kills, both chosen by the seed:
 * - **timed**: every `killEvery` ms (2–8 s), wherever the workflows are;
 * - **targeted**: a share of workflows kill libvirtd a few ms after one of
 *   their own steps started (a volume creation, the seed upload, the define,
 *   start or destroy), so every step of the creator's transaction is hit,
 *   not only the long ones.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { type CreateResult, type DestroyReport, LibvirtManager, type Logger, type VmSpec, getRollbackReport } from '../../src/index.js';
import { ensureTestGuest, type GuestManifest, guestVmSpec } from '../helpers/guest.js';
import { QEMU_URI, sleep } from '../helpers/libvirt.js';
import { type TempPool, tempPool } from '../helpers/pool.js';
import {
  Rng,
  errorLabel,
  isTyped,
  leftoverDomains,
  leftoverFiles,
  leftoverProcesses,
  leftoverVolumes,
  percentile,
  purge,
  purgePool,
  restartLibvirtd,
  sleepUnless,
  sshKeyPair,
} from './common.js';
import { Daemon, QEMU_STATUS_DIR, wedged } from './daemon.js';

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  /** @default 'qemu:///system' */
  uri?: string;
  /** Workflows to run. @default 200 */
  workflows?: number;
  /** Workflows in flight at once. @default 4 */
  concurrency?: number;
  /** RNG seed: the workflows' specs, targeted kills and the timed kills' schedule. @default random */
  seed?: number;
  /** Pause between one restart and the next timed kill, in ms: uniform in [min, max]. @default [2000, 8000] */
  killEvery?: readonly [number, number];
  /** Stop the timed kills after this many. @default unlimited */
  maxKills?: number;
  /** Share of workflows that kill libvirtd during one of their own steps. @default 0.1 */
  targetedShare?: number;
  /** A workflow still unsettled after this long counts as pending (the watchdog), in ms. @default 300000 */
  workflowBound?: number;
  /** Share of workflows that also get a cloud-init seed (an uploaded ISO volume). @default 0.3 */
  cloudInitShare?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** SDK log lines (reconnects, rollbacks); off by default. */
  logger?: Logger;
}

/** How one workflow ended. */
export type WorkflowOutcome =
  /** create, start and destroy each succeeded on the first try. */
  | 'completed'
  /** create failed before making anything (nothing to undo). */
  | 'refused'
  /** create failed and its own rollback removed everything it had made. */
  | 'rolled-back'
  /** start or destroy failed, or a rollback was cut short; `destroyer.destroy(name)` finished the job. */
  | 'recovered'
  /** even repeated `destroyer.destroy(name)` did not complete. */
  | 'unrecovered'
  /** still unsettled when the watchdog fired. */
  | 'pending';

/** Steps a targeted kill can aim at. */
type Target = 'volume:disks[0]' | 'volume:cloudInit' | 'upload:cloudInit' | 'define' | 'start' | 'destroy';

/** One workflow's record. */
export interface WorkflowRecord {
  index: number;
  name: string;
  cloudInit: boolean;
  /** The step this workflow kills libvirtd in, if any. */
  target: Target | undefined;
  outcome: WorkflowOutcome;
  /** Errors seen on the way (`phase class:code`), in order. */
  errors: string[];
  /** Extra `destroyer.destroy` calls the recovery needed. */
  recoveryCalls: number;
  /** libvirt wedged this domain (see `wedged`) and the host-side repair was applied before the SDK's recovery. */
  repaired: boolean;
  /** Milliseconds of each phase that ran (create, start, destroy, recover). */
  phases: Partial<Record<'create' | 'start' | 'destroy' | 'recover', number>>;
  elapsedMs: number;
}

/** What a chaos run found. */
export interface ChaosSummary {
  uri: string;
  seed: number;
  workflows: number;
  concurrency: number;
  /** Kills in all (timed + targeted). */
  kills: number;
  /** Of which aimed at a workflow's step. */
  targetedKills: number;
  /** Host-side repairs of domains libvirt itself wedged (libvirt 9.0 bug, see docs/reliability.md). */
  repairs: number;
  reconnects: number;
  outcomes: Record<WorkflowOutcome, number>;
  /** Errors that were not `LibvirtManagerError`s (must be 0). */
  untypedErrors: string[];
  /** Errors by phase and class:code over all workflows (`start ConnectionClosedError:ERR_LIBVIRT_CONNECTION_CLOSED`). */
  errorCounts: Record<string, number>;
  leaked: { domains: string[]; volumes: string[]; files: string[]; processes: string[] };
  /** The SDK left a VM lock held (lifecycle `busyVms` after the run; must be 0). */
  busyVmsAfter: number;
  /**
   * libvirtd's own temporary status files (`/run/libvirt/qemu/<name>.xml.new`) of this run's domains, left
   * when it was killed while saving a status; libvirt ignores them. Counted, then removed (not SDK leaks).
   */
  staleStatusFiles: string[];
  /** p50 / p99 of each phase of the workflows that completed, in ms. */
  phaseTimes: Record<'create' | 'start' | 'destroy', { p50: number; p99: number }>;
  elapsedMs: number;
  workflowsPerSecond: number;
  records: WorkflowRecord[];
  /** `true` when nothing leaked, nothing is pending, no error was untyped and no workflow stayed unrecovered. */
  ok: boolean;
}

const OUTCOMES: readonly WorkflowOutcome[] = ['completed', 'refused', 'rolled-back', 'recovered', 'unrecovered', 'pending'];
const CALL_TIMEOUT = 60_000;
interface Run {
  manager: LibvirtManager;
  daemon: Daemon;
  /** Detect and repair libvirt's wedged domains (only on the local qemu:///system). */
  repairWedged: boolean;
  pool: TempPool;
  guest: GuestManifest;
  sshKey: string;
}

interface Plan {
  record: WorkflowRecord;
  spec: VmSpec;
  /** Milliseconds after the target step started when libvirtd is killed. */
  delay: number;
}

function specFor(run: Run, name: string, rng: Rng, cloudInit: boolean): VmSpec {
  const { guest, pool } = run;
  // The tiny guest's kernel, so `start` launches a QEMU that really boots (docs/reliability.md).
  return guestVmSpec(guest, name, 'noacpi', {
    // raw volumes are made by libvirtd itself, qcow2 ones by a qemu-img child: kills hit both.
    disks: [{ kind: 'new', pool: pool.name, size: '8MiB', format: rng.chance(0.5) ? 'qcow2' : 'raw' }],
    ...(cloudInit ? { cloudInit: { hostname: name, user: { name: 'ops', sshAuthorizedKeys: [run.sshKey] } } } : {}),
  });
}

/** Wait until the connection is open again (a kill puts it in `reconnecting`), bounded. */
async function untilOpen(manager: LibvirtManager, boundMs: number): Promise<void> {
  const conn = manager.connection;
  const deadline = Date.now() + boundMs;
  while (conn.state !== 'open' && Date.now() < deadline) {
    if (conn.state === 'closed') throw new Error('the connection closed for good');
    await sleep(100);
  }
}

type Note = (phase: string, error: unknown) => void;

/** The documented recovery: `destroyer.destroy(name)` until it reports complete (the ownership record says which volumes go). */
async function recover(run: Run, record: WorkflowRecord, note: Note): Promise<boolean> {
  const t0 = performance.now();
  try {
    for (let attempt = 1; attempt <= 12; attempt++) {
      await untilOpen(run.manager, 60_000);
      if (run.repairWedged && wedged(record.name, run.daemon.lastRestart)) {
        record.repaired = true;
        await run.daemon.repair(record.name);
        await untilOpen(run.manager, 60_000);
      }
      record.recoveryCalls++;
      let report: DestroyReport | undefined;
      try {
        report = await run.manager.destroyer.destroy(record.name, { storage: 'owned', stop: 'force', timeout: CALL_TIMEOUT });
      } catch (error) {
        note('recover', error);
      }
      if (report?.complete === true) return true;
      for (const e of report?.errors ?? []) note(`recover/${e.step}`, e.error);
      await sleep(250 * attempt);
    }
    return false;
  } finally {
    record.phases.recover = performance.now() - t0;
  }
}

async function timed<T>(record: WorkflowRecord, phase: 'create' | 'start' | 'destroy', work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    record.phases[phase] = performance.now() - t0;
  }
}

async function workflow(run: Run, plan: Plan, errorCounts: Map<string, number>, untyped: string[]): Promise<WorkflowOutcome> {
  const { record, spec } = plan;
  const note: Note = (phase, error) => {
    const label = `${phase} ${errorLabel(error)}`;
    record.errors.push(label);
    errorCounts.set(label, (errorCounts.get(label) ?? 0) + 1);
    if (!isTyped(error)) untyped.push(`${record.name}: ${label} ${error instanceof Error ? error.message : String(error)}`);
  };
  const aim = (step: string): void => {
    if (record.target === step) setTimeout(() => run.daemon.killNow(), plan.delay);
  };
  const { manager } = run;
  let created: CreateResult;
  try {
    created = await timed(record, 'create', () =>
      manager.createVm(spec, { timeout: 180_000, onProgress: (p) => (p.type === 'step' ? aim(p.step) : undefined) }),
    );
  } catch (error) {
    note('create', error);
    const report = getRollbackReport(error);
    if (report === undefined) return 'refused';
    if (report.complete) return 'rolled-back';
    for (const failure of report.failed) note(`rollback/${failure.step}`, failure.error);
    return (await recover(run, record, note)) ? 'recovered' : 'unrecovered';
  }
  let clean = true;
  try {
    await timed(record, 'start', () => {
      const started = manager.startVm(created.domain, { timeout: CALL_TIMEOUT });
      aim('start');
      return started;
    });
  } catch (error) {
    note('start', error);
    clean = false;
  }
  if (clean) {
    try {
      const report = await timed(record, 'destroy', () => {
        const destroyed = manager.destroyVm(created.domain, { storage: 'owned', stop: 'force', timeout: CALL_TIMEOUT });
        aim('destroy');
        return destroyed;
      });
      if (!report.complete) {
        clean = false;
        for (const e of report.errors) note(`destroy/${e.step}`, e.error);
      }
    } catch (error) {
      note('destroy', error);
      clean = false;
    }
  }
  if (clean) return 'completed';
  return (await recover(run, record, note)) ? 'recovered' : 'unrecovered';
}

function planWorkflows(run: Run, prefix: string, total: number, rng: Rng, cloudInitShare: number, targetedShare: number): Plan[] {
  return Array.from({ length: total }, (_, index) => {
    const name = `${prefix}${String(index).padStart(3, '0')}`;
    const cloudInit = rng.chance(cloudInitShare);
    const spec = specFor(run, name, rng, cloudInit);
    const targets: Target[] = [
      'volume:disks[0]',
      'define',
      'start',
      'destroy',
      ...(cloudInit ? (['volume:cloudInit', 'upload:cloudInit'] as const) : []),
    ];
    const target = rng.chance(targetedShare) ? targets[rng.int(0, targets.length - 1)] : undefined;
    const record: WorkflowRecord = {
      index,
      name,
      cloudInit,
      target,
      outcome: 'pending',
      errors: [],
      recoveryCalls: 0,
      repaired: false,
      phases: {},
      elapsedMs: 0,
    };
    return { record, spec, delay: rng.int(0, 30) };
  });
}

/**
 * Run the chaos experiment. Always leaves libvirtd running, and removes the
 * pool and (after counting them) any leftovers before returning.
 */
export async function runChaos(options: ChaosOptions = {}): Promise<ChaosSummary> {
  const uri = options.uri ?? QEMU_URI;
  const total = options.workflows ?? 200;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const seed = options.seed ?? randomBytes(4).readUInt32LE(0);
  const [killMin, killMax] = options.killEvery ?? [2000, 8000];
  const maxKills = options.maxKills ?? Number.POSITIVE_INFINITY;
  const bound = options.workflowBound ?? 300_000;
  const say = options.log ?? (() => undefined);
  const rng = new Rng(seed);
  const killRng = new Rng(seed ^ 0x9e3779b9);
  const prefix = `lvm-chaos-${randomBytes(3).toString('hex')}-`;

  const guest = ensureTestGuest();
  const daemon = new Daemon();
  const records: WorkflowRecord[] = [];
  const errorCounts = new Map<string, number>();
  const untyped: string[] = [];
  const manager = await LibvirtManager.connect(uri, {
    reconnect: { initialDelay: 100, maxDelay: 1000 },
    keepalive: { interval: 2000, count: 3 },
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  let pool: TempPool | undefined;
  const started = performance.now();
  let elapsedMs = 0;
  const stopKilling = new AbortController();
  let killer: Promise<void> = Promise.resolve();
  try {
    pool = await tempPool(manager.connection, 'chaospool');
    const run: Run = { manager, daemon, repairWedged: uri === QEMU_URI, pool, guest, sshKey: sshKeyPair('chaos').publicKey };
    // Every workflow is planned up front, so the seed alone decides the plan.
    const plans = planWorkflows(run, prefix, total, rng, options.cloudInitShare ?? 0.3, options.targetedShare ?? 0.1);
    records.push(...plans.map((p) => p.record));
    const settled = (): number => records.filter((r) => r.outcome !== 'pending').length;

    killer = (async () => {
      let timed = 0;
      while (timed < maxKills) {
        if (!(await sleepUnless(killRng.int(killMin, killMax), stopKilling.signal))) return;
        const at = ((performance.now() - started) / 1000).toFixed(1);
        const pid = await daemon.kill();
        timed++;
        say(`kill #${daemon.kills} (timed, pid ${pid}) at ${at} s; ${settled()}/${total} settled`);
      }
    })();

    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < total; i = next++) {
        const plan = plans[i]!;
        const t0 = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const watchdog = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), bound)));
        const outcome = await Promise.race([
          workflow(run, plan, errorCounts, untyped).catch((error: unknown) => {
            untyped.push(`${plan.record.name}: the workflow threw ${errorLabel(error)} ${String(error)}`);
            return 'unrecovered' as const;
          }),
          watchdog,
        ]);
        clearTimeout(timer);
        plan.record.outcome = outcome;
        plan.record.elapsedMs = performance.now() - t0;
        const aimed = plan.record.target === undefined ? '' : ` (targeted kill at ${plan.record.target})`;
        if (outcome !== 'completed' || aimed !== '') say(`${plan.record.name}: ${outcome}${aimed} [${plan.record.errors.join(', ')}]`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    elapsedMs = performance.now() - started;
  } finally {
    elapsedMs ||= performance.now() - started;
    stopKilling.abort();
    await killer;
    await daemon.settle();
    // Judge with a healthy daemon and an open connection.
    await restartLibvirtd();
    await untilOpen(manager, 60_000).catch(() => undefined);
  }

  const leaked = {
    domains: leftoverDomains(uri, prefix),
    volumes: pool === undefined ? [] : leftoverVolumes(uri, pool.name, ''),
    files: pool === undefined ? [] : leftoverFiles(pool.dir),
    processes: leftoverProcesses(prefix),
  };
  const busyVmsAfter = manager.lifecycle.busyVms;
  const reconnects = manager.connection.reconnects;
  purge(uri, prefix, pool?.name);
  const staleStatusFiles =
    uri === QEMU_URI && existsSync(QEMU_STATUS_DIR) ? readdirSync(QEMU_STATUS_DIR).filter((f) => f.startsWith(prefix)) : [];
  for (const file of staleStatusFiles) rmSync(`${QEMU_STATUS_DIR}/${file}`, { force: true });
  await pool?.remove().catch(() => undefined);
  if (pool !== undefined) purgePool(uri, pool.name, pool.dir);
  await manager.close({ timeout: 10_000 }).catch(() => manager.connection.destroy());

  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, records.filter((r) => r.outcome === o).length])) as Record<
    WorkflowOutcome,
    number
  >;
  const completed = records.filter((r) => r.outcome === 'completed');
  const phaseTimes = Object.fromEntries(
    (['create', 'start', 'destroy'] as const).map((p) => {
      const values = completed.map((r) => r.phases[p] ?? 0);
      return [p, { p50: percentile(values, 50), p99: percentile(values, 99) }];
    }),
  ) as ChaosSummary['phaseTimes'];
  const ok =
    leaked.domains.length + leaked.volumes.length + leaked.files.length + leaked.processes.length === 0 &&
    outcomes.pending === 0 &&
    outcomes.unrecovered === 0 &&
    untyped.length === 0 &&
    busyVmsAfter === 0 &&
    records.length === total;
  return {
    uri,
    seed,
    workflows: total,
    concurrency,
    kills: daemon.kills,
    targetedKills: daemon.targetedKills,
    repairs: daemon.repairs,
    reconnects,
    outcomes,
    untypedErrors: untyped,
    errorCounts: Object.fromEntries([...errorCounts].sort((a, b) => b[1] - a[1])),
    leaked,
    busyVmsAfter,
    staleStatusFiles,
    phaseTimes,
    elapsedMs,
    workflowsPerSecond: total / (elapsedMs / 1000),
    records,
    ok,
  };
}
