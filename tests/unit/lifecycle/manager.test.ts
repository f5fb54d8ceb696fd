import { describe, expect, it } from 'vitest';
import {
  AbortError,
  ConnectionClosedError,
  DomainNotFoundError,
  InvalidArgumentError,
  InvalidStateError,
  LibvirtError,
  TimeoutError,
  UnsupportedError,
} from '../../../src/errors/index.js';
import { VmLifecycleManager, type VmLifecycleManagerOptions } from '../../../src/lifecycle/internal.js';
import { FakeConnection, FakeVm, libvirtError, systemError } from './fake-connection.js';

const ACPI_XML = "<domain type='kvm'><name>v</name><memory>65536</memory><os><type>hvm</type></os><features><acpi/></features></domain>";
const AGENT_XML =
  "<domain type='kvm'><name>v</name><memory>65536</memory><os><type>hvm</type></os><devices><channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel></devices></domain>";

function setup(options: VmLifecycleManagerOptions = {}, vms = 1): { fake: FakeConnection; manager: VmLifecycleManager; vm: FakeVm; all: FakeVm[] } {
  const fake = new FakeConnection();
  const all = Array.from({ length: vms }, (_, i) => fake.add(new FakeVm(`vm${i}`, `00000000-0000-4000-8000-00000000000${i}`)));
  const manager = new VmLifecycleManager(fake.asConnection(), { pollInterval: 20, ...options });
  return { fake, manager, vm: all[0]!, all };
}

/** No subscription, no reconnect listener left behind. */
function expectClean(fake: FakeConnection, manager: VmLifecycleManager): void {
  expect(fake.subs.size).toBe(0);
  expect(fake.listenerCount('reconnected')).toBe(0);
  expect(manager.busyVms).toBe(0);
}

describe('results', () => {
  it('have the documented shape', async () => {
    const { fake, manager, vm } = setup();
    const started = await manager.start(vm.ref.name);
    expect(Object.keys(started).sort()).toEqual(['attempts', 'changed', 'confirmedBy', 'domain', 'elapsedMs', 'operation', 'reason', 'restored', 'state']);
    expect(started).toMatchObject({ operation: 'start', state: 'running', reason: 'booted', changed: true, confirmedBy: 'event', restored: false });
    expect(started.domain).toEqual({ name: 'vm0', uuid: vm.ref.uuid, id: vm.ref.id });
    const noop = await manager.start(vm.ref);
    expect(Object.keys(noop).sort()).toEqual(['attempts', 'changed', 'confirmedBy', 'domain', 'elapsedMs', 'noop', 'operation', 'reason', 'restored', 'state']);
    const stopped = await manager.shutdown(vm.ref);
    expect(Object.keys(stopped).sort()).toEqual(['changed', 'confirmedBy', 'domain', 'elapsedMs', 'escalated', 'method', 'operation', 'reason', 'requests', 'state']);
    expect(stopped.domain.id).toBe(-1);
    expectClean(fake, manager);
  });
});

describe('the completion waiter', () => {
  it('is installed before the request is sent, so a synchronous event is not missed', async () => {
    const { fake, manager, vm } = setup();
    fake.eventDelay = 0; // the event is delivered before the reply, as the test driver does
    await manager.start(vm.ref);
    await manager.pause(vm.ref);
    await manager.resume(vm.ref);
    await manager.forceOff(vm.ref);
    expect(fake.subsAtCall).toEqual([1, 1, 1, 1]);
    expectClean(fake, manager);
  });

  it('resolves on a late event', async () => {
    const { fake, manager, vm } = setup({ pollInterval: 1_000 });
    fake.eventDelay = 80;
    const r = await manager.start(vm.ref);
    expect(r.confirmedBy).toBe('event');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(70);
  });

  it('falls back to polling when registration fails', async () => {
    const { fake, manager, vm } = setup();
    fake.failRegistration = true;
    expect(await manager.start(vm.ref)).toMatchObject({ state: 'running', confirmedBy: 'poll' });
    expectClean(fake, manager);
  });

  it('polls without subscribing when the daemon has no event callbacks', async () => {
    const { fake, manager, vm } = setup();
    fake.handshake = { auth: 'none', keepalive: true, eventCallbacks: false, closeCallback: false };
    expect(await manager.start(vm.ref)).toMatchObject({ confirmedBy: 'poll' });
    expect(fake.subsAtCall).toEqual([0]);
  });

  it('settles on the poll when the event never comes, after the grace period', async () => {
    const { fake, manager, vm } = setup({ eventGrace: 50 });
    fake.eventDelay = -1;
    const r = await manager.start(vm.ref);
    expect(r.confirmedBy).toBe('poll');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(60);
  });

  it('prefers an event that arrives within the grace period over the poll that saw the state first', async () => {
    const { fake, manager, vm } = setup({ pollInterval: 10, eventGrace: 500 });
    fake.eventDelay = 60;
    const r = await manager.start(vm.ref);
    expect(r.confirmedBy).toBe('event');
  });

  it('re-reads the state at once after a reconnect (events in between were lost)', async () => {
    const { fake, manager, vm } = setup({ pollInterval: 60_000, eventGrace: 60_000 });
    fake.eventDelay = -1;
    setTimeout(() => fake.reconnect(), 50);
    const r = await manager.start(vm.ref, { timeout: 5_000 });
    // With a 60 s poll interval, only the re-read on reconnect can have confirmed it within the 5 s timeout.
    expect(r).toMatchObject({ state: 'running', confirmedBy: 'poll' });
    expectClean(fake, manager);
  });

  it('rides out polls that fail while the link is being re-established', async () => {
    const { fake, manager, vm } = setup({ eventGrace: 0 });
    fake.eventDelay = -1;
    fake.onCall = () => {
      fake.state = 'reconnecting';
      fake.failures.set('getState', [new TimeoutError(5, 'slow read'), new ConnectionClosedError('eof', 'link lost')]);
      setTimeout(() => (fake.state = 'open'), 30);
    };
    expect(await manager.start(vm.ref)).toMatchObject({ state: 'running', confirmedBy: 'poll' });
    expect(fake.stateReads).toBeGreaterThanOrEqual(4); // guard, two failed polls, the confirming poll
  });

  it('fails when the connection is closed for good while waiting', async () => {
    const { fake, manager, vm } = setup();
    fake.eventDelay = -1;
    fake.onCall = () => {
      fake.state = 'closed';
      fake.failures.set('getState', [new ConnectionClosedError('client', 'the connection is closed')]);
    };
    await expect(manager.start(vm.ref)).rejects.toBeInstanceOf(ConnectionClosedError);
    expectClean(fake, manager);
  });

  it('an abort while waiting rejects with AbortError and cleans up', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    vm.deaf = true;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(manager.shutdown(vm.ref, { signal: controller.signal, resendEvery: 10 })).rejects.toBeInstanceOf(AbortError);
    expect(fake.calls).not.toContain('forceOff:vm0');
    expectClean(fake, manager);
  });
});

describe('shutdown', () => {
  it('re-sends the request until the guest acts on it', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    vm.ignorePresses = 2; // early-boot presses are lost
    const r = await manager.shutdown(vm.ref, { resendEvery: 30 });
    expect(r).toMatchObject({ state: 'shutoff', reason: 'shutdown', escalated: false, requests: 3, confirmedBy: 'event' });
    expect(fake.calls.filter((c) => c.startsWith('shutdown'))).toHaveLength(3);
  });

  it('forces the VM off after the timeout (escalated)', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    vm.deaf = true;
    const r = await manager.shutdown(vm.ref, { timeout: 120, resendEvery: 30 });
    expect(r).toMatchObject({ state: 'shutoff', reason: 'destroyed', escalated: true, changed: true, confirmedBy: 'event' });
    expect(r.requests).toBeGreaterThanOrEqual(3);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(120);
    expect(fake.calls.at(-1)).toBe('forceOff:vm0');
    expect(fake.flags['forceOff']).toEqual([0]);
    expectClean(fake, manager);
  });

  it("onTimeout: 'throw' rejects with TimeoutError naming the state and does not destroy", async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    vm.deaf = true;
    const error = await manager.shutdown(vm.ref, { timeout: 80, resendEvery: 0, onTimeout: 'throw' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/timed out after 80 ms waiting for the guest to shut down \(1 request\(s\) sent\) for VM "vm0"; it is running/);
    expect(fake.calls).toEqual(['shutdown:vm0']);
    expectClean(fake, manager);
  });

  it("'auto' uses ACPI for a domain with <acpi/>, the agent when only its channel exists, else flags 0", async () => {
    const { fake, manager, all } = setup({}, 3);
    all[0]!.xml = ACPI_XML;
    all[1]!.xml = AGENT_XML;
    for (const vm of all) vm.state = 'running';
    const methods = await Promise.all(all.map(async (vm) => (await manager.shutdown(vm.ref)).method));
    expect(methods).toEqual(['acpi', 'agent', 'default']);
    expect(fake.flags['shutdown']!.sort()).toEqual([0, 1, 2]);
  });

  it("'auto' falls back to flags 0 when the driver refuses the flag; an explicit mode is UnsupportedError", async () => {
    const { fake, manager, vm } = setup();
    vm.xml = ACPI_XML;
    vm.state = 'running';
    fake.refuseShutdownFlags = true;
    const error = await manager.shutdown(vm.ref, { mode: 'acpi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).remote?.code).toBe(8);
    expect(vm.state).toBe('running');
    expect(await manager.shutdown(vm.ref)).toMatchObject({ method: 'default', state: 'shutoff' });
    expect(fake.flags['shutdown']).toEqual([1, 1, 0]);
  });

  it('an agent that does not answer the first request is retried, not fatal', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    fake.failures.set('shutdown', [libvirtError(86, 'Guest agent is not responding')]);
    const r = await manager.shutdown(vm.ref, { mode: 'agent', resendEvery: 20 });
    expect(r).toMatchObject({ method: 'agent', requests: 2, state: 'shutoff' });
  });

  it("an agent request that worked but whose reply lost the race with the agent's socket closing is not fatal", async () => {
    // libvirt: "internal error: End of file from agent socket" while the guest powers off.
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    fake.failures.set('shutdown', [libvirtError(1, 'internal error: End of file from agent socket')]);
    setTimeout(() => {
      vm.state = 'shutoff';
      vm.reason = 'shutdown';
      fake.emitEvent(vm, { type: 'domain.lifecycle', domain: vm.ref, event: 'stopped', detail: 'shutdown', eventCode: 5, detailCode: 0 });
    }, 30);
    const r = await manager.shutdown(vm.ref, { mode: 'agent', resendEvery: 0 });
    expect(r).toMatchObject({ method: 'agent', requests: 1, state: 'shutoff', escalated: false });
    // The same error with ACPI is the daemon's failure, and says so.
    const second = setup();
    second.vm.state = 'running';
    second.fake.failures.set('shutdown', [libvirtError(1, 'internal error: something else')]);
    await expect(second.manager.shutdown(second.vm.ref, { mode: 'acpi' })).rejects.toMatchObject({ code: 1 });
  });

  it('joins a shutdown already under way without sending another request', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'shutdown';
    setTimeout(() => {
      vm.state = 'shutoff';
      vm.reason = 'shutdown';
      fake.emitEvent(vm, { type: 'domain.lifecycle', domain: vm.ref, event: 'stopped', detail: 'shutdown', eventCode: 5, detailCode: 0 });
    }, 30);
    const r = await manager.shutdown(vm.ref);
    expect(r).toMatchObject({ state: 'shutoff', requests: 0, confirmedBy: 'event' });
    expect(r.method).toBeUndefined();
    expect(fake.calls).toEqual([]);
  });
});

describe('start', () => {
  const BPF = 'failed to load cgroup BPF prog: Resource temporarily unavailable';

  it('retries a start that failed for a temporary reason in the daemon (EAGAIN, EINTR)', async () => {
    const { fake, manager, vm } = setup();
    fake.failures.set('start', [systemError(11, BPF), systemError(4, 'Interrupted system call')]);
    const r = await manager.start(vm.ref);
    expect(r).toMatchObject({ attempts: 3, state: 'running', reason: 'booted', changed: true, confirmedBy: 'event' });
    expect(fake.calls.filter((c) => c.startsWith('start:'))).toHaveLength(3);
  });

  it('gives up after `retries`; other system errors and other codes are not retried', async () => {
    const { fake, manager, vm } = setup();
    fake.failures.set('start', [systemError(11, BPF)]);
    const error = await manager.start(vm.ref, { retries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 38, errno: 11, isTemporary: true });
    for (const failure of [systemError(13, 'Permission denied'), libvirtError(1, 'internal error')]) {
      fake.failures.set('start', [failure]);
      fake.calls.length = 0;
      await expect(manager.start(vm.ref)).rejects.toBe(failure);
      expect(fake.calls.filter((c) => c.startsWith('start:'))).toHaveLength(1);
    }
    expect(vm.state).toBe('shutoff');
    await expect(manager.start(vm.ref, { retries: 21 })).rejects.toMatchObject({ code: 'ERR_LIBVIRT_INVALID_ARGUMENT', path: 'retries' });
  });

  it('a no-op start made no attempt', async () => {
    const { manager, vm } = setup();
    vm.state = 'running';
    expect(await manager.start(vm.ref)).toMatchObject({ attempts: 0, changed: false, noop: 'already running' });
  });
});

describe('forceOff', () => {
  it('retries OPERATION_TIMEOUT and RESOURCE_BUSY', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    fake.failures.set('forceOff', [libvirtError(68), libvirtError(87)]);
    const r = await manager.forceOff(vm.ref, { graceful: true });
    expect(r).toMatchObject({ attempts: 3, state: 'shutoff', reason: 'destroyed', changed: true });
    expect(fake.flags['forceOff']).toEqual([1, 1, 1]);
  });

  it('gives up after `retries`', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    fake.failures.set('forceOff', [libvirtError(68)]);
    const error = await manager.forceOff(vm.ref, { retries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtError);
    expect((error as LibvirtError).code).toBe(68);
  });

  it('treats NO_DOMAIN (a transient domain that went away) and a racing stop as done', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    fake.failures.set('forceOff', [libvirtError(42, 'Domain not found')]);
    expect(await manager.forceOff(vm.ref)).toMatchObject({ noop: 'domain no longer exists', reason: 'gone', changed: false });
    fake.onCall = (name, v) => {
      if (name === 'forceOff') v.state = 'shutoff';
    };
    expect(await manager.forceOff(vm.ref)).toMatchObject({ noop: 'already shut off', changed: false });
  });
});

describe('reboot', () => {
  it('is confirmed by the reboot event, re-sending until it comes', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    vm.ignorePresses = 1;
    const r = await manager.reboot(vm.ref, { resendEvery: 30 });
    expect(r).toMatchObject({ path: 'reboot', confirmedBy: 'event', requests: 2, state: 'running', escalated: false });
    expect(fake.subsAtCall.every((n) => n === 1)).toBe(true);
  });

  it('ignores reboot events that arrived before the request returned', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    vm.deaf = true;
    fake.onCall = (name, v) => {
      if (name === 'reboot') fake.emitEvent(v, { type: 'domain.reboot', domain: v.ref }); // a previous reboot's late burst
    };
    const error = await manager.reboot(vm.ref, { timeout: 100, resendEvery: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('waiting for the reboot event');
  });

  it('is confirmed by the call where the hypervisor emits no reboot events (test driver); the type is asked once', async () => {
    const { fake, manager, vm } = setup();
    fake.hypervisor = 'TEST';
    fake.rebootEvents = false;
    vm.state = 'running';
    expect(await manager.reboot(vm.ref)).toMatchObject({ path: 'reboot', confirmedBy: 'call', state: 'running' });
    await manager.reboot(vm.ref);
    expect(fake.typeQueries).toBe(1);
  });

  it("falls back to stop-start where the hypervisor cannot reboot; fallback 'none' rethrows", async () => {
    const { fake, manager, vm } = setup();
    fake.rebootSupported = false;
    vm.state = 'running';
    const r = await manager.reboot(vm.ref);
    expect(r).toMatchObject({ operation: 'reboot', path: 'stop-start', state: 'running', changed: true, escalated: false, method: 'default' });
    expect(fake.calls).toEqual(['reboot:vm0', 'shutdown:vm0', 'start:vm0']);
    await expect(manager.reboot(vm.ref, { fallback: 'none' })).rejects.toBeInstanceOf(UnsupportedError);
    expectClean(fake, manager);
  });
});

describe('resume', () => {
  it('wakes a pmsuspended guest with PM wakeup', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'pmsuspended';
    expect(await manager.resume(vm.ref)).toMatchObject({ wokeUp: true, state: 'running', reason: 'wakeup', confirmedBy: 'event' });
    expect(fake.calls).toEqual(['pmWakeup:vm0']);
  });

  it('reports a driver without PM wakeup as UnsupportedError', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'pmsuspended';
    fake.failures.set('pmWakeup', [new UnsupportedError('this function is not supported by the connection driver: virDomainPMWakeup', { remote: libvirtError(3) })]);
    const error = await manager.resume(vm.ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toContain('is pmsuspended and this hypervisor driver cannot wake it');
  });

  it('a request that lost a race to the same state is a no-op', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'paused';
    fake.failures.set('resume', [libvirtError(55, 'domain is already running')]);
    fake.onCall = (_name, v) => {
      v.state = 'running';
    };
    expect(await manager.resume(vm.ref)).toMatchObject({ noop: 'already running', changed: false, state: 'running' });
  });
});

describe('state checks', () => {
  it('refuse impossible transitions before sending anything', async () => {
    const { fake, manager, vm } = setup();
    for (const op of [() => manager.pause(vm.ref), () => manager.resume(vm.ref), () => manager.reboot(vm.ref), () => manager.reset(vm.ref), () => manager.managedSave(vm.ref)]) {
      await expect(op()).rejects.toBeInstanceOf(InvalidStateError);
    }
    vm.state = 'paused';
    await expect(manager.shutdown(vm.ref)).rejects.toMatchObject({ operation: 'shutdown', state: 'paused' });
    vm.state = 'crashed';
    await expect(manager.start(vm.ref)).rejects.toMatchObject({ operation: 'start', state: 'crashed' });
    expect(fake.calls).toEqual([]);
    expectClean(fake, manager);
  });

  it('an unknown VM is DomainNotFoundError; bad input is InvalidArgumentError; nothing is sent', async () => {
    const { fake, manager } = setup();
    await expect(manager.start('nope')).rejects.toBeInstanceOf(DomainNotFoundError);
    await expect(manager.start({ name: 'x' } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(manager.forceOff('vm0', { retries: 1.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(manager.setAutostart('vm0', { enabled: 'yes' } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(manager.setAutostart('vm0', true as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(manager.waitForState('vm0', [])).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => new VmLifecycleManager(fake.asConnection(), { pollInterval: 1 })).toThrow(InvalidArgumentError);
    expect(fake.calls).toEqual([]);
  });
});

describe('per-VM serialisation', () => {
  it('runs operations on one VM one at a time, and different VMs in parallel', async () => {
    const { fake, manager, all } = setup({}, 4);
    fake.callDelay = 30;
    const one = all[0]!;
    await Promise.all([manager.start(one.ref), manager.pause(one.ref), manager.resume(one.ref), manager.forceOff(one.ref)]);
    expect(fake.maxInFlight).toBe(1);
    expect(fake.calls).toEqual(['start:vm0', 'suspend:vm0', 'resume:vm0', 'forceOff:vm0']);
    fake.maxInFlight = 0;
    const running = Promise.all(all.map((vm) => manager.start(vm.ref)));
    await new Promise((r) => setTimeout(r, 15));
    expect(manager.busyVms).toBe(4);
    await running;
    expect(fake.maxInFlight).toBe(4);
    expectClean(fake, manager);
  });

  it('the wait for the lock counts against the timeout; a caller that gives up sends nothing', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    vm.deaf = true;
    const slow = manager.shutdown(vm.ref, { timeout: 150, resendEvery: 0, onTimeout: 'throw' }).catch((e: unknown) => e);
    const impatient = await manager.pause(vm.ref, { timeout: 40 }).catch((e: unknown) => e);
    expect(impatient).toBeInstanceOf(TimeoutError);
    expect((impatient as Error).message).toContain('waiting for another operation on this VM');
    expect(await slow).toBeInstanceOf(TimeoutError);
    expect(fake.calls).toEqual(['shutdown:vm0']);
    expectClean(fake, manager);
  });
});

describe('managed save and autostart', () => {
  it('start restores from the image unless forceBoot; removeManagedSave is a no-op without one', async () => {
    const { fake, manager, vm } = setup();
    vm.state = 'running';
    expect(await manager.managedSave(vm.ref, { bypassCache: true, startAs: 'running' })).toMatchObject({ state: 'shutoff', reason: 'saved' });
    expect(fake.flags['managedSave']).toEqual([1 | 2]);
    expect(await manager.start(vm.ref)).toMatchObject({ restored: true, reason: 'restored' });
    await manager.managedSave(vm.ref);
    expect(await manager.removeManagedSave(vm.ref)).toMatchObject({ changed: true, confirmedBy: 'call' });
    expect(await manager.removeManagedSave(vm.ref)).toMatchObject({ changed: false, noop: 'no managed save image' });
    expect(await manager.start(vm.ref)).toMatchObject({ restored: false, reason: 'booted' });
  });

  it('setAutostart sends nothing when the value is already set', async () => {
    const { fake, manager, vm } = setup();
    expect(await manager.setAutostart(vm.ref, { enabled: false })).toMatchObject({ changed: false });
    expect(await manager.setAutostart(vm.ref, { enabled: true })).toMatchObject({ changed: true, autostart: true });
    expect(await manager.getAutostart('vm0')).toBe(true);
    expect(fake.calls).toEqual(['setAutostart:vm0']);
  });
});

describe('waitForState', () => {
  it('subscribes before reading, resolves on the event, and takes no lock', async () => {
    const { fake, manager, vm } = setup();
    const waiting = manager.waitForState(vm.ref, ['running', 'paused']);
    await new Promise((r) => setTimeout(r, 10));
    expect(manager.busyVms).toBe(0);
    await manager.start(vm.ref);
    expect(await waiting).toMatchObject({ state: 'running', confirmedBy: 'event' });
    expectClean(fake, manager);
  });

  it('fails with DomainNotFoundError when the VM disappears while waiting', async () => {
    const { fake, manager, vm } = setup();
    const waiting = manager.waitForState(vm.ref, 'running');
    await new Promise((r) => setTimeout(r, 10));
    fake.vms.delete(vm.ref.uuid);
    await expect(waiting).rejects.toBeInstanceOf(DomainNotFoundError);
    expectClean(fake, manager);
  });
});
