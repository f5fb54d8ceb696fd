/**
 * Measuring both sides of the RPC benchmark: our client (async loops on one
 * connection) and libvirt's C client (bench/baseline/rpc.py), interleaved
 * round by round; then each figure's medians, printed as the report's lines.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRpc } from '../../src/rpc/index.js';
import { BASELINE, PREFIX, PYTHON, ROUNDS, SECONDS, TEST_DOMAIN, URI, WARMUP, interruption, progress } from './config.js';
import { daemonCpuSeconds, daemonPid } from './environment.js';
import { type Workload, cycle, getState, libVersion, xmlDesc } from './workloads.js';

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

export interface Figure {
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

export interface FigureResult {
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
        while (!stop && !interruption.signal.aborted) {
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
    if (interruption.signal.aborted) throw new Error('interrupted');
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

/**
 * Measure a group of figures over ROUNDS rounds. Even rounds run ours then C
 * for each figure, odd rounds the reverse (C then ours, figures backwards), so
 * drift during the run hits both sides equally. Each figure is the median.
 */
export async function runGroup(figures: Figure[], done: Map<string, FigureResult>): Promise<void> {
  const ours = new Map<string, Sample[]>(figures.map((f) => [f.name, []]));
  const c = new Map<string, Sample[]>(figures.map((f) => [f.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? figures : [...figures].reverse();
    for (const figure of order) {
      const sides: Array<'ours' | 'c'> = figure.c === undefined ? ['ours'] : round % 2 === 0 ? ['ours', 'c'] : ['c', 'ours'];
      for (const side of sides) {
        if (interruption.signal.aborted) throw new Error('interrupted');
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
      const best = (figure.cBest ?? [])
        .map((n) => done.get(n))
        .filter((r) => r !== undefined)
        .sort((a, b) => b.c.opsPerSec - a.c.opsPerSec)[0];
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
export async function warmUpJit(): Promise<void> {
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
