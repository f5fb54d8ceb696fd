/**
 * What the state and fleet benchmarks share: heap readings after a forced GC
 * (the script re-runs itself under `node --expose-gc`), quantiles, a
 * bounded-concurrency loop and a millisecond format.
 */
import { spawnSync } from 'node:child_process';
import { root } from './config.js';

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether `gc()` is available: without it, heap figures include garbage. */
export const hasGc = gc !== undefined;

/** `heapUsed` after three forced GCs (one can leave objects that only the next one frees). */
export function heap(): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

/** The `q` quantile of ascending `sorted` (nearest rank below). */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** `ms` as µs below a millisecond, else ms with two decimals. */
export function fmtMs(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}

/** Run `work` over `items` with `width` calls in flight (the RPC client pipelines them). */
export async function pooled<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Run `main` with `gc()` available: unless it already is, run scripts/setup-libvirt.sh (unless
 * LIBVIRT_MANAGER_SKIP_SETUP=1) and re-run this script under `node --expose-gc` with the same loader
 * flags, passing on its exit code.
 */
export async function runWithGc(main: () => Promise<void>): Promise<void> {
  if (gc !== undefined || process.env.LIBVIRT_MANAGER_BENCH_CHILD === '1') return main();
  if (process.env.LIBVIRT_MANAGER_SKIP_SETUP !== '1') {
    const setup = spawnSync('bash', [`${root}/scripts/setup-libvirt.sh`], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (setup.status !== 0) throw new Error(`scripts/setup-libvirt.sh failed (exit ${setup.status ?? setup.signal})`);
  }
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, LIBVIRT_MANAGER_SKIP_SETUP: '1', LIBVIRT_MANAGER_BENCH_CHILD: '1' },
  });
  process.exitCode = child.status ?? 1;
}
