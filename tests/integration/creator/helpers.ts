/**
 * Helpers of the creator's integration tests: what virsh sees (domains and
 * volumes with this run's prefix) and how to clear them, the rollback check
 * both drivers run, the tiny test guest's manifest, and the serial log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { LibvirtConnection } from '../../../src/connection/internal.js';
import { VmCreator, getRollbackReport, type VmSpec } from '../../../src/creator/internal.js';
import { type GuestManifest, ensureTestGuest as ensureGuest } from '../../helpers/guest.js';
import { uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { rejection } from '../../helpers/errors.js';
export { rejection };

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

/**
 * A test file's own objects on a shared daemon: `name(p)` makes a unique `lvm-<tag>-<p>-…` name and remembers it
 * (in `names`, for cleanup); `inventory()` is what of them exists now (domains, and volumes in `pool`), to
 * compare before and after a refusal; `remove()` clears them. Only this file's: other files may use the same test driver at the time.
 */
export function ownObjects(uri: string, tag: string, pool: string) {
  const names: string[] = [];
  const ours = (n: string): boolean => n.startsWith(`lvm-${tag}-`);
  return {
    names,
    name(prefix: string): string {
      const n = uniqueName(`${tag}-${prefix}`);
      names.push(n);
      return n;
    },
    inventory(): { domains: string[]; volumes: string[] } {
      const domains = virsh(uri, 'list', '--all', '--name')
        .split('\n')
        .map((l) => l.trim())
        .filter(ours);
      return { domains: domains.sort(), volumes: poolVolumes(uri, pool).filter(ours).sort() };
    },
    /** Remove every domain named so far and the volumes named after them. */
    remove(): void {
      for (const n of names) {
        virshQuiet(uri, 'destroy', n);
        virshQuiet(uri, 'undefine', n);
      }
      for (const v of poolVolumes(uri, pool)) if (names.some((n) => v.startsWith(n))) virshQuiet(uri, 'vol-delete', '--pool', pool, v);
    },
  };
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

/**
 * Remove this run's domains and the volumes in `pool` (every one, or only this
 * run's with `onlyOurs`) except `keep`: the state each test starts from.
 */
export function removeLeftovers(uri: string, pool: string, { keep, onlyOurs = false }: { keep: string; onlyOurs?: boolean }): void {
  for (const name of ourDomains(uri)) removeDomain(uri, name);
  for (const vol of poolVolumes(uri, pool, onlyOurs)) if (vol !== keep) virshQuiet(uri, 'vol-delete', '--pool', pool, vol);
}

/** Options of {@link expectRollbackAtEveryStep}. */
export interface RollbackCheck {
  uri: string;
  pool: string;
  /** The steps a successful create of `spec` ran, in order (from a `beforeStep` hook). */
  steps: readonly string[];
  spec: (name: string) => VmSpec;
}

/**
 * Inject a failure before each of `steps` in turn: every create rejects with
 * the injected error, its rollback report is complete and undid the steps done
 * so far in reverse (an upload is undone with its volume, not as a step), and
 * no domain of ours and no new volume in `pool` is left.
 */
export async function expectRollbackAtEveryStep(conn: LibvirtConnection, { uri, pool, steps, spec }: RollbackCheck): Promise<void> {
  const volumesBefore = poolVolumes(uri, pool);
  for (const [i, failing] of steps.entries()) {
    const injected = new Error(`injected before ${failing}`);
    const creator = new VmCreator(conn, {
      hooks: {
        beforeStep: (s) => {
          if (s === failing) throw injected;
        },
      },
    });
    const error = await rejection(creator.create(spec(`${PREFIX}-fail${i}`)));
    expect(error, failing).toBe(injected);
    const report = getRollbackReport(error);
    expect(report?.complete, failing).toBe(true);
    expect(
      report?.undone.map((s) => s.step),
      failing,
    ).toEqual(
      steps
        .slice(0, i)
        .filter((s) => !s.startsWith('upload:'))
        .reverse(),
    );
    expect(ourDomains(uri), failing).toEqual([]);
    expect(poolVolumes(uri, pool), failing).toEqual(volumesBefore);
  }
}

/** The manifest of `scripts/build-test-guest.sh`, with the fields the creator's tests read besides the boot ones. */
export interface TestGuest extends GuestManifest {
  baseImage: string;
  baseImageMarker: string;
  seedMarkerPrefix: string;
  diskMarkerPrefix: string;
}

/** Build (or reuse: cached) the tiny TCG test guest and read its manifest. */
export function ensureTestGuest(): TestGuest {
  return ensureGuest() as TestGuest;
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
