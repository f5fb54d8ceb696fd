import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainRef, type LibvirtConnection, type LibvirtEvent, TimeoutError } from '../../../src/connection/internal.js';
import type { LifecycleResult, VmLifecycleManager } from '../../../src/lifecycle/internal.js';
import {
  type GuestManifest,
  guestDomainXml,
  logDir,
  openQemuLifecycle,
  removeDomains,
  serialCount,
  waitForSerial,
} from '../../helpers/guest.js';
import { QEMU_URI, uniqueName } from '../../helpers/libvirt.js';

// Real TCG guests on a 2-core machine: generous budgets (docs/test-environment.md).
const BOOT_MS = 60_000;
const TEST_MS = 240_000;

let manifest: GuestManifest;
let conn: LibvirtConnection;
let lifecycle: VmLifecycleManager;
const logs = logDir('lvm-lifecycle-');
const created: DomainRef[] = [];
const timings: Record<string, number[]> = {};

function measure(label: string, ms: number): void {
  (timings[label] ??= []).push(ms);
}

interface Guest {
  ref: DomainRef;
  log: string;
}

async function defineGuest(prefix: string, variant: 'acpi' | 'noacpi' = 'acpi'): Promise<Guest> {
  const name = uniqueName(`lc-${prefix}`);
  const log = logs.path(name);
  const ref = await conn.domains.control.define(guestDomainXml(manifest, { name, logPath: log, variant }));
  created.push(ref);
  return { ref, log };
}

/** Start through the manager and wait for the guest's ready marker (from then on it honours ACPI). */
async function bootGuest(prefix: string, variant: 'acpi' | 'noacpi' = 'acpi'): Promise<Guest> {
  const guest = await defineGuest(prefix, variant);
  const t0 = Date.now();
  const r = await lifecycle.start(guest.ref);
  expect(r).toMatchObject({ state: 'running', changed: true, confirmedBy: 'event' });
  measure('start call → confirmed', r.elapsedMs);
  await waitForSerial(guest.log, manifest.readyMarker, BOOT_MS);
  measure('start → ready marker', Date.now() - t0);
  return guest;
}

beforeAll(async () => {
  ({ manifest, conn, lifecycle } = await openQemuLifecycle());
}, 600_000);

afterAll(async () => {
  await removeDomains(conn, created);
  await conn?.close();
  logs.remove();
  const summary = Object.entries(timings).map(([k, v]) => `${k}: ${v.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s`);
  console.log(`lifecycle timings on ${QEMU_URI}:\n  ${summary.join('\n  ')}`);
}, 120_000);

describe('lifecycle of real TCG guests', () => {
  it(
    'ACPI shutdown of a booted guest completes through events',
    async () => {
      const guest = await bootGuest('acpi');
      const r = await lifecycle.shutdown(guest.ref);
      expect(r).toMatchObject({
        state: 'shutoff',
        reason: 'shutdown',
        changed: true,
        confirmedBy: 'event',
        escalated: false,
        method: 'acpi',
        requests: 1,
      });
      expect(serialCount(guest.log, manifest.poweroffMarker)).toBe(1);
      measure('shutdown (ready guest) → shutoff', r.elapsedMs);
    },
    TEST_MS,
  );

  it(
    'a shutdown issued right after start completes thanks to the re-sent ACPI press',
    async () => {
      const guest = await defineGuest('early');
      await lifecycle.start(guest.ref);
      // The guest listens for the power button only ~2.3 s after start: the first press is lost.
      expect(serialCount(guest.log, manifest.readyMarker)).toBe(0);
      const r = await lifecycle.shutdown(guest.ref);
      expect(r).toMatchObject({ state: 'shutoff', reason: 'shutdown', escalated: false, confirmedBy: 'event', method: 'acpi' });
      expect(r.requests).toBeGreaterThanOrEqual(2);
      expect(serialCount(guest.log, manifest.readyMarker)).toBe(1);
      measure('shutdown right after start → shutoff', r.elapsedMs);
    },
    TEST_MS,
  );

  it(
    'a guest that ignores ACPI is forced off after the timeout',
    async () => {
      const guest = await bootGuest('noacpi', 'noacpi');
      const r = await lifecycle.shutdown(guest.ref, { timeout: 8_000, resendEvery: 2_000 });
      expect(r).toMatchObject({ state: 'shutoff', reason: 'destroyed', escalated: true, changed: true, method: 'acpi' });
      expect(r.requests).toBeGreaterThanOrEqual(4);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(8_000);
      measure('noacpi shutdown(timeout 8 s) → forced off', r.elapsedMs);
    },
    TEST_MS,
  );

  it(
    "onTimeout: 'throw' rejects with TimeoutError naming the state, and leaves the guest running",
    async () => {
      const guest = await bootGuest('noacpi-throw', 'noacpi');
      const error = await lifecycle
        .shutdown(guest.ref, { timeout: 4_000, resendEvery: 1_000, onTimeout: 'throw' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(String((error as Error).message)).toContain('running');
      const off = await lifecycle.forceOff(guest.ref);
      expect(off).toMatchObject({ state: 'shutoff', reason: 'destroyed', confirmedBy: 'event' });
      measure('forceOff → shutoff', off.elapsedMs);
    },
    TEST_MS,
  );

  it(
    'reboot is observed: the reboot event, then the ready marker again',
    async () => {
      const guest = await bootGuest('reboot');
      const r = await lifecycle.reboot(guest.ref);
      expect(r).toMatchObject({ path: 'reboot', state: 'running', confirmedBy: 'event', method: 'acpi', changed: true });
      measure('reboot → reboot event', r.elapsedMs);
      const t0 = Date.now();
      await waitForSerial(guest.log, manifest.readyMarker, BOOT_MS, { times: 2 });
      measure('reboot event → ready marker again', Date.now() - t0);
      await lifecycle.forceOff(guest.ref);
    },
    TEST_MS,
  );

  it(
    'pause, resume and reset',
    async () => {
      const guest = await bootGuest('pause');
      const paused = await lifecycle.pause(guest.ref);
      expect(paused).toMatchObject({ state: 'paused', reason: 'user', confirmedBy: 'event', changed: true });
      expect(await lifecycle.pause(guest.ref)).toMatchObject({ noop: 'already paused' });
      // This guest has no guest agent: the clock sync is refused, the resume still succeeds and says so.
      const resumed = await lifecycle.resume(guest.ref, { syncTime: true });
      expect(resumed).toMatchObject({
        state: 'running',
        reason: 'unpaused',
        confirmedBy: 'event',
        wokeUp: false,
        timeSync: { synced: false },
      });
      expect(resumed.timeSync?.synced === false && resumed.timeSync.error.message).toMatch(/agent/i);
      measure('pause', paused.elapsedMs);
      measure('resume', resumed.elapsedMs);
      const reset = await lifecycle.reset(guest.ref);
      expect(reset).toMatchObject({ state: 'running', confirmedBy: 'call', changed: true });
      await waitForSerial(guest.log, manifest.readyMarker, BOOT_MS, { times: 2 });
      await lifecycle.forceOff(guest.ref);
    },
    TEST_MS,
  );

  it(
    'managed save, then start restores the guest (reason restored)',
    async () => {
      const guest = await bootGuest('msave');
      const saved = await lifecycle.managedSave(guest.ref);
      expect(saved).toMatchObject({ state: 'shutoff', reason: 'saved', confirmedBy: 'event', changed: true });
      expect(await lifecycle.hasManagedSave(guest.ref)).toBe(true);
      measure('managedSave → saved', saved.elapsedMs);
      const restored = await lifecycle.start(guest.ref);
      expect(restored).toMatchObject({ state: 'running', reason: 'restored', restored: true, confirmedBy: 'event' });
      expect(await lifecycle.hasManagedSave(guest.ref)).toBe(false);
      measure('start from managed save → restored', restored.elapsedMs);
      // The restored guest is the same booted guest: it honours ACPI at once.
      expect(await lifecycle.shutdown(guest.ref)).toMatchObject({ reason: 'shutdown', requests: 1, escalated: false });
    },
    TEST_MS,
  );

  it(
    '20 concurrent mixed operations on one real VM run in call order without error',
    async () => {
      const guest = await defineGuest('serial');
      const vm = guest.ref;
      const seen: string[] = [];
      const sub = conn.events({ types: ['domain.lifecycle'], domain: vm });
      await sub.ready;
      const pump = (async () => {
        for await (const e of sub as AsyncIterable<LibvirtEvent>) if (e.type === 'domain.lifecycle') seen.push(e.event);
      })();
      const plan: [() => Promise<LifecycleResult>, Record<string, unknown>][] = [
        [() => lifecycle.start(vm), { state: 'running', changed: true }],
        [() => lifecycle.start(vm), { noop: 'already running' }],
        [() => lifecycle.pause(vm), { state: 'paused', changed: true }],
        [() => lifecycle.pause(vm), { noop: 'already paused' }],
        [() => lifecycle.resume(vm), { state: 'running', changed: true }],
        [() => lifecycle.resume(vm), { noop: 'already running' }],
        [() => lifecycle.reset(vm), { state: 'running', confirmedBy: 'call' }],
        [() => lifecycle.managedSave(vm), { state: 'shutoff', reason: 'saved' }],
        [() => lifecycle.start(vm), { state: 'running', reason: 'restored', restored: true }],
        [() => lifecycle.forceOff(vm), { state: 'shutoff', reason: 'destroyed' }],
        [() => lifecycle.forceOff(vm), { noop: 'already shut off' }],
        [() => lifecycle.start(vm), { state: 'running', reason: 'booted' }],
        [() => lifecycle.reboot(vm), { state: 'running', path: 'reboot', confirmedBy: 'event' }],
        [() => lifecycle.pause(vm), { state: 'paused' }],
        [() => lifecycle.managedSave(vm), { state: 'shutoff', reason: 'saved' }],
        [() => lifecycle.start(vm), { state: 'paused', restored: true }],
        [() => lifecycle.resume(vm), { state: 'running', changed: true }],
        [() => lifecycle.shutdown(vm), { state: 'shutoff', reason: 'shutdown', escalated: false }],
        [() => lifecycle.shutdown(vm), { noop: 'already shut off' }],
        [() => lifecycle.start(vm), { state: 'running', restored: false }],
      ];
      const t0 = Date.now();
      const finished: number[] = [];
      const results = await Promise.all(plan.map(([op], i) => op().then((r) => (finished.push(i), r))));
      measure('20 serialised operations', Date.now() - t0);
      expect(finished).toEqual(plan.map((_, i) => i));
      results.forEach((r, i) => expect(r, `operation ${i}`).toMatchObject(plan[i]![1]));
      expect(lifecycle.busyVms).toBe(0);
      await lifecycle.forceOff(vm);
      sub.return();
      await pump;
      // The order of effects as libvirt reported them: five starts (ops 0, 8, 11, 15, 19), each followed by a
      // stop (ops 7, 9, 14, 17 and the final forceOff). QEMU adds `resumed`/`suspended` around starts and saves.
      expect(seen.filter((e) => e === 'started' || e === 'stopped')).toEqual(
        Array.from({ length: 5 }, () => ['started', 'stopped']).flat(),
      );
      expect(seen.filter((e) => e === 'suspended').length).toBeGreaterThanOrEqual(2);
    },
    TEST_MS,
  );

  it(
    '10 real VMs are started and shut down in parallel',
    async () => {
      const guests = await Promise.all(Array.from({ length: 10 }, (_, i) => defineGuest(`par${i}`)));
      const t0 = Date.now();
      const started = await Promise.all(guests.map((g) => lifecycle.start(g.ref, { timeout: 120_000 })));
      measure('10 parallel starts → all confirmed', Date.now() - t0);
      expect(started.every((r) => r.state === 'running' && r.confirmedBy === 'event')).toBe(true);
      await Promise.all(guests.map((g) => waitForSerial(g.log, manifest.readyMarker, 180_000)));
      measure('10 parallel starts → all ready', Date.now() - t0);
      const t1 = Date.now();
      const stopped = await Promise.all(guests.map((g) => lifecycle.shutdown(g.ref, { timeout: 120_000 })));
      measure('10 parallel ACPI shutdowns → all shut off', Date.now() - t1);
      for (const r of stopped) expect(r).toMatchObject({ state: 'shutoff', reason: 'shutdown', escalated: false, confirmedBy: 'event' });
      expect(lifecycle.busyVms).toBe(0);
    },
    TEST_MS,
  );
});
