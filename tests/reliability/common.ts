/**
 * Shared plumbing of the reliability runs (`scripts/chaos.ts`,
 * `scripts/load.ts` and their CI-sized tests): a seeded RNG, command-line
 * flags, percentiles, a text table, and what `virsh` and the file system say
 * is left behind.
 *
 * @module
 */
import { execFile, execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { LibvirtManagerError } from '../../src/index.js';
import { ROOT, virsh, virshQuiet } from '../helpers/libvirt.js';

const execFileAsync = promisify(execFile);

/** A seeded PRNG (mulberry32): the same seed gives the same run plan. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/**
 * A fresh ed25519 key pair: the public half as an OpenSSH `authorized_keys`
 * line, the private half as PKCS#8 PEM (secret material for the leak tests).
 */
export function sshKeyPair(comment = 'lvm-test'): { publicKey: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const field = (bytes: Buffer): Buffer =>
    Buffer.concat([Buffer.from([0, 0, 0, 0].map((_, i) => (bytes.length >>> (24 - 8 * i)) & 0xff)), bytes]);
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return {
    publicKey: `ssh-ed25519 ${blob.toString('base64')} ${comment}`,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Parse `--key value` / `--key=value` / `--flag` into a map; unknown keys are refused. */
export function parseFlags(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const key = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!known.includes(key)) throw new Error(`unknown option --${key} (known: ${known.map((k) => `--${k}`).join(' ')})`);
    if (eq !== -1) flags.set(key, arg.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) flags.set(key, argv[++i]!);
    else flags.set(key, 'true');
  }
  return flags;
}

/** A positive integer flag. */
export function intFlag(flags: Map<string, string>, key: string, fallback: number): number {
  const raw = flags.get(key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${key} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** The `p`-th percentile (nearest rank) of `values`, in their unit; `NaN` when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** A two-column (or wider) text table, first column left-aligned, the rest right-aligned. */
export function formatTable(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const [head, ...body] = cells;
  return [line(head!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** `true` for an error of the SDK (any `LibvirtManagerError`, libvirt's own `LibvirtError` included). */
export function isTyped(error: unknown): boolean {
  return error instanceof LibvirtManagerError;
}

/** A short, non-secret label for an error: its class and code. */
export function errorLabel(error: unknown): string {
  if (error instanceof LibvirtManagerError) {
    const name = (error.constructor as { name?: string }).name ?? 'LibvirtManagerError';
    const codeName = (error as { codeName?: string }).codeName;
    return `${name}:${codeName ?? String(error.code)}`;
  }
  return `untyped:${error instanceof Error ? error.name : typeof error}`;
}

/** Domain names starting with `prefix`, sorted (`virsh list --all`). */
export function leftoverDomains(uri: string, prefix: string): string[] {
  return virsh(uri, 'list', '--all', '--name')
    .split('\n')
    .map((l) => l.trim())
    .filter((n) => n.startsWith(prefix))
    .sort();
}

/** Volume names starting with `prefix` in `pool`, after a refresh (`virsh vol-list`). */
export function leftoverVolumes(uri: string, pool: string, prefix: string): string[] {
  virshQuiet(uri, 'pool-refresh', pool);
  return virsh(uri, 'vol-list', '--pool', pool)
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '' && n.startsWith(prefix))
    .sort();
}

/** Files in `dir` (none when it does not exist). */
export function leftoverFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** QEMU processes whose command line names a domain starting with `prefix` (`-name guest=<name>`). */
export function leftoverProcesses(prefix: string): string[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .filter((line) => line.includes(`guest=${prefix}`))
    .map((line) => line.trim().split(/\s+/)[0]!)
    .sort();
}

/** Remove a pool whatever its state, and its directory (cleanup paths). */
export function purgePool(uri: string, pool: string, dir: string): void {
  virshQuiet(uri, 'pool-destroy', pool);
  virshQuiet(uri, 'pool-undefine', pool);
  rmSync(dir, { recursive: true, force: true });
}

/** Remove leftovers by force (after they were counted): domains by virsh, volumes by virsh. */
export function purge(uri: string, prefix: string, pool?: string): void {
  for (const pid of leftoverProcesses(prefix)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const name of leftoverDomains(uri, prefix)) {
    virshQuiet(uri, 'destroy', name);
    virshQuiet(uri, 'undefine', '--nvram', name);
    virshQuiet(uri, 'undefine', name);
  }
  if (pool !== undefined) for (const vol of leftoverVolumes(uri, pool, prefix)) virshQuiet(uri, 'vol-delete', '--pool', pool, vol);
}

/**
 * Start libvirtd again with the project's script, without blocking the event
 * loop: the same script `startLibvirtd()` (tests/helpers/libvirt.ts) runs
 * synchronously, which would freeze every workflow of a chaos run for the
 * length of the restart.
 */
export async function restartLibvirtd(): Promise<void> {
  await execFileAsync('bash', [join(ROOT, 'scripts/setup-libvirt.sh')], {
    env: { ...process.env, LIBVIRT_SETUP_NO_APT: '1' },
    timeout: 120_000,
  });
}

/** Resolve `true` after `ms`, or `false` as soon as `signal` aborts. */
export async function sleepUnless(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
