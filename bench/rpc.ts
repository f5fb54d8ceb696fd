/**
 * RPC benchmark: libvirt-manager's RPC client against libvirt's own C client
 * (libvirt0 through Debian's python3-libvirt, bench/baseline/rpc.py) on the
 * same daemon, in the same run, interleaved round by round.
 *
 *   npm run bench:rpc                      (= tsx bench/rpc.ts)
 *
 * Environment:
 *   LIBVIRT_MANAGER_SKIP_SETUP=1   do not run scripts/setup-libvirt.sh first
 *   BENCH_ROUNDS=7                 rounds per figure; each figure is the median
 *   BENCH_SECONDS=1                measured seconds per side per round
 *   BENCH_WARMUP=0.3               uncounted seconds of the same work before each measurement
 *   BENCH_ONLY=seq,tput,cycle,xml,list   groups to run (default: all)
 *   BENCH_URI=test+unix:///default
 *   BENCH_PYTHON=/usr/bin/python3
 *
 * Each side runs the same procedures with the same arguments and validates
 * every result (a wrong state or count is an error, not a data point). Speed is
 * only ever measured here, never asserted in tests. See docs/performance.md.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  CONNECT_GET_LIB_VERSION,
  CONNECT_LIST_ALL_DOMAINS,
  DOMAIN_CREATE_WITH_FLAGS,
  DOMAIN_DEFINE_XML_FLAGS,
  DOMAIN_DESTROY_FLAGS,
  DOMAIN_GET_STATE,
  DOMAIN_GET_XML_DESC,
  DOMAIN_LOOKUP_BY_NAME,
  DOMAIN_UNDEFINE_FLAGS,
  type DomainRef,
  type RpcClient,
  connectRpc,
} from '../src/rpc/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BASELINE = join(root, 'bench/baseline/rpc.py');
const URI = process.env.BENCH_URI ?? 'test+unix:///default';
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const ROUNDS = Math.max(1, Math.round(positive('BENCH_ROUNDS', 7)));
const SECONDS = positive('BENCH_SECONDS', 1);
const WARMUP = positive('BENCH_WARMUP', 0.3);
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
/** Every domain this benchmark creates starts with this; leftovers of killed runs are removed at start. */
const PREFIX = 'lvmbench-';
const TEST_DOMAIN = 'test';
const VIR_DOMAIN_RUNNING = 1;
const LIST_DOMAINS = 1000;

/** One measurement of one side. */
interface Sample {
  ops: number;
  seconds: number;
  opsPerSec: number;
  /** Client process CPU (user+system, all threads) per operation, in µs: the client's own cost. */
  cpuUsPerOp: number;
  /** libvirtd's CPU (all threads) per operation, in µs, or NaN when its pid is unknown. */
  daemonCpuUsPerOp: number;
}

/** The work one worker repeats: one operation, validated. */
type Op = (worker: number, seq: number) => Promise<void>;

/** What both sides run for one figure: the baseline scenario and our equivalent. */
interface Workload {
  scenario: 'libversion' | 'getstate' | 'xmldesc' | 'listall' | 'cycle';
  /** Extra arguments for bench/baseline/rpc.py. */
  cArgs?: string[];
  prepare(client: RpcClient, prefix: string): Promise<Op>;
  cleanup?(client: RpcClient, prefix: string): Promise<void>;
}

interface Figure {
  name: string;
  workload: Workload;
  /** Calls in flight on our side (concurrent async loops on one client). */
  ours: number;
  /** Threads sharing one virConnect on the C side; absent: compare with the best of `cBest`. */
  c?: number;
  cBest?: string[];
}

/** One side of a figure: medians over the rounds, and every round's ops/s. */
interface Summary {
  opsPerSec: number;
  rounds: number[];
  /** Client process CPU per operation (µs, median). */
  cpuUsPerOp: number;
  /** libvirtd CPU per operation while this side ran (µs, median). */
  daemonCpuUsPerOp: number;
}

interface FigureResult {
  name: string;
  ours: Summary;
  c: Summary;
  /** median(ours) / median(c): the figure's headline. */
  ratio: number;
  /** ours/c of the two measurements taken back to back in each round, and their median: less sensitive to drift. */
  pairedRatios: number[];
  pairedRatio: number;
  /** Set when `c` is borrowed from another figure (the best C figure). */
  cFrom?: string;
}

let interrupted = false;

// ---- workloads --------------------------------------------------------------------------------

const libVersion: Workload = {
  scenario: 'libversion',
  async prepare(client) {
    const { lib_ver: expected } = await client.call(CONNECT_GET_LIB_VERSION, undefined);
    return async () => {
      const { lib_ver } = await client.call(CONNECT_GET_LIB_VERSION, undefined);
      if (lib_ver !== expected) throw new Error(`lib_ver ${lib_ver}, expected ${expected}`);
    };
  },
};

const getState: Workload = {
  scenario: 'getstate',
  async prepare(client) {
    const { dom } = await client.call(DOMAIN_LOOKUP_BY_NAME, { name: TEST_DOMAIN });
    return async () => {
      const { state } = await client.call(DOMAIN_GET_STATE, { dom, flags: 0 });
      if (state !== VIR_DOMAIN_RUNNING) throw new Error(`state ${state}, expected running (1)`);
    };
  },
};

const xmlDesc: Workload = {
  scenario: 'xmldesc',
  async prepare(client) {
    const { dom } = await client.call(DOMAIN_LOOKUP_BY_NAME, { name: TEST_DOMAIN });
    const marker = `<name>${TEST_DOMAIN}</name>`;
    const expected = (await client.call(DOMAIN_GET_XML_DESC, { dom, flags: 0 })).xml.length;
    return async () => {
      const { xml } = await client.call(DOMAIN_GET_XML_DESC, { dom, flags: 0 });
      if (xml.length !== expected || !xml.includes(marker)) throw new Error(`XML of ${xml.length} characters, expected ${expected}`);
    };
  },
};

function listAll(expected: number): Workload {
  return {
    scenario: 'listall',
    cArgs: ['--expect', String(expected)],
    async prepare(client) {
      return async () => {
        const { domains } = await client.call(CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
        // At least: other clients of the shared test driver may define domains meanwhile.
        if (domains.length < expected) throw new Error(`${domains.length} domains, expected at least ${expected}`);
      };
    },
  };
}

function domainXml(name: string): string {
  // The same tiny test-driver domain as bench/baseline/rpc.py.
  return `<domain type='test'><name>${name}</name><memory unit='KiB'>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
}

const cycle: Workload = {
  scenario: 'cycle',
  async prepare(client, prefix) {
    return async (worker, seq) => {
      const name = `${prefix}-${worker}-${seq}`;
      const { dom } = await client.call(DOMAIN_DEFINE_XML_FLAGS, { xml: domainXml(name), flags: 0 });
      let leftover: DomainRef | null = dom;
      try {
        if (dom.name !== name) throw new Error(`defined ${dom.name}, expected ${name}`);
        const { dom: running } = await client.call(DOMAIN_CREATE_WITH_FLAGS, { dom, flags: 0 });
        if (running.id <= 0) throw new Error(`${name} started with id ${running.id}`);
        await client.call(DOMAIN_DESTROY_FLAGS, { dom: running, flags: 0 });
        await client.call(DOMAIN_UNDEFINE_FLAGS, { dom: running, flags: 0 });
        leftover = null;
      } finally {
        if (leftover !== null) await removeDomain(client, leftover);
      }
    };
  },
  async cleanup(client, prefix) {
    await removeDomains(client, `${prefix}-`);
  },
};

async function removeDomain(client: RpcClient, dom: DomainRef): Promise<void> {
  await client.call(DOMAIN_DESTROY_FLAGS, { dom, flags: 0 }).catch(() => undefined);
  await client.call(DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 }).catch(() => undefined);
}

/** Destroy and undefine every domain whose name starts with `prefix`; returns how many. */
async function removeDomains(client: RpcClient, prefix: string): Promise<number> {
  const { domains } = await client.call(CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
  const ours = domains.filter((d) => d.name.startsWith(prefix));
  await inBatches(ours, 32, (dom) => removeDomain(client, dom));
  return ours.length;
}

async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// ---- the two sides ----------------------------------------------------------------------------

/** Run `workers` loops of the workload on one fresh connection: warm-up, then count over SECONDS. */
async function measureOurs(workload: Workload, workers: number): Promise<Sample> {
  const client = await connectRpc(URI);
  const prefix = `${PREFIX}ts-${process.pid}`;
  let ops = 0;
  let stop = false;
  let failure: unknown = null;
  try {
    const op = await workload.prepare(client, prefix);
    const loops = Array.from({ length: workers }, async (_, worker) => {
      let seq = 0;
      try {
        while (!stop && !interrupted) {
          await op(worker, seq++);
          ops++;
        }
      } catch (error) {
        failure ??= error;
        stop = true;
      }
    });
    await sleep(WARMUP * 1000);
    const startOps = ops;
    const cpu0 = process.cpuUsage();
    const pid = daemonPid();
    const daemon0 = daemonCpuSeconds(pid);
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const endOps = ops;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const daemon = daemonCpuSeconds(pid) - daemon0;
    stop = true;
    await Promise.all(loops);
    if (failure !== null) throw failure;
    if (interrupted) throw new Error('interrupted');
    const n = endOps - startOps;
    return {
      ops: n,
      seconds,
      opsPerSec: n / seconds,
      cpuUsPerOp: (cpu.user + cpu.system) / Math.max(1, n),
      daemonCpuUsPerOp: (daemon * 1e6) / Math.max(1, n),
    };
  } finally {
    stop = true;
    await workload.cleanup?.(client, prefix);
    await client.close();
  }
}

/** Run the same workload through libvirt's C client (bench/baseline/rpc.py). */
function measureC(workload: Workload, threads: number): Promise<Sample> {
  const args = [
    BASELINE,
    workload.scenario,
    ...['--uri', URI, '--workers', String(threads), '--seconds', String(SECONDS), '--warmup', String(WARMUP)],
    ...['--domain', TEST_DOMAIN, '--prefix', `${PREFIX}c-${process.pid}`, '--daemon-pid', String(daemonPid() ?? 0)],
    ...(workload.cArgs ?? []),
  ];
  return new Promise((resolve, reject) => {
    execFile(PYTHON, args, { timeout: (SECONDS + WARMUP) * 1000 + 120_000 }, (error, stdout, stderr) => {
      let result: {
        ops?: number;
        seconds?: number;
        ops_per_sec?: number;
        cpu_seconds?: number;
        daemon_cpu_seconds?: number | null;
        errors?: string[];
      } = {};
      try {
        result = JSON.parse(stdout) as typeof result;
      } catch {
        // Reported below with stderr.
      }
      if (error !== null || result.errors === undefined || result.errors.length > 0 || result.ops_per_sec === undefined) {
        const why = result.errors?.join('; ') || stderr.trim() || error?.message || 'no output';
        reject(new Error(`C baseline ${workload.scenario} failed: ${why}`));
        return;
      }
      const ops = result.ops!;
      resolve({
        ops,
        seconds: result.seconds!,
        opsPerSec: result.ops_per_sec,
        cpuUsPerOp: (result.cpu_seconds! * 1e6) / Math.max(1, ops),
        daemonCpuUsPerOp: ((result.daemon_cpu_seconds ?? Number.NaN) * 1e6) / Math.max(1, ops),
      });
    });
  });
}

// ---- running figures --------------------------------------------------------------------------

/**
 * Measure a group of figures over ROUNDS rounds. Even rounds run ours then C
 * for each figure, odd rounds the reverse (C then ours, figures backwards), so
 * drift during the run hits both sides equally. Each figure is the median.
 */
async function runGroup(figures: Figure[], done: Map<string, FigureResult>): Promise<void> {
  const ours = new Map<string, Sample[]>(figures.map((f) => [f.name, []]));
  const c = new Map<string, Sample[]>(figures.map((f) => [f.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? figures : [...figures].reverse();
    for (const figure of order) {
      const sides: Array<'ours' | 'c'> = figure.c === undefined ? ['ours'] : round % 2 === 0 ? ['ours', 'c'] : ['c', 'ours'];
      for (const side of sides) {
        if (interrupted) throw new Error('interrupted');
        const sample = side === 'ours' ? await measureOurs(figure.workload, figure.ours) : await measureC(figure.workload, figure.c!);
        (side === 'ours' ? ours : c).get(figure.name)!.push(sample);
        progress(
          `  round ${round + 1}/${ROUNDS} ${figure.name} ${side}: ${Math.round(sample.opsPerSec)} ops/s, ` +
            `CPU/op client ${sample.cpuUsPerOp.toFixed(1)} µs, libvirtd ${sample.daemonCpuUsPerOp.toFixed(1)} µs`,
        );
      }
    }
  }
  for (const figure of figures) {
    let cSummary: Summary;
    let cFrom: string | undefined;
    if (figure.c === undefined) {
      // Compare with whichever C figure was best.
      const best = (figure.cBest ?? []).map((n) => done.get(n)).filter((r) => r !== undefined).sort((a, b) => b.c.opsPerSec - a.c.opsPerSec)[0];
      if (best === undefined) throw new Error(`${figure.name}: no C figure to compare with`);
      cSummary = best.c;
      cFrom = best.name;
    } else {
      cSummary = summarise(c.get(figure.name)!);
    }
    const oursSummary = summarise(ours.get(figure.name)!);
    const pairedRatios = oursSummary.rounds.map((v, i) => v / cSummary.rounds[i]!);
    const result: FigureResult = {
      name: figure.name,
      ours: oursSummary,
      c: cSummary,
      ratio: oursSummary.opsPerSec / cSummary.opsPerSec,
      pairedRatios,
      pairedRatio: median(pairedRatios),
      ...(cFrom === undefined ? {} : { cFrom }),
    };
    done.set(figure.name, result);
    report(result);
  }
}

function summarise(samples: Sample[]): Summary {
  return {
    opsPerSec: median(samples.map((x) => x.opsPerSec)),
    rounds: samples.map((x) => x.opsPerSec),
    cpuUsPerOp: median(samples.map((x) => x.cpuUsPerOp)),
    daemonCpuUsPerOp: median(samples.map((x) => x.daemonCpuUsPerOp)),
  };
}

function report({ name, ours, c, ratio, pairedRatios, pairedRatio, cFrom }: FigureResult): void {
  const from = cFrom === undefined ? '' : ` (c: best C figure, ${cFrom})`;
  const us = (v: number): string => v.toFixed(1);
  console.log(`${name}: ours=${Math.round(ours.opsPerSec)} c=${Math.round(c.opsPerSec)} ratio=${ratio.toFixed(2)}${from}`);
  console.log(`  rounds ops/s: ours [${ours.rounds.map(Math.round).join(' ')}] c [${c.rounds.map(Math.round).join(' ')}]`);
  console.log(`  per-round ratios [${pairedRatios.map((r) => r.toFixed(2)).join(' ')}], median ${pairedRatio.toFixed(2)}`);
  console.log(
    `  CPU µs/op (median): client ours ${us(ours.cpuUsPerOp)} c ${us(c.cpuUsPerOp)}; ` +
      `libvirtd serving ours ${us(ours.daemonCpuUsPerOp)} serving c ${us(c.daemonCpuUsPerOp)}`,
  );
}

/** One-time JIT warm-up of our side: the first ~2000 calls run about 2× slower. */
async function warmUpJit(): Promise<void> {
  const client = await connectRpc(URI);
  try {
    for (const workload of [libVersion, getState, xmlDesc]) {
      const op = await workload.prepare(client, '');
      for (let i = 0; i < 3000; i++) await op(0, i);
      await Promise.all(Array.from({ length: 3000 }, (_, i) => op(i, 0)));
    }
    const op = await cycle.prepare(client, `${PREFIX}ts-${process.pid}-warm`);
    for (let i = 0; i < 200; i++) await op(0, i);
  } finally {
    await client.close();
  }
}

// ---- environment ------------------------------------------------------------------------------

type Environment = Awaited<ReturnType<typeof environment>>;

async function environment() {
  const client = await connectRpc(URI);
  let daemonVersion: bigint;
  try {
    ({ lib_ver: daemonVersion } = await client.call(CONNECT_GET_LIB_VERSION, undefined));
  } finally {
    await client.close();
  }
  const py = spawnSync(PYTHON, [BASELINE, 'env'], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`${PYTHON} ${BASELINE} env failed: ${py.stderr}`);
  const pyEnv = JSON.parse(py.stdout) as { python: string; libvirt_python: string | null; libvirt_client_library: string };
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    node: process.version,
    daemonLibvirt: formatVersion(Number(daemonVersion)),
    python: pyEnv.python,
    libvirtPython: pyEnv.libvirt_python ?? 'unknown',
    libvirtClientLibrary: pyEnv.libvirt_client_library,
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    nproc: availableParallelism(),
    kernel: release(),
    virtualised: /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo),
    daemonLimits: daemonLimits(),
    // Anything else busy on the machine or the daemon skews every figure: recorded, and warned about.
    loadBefore: loadavg()[0]!,
    cpuPressureBefore: cpuPressure(),
    otherClients: otherClients(),
    uri: URI,
    rounds: ROUNDS,
    seconds: SECONDS,
    warmup: WARMUP,
  };
}

/** CPU pressure (PSI `some avg10`, % of the last 10 s that runnable tasks waited for a CPU), or null. */
function cpuPressure(): number | null {
  try {
    const some = /^some avg10=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return some === null ? null : Number(some[1]);
  } catch {
    return null;
  }
}

/** Other clients connected to libvirtd (their calls share its workers), or null when unknown. */
function otherClients(): number | null {
  const list = spawnSync('virt-admin', ['srv-clients-list', 'libvirtd'], { encoding: 'utf8' });
  if (list.status !== 0) return null;
  // A header, a rule, then one line per client.
  return list.stdout.split('\n').slice(2).filter((line) => line.trim() !== '').length;
}

/** The daemon-side limits that bound these figures: live pool sizes from virt-admin, per-client limits from libvirtd.conf. */
function daemonLimits(): Record<string, number | string> {
  const limits: Record<string, number | string> = {};
  const pool = spawnSync('virt-admin', ['srv-threadpool-info', 'libvirtd'], { encoding: 'utf8' });
  for (const [, key, value] of (pool.stdout ?? '').matchAll(/^(\w+)\s*:\s*(\d+)$/gm)) {
    if (key === 'maxWorkers' || key === 'prioWorkers' || key === 'minWorkers') limits[key!] = Number(value);
  }
  let conf = '';
  try {
    conf = readFileSync('/etc/libvirt/libvirtd.conf', 'utf8');
  } catch {
    // Defaults below.
  }
  const setting = (key: string, fallback: number): number => Number(new RegExp(`^\\s*${key}\\s*=\\s*(\\d+)`, 'm').exec(conf)?.[1] ?? fallback);
  limits.max_client_requests = setting('max_client_requests', 5);
  if (limits.maxWorkers === undefined) limits.max_workers = setting('max_workers', 20);
  if (limits.prioWorkers === undefined) limits.prio_workers = setting('prio_workers', 5);
  return limits;
}

function printEnvironment(env: Environment): void {
  console.log('environment:');
  console.log(`  node ${env.node}; daemon libvirt ${env.daemonLibvirt} (${env.uri})`);
  console.log(`  C client: libvirt ${env.libvirtClientLibrary} via python3-libvirt ${env.libvirtPython} (python ${env.python})`);
  console.log(`  cpu: ${env.cpu} × ${env.nproc}${env.virtualised ? ' (virtual machine)' : ''}; kernel ${env.kernel}`);
  const limits = Object.entries(env.daemonLimits).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(`  daemon limits: ${limits}`);
  console.log(
    `  note: max_client_requests caps the calls the DAEMON reads from one connection at a time; any client with more in flight (ours at 8/32/128, C with 8/32 threads) queues behind it. It is the daemon's limit, not a client one.`,
  );
  console.log(
    `  before the run: load average ${env.loadBefore.toFixed(2)}, CPU pressure ${env.cpuPressureBefore ?? '?'}%, ` +
      `other libvirtd clients ${env.otherClients ?? 'unknown'}`,
  );
  if (env.loadBefore > 0.5 || (env.cpuPressureBefore ?? 0) > 5 || (env.otherClients ?? 0) > 0) {
    console.log('  WARNING: the machine or the daemon was busy before this run; other work skews every figure (rerun when quiet).');
  }
  console.log(`  method: ${env.rounds} rounds × ${env.seconds} s per side after ${env.warmup} s warm-up, interleaved (ours/C, then C/ours); median of rounds`);
}

// ---- helpers ----------------------------------------------------------------------------------

/** libvirtd's pid, from the pid file scripts/setup-libvirt.sh maintains (read each time: the daemon may be restarted). */
function daemonPid(): number | undefined {
  try {
    const pid = Number(readFileSync('/run/libvirtd.pid', 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux.

/** CPU seconds (user+system, all threads) libvirtd has used so far; NaN when unknown. */
function daemonCpuSeconds(pid = daemonPid()): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function formatVersion(v: number): string {
  return `${Math.floor(v / 1_000_000)}.${Math.floor(v / 1000) % 1000}.${v % 1000}`;
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function wanted(group: string): boolean {
  return ONLY === undefined || ONLY.includes(group);
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<number> {
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress('interrupted: finishing the current call and cleaning up (Ctrl-C again to quit now)');
  });
  if (process.env.LIBVIRT_MANAGER_SKIP_SETUP !== '1') {
    const setup = spawnSync('bash', [join(root, 'scripts/setup-libvirt.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (setup.status !== 0) throw new Error(`scripts/setup-libvirt.sh failed (exit ${setup.status ?? setup.signal})`);
  }
  const env = await environment();
  printEnvironment(env);

  const admin = await connectRpc(URI);
  const done = new Map<string, FigureResult>();
  const errors: string[] = [];
  try {
    const stale = await removeDomains(admin, PREFIX);
    if (stale > 0) progress(`removed ${stale} domains left by an earlier run`);
    progress('warming up our side (JIT)…');
    await warmUpJit();

    const groups: Array<[string, () => Promise<void>]> = [
      ['seq', () => runGroup([
        { name: 'seq CONNECT_GET_LIB_VERSION', workload: libVersion, ours: 1, c: 1 },
        { name: 'seq DOMAIN_GET_STATE', workload: getState, ours: 1, c: 1 },
      ], done)],
      ['tput', () => runGroup([
        { name: 'throughput DOMAIN_GET_STATE ours-8 vs c-8', workload: getState, ours: 8, c: 8 },
        { name: 'throughput DOMAIN_GET_STATE ours-32 vs c-32', workload: getState, ours: 32, c: 32 },
        {
          name: 'throughput DOMAIN_GET_STATE ours-128 vs best C',
          workload: getState,
          ours: 128,
          cBest: ['throughput DOMAIN_GET_STATE ours-8 vs c-8', 'throughput DOMAIN_GET_STATE ours-32 vs c-32'],
        },
      ], done)],
      ['cycle', () => runGroup([
        { name: 'cycle define+start+destroy+undefine sequential', workload: cycle, ours: 1, c: 1 },
        { name: 'cycle define+start+destroy+undefine 8 workers', workload: cycle, ours: 8, c: 8 },
      ], done)],
      ['xml', () => runGroup([{ name: 'seq DOMAIN_GET_XML_DESC', workload: xmlDesc, ours: 1, c: 1 }], done)],
      ['list', () => withDomains(admin, LIST_DOMAINS, (total) =>
        runGroup([{ name: `seq CONNECT_LIST_ALL_DOMAINS (${total} domains)`, workload: listAll(total), ours: 1, c: 1 }], done),
      )],
    ];
    for (const [group, run] of groups) {
      if (!wanted(group)) continue;
      progress(`${group}:`);
      try {
        await run();
      } catch (error) {
        errors.push(`${group}: ${error instanceof Error ? error.message : String(error)}`);
        console.log(`${group}: FAILED: ${errors.at(-1)}`);
        if (interrupted) break;
      }
    }
  } finally {
    const left = await removeDomains(admin, PREFIX).catch(() => -1);
    if (left !== 0) progress(left > 0 ? `cleaned up ${left} leftover domains` : 'clean-up of leftover domains failed');
    await admin.close();
  }
  const summary = {
    environment: env,
    figures: [...done.values()].map((r) => ({ ...r, ratio: Number(r.ratio.toFixed(2)), pairedRatio: Number(r.pairedRatio.toFixed(2)) })),
    errors,
  };
  console.log(JSON.stringify(summary));
  return errors.length === 0 ? 0 : 1;
}

/** Define `count` inactive test-driver domains for the duration of `fn`, then undefine them. */
async function withDomains(client: RpcClient, count: number, fn: (total: number) => Promise<void>): Promise<void> {
  const prefix = `${PREFIX}list-${process.pid}-`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  try {
    await inBatches(names, 32, (name) => client.call(DOMAIN_DEFINE_XML_FLAGS, { xml: domainXml(name), flags: 0 }));
    const { domains } = await client.call(CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
    await fn(domains.length);
  } finally {
    await removeDomains(client, prefix);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
