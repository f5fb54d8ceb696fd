/**
 * RPC benchmark: libvirt-manager's RPC client against libvirt's own C client
 * (libvirt0 through Debian's python3-libvirt, bench/baseline/rpc.py) and
 * go-libvirt (bench/baseline/rpc.go, built on the fly when Go and Debian's
 * golang-github-digitalocean-go-libvirt-dev are present, skipped otherwise) on
 * the same daemon, in the same run, interleaved round by round.
 *
 *   npm run bench:rpc                      (= node scripts/bench-run.mjs bench/rpc.ts: compiled as dist/ is)
 *
 * Environment:
 *   LIBVIRT_MANAGER_SKIP_SETUP=1   do not run scripts/setup-libvirt.sh first
 *   BENCH_ROUNDS=7                 rounds per figure; each figure is the median
 *   BENCH_SECONDS=1                measured seconds per side per round
 *   BENCH_WARMUP=0.3               uncounted seconds of the same work before each measurement
 *   BENCH_ONLY=seq,tput,cycle,xml,list   groups to run (default: all)
 *   BENCH_URI=test+unix:///default
 *   BENCH_PYTHON=/usr/bin/python3
 *   BENCH_GO=go, BENCH_GOPATH=/usr/share/gocode, BENCH_NO_GO=1 (skip the Go side)
 *
 * Each side runs the same procedures with the same arguments and validates
 * every result (a wrong state or count is an error, not a data point). Speed is
 * only ever measured here, never asserted in tests. See docs/performance.md.
 *
 * This file lists the figures and runs them; bench/lib holds the settings
 * (config.ts), the environment and libvirtd's CPU accounting (environment.ts),
 * the workloads (workloads.ts), the peers (peers.ts, go.ts) and the
 * measurement and report (measure.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { connectRpc } from '../src/rpc/index.js';
import { ONLY, PREFIX, URI, interruption, progress, root } from './lib/config.js';
import { environment, printEnvironment } from './lib/environment.js';
import { type Comparison, type FigureResult, runGroup, warmUpJit } from './lib/measure.js';
import { allStats, cycle, getState, libVersion, listAll, removeDomains, withDomains, xmlDesc } from './lib/workloads.js';

/** Inactive domains defined for the `list` group. */
const LIST_DOMAINS = 1000;

function rounded(c: Comparison): Comparison {
  return { ...c, ratio: Number(c.ratio.toFixed(2)), pairedRatio: Number(c.pairedRatio.toFixed(2)) };
}

function wanted(group: string): boolean {
  return ONLY === undefined || ONLY.includes(group);
}

async function main(): Promise<number> {
  process.on('SIGINT', () => {
    if (interruption.signal.aborted) process.exit(130);
    interruption.abort();
    progress('interrupted: finishing the current call and cleaning up (Ctrl-C again to quit now)');
  });
  if (process.env.LIBVIRT_MANAGER_SKIP_SETUP !== '1') {
    const setup = spawnSync('bash', [join(root, 'scripts/setup-libvirt.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, LIBVIRT_SETUP_BENCH: '1' },
    });
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
      [
        'seq',
        () =>
          runGroup(
            [
              { name: 'seq CONNECT_GET_LIB_VERSION', workload: libVersion, ours: 1, peers: 1 },
              { name: 'seq DOMAIN_GET_STATE', workload: getState, ours: 1, peers: 1 },
            ],
            done,
          ),
      ],
      [
        'tput',
        () =>
          runGroup(
            [
              { name: 'throughput DOMAIN_GET_STATE ours-8 vs peers-8', workload: getState, ours: 8, peers: 8 },
              { name: 'throughput DOMAIN_GET_STATE ours-32 vs peers-32', workload: getState, ours: 32, peers: 32 },
              {
                name: 'throughput DOMAIN_GET_STATE ours-128 vs best peer',
                workload: getState,
                ours: 128,
                best: ['throughput DOMAIN_GET_STATE ours-8 vs peers-8', 'throughput DOMAIN_GET_STATE ours-32 vs peers-32'],
              },
            ],
            done,
          ),
      ],
      [
        'cycle',
        () =>
          runGroup(
            [
              { name: 'cycle define+start+destroy+undefine sequential', workload: cycle, ours: 1, peers: 1 },
              { name: 'cycle define+start+destroy+undefine 8 workers', workload: cycle, ours: 8, peers: 8 },
            ],
            done,
          ),
      ],
      ['xml', () => runGroup([{ name: 'seq DOMAIN_GET_XML_DESC', workload: xmlDesc, ours: 1, peers: 1 }], done)],
      [
        'list',
        () =>
          withDomains(admin, LIST_DOMAINS, (total) =>
            runGroup(
              [
                { name: `seq CONNECT_LIST_ALL_DOMAINS (${total} domains)`, workload: listAll(total), ours: 1, peers: 1 },
                { name: `seq CONNECT_GET_ALL_DOMAIN_STATS (${total} domains)`, workload: allStats(total), ours: 1, peers: 1 },
              ],
              done,
            ),
          ),
      ],
    ];
    for (const [group, run] of groups) {
      if (!wanted(group)) continue;
      progress(`${group}:`);
      try {
        await run();
      } catch (error) {
        errors.push(`${group}: ${error instanceof Error ? error.message : String(error)}`);
        console.log(`${group}: FAILED: ${errors.at(-1)}`);
        if (interruption.signal.aborted) break;
      }
    }
  } finally {
    const left = await removeDomains(admin, PREFIX).catch(() => -1);
    if (left !== 0) progress(left > 0 ? `cleaned up ${left} leftover domains` : 'clean-up of leftover domains failed');
    await admin.close();
  }
  const summary = {
    environment: env,
    figures: [...done.values()].map(({ go, c, ...r }) => ({ ...r, c: rounded(c), ...(go === undefined ? {} : { go: rounded(go) }) })),
    errors,
  };
  console.log(JSON.stringify(summary));
  return errors.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
