/**
 * VmRegistry against the test driver through the system daemon
 * (test+unix:///default). One connection stays open for the whole file: the
 * test driver forgets everything when its last client disconnects.
 *
 * Covered: changes made from outside with virsh (define, start, suspend,
 * resume, destroy, undefine, create) reach the registry within 1 s; commands
 * through the machine's guard — the one state table; one operation per VM at a
 * time (queued by default, refused with `{ queue: false }`); stop(). What the
 * registry does when events are missed (a VM it has not heard of, resync after
 * a real reconnect, periodic resync) is in tests/unit/state/registry-missed-events.test.ts,
 * against the shipped fake daemon, which can change a VM without an event.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, type DomainRef, InvalidStateError, LibvirtConnection, TimeoutError } from '../../../src/connection/internal.js';
import { VmLifecycleManager } from '../../../src/lifecycle/internal.js';
import { type VmChange, VmRegistry } from '../../../src/state/internal.js';
import { gatedLifecycle } from '../../helpers/gated-lifecycle.js';
import { TEST_URI, sleep, testDomainXml, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { SHUTOFF_ALLOWED } from '../../helpers/allowed.js';

let conn: LibvirtConnection;
let registry: VmRegistry;
const names: string[] = [];
const latencies: number[] = [];

function newName(prefix: string): string {
  const name = uniqueName(`st-${prefix}`);
  names.push(name);
  return name;
}

function virshDefine(name: string): void {
  const file = join(tmpdir(), `${name}.xml`);
  writeFileSync(file, testDomainXml(name));
  virsh(TEST_URI, 'define', file);
}

function virshCreate(name: string): void {
  const file = join(tmpdir(), `${name}.xml`);
  writeFileSync(file, testDomainXml(name));
  virsh(TEST_URI, 'create', file);
}

/** Run virsh, then require the registry to show `state` within 1 s (the requirement), and record how long it took. */
async function outside(reg: VmRegistry, name: string, state: Parameters<VmRegistry['waitFor']>[1], ...args: string[]) {
  virsh(TEST_URI, ...args);
  const t0 = performance.now();
  const snapshot = await reg.waitFor(name, state, { timeout: 1000 });
  latencies.push(performance.now() - t0);
  return snapshot;
}

beforeAll(async () => {
  conn = await LibvirtConnection.connect(TEST_URI);
  registry = new VmRegistry(conn, { resyncInterval: 0 });
});

afterAll(async () => {
  registry?.stop();
  for (const name of names) {
    virshQuiet(TEST_URI, 'destroy', name);
    virshQuiet(TEST_URI, 'undefine', name, '--managed-save');
  }
  await conn?.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  if (sorted.length > 0) {
    console.log(
      `virsh → registry (after virsh returned), ${sorted.length} changes: median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
  }
});

describe('seeding', () => {
  it('tracks every existing domain with its state once started', async () => {
    const before = newName('seed');
    virshDefine(before);
    await registry.start({ timeout: 10_000 });
    expect(registry.get('test')).toMatchObject({
      state: 'running',
      inFlight: null,
      allowed: expect.arrayContaining(['shutdown', 'pause']),
    });
    expect(registry.get(before)).toMatchObject({ state: 'shutoff', allowed: SHUTOFF_ALLOWED });
    const all = await conn.domains.list();
    expect(registry.size).toBe(all.length);
    // Idempotent.
    await registry.start();
  });
});

describe('changes made from outside with virsh appear within 1 s', () => {
  it('define, start, suspend, resume, destroy, undefine', async () => {
    const name = newName('virsh');
    const changes: VmChange[] = [];
    const controller = new AbortController();
    const collecting = (async () => {
      for await (const change of registry.changes({ vm: name, signal: controller.signal })) changes.push(change);
    })();
    virshDefine(name);
    const defined = await registry.waitFor(name, 'shutoff', { timeout: 1000 });
    expect(defined.allowed).toEqual(SHUTOFF_ALLOWED);
    expect(await outside(registry, name, 'running', 'start', name)).toMatchObject({ reason: 'booted' });
    expect(await outside(registry, name, 'paused', 'suspend', name)).toMatchObject({ reason: 'user' });
    expect(await outside(registry, name, 'running', 'resume', name)).toMatchObject({ reason: 'unpaused' });
    expect(await outside(registry, name, 'shutoff', 'destroy', name)).toMatchObject({ reason: 'destroyed', domain: { id: -1 } });
    await outside(registry, name, 'gone', 'undefine', name);
    expect(registry.get(name)).toBeUndefined();
    controller.abort();
    await collecting;
    expect(changes.map((c) => [c.cause, c.event, c.current.state])).toEqual([
      ['event', 'libvirt.defined', 'shutoff'],
      ['event', 'libvirt.started', 'running'],
      ['event', 'libvirt.suspended', 'paused'],
      ['event', 'libvirt.resumed', 'running'],
      ['event', 'libvirt.stopped', 'shutoff'],
      ['event', 'libvirt.undefined', 'gone'],
    ]);
  });

  it('a transient domain (virsh create) appears running and is gone once destroyed', async () => {
    const name = newName('transient');
    virshCreate(name);
    await registry.waitFor(name, 'running', { timeout: 1000 });
    await outside(registry, name, 'gone', 'destroy', name);
  });

  it('undefining a running domain keeps it (now transient); it is gone once it stops', async () => {
    const name = newName('undef-run');
    virshDefine(name);
    await outside(registry, name, 'running', 'start', name);
    virsh(TEST_URI, 'undefine', name);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(registry.get(name)?.state).toBe('running');
    await outside(registry, name, 'gone', 'destroy', name);
  });
});

describe('commands through the machine', () => {
  it('runs allowed commands and returns the lifecycle results; get() shows the settled state at once', async () => {
    const name = newName('cmd');
    virshDefine(name);
    await registry.waitFor(name, 'shutoff', { timeout: 1000 });
    const started = await registry.send(name, 'start');
    expect(started).toMatchObject({ operation: 'start', state: 'running', confirmedBy: 'event' });
    expect(registry.get(name)).toMatchObject({ state: 'running', inFlight: null });
    expect(await registry.send(name, 'pause')).toMatchObject({ state: 'paused' });
    expect(registry.get(name)?.state).toBe('paused');
    expect(await registry.send(name, 'resume')).toMatchObject({ state: 'running', wokeUp: false });
    expect(await registry.send(name, 'reboot')).toMatchObject({ state: 'running', confirmedBy: 'call' });
    expect(await registry.send(name, 'managedSave')).toMatchObject({ state: 'shutoff', reason: 'saved' });
    expect(await registry.send(name, 'start')).toMatchObject({ state: 'running', restored: true });
    expect(await registry.send(name, 'shutdown')).toMatchObject({ state: 'shutoff' });
    const report = await registry.send(name, 'destroy', { storage: 'none' });
    expect(report).toMatchObject({ undefined: true, complete: true });
    expect(registry.get(name)).toBeUndefined();
  });

  it('refuses a command the state does not allow, without calling libvirt', async () => {
    const gated = gatedLifecycle(new VmLifecycleManager(conn));
    const reg = new VmRegistry(conn, { lifecycle: gated.lifecycle, resyncInterval: 0 });
    await reg.start();
    try {
      const name = newName('refuse');
      virshDefine(name);
      await reg.waitFor(name, 'shutoff', { timeout: 1000 });
      const error = await reg.send(name, 'pause').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidStateError);
      expect(error).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_STATE', operation: 'pause', state: 'shutoff' });
      expect((error as Error).message).toMatch(/it is shutoff \(only a running VM can be paused\)/);
      await reg.send(name, 'start');
      // A no-op is not a refusal: the same result the lifecycle gives when called directly.
      expect(await reg.send(name, 'start')).toMatchObject({ changed: false, noop: 'already running', state: 'running' });
      expect(gated.calls).toEqual(['start', 'start']);
    } finally {
      reg.stop();
    }
  });

  it('one operation per VM: a second command waits its turn, or is refused with { queue: false }', async () => {
    const gated = gatedLifecycle(new VmLifecycleManager(conn));
    const reg = new VmRegistry(conn, { lifecycle: gated.lifecycle, resyncInterval: 0 });
    await reg.start();
    try {
      const name = newName('busy');
      virshDefine(name);
      await reg.waitFor(name, 'shutoff', { timeout: 1000 });
      await reg.send(name, 'start');
      const pausing = reg.send(name, 'pause');
      await reg.waitFor(name, 'pausing', { timeout: 5000 });
      expect(reg.get(name)).toMatchObject({ state: 'pausing', inFlight: { command: 'pause' }, allowed: [] });
      const refused = await reg.send(name, 'shutdown', { queue: false }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InvalidStateError);
      expect((refused as Error).message).toMatch(/pause is in flight since .*omit \{ queue: false \}/);
      // Queued (the default): waits for the pause, then runs in the state it settled in.
      const resumed = reg.send(name, 'resume');
      // A queued command that cannot wait long enough fails with a timeout and never runs.
      await expect(reg.send(name, 'reset', { timeout: 50 })).rejects.toBeInstanceOf(TimeoutError);
      gated.open();
      expect(await pausing).toMatchObject({ state: 'paused' });
      expect(await resumed).toMatchObject({ operation: 'resume', state: 'running' });
      expect(gated.calls).toEqual(['start', 'pause', 'resume']);
      expect(reg.get(name)?.state).toBe('running');
    } finally {
      reg.stop();
    }
  });

  it('a lifecycle manager built by hand on the same connection waits for the command in flight: one queue per VM per connection', async () => {
    const gated = gatedLifecycle(new VmLifecycleManager(conn));
    const reg = new VmRegistry(conn, { lifecycle: gated.lifecycle, resyncInterval: 0 });
    await reg.start();
    try {
      const name = newName('one-queue');
      virshDefine(name);
      await reg.waitFor(name, 'shutoff', { timeout: 1000 });
      await reg.send(name, 'start');
      const pausing = reg.send(name, 'pause');
      await reg.waitFor(name, 'pausing', { timeout: 5000 });
      const order: string[] = [];
      // A second, separately constructed manager: before 0.2 it had its own locks and ran at once.
      const elsewhere = new VmLifecycleManager(conn).resume(name).then((r) => (order.push('resume'), r));
      void pausing.then(() => order.push('pause'));
      await sleep(200);
      expect(order).toEqual([]); // still waiting for the paused command's turn to end
      gated.open();
      expect(await elsewhere).toMatchObject({ operation: 'resume', state: 'running', changed: true });
      expect(order).toEqual(['pause', 'resume']);
    } finally {
      reg.stop();
    }
  });

  it('a queued command still meets the guard: refused if the state it settled in does not allow it', async () => {
    const gated = gatedLifecycle(new VmLifecycleManager(conn));
    const reg = new VmRegistry(conn, { lifecycle: gated.lifecycle, resyncInterval: 0 });
    await reg.start();
    try {
      const name = newName('queue-guard');
      virshDefine(name);
      await reg.waitFor(name, 'shutoff', { timeout: 1000 });
      await reg.send(name, 'start');
      const pausing = reg.send(name, 'pause');
      const queued = reg.send(name, 'reboot').catch((e: unknown) => e);
      gated.open();
      await pausing;
      expect(await queued).toBeInstanceOf(InvalidStateError); // a paused VM cannot reboot
    } finally {
      reg.stop();
    }
  });
});

describe('track', () => {
  it('bad input, an unknown VM and a stopped registry are typed errors', async () => {
    const reg = new VmRegistry(conn, { resyncInterval: 0 });
    await expect(reg.track('anything')).rejects.toBeInstanceOf(InvalidStateError);
    await reg.start();
    await expect(reg.track(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_LIBVIRT_INVALID_ARGUMENT' });
    await expect(reg.track('no-such-vm-' + uniqueName('x'))).rejects.toMatchObject({ name: 'DomainNotFoundError' });
    await expect(reg.track('web1', { timeout: -1 })).rejects.toMatchObject({ code: 'ERR_LIBVIRT_INVALID_ARGUMENT' });
    reg.stop();
    await expect(reg.track('anything')).rejects.toBeInstanceOf(InvalidStateError);
  });
});

describe('stop', () => {
  it('aborts commands in flight, ends change streams, refuses further use', async () => {
    const gated = gatedLifecycle(new VmLifecycleManager(conn));
    const reg = new VmRegistry(conn, { lifecycle: gated.lifecycle, resyncInterval: 0 });
    await reg.start();
    const name = newName('stop');
    virshDefine(name);
    await reg.waitFor(name, 'shutoff', { timeout: 1000 });
    await reg.send(name, 'start');
    const pausing = reg.send(name, 'pause');
    await reg.waitFor(name, 'pausing', { timeout: 5000 });
    const waiting = reg.send(name, 'resume');
    const changes = reg.changes();
    reg.stop();
    // In flight and waiting for its turn alike.
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await expect(pausing).rejects.toBeInstanceOf(AbortError);
    expect((await changes.next()).done).toBe(true);
    expect(reg.size).toBe(0);
    await expect(reg.send(name, 'shutdown')).rejects.toThrow(/registry is stopped/);
    await expect(reg.start()).rejects.toBeInstanceOf(InvalidStateError);
    reg.stop(); // idempotent
  });

  it('supports await using', async () => {
    let ref: DomainRef | undefined;
    {
      await using reg = new VmRegistry(conn, { resyncInterval: 0 });
      await reg.start();
      ref = await conn.domains.lookup('test');
      expect(reg.get(ref)?.state).toBe('running');
    }
    expect(ref).toBeDefined();
  });
});
