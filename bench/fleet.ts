/**
 * Fleet benchmark: a LibvirtFleet over N test-driver hosts with M VMs each.
 *
 *   npm run bench:fleet                     (= node scripts/bench-run.mjs bench/fleet.ts: compiled as dist/ is)
 *
 * Environment:
 *   LIBVIRT_MANAGER_SKIP_SETUP=1   do not run scripts/setup-libvirt.sh first
 *   BENCH_HOSTS=10                 hosts in the fleet
 *   BENCH_VMS=1000                 VMs on each host
 *   BENCH_EVENTS=1000              VMs suspended then resumed, one at a time, on random hosts (2 events each)
 *   BENCH_BURST=100                VMs per host suspended at once, on every host together
 *
 * The hosts: each is `test+unix:///<dir>/host<i>.xml`, a test-driver node file written by this
 * script. The main libvirtd opens the file itself, and every connection to a file gets a private
 * in-memory host (only `test:///default` is shared), here with M running domains — N distinct
 * hosts with their own VMs, for the price of N connections to one daemon. It follows that the
 * lifecycle changes cannot come from a second connection (it would see another host): they are
 * plain RPC calls (`conn.domains.control.suspend/resume`) on each host's own connection, which the
 * fleet's registries learn of from libvirt's events like any other change.
 *
 * Prints:
 * - open: `LibvirtFleet.open` until every host is connected and its registry seeded (one
 *   all-domain read each, concurrently);
 * - heap per tracked VM: `heapUsed` after a forced GC before and after the open, divided by the
 *   VMs in `fleet.listVms()` — includes each host's manager, connection and registry (N fixed
 *   costs spread over N×M VMs). The script re-runs itself under `node --expose-gc`;
 * - event → fleet view, median and p99, two ways: `event→view` from the moment a host's registry
 *   took libvirt's event off its subscription (`change.receivedAt`) to the moment a reader of
 *   `fleet.events()` holds the change (the view, `fleet.host(h).getVm()`, already shows it:
 *   checked); `call→view` from just before the suspend/resume call — what a user sees end to end;
 * - a burst: BENCH_BURST VMs suspended on every host at once, time until the fleet shows them all
 *   paused, then resumed alike.
 *
 * The registries run without periodic resync (as bench:state), so the figures are the event path.
 * The node files are deleted at the end; the test driver forgets its hosts when the fleet closes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FleetEvent, LibvirtFleet } from '../src/fleet/index.js';
import { fmtMs, hasGc, heap, pooled, quantile, runWithGc } from './lib/heap.js';

const HOSTS = count('BENCH_HOSTS', 10);
const VMS = count('BENCH_VMS', 1000);
const EVENTS = count('BENCH_EVENTS', 1000);
const BURST = Math.min(VMS, count('BENCH_BURST', 100));
const PREFIX = 'lvmfleet-';

function count(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got ${raw}`);
  return value;
}

/** A test-driver node file: one host with `VMS` running domains (the driver starts the file's domains). */
function nodeXml(host: number): string {
  const domains = Array.from(
    { length: VMS },
    (_, i) =>
      `<domain type='test'><name>${vmName(host, i)}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`,
  );
  return `<node><cpu><mhz>2000</mhz><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads></cpu><memory>67108864</memory>${domains.join('')}</node>`;
}

function vmName(host: number, i: number): string {
  return `${PREFIX}h${host}-${String(i).padStart(5, '0')}`;
}

/** Resolves with the moment a reader of the fleet's events holds VM `name` on `host` in `state`. */
type Waiter = (event: Extract<FleetEvent, { type: 'vm' }>, at: number) => void;

async function main(): Promise<void> {
  // Recorded: the daemon serves every host, so anything else busy on the machine skews every figure.
  const loadBefore = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  let fleet: LibvirtFleet | undefined;
  try {
    const hosts: Record<string, string> = {};
    for (let h = 0; h < HOSTS; h++) {
      const file = join(dir, `host${h}.xml`);
      writeFileSync(file, nodeXml(h));
      hosts[`h${h}`] = `test+unix://${file}`;
    }

    const before = heap();
    let t0 = performance.now();
    fleet = await LibvirtFleet.open(hosts, { openTimeout: 120_000, manager: { registry: { resyncInterval: 0 } } });
    const openMs = performance.now() - t0;
    const down = fleet.hosts().filter((h) => h.status !== 'up');
    if (down.length > 0) throw new Error(`hosts down after open: ${down.map((h) => h.name).join(', ')}`);
    const tracked = fleet.listVms().length;
    const after = heap();

    const waiting = new Map<string, Waiter>();
    const stop = new AbortController();
    const f = fleet;
    const reader = (async () => {
      for await (const event of f.events({ signal: stop.signal })) {
        const at = performance.now();
        if (event.type !== 'vm') continue;
        waiting.get(`${event.host}:${event.change.current.domain.name}:${event.change.current.state}`)?.(event, at);
      }
    })();
    const seen = (host: string, name: string, state: string) =>
      new Promise<{ event: Extract<FleetEvent, { type: 'vm' }>; at: number }>((resolve) => {
        const key = `${host}:${name}:${state}`;
        waiting.set(key, (event, at) => {
          waiting.delete(key);
          resolve({ event, at });
        });
      });

    const eventToView: number[] = [];
    const callToView: number[] = [];
    for (let n = 0; n < EVENTS; n++) {
      const h = Math.floor(Math.random() * HOSTS);
      const name = vmName(h, Math.floor(Math.random() * VMS));
      const conn = f.host(`h${h}`).connection;
      for (const [op, state] of [
        ['suspend', 'paused'],
        ['resume', 'running'],
      ] as const) {
        const shown = seen(`h${h}`, name, state);
        const issued = performance.now();
        await conn.domains.control[op](name);
        const { event, at } = await shown;
        if (f.host(`h${h}`).getVm(name)?.state !== state) throw new Error(`the view does not show ${name} ${state} with its event`);
        if (event.change.receivedAt === undefined) throw new Error(`change of ${name} has no receivedAt`);
        eventToView.push(at - event.change.receivedAt);
        callToView.push(at - issued);
      }
    }

    // Burst: BURST VMs on every host at once, suspended, then resumed.
    const burst: { op: 'suspend' | 'resume'; callsMs: number; shownMs: number }[] = [];
    for (const [op, state] of [
      ['suspend', 'paused'],
      ['resume', 'running'],
    ] as const) {
      const targets = Array.from({ length: HOSTS }, (_, h) => Array.from({ length: BURST }, (_, i) => ({ h, name: vmName(h, i) }))).flat();
      const shown = Promise.all(targets.map((t) => seen(`h${t.h}`, t.name, state)));
      t0 = performance.now();
      await Promise.all(
        Array.from({ length: HOSTS }, (_, h) =>
          pooled(
            targets.filter((t) => t.h === h),
            64,
            (t) => f.host(`h${h}`).connection.domains.control[op](t.name),
          ),
        ),
      );
      const callsMs = performance.now() - t0;
      await shown;
      burst.push({ op, callsMs, shownMs: performance.now() - t0 });
    }
    stop.abort();
    await reader;

    eventToView.sort((a, b) => a - b);
    callToView.sort((a, b) => a - b);
    const perVm = (after - before) / tracked;
    console.log(
      `libvirt-manager fleet benchmark — ${HOSTS} test-driver hosts × ${VMS} VMs, node ${process.version}${hasGc ? '' : ' (no gc(): heap figures include garbage)'}`,
    );
    console.log(`load average before the run: ${loadBefore.toFixed(2)}${loadBefore > 0.5 ? ' (busy machine: rerun when quiet)' : ''}`);
    console.log(`VMs tracked:                 ${tracked}`);
    console.log(`open (all hosts connected, registries seeded): ${openMs.toFixed(0)} ms`);
    console.log(`heap per tracked VM:         ${Math.round(perVm)} bytes (${((after - before) / 1024 / 1024).toFixed(2)} MiB for all)`);
    const line = (label: string, xs: number[]) =>
      `${label} (${xs.length}): median ${fmtMs(quantile(xs, 0.5))}, p99 ${fmtMs(quantile(xs, 0.99))}, max ${fmtMs(xs.at(-1)!)}`;
    console.log(line('event→view', eventToView));
    console.log(line('call→view ', callToView));
    for (const b of burst)
      console.log(
        `burst: ${b.op} ${BURST} VMs on each of ${HOSTS} hosts at once: calls done in ${b.callsMs.toFixed(0)} ms, the fleet shows them all after ${b.shownMs.toFixed(0)} ms`,
      );
  } finally {
    await fleet?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runWithGc(main);
