/**
 * Helpers of the creator's integration tests: what virsh sees (domains and
 * volumes with this run's prefix), the tiny test guest's manifest, and the
 * serial log.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, virsh, virshQuiet } from '../../helpers/libvirt.js';

/** Unique per run: names of everything these tests make start with it. */
export const PREFIX = `lvm-ct${process.pid}`;

/** Domain names with this run's prefix, sorted. */
export function ourDomains(uri: string): string[] {
  return virsh(uri, 'list', '--all', '--name')
    .split('\n')
    .map((l) => l.trim())
    .filter((n) => n.startsWith(PREFIX))
    .sort();
}

/** Volume names in `pool` (all of them, or only this run's with `onlyOurs`), sorted. */
export function poolVolumes(uri: string, pool: string, onlyOurs = false): string[] {
  virshQuiet(uri, 'pool-refresh', pool);
  return virsh(uri, 'vol-list', '--pool', pool)
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '' && (!onlyOurs || n.startsWith(PREFIX)))
    .sort();
}

/** Remove a domain whatever its state (cleanup paths). */
export function removeDomain(uri: string, name: string): void {
  virshQuiet(uri, 'destroy', name);
  try {
    virsh(uri, 'undefine', '--nvram', '--managed-save', '--snapshots-metadata', name);
  } catch {
    virshQuiet(uri, 'undefine', name);
  }
}

/** The manifest of `scripts/build-test-guest.sh`. */
export interface TestGuest {
  kernel: string;
  initrdAcpi: string;
  initrdNoAcpi: string;
  baseImage: string;
  baseImageMarker: string;
  cmdline: string;
  readyMarker: string;
  seedMarkerPrefix: string;
  diskMarkerPrefix: string;
}

/** Build (or reuse: cached) the tiny TCG test guest and read its manifest. */
export function ensureTestGuest(): TestGuest {
  const script = join(ROOT, 'scripts/build-test-guest.sh');
  execFileSync('bash', [script], { stdio: 'ignore' });
  const dir = execFileSync('bash', [script, '--print'], { encoding: 'utf8' }).trim();
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as TestGuest;
}

/** Wait until `marker` appears in the serial log; resolves with the log text. */
export async function waitForSerial(logPath: string, marker: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = existsSync(logPath) ? readFileSync(logPath, 'latin1') : '';
    if (text.includes(marker)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${marker} not seen in ${logPath} within ${timeoutMs} ms; log tail: ${JSON.stringify(text.slice(-600))}`);
}
