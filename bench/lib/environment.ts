/**
 * What the RPC benchmark's figures depend on: versions on both sides, the
 * machine, the daemon's limits and how busy it all was before the run, and
 * libvirtd's CPU accounting (pid and CPU seconds from /proc).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release } from 'node:os';
import { CONNECT_GET_LIB_VERSION, connectRpc } from '../../src/rpc/index.js';
import { BASELINE, PYTHON, ROUNDS, SECONDS, URI, WARMUP } from './config.js';
import { goSide } from './go.js';

export type Environment = Awaited<ReturnType<typeof environment>>;

/** Gather the environment (one short connection to the daemon, one run of the baseline's `env`). */
export async function environment() {
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
  const go = goSide();
  return {
    node: process.version,
    daemonLibvirt: formatVersion(Number(daemonVersion)),
    python: pyEnv.python,
    libvirtPython: pyEnv.libvirt_python ?? 'unknown',
    libvirtClientLibrary: pyEnv.libvirt_client_library,
    /** go-libvirt's Debian version and the Go that built it, or why the Go side is skipped. */
    goLibvirt: 'skipped' in go ? { skipped: go.skipped } : { goLibvirt: go.goLibvirt, go: go.go },
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
  return list.stdout
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '').length;
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
  const setting = (key: string, fallback: number): number =>
    Number(new RegExp(`^\\s*${key}\\s*=\\s*(\\d+)`, 'm').exec(conf)?.[1] ?? fallback);
  limits.max_client_requests = setting('max_client_requests', 5);
  if (limits.maxWorkers === undefined) limits.max_workers = setting('max_workers', 20);
  if (limits.prioWorkers === undefined) limits.prio_workers = setting('prio_workers', 5);
  return limits;
}

/** The report's `environment:` block. */
export function printEnvironment(env: Environment): void {
  console.log('environment:');
  console.log(`  node ${env.node}; daemon libvirt ${env.daemonLibvirt} (${env.uri})`);
  console.log(`  C client: libvirt ${env.libvirtClientLibrary} via python3-libvirt ${env.libvirtPython} (python ${env.python})`);
  const go = env.goLibvirt;
  console.log(
    'skipped' in go
      ? `  Go client: SKIPPED (${go.skipped})`
      : `  Go client: go-libvirt ${go.goLibvirt} (${go.go}), goroutines sharing one *libvirt.Libvirt`,
  );
  console.log(`  cpu: ${env.cpu} × ${env.nproc}${env.virtualised ? ' (virtual machine)' : ''}; kernel ${env.kernel}`);
  const limits = Object.entries(env.daemonLimits)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`  daemon limits: ${limits}`);
  console.log(
    `  note: max_client_requests caps the calls the DAEMON reads from one connection at a time; any client with more in flight (ours at 8/32/128, C and Go with 8/32 threads/goroutines) queues behind it. It is the daemon's limit, not a client one.`,
  );
  console.log(
    `  before the run: load average ${env.loadBefore.toFixed(2)}, CPU pressure ${env.cpuPressureBefore ?? '?'}%, ` +
      `other libvirtd clients ${env.otherClients ?? 'unknown'}`,
  );
  if (env.loadBefore > 0.5 || (env.cpuPressureBefore ?? 0) > 5 || (env.otherClients ?? 0) > 0) {
    console.log('  WARNING: the machine or the daemon was busy before this run; other work skews every figure (rerun when quiet).');
  }
  console.log(
    `  method: ${env.rounds} rounds × ${env.seconds} s per side after ${env.warmup} s warm-up, interleaved (ours/C/Go, C/Go/ours, Go/ours/C); median of rounds`,
  );
}

/** libvirtd's pid, from the pid file scripts/setup-libvirt.sh maintains (read each time: the daemon may be restarted). */
export function daemonPid(): number | undefined {
  try {
    const pid = Number(readFileSync('/run/libvirtd.pid', 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux.

/** CPU seconds (user+system, all threads) libvirtd has used so far; NaN when unknown. */
export function daemonCpuSeconds(pid = daemonPid()): number {
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

function formatVersion(v: number): string {
  return `${Math.floor(v / 1_000_000)}.${Math.floor(v / 1000) % 1000}.${v % 1000}`;
}
