/**
 * Connection set-up benchmark: how many times per second each client can
 * open a connection, make one call and close it — libvirt-manager against
 * libvirt's own C client (bench/baseline/connect.py) and, on the unix socket,
 * go-libvirt (bench/baseline/rpc.go `connect`; skipped without Go) on the same
 * daemon, in the same run, interleaved round by round. Services that connect per request,
 * and reconnects, pay this cost.
 *
 *   npm run bench:connect                  (= node scripts/bench-run.mjs bench/connect.ts: compiled as dist/ is)
 *
 * Figures: the unix socket (test driver), plain TCP (auth none) and TLS with
 * a client certificate plus SASL SCRAM-SHA-256 (the listener and the CA of
 * scripts/setup-libvirt.sh; a temporary SASL user is added and removed).
 * Each prints `ours=<connects/s> c=<connects/s> [go=<connects/s>] ours/C=…
 * [ours/Go=…]`, the per-round ratios with their median, and the client CPU
 * per connection of each client. Speed is only measured here, never asserted.
 *
 * Our side runs in this process, where V8 compiles the connection path only
 * after it has run many times (each connection runs a lot of code once): in
 * the first seconds of a figure our rate climbs (per-round ratio 0.91 → 1.09
 * over the five rounds of one run). The peers have nothing to warm (no JIT,
 * and each of their samples is a new process with its own warm-up). So before
 * the first round of each figure our side runs the loop for BENCH_SETTLE
 * seconds, not counted; its rate is printed (`settling`), so the cold cost
 * stays visible.
 *
 * Environment: BENCH_ROUNDS (5), BENCH_SECONDS (1), BENCH_WARMUP (0.3),
 * BENCH_SETTLE (3), BENCH_PYTHON (/usr/bin/python3), LIBVIRT_MANAGER_SKIP_SETUP=1.
 */
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CONNECT_GET_LIB_VERSION, connectRpc } from '../src/rpc/index.js';
import { PYTHON, SECONDS, WARMUP, progress, root } from './lib/config.js';
import { goSide } from './lib/go.js';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const SETTLE = Math.max(0, Number(process.env.BENCH_SETTLE ?? 3));
const PKI = '/etc/libvirt-manager/pki';
const SASL_DB = '/etc/libvirt/passwd.db';
const USER = `lvmbench-${process.pid}`;
const PASSWORD = randomBytes(12).toString('base64url');

interface Figure {
  name: string;
  uri: string;
  sasl: boolean;
  /** go-libvirt speaks unix sockets only (its TLS dialer has no SASL): the Go side runs where this is set. */
  go?: boolean;
}

type Side = 'ours' | 'c' | 'go';

interface Sample {
  opsPerSec: number;
  cpuUsPerOp: number;
}

const FIGURES: Figure[] = [
  { name: 'connect unix (test driver)', uri: 'test+unix:///default', sasl: false, go: true },
  { name: 'connect tcp, auth none', uri: 'test+tcp://127.0.0.1/default', sasl: false },
  { name: 'connect tls (client certificate) + SASL SCRAM-SHA-256', uri: `test+tls://${USER}@127.0.0.1/default?pkipath=${PKI}`, sasl: true },
];

async function measureOurs(figure: Figure, seconds = SECONDS, warmup = WARMUP): Promise<Sample> {
  const once = async (): Promise<void> => {
    const client = await connectRpc(figure.uri, figure.sasl ? { sasl: { password: PASSWORD } } : {});
    try {
      await client.call(CONNECT_GET_LIB_VERSION, undefined);
    } finally {
      await client.close();
    }
  };
  for (const end = performance.now() + warmup * 1000; performance.now() < end;) await once();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ops = 0;
  for (const end = t0 + seconds * 1000; performance.now() < end; ops++) await once();
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { opsPerSec: ops / elapsed, cpuUsPerOp: (cpu.user + cpu.system) / Math.max(ops, 1) };
}

/** go-libvirt's open (AUTH_LIST, CONNECT_OPEN), CONNECT_GET_LIB_VERSION, close loop: bench/baseline/rpc.go's `connect`. */
function measureGo(figure: Figure, binary: string): Promise<Sample> {
  const args = ['connect', '--uri', figure.uri, '--seconds', String(SECONDS), '--warmup', String(WARMUP)];
  return new Promise((resolve, reject) => {
    execFile(binary, args, (error, stdout) => {
      const result = JSON.parse(stdout.trim() || '{}') as Sample & { error?: string };
      if (error !== null || result.error !== undefined)
        reject(new Error(`Go baseline failed for ${figure.name}: ${result.error ?? error?.message}`));
      else resolve(result);
    });
  });
}

function measureC(figure: Figure): Promise<Sample> {
  const args = [join(root, 'bench/baseline/connect.py'), figure.uri, '--seconds', String(SECONDS), '--warmup', String(WARMUP)];
  if (figure.sasl) args.push('--user', USER, '--password', '-');
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stdin.end(figure.sasl ? `${PASSWORD}\n` : '');
    child.on('error', reject);
    child.on('close', (code) => {
      const result = JSON.parse(out.trim() || '{}') as Sample & { error?: string };
      if (code !== 0 || result.error !== undefined)
        reject(new Error(`baseline failed for ${figure.name}: ${result.error ?? `exit ${code}`}`));
      else resolve(result);
    });
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<void> {
  if (process.env.LIBVIRT_MANAGER_SKIP_SETUP !== '1') {
    const setup = spawnSync('bash', [join(root, 'scripts/setup-libvirt.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, LIBVIRT_SETUP_BENCH: '1' },
    });
    if (setup.status !== 0) throw new Error('scripts/setup-libvirt.sh failed');
  }
  execFileSync('saslpasswd2', ['-a', 'libvirt', '-f', SASL_DB, '-p', '-c', USER], { input: PASSWORD });
  const go = goSide();
  if ('skipped' in go) progress(`go-libvirt side skipped: ${go.skipped}`);
  const results: Record<
    string,
    Partial<Record<Side, Sample>> & { ratios: Record<string, { ratio: number; pairedRatio: number }>; settling?: Sample }
  > = {};
  try {
    for (const figure of FIGURES) {
      const sides: Side[] = figure.go === true && !('skipped' in go) ? ['ours', 'c', 'go'] : ['ours', 'c'];
      const samples: Record<Side, Sample[]> = { ours: [], c: [], go: [] };
      const settling = SETTLE > 0 ? await measureOurs(figure, SETTLE, 0) : undefined;
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate who goes first, so drift in the machine's load does not favour one side.
        for (const side of [...sides.slice(round % sides.length), ...sides.slice(0, round % sides.length)]) {
          const sample =
            side === 'ours'
              ? await measureOurs(figure)
              : side === 'c'
                ? await measureC(figure)
                : await measureGo(figure, (go as { binary: string }).binary);
          samples[side].push(sample);
        }
        progress(
          `${figure.name}: round ${round + 1}/${ROUNDS} ${sides.map((s) => `${s}=${samples[s].at(-1)!.opsPerSec.toFixed(0)}`).join(' ')}`,
        );
      }
      const summary = (list: Sample[]): Sample => ({
        opsPerSec: median(list.map((s) => s.opsPerSec)),
        cpuUsPerOp: median(list.map((s) => s.cpuUsPerOp)),
      });
      const o = summary(samples.ours);
      const entry: (typeof results)[string] = { ours: o, ratios: {} };
      const line: string[] = [`ours=${o.opsPerSec.toFixed(0)}`];
      const ratioLine: string[] = [];
      const cpuLine: string[] = [`ours ${o.cpuUsPerOp.toFixed(0)} µs`];
      const pairedLine: string[] = [];
      for (const peer of sides.filter((s) => s !== 'ours')) {
        const p = summary(samples[peer]);
        const paired = samples.ours.map((s, i) => s.opsPerSec / samples[peer][i]!.opsPerSec);
        const label = peer === 'c' ? 'C' : 'Go';
        entry[peer] = p;
        entry.ratios[peer] = { ratio: o.opsPerSec / p.opsPerSec, pairedRatio: median(paired) };
        line.push(`${peer}=${p.opsPerSec.toFixed(0)}`);
        ratioLine.push(`ours/${label}=${(o.opsPerSec / p.opsPerSec).toFixed(2)}`);
        cpuLine.push(`${label} ${p.cpuUsPerOp.toFixed(0)} µs`);
        pairedLine.push(`ours/${label} [${paired.map((r) => r.toFixed(2)).join(' ')}] median ${median(paired).toFixed(2)}`);
      }
      results[figure.name] = entry;
      console.log(`${figure.name}: ${line.join(' ')} ${ratioLine.join(' ')}`);
      console.log(`  per-round ratios: ${pairedLine.join('; ')}`);
      console.log(`  client CPU per connection (open, one call, close): ${cpuLine.join(', ')}`);
      if (settling !== undefined) {
        entry.settling = settling;
        console.log(
          `  settling (ours, not counted): ${settling.opsPerSec.toFixed(0)} connects/s, ${settling.cpuUsPerOp.toFixed(0)} µs of client CPU per connection over the first ${SETTLE} s`,
        );
      }
    }
  } finally {
    execFileSync('saslpasswd2', ['-a', 'libvirt', '-f', SASL_DB, '-d', USER]);
  }
  console.log(
    JSON.stringify({
      rounds: ROUNDS,
      seconds: SECONDS,
      settle: SETTLE,
      load: loadavg()[0],
      go: 'skipped' in go ? go : { go: go.go, goLibvirt: go.goLibvirt },
      results,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
