/**
 * Connection set-up benchmark: how many times per second each client can
 * open a connection, make one call and close it — libvirt-manager against
 * libvirt's own C client (bench/baseline/connect.py) on the same daemon, in
 * the same run, interleaved round by round. Services that connect per request,
 * and reconnects, pay this cost.
 *
 *   npm run bench:connect                  (= tsx bench/connect.ts)
 *
 * Figures: the unix socket (test driver), plain TCP (auth none) and TLS with
 * a client certificate plus SASL SCRAM-SHA-256 (the listener and the CA of
 * scripts/setup-libvirt.sh; a temporary SASL user is added and removed).
 * Each prints `ours=<connects/s> c=<connects/s> ratio=<ours/c>` and the CPU
 * per connection of each client. Speed is only measured here, never asserted.
 *
 * Environment: BENCH_ROUNDS (5), BENCH_SECONDS (1), BENCH_WARMUP (0.3),
 * BENCH_PYTHON (/usr/bin/python3), LIBVIRT_MANAGER_SKIP_SETUP=1.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CONNECT_GET_LIB_VERSION, connectRpc } from '../src/rpc/index.js';
import { PYTHON, SECONDS, WARMUP, progress, root } from './lib/config.js';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const PKI = '/etc/libvirt-manager/pki';
const SASL_DB = '/etc/libvirt/passwd.db';
const USER = `lvmbench-${process.pid}`;
const PASSWORD = randomBytes(12).toString('base64url');

interface Figure {
  name: string;
  uri: string;
  sasl: boolean;
}

interface Sample {
  opsPerSec: number;
  cpuUsPerOp: number;
}

const FIGURES: Figure[] = [
  { name: 'connect unix (test driver)', uri: 'test+unix:///default', sasl: false },
  { name: 'connect tcp, auth none', uri: 'test+tcp://127.0.0.1/default', sasl: false },
  { name: 'connect tls (client certificate) + SASL SCRAM-SHA-256', uri: `test+tls://${USER}@127.0.0.1/default?pkipath=${PKI}`, sasl: true },
];

async function measureOurs(figure: Figure): Promise<Sample> {
  const once = async (): Promise<void> => {
    const client = await connectRpc(figure.uri, figure.sasl ? { sasl: { password: PASSWORD } } : {});
    try {
      await client.call(CONNECT_GET_LIB_VERSION, undefined);
    } finally {
      await client.close();
    }
  };
  for (const end = performance.now() + WARMUP * 1000; performance.now() < end;) await once();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ops = 0;
  for (const end = t0 + SECONDS * 1000; performance.now() < end; ops++) await once();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { opsPerSec: ops / seconds, cpuUsPerOp: (cpu.user + cpu.system) / Math.max(ops, 1) };
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
    const setup = spawnSync('bash', [join(root, 'scripts/setup-libvirt.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (setup.status !== 0) throw new Error('scripts/setup-libvirt.sh failed');
  }
  execFileSync('saslpasswd2', ['-a', 'libvirt', '-f', SASL_DB, '-p', '-c', USER], { input: PASSWORD });
  const results: Record<string, { ours: Sample; c: Sample; ratio: number }> = {};
  try {
    for (const figure of FIGURES) {
      const ours: Sample[] = [];
      const c: Sample[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        // Alternate who goes first, so drift in the machine's load does not favour one side.
        if (round % 2 === 1) {
          ours.push(await measureOurs(figure));
          c.push(await measureC(figure));
        } else {
          c.push(await measureC(figure));
          ours.push(await measureOurs(figure));
        }
        progress(`${figure.name}: round ${round}/${ROUNDS} ours=${ours.at(-1)!.opsPerSec.toFixed(0)} c=${c.at(-1)!.opsPerSec.toFixed(0)}`);
      }
      const summary = (samples: Sample[]): Sample => ({
        opsPerSec: median(samples.map((s) => s.opsPerSec)),
        cpuUsPerOp: median(samples.map((s) => s.cpuUsPerOp)),
      });
      const o = summary(ours);
      const k = summary(c);
      const ratio = o.opsPerSec / k.opsPerSec;
      results[figure.name] = { ours: o, c: k, ratio };
      console.log(`${figure.name}: ours=${o.opsPerSec.toFixed(0)} c=${k.opsPerSec.toFixed(0)} ratio=${ratio.toFixed(2)}`);
      console.log(`  client CPU per connection: ours ${o.cpuUsPerOp.toFixed(0)} µs, C ${k.cpuUsPerOp.toFixed(0)} µs`);
    }
  } finally {
    execFileSync('saslpasswd2', ['-a', 'libvirt', '-f', SASL_DB, '-d', USER]);
  }
  console.log(JSON.stringify({ rounds: ROUNDS, seconds: SECONDS, results }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
