/**
 * State benchmark: VmRegistry tracking 1,000 test-driver VMs.
 *
 *   npm run bench:state                     (= node scripts/bench-run.mjs bench/state.ts: compiled as dist/ is)
 *
 * Environment:
 *   LIBVIRT_MANAGER_SKIP_SETUP=1   do not run scripts/setup-libvirt.sh first
 *   BENCH_VMS=1000                 VMs defined and tracked
 *   BENCH_EVENTS=1000              libvirt events driven one at a time (half starts, half destroys)
 *   BENCH_URI=test+unix:///default
 *
 * Prints:
 * - heap bytes per tracked VM: `process.memoryUsage().heapUsed` after a forced
 *   GC, before and after `registry.start()`, divided by the VMs tracked (it
 *   includes the registry's fixed cost, a few kB, spread over all VMs). The
 *   script re-runs itself with `node --expose-gc` so `gc()` is available;
 * - seed time (subscribe + one all-domain read + name reads) and the time of
 *   a resync with nothing changed;
 * - event → change latency, median and p99, two ways:
 *   `event→change`: from the moment the registry took the libvirt event off its
 *   subscription (`change.receivedAt`, performance.now()) to the moment a
 *   `registry.changes()` consumer holds the change — the registry's own cost
 *   (dispatch, machine transition, snapshot, async iteration);
 *   `call→change`: from just before `conn.domains.control.start/destroy` is
 *   called to the same moment — what a user sees end to end, including the
 *   RPC round trip and the daemon's work;
 * - a burst: every VM started at once (pipelined), time until the registry
 *   shows them all running.
 *
 * One connection stays open for the whole run (the test driver forgets its
 * domains when its last client disconnects). Every domain is removed at the end.
 */
import { type DomainRef, LibvirtConnection } from '../src/connection/internal.js';
import { type VmChange, VmRegistry } from '../src/state/internal.js';
import { fmtMs as fmt, hasGc, heap, pooled, quantile, runWithGc } from './lib/heap.js';

const URI = process.env.BENCH_URI ?? 'test+unix:///default';
const VMS = Math.max(1, Math.round(Number(process.env.BENCH_VMS ?? 1000)));
const EVENTS = Math.max(2, Math.round(Number(process.env.BENCH_EVENTS ?? 1000)));
const PREFIX = 'lvmstate-';

async function cleanup(conn: LibvirtConnection): Promise<void> {
  const leftovers = (await conn.domains.list()).filter((d) => d.name.startsWith(PREFIX));
  await pooled(leftovers, 64, async (d) => {
    await conn.domains.control.forceOff(d).catch(() => undefined);
    await conn.domains.control.undefine(d).catch(() => undefined);
  });
}

async function main(): Promise<void> {
  const conn = await LibvirtConnection.connect(URI);
  let registry: VmRegistry | undefined;
  try {
    await cleanup(conn);
    const refs: DomainRef[] = [];
    await pooled(
      Array.from({ length: VMS }, (_, i) => i),
      64,
      async (i) => {
        const name = `${PREFIX}${String(i).padStart(5, '0')}`;
        refs.push(
          await conn.domains.control.define(
            `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`,
          ),
        );
      },
    );
    refs.sort((a, b) => a.name.localeCompare(b.name));

    const before = heap();
    registry = new VmRegistry(conn, { resyncInterval: 0 });
    let t0 = performance.now();
    await registry.start({ timeout: 120_000 });
    const seedMs = performance.now() - t0;
    const tracked = registry.size;
    const after = heap();
    t0 = performance.now();
    await registry.resync();
    const resyncMs = performance.now() - t0;

    // Changes, observed as a user would: one async consumer; `waiting` resolves the driver below.
    const waiting = new Map<string, (change: VmChange, at: number) => void>();
    const consumer = (async () => {
      for await (const change of registry!.changes({ bufferSize: 1 << 16 })) {
        const at = performance.now();
        const key = `${change.current.domain.name}:${change.current.state}`;
        waiting.get(key)?.(change, at);
      }
    })();
    const changeOf = (name: string, state: string) =>
      new Promise<{ change: VmChange; at: number }>((resolve) =>
        waiting.set(`${name}:${state}`, (change, at) => (waiting.delete(`${name}:${state}`), resolve({ change, at }))),
      );

    const eventToChange: number[] = [];
    const callToChange: number[] = [];
    const half = Math.floor(EVENTS / 2);
    const subjects = Array.from({ length: half }, (_, i) => refs[i % refs.length]!);
    for (const [op, state] of [
      ['start', 'running'],
      ['forceOff', 'shutoff'],
    ] as const) {
      for (const ref of subjects) {
        const seen = changeOf(ref.name, state);
        const issued = performance.now();
        await conn.domains.control[op](ref);
        const { change, at } = await seen;
        if (change.receivedAt === undefined) throw new Error(`change of ${ref.name} has no receivedAt`);
        eventToChange.push(at - change.receivedAt);
        callToChange.push(at - issued);
      }
    }

    // Burst: every VM started at once.
    const allRunning = Promise.all(refs.map((r) => changeOf(r.name, 'running')));
    t0 = performance.now();
    await pooled(refs, 256, (r) => conn.domains.control.start(r));
    const callsDoneMs = performance.now() - t0;
    await allRunning;
    const burstMs = performance.now() - t0;
    registry.stop();
    await consumer;

    eventToChange.sort((a, b) => a - b);
    callToChange.sort((a, b) => a - b);
    const perVm = (after - before) / tracked;
    console.log(
      `libvirt-manager state benchmark — ${URI}, node ${process.version}${hasGc ? '' : ' (no gc(): heap figures include garbage)'}`,
    );
    console.log(`VMs tracked:                 ${tracked} (${VMS} defined + the driver's own)`);
    console.log(`heap per tracked VM:         ${Math.round(perVm)} bytes (${((after - before) / 1024 / 1024).toFixed(2)} MiB for all)`);
    console.log(`seed (registry.start):       ${seedMs.toFixed(1)} ms`);
    console.log(`resync, nothing changed:     ${resyncMs.toFixed(1)} ms`);
    console.log(
      `event→change (${eventToChange.length} events):  median ${fmt(quantile(eventToChange, 0.5))}, p99 ${fmt(quantile(eventToChange, 0.99))}, max ${fmt(eventToChange.at(-1)!)}`,
    );
    console.log(
      `call→change  (${callToChange.length} calls):   median ${fmt(quantile(callToChange, 0.5))}, p99 ${fmt(quantile(callToChange, 0.99))}, max ${fmt(callToChange.at(-1)!)}`,
    );
    console.log(
      `burst: ${refs.length} starts pipelined: calls done in ${callsDoneMs.toFixed(0)} ms, registry shows all running after ${burstMs.toFixed(0)} ms`,
    );
  } finally {
    registry?.stop();
    await cleanup(conn);
    await conn.close();
  }
}

await runWithGc(main);
