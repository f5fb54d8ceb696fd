/**
 * The RPC benchmark's settings, read once from the environment (see the list
 * in bench/rpc.ts), and the interruption both sides' loops check.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: given by scripts/bench-run.mjs, which runs a compiled copy from elsewhere; else next to this file. */
export const root = process.env.LIBVIRT_MANAGER_BENCH_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '../..');
export const BASELINE = join(root, 'bench/baseline/rpc.py');
export const URI = process.env.BENCH_URI ?? 'test+unix:///default';
export const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
export const ROUNDS = Math.max(1, Math.round(positive('BENCH_ROUNDS', 7)));
export const SECONDS = positive('BENCH_SECONDS', 1);
export const WARMUP = positive('BENCH_WARMUP', 0.3);
export const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
/** Every domain this benchmark creates starts with this; leftovers of killed runs are removed at start. */
export const PREFIX = 'lvmbench-';
/** The test driver's own running domain, read by the getstate and xmldesc figures. */
export const TEST_DOMAIN = 'test';

/** Aborted by the first Ctrl-C: loops finish their current call, then everything cleans up. */
export const interruption = new AbortController();

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

/** A progress line, on stderr (stdout carries only the report). */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
