/**
 * Measuring the RPC benchmark's sides: our client (async loops on one
 * connection) against the peers of peers.ts (libvirt's C client, go-libvirt),
 * interleaved round by round; then each figure's medians and ratios, printed
 * as the report's lines.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRpc } from '../../src/rpc/index.js';
import { PREFIX, ROUNDS, SECONDS, URI, WARMUP, interruption, progress } from './config.js';
import { daemonCpuSeconds, daemonPid } from './environment.js';
import { goSide } from './go.js';
import { type Peer, type Sample, measurePeer } from './peers.js';
import { type Workload, cycle, getState, libVersion, xmlDesc } from './workloads.js';

type Side = 'ours' | Peer;

export interface Figure {
  name: string;
  workload: Workload;
  /** Calls in flight on our side (concurrent async loops on one client). */
  ours: number;
  /** Threads (C) and goroutines (Go) sharing one connection on the peers' side; absent: compare with the best of `best`. */
  peers?: number;
  best?: string[];
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

/** Ours against one peer. */
export interface Comparison {
  peer: Summary;
  /** median(ours) / median(peer): the figure's headline. */
  ratio: number;
  /** ours/peer of the measurements taken in the same round, and their median: less sensitive to drift. */
  pairedRatios: number[];
  pairedRatio: number;
  /** Set when the peer's figure is borrowed from another figure (its best one). */
  from?: string;
}

export interface FigureResult {
  name: string;
  ours: Summary;
  c: Comparison;
  /** Absent when the go-libvirt side is skipped (no Go toolchain or package). */
  go?: Comparison;
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

/**
 * Measure a group of figures over ROUNDS rounds. The sides' order rotates
 * each round (ours/C/Go, C/Go/ours, Go/ours/C) and odd rounds run the figures
 * backwards, so drift during the run hits every side alike. Each figure is the median.
 */
export async function runGroup(figures: Figure[], done: Map<string, FigureResult>): Promise<void> {
  const go = goSide();
  const sides: Side[] = 'skipped' in go ? ['ours', 'c'] : ['ours', 'c', 'go'];
  const samples = new Map<string, Record<Side, Sample[]>>(figures.map((f) => [f.name, { ours: [], c: [], go: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? figures : [...figures].reverse();
    const rotated = [...sides.slice(round % sides.length), ...sides.slice(0, round % sides.length)];
    for (const figure of order) {
      for (const side of figure.peers === undefined ? ['ours' as const] : rotated) {
        if (interruption.signal.aborted) throw new Error('interrupted');
        const sample =
          side === 'ours' ? await measureOurs(figure.workload, figure.ours) : await measurePeer(side, figure.workload, figure.peers!);
        samples.get(figure.name)![side].push(sample);
        progress(
          `  round ${round + 1}/${ROUNDS} ${figure.name} ${side}: ${Math.round(sample.opsPerSec)} ops/s, ` +
            `CPU/op client ${sample.cpuUsPerOp.toFixed(1)} µs, libvirtd ${sample.daemonCpuUsPerOp.toFixed(1)} µs`,
        );
      }
    }
  }
  for (const figure of figures) {
    const ours = summarise(samples.get(figure.name)!.ours);
    const compare = (peer: Peer): Comparison => {
      let summary: Summary;
      let from: string | undefined;
      if (figure.peers === undefined) {
        // Compare with whichever of this peer's figures was best.
        const best = (figure.best ?? [])
          .map((n) => done.get(n)?.[peer])
          .filter((r) => r !== undefined)
          .sort((a, b) => b.peer.opsPerSec - a.peer.opsPerSec)[0];
        if (best === undefined) throw new Error(`${figure.name}: no ${peer} figure to compare with`);
        summary = best.peer;
        from = figure.best!.find((n) => done.get(n)?.[peer] === best);
      } else {
        summary = summarise(samples.get(figure.name)![peer]);
      }
      const pairedRatios = ours.rounds.map((v, i) => v / summary.rounds[i]!);
      return {
        peer: summary,
        ratio: ours.opsPerSec / summary.opsPerSec,
        pairedRatios,
        pairedRatio: median(pairedRatios),
        ...(from === undefined ? {} : { from }),
      };
    };
    const result: FigureResult = { name: figure.name, ours, c: compare('c'), ...(sides.includes('go') ? { go: compare('go') } : {}) };
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

function report({ name, ours, c, go }: FigureResult): void {
  const us = (v: number): string => v.toFixed(1);
  const peers: Array<[string, Comparison]> =
    go === undefined
      ? [['C', c]]
      : [
          ['C', c],
          ['Go', go],
        ];
  const figures = peers.map(([label, p]) => `${label.toLowerCase()}=${Math.round(p.peer.opsPerSec)}`).join(' ');
  const ratios = peers.map(([label, p]) => `ours/${label}=${p.ratio.toFixed(2)}`).join(' ');
  console.log(`${name}: ours=${Math.round(ours.opsPerSec)} ${figures} ${ratios}`);
  for (const [label, p] of peers) {
    const from = p.from === undefined ? '' : ` (best ${label} figure: ${p.from})`;
    console.log(`  ${label} rounds ops/s [${p.peer.rounds.map(Math.round).join(' ')}]${from}`);
    console.log(`  per-round ours/${label} [${p.pairedRatios.map((r) => r.toFixed(2)).join(' ')}], median ${p.pairedRatio.toFixed(2)}`);
  }
  console.log(`  ours rounds ops/s [${ours.rounds.map(Math.round).join(' ')}]`);
  const cpu = (label: string, s: Summary): string => `${label} ${us(s.cpuUsPerOp)} / ${us(s.daemonCpuUsPerOp)}`;
  console.log(
    `  CPU µs/op (median), client / libvirtd serving it: ${[cpu('ours', ours), ...peers.map(([label, p]) => cpu(label, p.peer))].join('; ')}`,
  );
  // libvirtd's CPUs in use (its CPU per op × ops/s): about the same for every side means the daemon, not the
  // client, sets the rate, and the ratio follows the daemon's CPU per op (docs/performance.md).
  const busy = (label: string, s: Summary): string => `${label} ${((s.daemonCpuUsPerOp * s.opsPerSec) / 1e6).toFixed(2)}`;
  console.log(`  libvirtd CPUs busy: ${[busy('ours', ours), ...peers.map(([label, p]) => busy(label, p.peer))].join('; ')}`);
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
