/**
 * The RPC benchmark's two peers: libvirt's C client (bench/baseline/rpc.py,
 * through python3-libvirt) and go-libvirt (bench/baseline/rpc.go, built by
 * go.ts). Both take the same scenario, flags and print the same JSON.
 */
import { execFile } from 'node:child_process';
import { BASELINE, PREFIX, PYTHON, SECONDS, TEST_DOMAIN, URI, WARMUP } from './config.js';
import { daemonPid } from './environment.js';
import { goSide } from './go.js';
import type { Workload } from './workloads.js';

/** One measurement of one side. */
export interface Sample {
  ops: number;
  seconds: number;
  opsPerSec: number;
  /** Client process CPU (user+system, all threads) per operation, in µs: the client's own cost. */
  cpuUsPerOp: number;
  /** libvirtd's CPU (all threads) per operation, in µs, or NaN when its pid is unknown. */
  daemonCpuUsPerOp: number;
}

export type Peer = 'c' | 'go';

/** Run the workload's scenario on a peer with `workers` threads (C) or goroutines (Go) on one connection. */
export function measurePeer(peer: Peer, workload: Workload, workers: number): Promise<Sample> {
  const args = [
    workload.scenario,
    ...['--uri', URI, '--workers', String(workers), '--seconds', String(SECONDS), '--warmup', String(WARMUP)],
    ...['--domain', TEST_DOMAIN, '--prefix', `${PREFIX}${peer}-${process.pid}`, '--daemon-pid', String(daemonPid() ?? 0)],
    ...(workload.cArgs ?? []),
  ];
  let command: string;
  if (peer === 'c') {
    command = PYTHON;
    args.unshift(BASELINE);
  } else {
    const go = goSide();
    if ('skipped' in go) return Promise.reject(new Error(`go-libvirt side skipped: ${go.skipped}`));
    command = go.binary;
  }
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: (SECONDS + WARMUP) * 1000 + 120_000 }, (error, stdout, stderr) => {
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
        reject(new Error(`${peer === 'c' ? 'C' : 'Go'} baseline ${workload.scenario} failed: ${why}`));
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
