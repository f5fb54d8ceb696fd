/**
 * VmLifecycleManager against a fake QEMU host reached over libvirt's wire
 * protocol: the shipped FakeLibvirtDaemon serving a FakeHypervisor (domain
 * states that control calls change, lifecycle and reboot events sent to the
 * clients that registered for them, guests that ignore ACPI presses), and a
 * real LibvirtConnection. Failures are injected in the daemon, per call; lost
 * links are real (the daemon drops the client, the connection reconnects).
 */
import { describe, expect, it } from 'vitest';
import type { LibvirtConnection } from '../../../src/connection/index.js';
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
import { VmLifecycleManager, type VmLifecycleManagerOptions } from '../../../src/lifecycle/index.js';
import {
  CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
  DOMAIN_CREATE_WITH_FLAGS,
  DOMAIN_DESTROY_FLAGS,
  DOMAIN_GET_STATE,
  DOMAIN_PM_WAKEUP,
  DOMAIN_RESUME,
  DOMAIN_SHUTDOWN_FLAGS,
} from '../../../src/rpc/protocol/index.js';
import { FAKE_EVENT, type FakeDomain } from '../../../src/testing/fake-hypervisor.js';
import { type FakeHost, fakeHost } from '../../helpers/fake-host.js';

const ACPI_XML = "<domain type='kvm'><name>v</name><memory>65536</memory><os><type>hvm</type></os><features><acpi/></features></domain>";
const AGENT_XML =
  "<domain type='kvm'><name>v</name><memory>65536</memory><os><type>hvm</type></os><devices><channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel></devices></domain>";

/** The procedures that change a domain's state: what "sends nothing" and call orders are about. */
const CONTROL = [
  'DOMAIN_CREATE_WITH_FLAGS',
  'DOMAIN_SHUTDOWN_FLAGS',
  'DOMAIN_REBOOT',
  'DOMAIN_RESET',
  'DOMAIN_DESTROY_FLAGS',
  'DOMAIN_SUSPEND',
  'DOMAIN_RESUME',
  'DOMAIN_PM_WAKEUP',
  'DOMAIN_MANAGED_SAVE',
  'DOMAIN_MANAGED_SAVE_REMOVE',
];
// virDomainShutoffReason SHUTDOWN; virDomainRunningReason UNPAUSED.
const SHUTOFF_SHUTDOWN = 1;
const RUNNING_UNPAUSED = 5;

interface Setup extends FakeHost {
  manager: VmLifecycleManager;
  vm: FakeDomain;
  all: FakeDomain[];
  /** Control calls the daemon received, as `PROCEDURE:vm`. */
  control(): string[];
  /** The `flags` of each call of `procedure` the daemon received. */
  flags(procedure: string): (number | undefined)[];
}

async function setup(options: VmLifecycleManagerOptions = {}, vms = 1, host: Parameters<typeof fakeHost>[0] = {}): Promise<Setup> {
  const fake = await fakeHost({
    ...host,
    setup: (hv) => {
      for (let i = 0; i < vms; i++) hv.addDomain({ name: `vm${i}`, uuid: `00000000-0000-4000-8000-00000000000${i}` });
      host.setup?.(hv);
    },
  });
  const manager = new VmLifecycleManager(fake.conn, { pollInterval: 20, ...options });
  const all = Array.from({ length: vms }, (_, i) => fake.hv.domain(`vm${i}`));
  return {
    ...fake,
    manager,
    vm: all[0]!,
    all,
    control: () => fake.calls({ only: CONTROL, target: true }),
    flags: (procedure) =>
      fake
        .received()
        .filter((c) => c.name === procedure)
        .map((c) => c.flags),
  };
}

/** The VM's reference as the SDK would hold it now. */
const ref = ({ hv }: FakeHost, vm: FakeDomain) => hv.ref(vm);

/** A running VM (as if started earlier). */
function running(s: FakeHost, vm: FakeDomain): void {
  Object.assign(vm, { state: 'running', reason: 1, id: s.hv.nextDomainId() });
}

/** No event registration left on the daemon, no reconnect listener on the connection, no VM busy. */
async function expectClean({ hv, conn }: { hv: FakeHost['hv']; conn: LibvirtConnection }, manager: VmLifecycleManager): Promise<void> {
  // Deregistration is sent without waiting for its reply: poll until the daemon has processed it.
  await expect.poll(() => hv.callbackCount()).toBe(0);
  expect(conn.listenerCount('reconnected')).toBe(0);
  expect(manager.busyVms).toBe(0);
}

describe('results', () => {
  it('have the documented shape', async () => {
    const s = await setup();
    const { manager, vm } = s;
    const started = await manager.start(vm.name);
    expect(Object.keys(started).sort()).toEqual([
      'attempts',
      'changed',
      'confirmedBy',
      'domain',
      'elapsedMs',
      'operation',
      'reason',
      'restored',
      'state',
    ]);
    expect(started).toMatchObject({
      operation: 'start',
      state: 'running',
      reason: 'booted',
      changed: true,
      confirmedBy: 'event',
      restored: false,
    });
    expect(started.domain).toEqual({ name: 'vm0', uuid: vm.uuid, id: vm.id });
    const noop = await manager.start(ref(s, vm));
    expect(Object.keys(noop).sort()).toEqual([
      'attempts',
      'changed',
      'confirmedBy',
      'domain',
      'elapsedMs',
      'noop',
      'operation',
      'reason',
      'restored',
      'state',
    ]);
    const stopped = await manager.shutdown(ref(s, vm));
    expect(Object.keys(stopped).sort()).toEqual([
      'changed',
      'confirmedBy',
      'domain',
      'elapsedMs',
      'escalated',
      'method',
      'operation',
      'reason',
      'requests',
      'state',
    ]);
    expect(stopped.domain.id).toBe(-1);
    await expectClean(s, manager);
  });
});

describe('the completion waiter', () => {
  it('is installed before the request is sent, so a synchronous event is not missed', async () => {
    const s = await setup();
    const { hv, manager, vm } = s;
    hv.eventDelay = 0; // the event goes out before the reply, as the test driver sends it
    await manager.start(ref(s, vm));
    await manager.pause(ref(s, vm));
    await manager.resume(ref(s, vm));
    await manager.forceOff(ref(s, vm));
    // Each request reached the daemon after this client had registered for lifecycle events.
    expect(
      s
        .received()
        .filter((c) => CONTROL.includes(c.name))
        .map((c) => c.callbacks),
    ).toEqual([1, 1, 1, 1]);
    await expectClean(s, manager);
  });

  it('resolves on a late event', async () => {
    const s = await setup({ pollInterval: 1_000 });
    s.hv.eventDelay = 80;
    const r = await s.manager.start(ref(s, s.vm));
    expect(r.confirmedBy).toBe('event');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(70);
  });

  it('falls back to polling when registration fails', async () => {
    const s = await setup();
    s.daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, () => ({
      error: { code: 1, domain: 7, message: 'internal error: registration failed' },
    }));
    expect(await s.manager.start(ref(s, s.vm))).toMatchObject({ state: 'running', confirmedBy: 'poll' });
    await expectClean(s, s.manager);
  });

  it('polls when the daemon has no event callbacks (registration answers "unknown procedure")', async () => {
    // A libvirtd older than 1.2.1: the handshake no longer probes for callbacks, the registration itself tells.
    const s = await setup();
    s.daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, () => ({
      error: { code: 39, domain: 7, message: 'unknown procedure: 316' },
    }));
    expect(await s.manager.start(ref(s, s.vm))).toMatchObject({ state: 'running', confirmedBy: 'poll' });
    expect(s.calls()).toContain('CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY');
    await expectClean(s, s.manager);
  });

  it('settles on the poll when the event never comes, after the grace period', async () => {
    const s = await setup({ eventGrace: 50 });
    s.hv.eventDelay = -1;
    const r = await s.manager.start(ref(s, s.vm));
    expect(r.confirmedBy).toBe('poll');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(60);
  });

  it('prefers an event that arrives within the grace period over the poll that saw the state first', async () => {
    const s = await setup({ pollInterval: 10, eventGrace: 500 });
    s.hv.eventDelay = 60;
    const r = await s.manager.start(ref(s, s.vm));
    expect(r.confirmedBy).toBe('event');
  });

  it('re-reads the state at once after a reconnect (events in between were lost)', async () => {
    const s = await setup({ pollInterval: 60_000, eventGrace: 60_000 }, 1, { connection: { reconnect: { initialDelay: 10, jitter: 0 } } });
    s.hv.eventDelay = -1;
    // Once the start is answered, the link drops; the connection re-establishes it for real.
    s.daemon.once(DOMAIN_CREATE_WITH_FLAGS, async (_args, _context, next) => {
      const reply = await next();
      setImmediate(() => s.daemon.dropClients());
      return reply;
    });
    const r = await s.manager.start(ref(s, s.vm), { timeout: 5_000 });
    // With a 60 s poll interval, only the re-read on reconnect can have confirmed it within the 5 s timeout.
    expect(r).toMatchObject({ state: 'running', confirmedBy: 'poll' });
    expect(s.conn.reconnects).toBe(1);
    await expectClean(s, s.manager);
  });

  it('rides out polls that fail while the link is being re-established', async () => {
    const s = await setup({ eventGrace: 0 }, 1, { connection: { reconnect: { initialDelay: 30, jitter: 0 }, whileReconnecting: 'fail' } });
    s.hv.eventDelay = -1;
    // The first poll loses the link, and so does the first read on the new link; polls in between fail at once.
    let reads = 0;
    s.daemon.onCall(({ name }) => void (name === 'DOMAIN_GET_STATE' && reads++));
    s.daemon.once(DOMAIN_GET_STATE, (_args, _context, next) => next()); // the guard's read
    s.daemon.once(DOMAIN_GET_STATE, () => ({ close: true }));
    s.daemon.once(DOMAIN_GET_STATE, () => ({ close: true }));
    expect(await s.manager.start(ref(s, s.vm))).toMatchObject({ state: 'running', confirmedBy: 'poll' });
    expect(reads).toBeGreaterThanOrEqual(4); // guard, two lost polls, the confirming poll
    expect(s.conn.reconnects).toBe(2);
  });

  it('rides out a state read that timed out', async () => {
    // The one fault here the wire cannot produce in test time: a read's own timeout is capped at 30 s,
    // so a read that timed out while the operation's budget did not is injected over the real connection.
    const s = await setup({ eventGrace: 0 });
    s.hv.eventDelay = -1;
    let reads = 0;
    const getState = s.conn.domains.getState.bind(s.conn.domains);
    s.conn.domains.getState = async (...args) => (++reads === 2 ? Promise.reject(new TimeoutError(5, 'slow read')) : getState(...args));
    expect(await s.manager.start(ref(s, s.vm))).toMatchObject({ state: 'running', confirmedBy: 'poll' });
    expect(reads).toBeGreaterThanOrEqual(3); // guard, the timed-out poll, the confirming poll
  });

  it('fails when the connection is closed for good while waiting', async () => {
    const s = await setup(); // no reconnect
    s.hv.eventDelay = -1;
    s.daemon.once(DOMAIN_CREATE_WITH_FLAGS, async (_args, _context, next) => {
      const reply = await next();
      setImmediate(() => s.daemon.dropClients());
      return reply;
    });
    await expect(s.manager.start(ref(s, s.vm))).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(s.conn.state).toBe('closed');
    await expectClean(s, s.manager);
  });

  it('an abort while waiting rejects with AbortError and cleans up', async () => {
    const s = await setup();
    running(s, s.vm);
    s.vm.guest.deaf = true;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(s.manager.shutdown(ref(s, s.vm), { signal: controller.signal, resendEvery: 10 })).rejects.toBeInstanceOf(AbortError);
    expect(s.control()).not.toContain('DOMAIN_DESTROY_FLAGS:vm0');
    await expectClean(s, s.manager);
  });
});

describe('shutdown', () => {
  it('re-sends the request until the guest acts on it', async () => {
    const s = await setup();
    running(s, s.vm);
    s.vm.guest.ignoredPresses = 2; // early-boot presses are lost
    const r = await s.manager.shutdown(ref(s, s.vm), { resendEvery: 30 });
    expect(r).toMatchObject({ state: 'shutoff', reason: 'shutdown', escalated: false, requests: 3, confirmedBy: 'event' });
    expect(s.control()).toEqual(Array(3).fill('DOMAIN_SHUTDOWN_FLAGS:vm0'));
  });

  it('forces the VM off after the timeout (escalated)', async () => {
    const s = await setup();
    running(s, s.vm);
    s.vm.guest.deaf = true;
    const r = await s.manager.shutdown(ref(s, s.vm), { timeout: 120, resendEvery: 30 });
    expect(r).toMatchObject({ state: 'shutoff', reason: 'destroyed', escalated: true, changed: true, confirmedBy: 'event' });
    expect(r.requests).toBeGreaterThanOrEqual(3);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(120);
    expect(s.control().at(-1)).toBe('DOMAIN_DESTROY_FLAGS:vm0');
    expect(s.flags('DOMAIN_DESTROY_FLAGS')).toEqual([0]);
    await expectClean(s, s.manager);
  });

  it("onTimeout: 'throw' rejects with TimeoutError naming the state and does not destroy", async () => {
    const s = await setup();
    running(s, s.vm);
    s.vm.guest.deaf = true;
    const error = await s.manager.shutdown(ref(s, s.vm), { timeout: 80, resendEvery: 0, onTimeout: 'throw' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(
      /timed out after 80 ms waiting for the guest to shut down \(1 request\(s\) sent\) for VM "vm0"; it is running/,
    );
    expect(s.control()).toEqual(['DOMAIN_SHUTDOWN_FLAGS:vm0']);
    expect(s.vm.state).toBe('running');
    await expectClean(s, s.manager);
  });

  it("'auto' uses ACPI for a domain with <acpi/>, the agent when only its channel exists, else flags 0", async () => {
    const s = await setup({}, 3);
    s.all[0]!.xml = ACPI_XML;
    s.all[1]!.xml = AGENT_XML;
    for (const vm of s.all) running(s, vm);
    const methods = await Promise.all(s.all.map(async (vm) => (await s.manager.shutdown(ref(s, vm))).method));
    expect(methods).toEqual(['acpi', 'agent', 'default']);
    expect(s.flags('DOMAIN_SHUTDOWN_FLAGS').sort()).toEqual([0, 1, 2]);
  });

  it("'auto' falls back to flags 0 when the driver refuses the flag; an explicit mode is UnsupportedError", async () => {
    const s = await setup();
    s.vm.xml = ACPI_XML;
    running(s, s.vm);
    s.hv.refuseShutdownFlags = true;
    const error = await s.manager.shutdown(ref(s, s.vm), { mode: 'acpi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).remote?.code).toBe(8);
    expect(s.vm.state).toBe('running');
    expect(await s.manager.shutdown(ref(s, s.vm))).toMatchObject({ method: 'default', state: 'shutoff' });
    expect(s.flags('DOMAIN_SHUTDOWN_FLAGS')).toEqual([1, 1, 0]);
  });

  it('an agent that does not answer the first request is retried, not fatal', async () => {
    const s = await setup();
    running(s, s.vm);
    s.fail(DOMAIN_SHUTDOWN_FLAGS, { code: 86, message: 'Guest agent is not responding' });
    const r = await s.manager.shutdown(ref(s, s.vm), { mode: 'agent', resendEvery: 20 });
    expect(r).toMatchObject({ method: 'agent', requests: 2, state: 'shutoff' });
  });

  it("an agent request that worked but whose reply lost the race with the agent's socket closing is not fatal", async () => {
    // libvirt: "internal error: End of file from agent socket" while the guest powers off.
    const s = await setup();
    const { hv, vm } = s;
    running(s, vm);
    s.daemon.once(DOMAIN_SHUTDOWN_FLAGS, () => {
      setTimeout(() => {
        Object.assign(vm, { state: 'shutoff', reason: SHUTOFF_SHUTDOWN, id: -1 });
        hv.emitLifecycle(vm, FAKE_EVENT.STOPPED_SHUTDOWN);
      }, 30);
      return { error: { code: 1, domain: 10, message: 'internal error: End of file from agent socket' } };
    });
    const r = await s.manager.shutdown(ref(s, vm), { mode: 'agent', resendEvery: 0 });
    expect(r).toMatchObject({ method: 'agent', requests: 1, state: 'shutoff', escalated: false });
    // The same error with ACPI is the daemon's failure, and says so.
    const second = await setup();
    running(second, second.vm);
    second.fail(DOMAIN_SHUTDOWN_FLAGS, { code: 1, message: 'internal error: something else' });
    await expect(second.manager.shutdown(ref(second, second.vm), { mode: 'acpi' })).rejects.toMatchObject({ code: 1 });
  });

  it('joins a shutdown already under way without sending another request', async () => {
    const s = await setup();
    const { hv, vm } = s;
    Object.assign(vm, { state: 'shutdown', id: hv.nextDomainId() });
    setTimeout(() => {
      Object.assign(vm, { state: 'shutoff', reason: SHUTOFF_SHUTDOWN, id: -1 });
      hv.emitLifecycle(vm, FAKE_EVENT.STOPPED_SHUTDOWN);
    }, 30);
    const r = await s.manager.shutdown(ref(s, vm));
    expect(r).toMatchObject({ state: 'shutoff', requests: 0, confirmedBy: 'event' });
    expect(r.method).toBeUndefined();
    expect(s.control()).toEqual([]);
  });
});

describe('start', () => {
  const BPF = 'failed to load cgroup BPF prog: Resource temporarily unavailable';
  /** VIR_ERR_SYSTEM_ERROR with the errno in int1, as libvirt reports a failed system call. */
  const systemError = (errno: number, message: string) => ({ code: 38, message, str1: message, int1: errno, int2: -1 });

  it('retries a start that failed for a temporary reason in the daemon (EAGAIN, EINTR)', async () => {
    const s = await setup();
    s.fail(DOMAIN_CREATE_WITH_FLAGS, systemError(11, BPF));
    s.fail(DOMAIN_CREATE_WITH_FLAGS, systemError(4, 'Interrupted system call'));
    const r = await s.manager.start(ref(s, s.vm));
    expect(r).toMatchObject({ attempts: 3, state: 'running', reason: 'booted', changed: true, confirmedBy: 'event' });
    expect(s.control()).toEqual(Array(3).fill('DOMAIN_CREATE_WITH_FLAGS:vm0'));
  });

  it('gives up after `retries`; other system errors and other codes are not retried', async () => {
    const s = await setup();
    s.fail(DOMAIN_CREATE_WITH_FLAGS, systemError(11, BPF));
    const error = await s.manager.start(ref(s, s.vm), { retries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 38, errno: 11, isTemporary: true });
    for (const failure of [systemError(13, 'Permission denied'), { code: 1, message: 'internal error' }]) {
      s.fail(DOMAIN_CREATE_WITH_FLAGS, failure);
      s.mark();
      await expect(s.manager.start(ref(s, s.vm))).rejects.toMatchObject({ code: failure.code, libvirtMessage: failure.message });
      expect(s.control()).toEqual(['DOMAIN_CREATE_WITH_FLAGS:vm0']);
    }
    expect(s.vm.state).toBe('shutoff');
    await expect(s.manager.start(ref(s, s.vm), { retries: 21 })).rejects.toMatchObject({
      code: 'ERR_LIBVIRT_INVALID_ARGUMENT',
      path: 'retries',
    });
  });

  it('a no-op start made no attempt', async () => {
    const s = await setup();
    running(s, s.vm);
    expect(await s.manager.start(ref(s, s.vm))).toMatchObject({ attempts: 0, changed: false, noop: 'already running' });
    expect(await s.settledCalls({ only: CONTROL })).toEqual([]);
  });
});

describe('forceOff', () => {
  it('retries OPERATION_TIMEOUT and RESOURCE_BUSY', async () => {
    const s = await setup();
    running(s, s.vm);
    s.fail(DOMAIN_DESTROY_FLAGS, { code: 68, message: 'Timed out during operation' });
    s.fail(DOMAIN_DESTROY_FLAGS, { code: 87, message: 'resource busy' });
    const r = await s.manager.forceOff(ref(s, s.vm), { graceful: true });
    expect(r).toMatchObject({ attempts: 3, state: 'shutoff', reason: 'destroyed', changed: true });
    expect(s.flags('DOMAIN_DESTROY_FLAGS')).toEqual([1, 1, 1]);
  });

  it('gives up after `retries`', async () => {
    const s = await setup();
    running(s, s.vm);
    s.fail(DOMAIN_DESTROY_FLAGS, { code: 68, message: 'Timed out during operation' });
    const error = await s.manager.forceOff(ref(s, s.vm), { retries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtError);
    expect((error as LibvirtError).code).toBe(68);
  });

  it('treats NO_DOMAIN (a transient domain that went away) and a racing stop as done', async () => {
    const s = await setup();
    running(s, s.vm);
    s.fail(DOMAIN_DESTROY_FLAGS, { code: 42, message: 'Domain not found' });
    expect(await s.manager.forceOff(ref(s, s.vm))).toMatchObject({ noop: 'domain no longer exists', reason: 'gone', changed: false });
    // Something else stops it just before the daemon handles our request: libvirt answers OPERATION_INVALID.
    s.hv.onControl = (name, d) => {
      if (name === 'DOMAIN_DESTROY_FLAGS') Object.assign(d, { state: 'shutoff', reason: SHUTOFF_SHUTDOWN, id: -1 });
    };
    expect(await s.manager.forceOff(ref(s, s.vm))).toMatchObject({ noop: 'already shut off', changed: false });
  });
});

describe('reboot', () => {
  it('is confirmed by the reboot event, re-sending until it comes', async () => {
    const s = await setup();
    running(s, s.vm);
    s.vm.guest.ignoredPresses = 1;
    const r = await s.manager.reboot(ref(s, s.vm), { resendEvery: 30 });
    expect(r).toMatchObject({ path: 'reboot', confirmedBy: 'event', requests: 2, state: 'running', escalated: false });
    const requests = s.received().filter((c) => c.name === 'DOMAIN_REBOOT');
    expect(requests).toHaveLength(2);
    expect(requests.every((c) => c.callbacks > 0)).toBe(true);
  });

  it('ignores reboot events that arrived before the request returned', async () => {
    const s = await setup();
    running(s, s.vm);
    s.vm.guest.deaf = true;
    s.hv.onControl = (name, d) => {
      if (name === 'DOMAIN_REBOOT') s.hv.emitReboot(d); // a previous reboot's late burst, sent before the reply
    };
    const error = await s.manager.reboot(ref(s, s.vm), { timeout: 100, resendEvery: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('waiting for the reboot event');
  });

  it('is confirmed by the call where the hypervisor emits no reboot events (test driver); the type is asked once', async () => {
    const s = await setup({}, 1, { hypervisor: { type: 'TEST' } });
    s.hv.rebootEvents = false;
    running(s, s.vm);
    expect(await s.manager.reboot(ref(s, s.vm))).toMatchObject({ path: 'reboot', confirmedBy: 'call', state: 'running' });
    await s.manager.reboot(ref(s, s.vm));
    expect(s.calls({ only: ['CONNECT_GET_TYPE'] })).toHaveLength(1);
  });

  it("falls back to stop-start where the hypervisor cannot reboot; fallback 'none' rethrows", async () => {
    const s = await setup();
    s.hv.rebootSupported = false;
    running(s, s.vm);
    const r = await s.manager.reboot(ref(s, s.vm));
    expect(r).toMatchObject({
      operation: 'reboot',
      path: 'stop-start',
      state: 'running',
      changed: true,
      escalated: false,
      method: 'default',
    });
    expect(s.control()).toEqual(['DOMAIN_REBOOT:vm0', 'DOMAIN_SHUTDOWN_FLAGS:vm0', 'DOMAIN_CREATE_WITH_FLAGS:vm0']);
    await expect(s.manager.reboot(ref(s, s.vm), { fallback: 'none' })).rejects.toBeInstanceOf(UnsupportedError);
    await expectClean(s, s.manager);
  });
});

describe('resume', () => {
  it('wakes a pmsuspended guest with PM wakeup', async () => {
    const s = await setup();
    Object.assign(s.vm, { state: 'pmsuspended', id: s.hv.nextDomainId() });
    expect(await s.manager.resume(ref(s, s.vm))).toMatchObject({ wokeUp: true, state: 'running', reason: 'wakeup', confirmedBy: 'event' });
    expect(s.control()).toEqual(['DOMAIN_PM_WAKEUP:vm0']);
  });

  it('reports a driver without PM wakeup as UnsupportedError', async () => {
    const s = await setup();
    Object.assign(s.vm, { state: 'pmsuspended', id: s.hv.nextDomainId() });
    s.fail(DOMAIN_PM_WAKEUP, { code: 3, message: 'this function is not supported by the connection driver: virDomainPMWakeup' });
    const error = await s.manager.resume(ref(s, s.vm)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toContain('is pmsuspended and this hypervisor driver cannot wake it');
  });

  it('a request that lost a race to the same state is a no-op', async () => {
    const s = await setup();
    Object.assign(s.vm, { state: 'paused', reason: 1, id: s.hv.nextDomainId() });
    // Another client resumed it just before our request reached the daemon.
    s.daemon.once(DOMAIN_RESUME, () => {
      Object.assign(s.vm, { state: 'running', reason: RUNNING_UNPAUSED });
      return { error: { code: 55, domain: 10, message: 'Requested operation is not valid: domain is already running' } };
    });
    expect(await s.manager.resume(ref(s, s.vm))).toMatchObject({ noop: 'already running', changed: false, state: 'running' });
  });
});

describe('state checks', () => {
  it('refuse impossible transitions before sending anything', async () => {
    const s = await setup();
    const { manager, vm } = s;
    for (const op of [
      () => manager.pause(ref(s, vm)),
      () => manager.resume(ref(s, vm)),
      () => manager.reboot(ref(s, vm)),
      () => manager.reset(ref(s, vm)),
      () => manager.managedSave(ref(s, vm)),
    ]) {
      await expect(op()).rejects.toBeInstanceOf(InvalidStateError);
    }
    Object.assign(vm, { state: 'paused', id: s.hv.nextDomainId() });
    await expect(manager.shutdown(ref(s, vm))).rejects.toMatchObject({ operation: 'shutdown', state: 'paused' });
    Object.assign(vm, { state: 'crashed' });
    await expect(manager.start(ref(s, vm))).rejects.toMatchObject({ operation: 'start', state: 'crashed' });
    expect(await s.settledCalls({ only: CONTROL })).toEqual([]);
    await expectClean(s, manager);
  });

  it('an unknown VM is DomainNotFoundError; bad input is InvalidArgumentError; nothing is sent', async () => {
    const s = await setup();
    const { manager } = s;
    await expect(manager.start('nope')).rejects.toBeInstanceOf(DomainNotFoundError);
    expect(s.calls({ target: true })).toEqual(['DOMAIN_LOOKUP_BY_NAME:nope']);
    s.mark();
    await expect(manager.start({ name: 'x' } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(manager.forceOff('vm0', { retries: 1.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(manager.setAutostart('vm0', { enabled: 'yes' } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(manager.setAutostart('vm0', true as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(manager.waitForState('vm0', [])).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => new VmLifecycleManager(s.conn, { pollInterval: 1 })).toThrow(InvalidArgumentError);
    expect(await s.settledCalls()).toEqual([]);
  });
});

describe('per-VM serialisation', () => {
  it('runs operations on one VM one at a time, and different VMs in parallel', async () => {
    const s = await setup({}, 4);
    const { hv, manager, all } = s;
    hv.callDelay = 30;
    const one = all[0]!;
    await Promise.all([manager.start(ref(s, one)), manager.pause(ref(s, one)), manager.resume(ref(s, one)), manager.forceOff(ref(s, one))]);
    expect(hv.concurrency.max).toBe(1);
    expect(s.control()).toEqual(['DOMAIN_CREATE_WITH_FLAGS:vm0', 'DOMAIN_SUSPEND:vm0', 'DOMAIN_RESUME:vm0', 'DOMAIN_DESTROY_FLAGS:vm0']);
    hv.concurrency.max = 0;
    const starting = Promise.all(all.map((vm) => manager.start(ref(s, vm))));
    await new Promise((r) => setTimeout(r, 15));
    expect(manager.busyVms).toBe(4);
    await starting;
    expect(hv.concurrency.max).toBe(4);
    await expectClean(s, manager);
  });

  it('the wait for the lock counts against the timeout; a caller that gives up sends nothing', async () => {
    const s = await setup();
    running(s, s.vm);
    s.vm.guest.deaf = true;
    const slow = s.manager.shutdown(ref(s, s.vm), { timeout: 150, resendEvery: 0, onTimeout: 'throw' }).catch((e: unknown) => e);
    const impatient = await s.manager.pause(ref(s, s.vm), { timeout: 40 }).catch((e: unknown) => e);
    expect(impatient).toBeInstanceOf(TimeoutError);
    expect((impatient as Error).message).toContain('waiting for another operation on this VM');
    expect(await slow).toBeInstanceOf(TimeoutError);
    expect(s.control()).toEqual(['DOMAIN_SHUTDOWN_FLAGS:vm0']);
    await expectClean(s, s.manager);
  });
});

describe('managed save and autostart', () => {
  it('start restores from the image unless forceBoot; removeManagedSave is a no-op without one', async () => {
    const s = await setup();
    const { manager, vm } = s;
    running(s, vm);
    expect(await manager.managedSave(ref(s, vm), { bypassCache: true, startAs: 'running' })).toMatchObject({
      state: 'shutoff',
      reason: 'saved',
    });
    expect(s.flags('DOMAIN_MANAGED_SAVE')).toEqual([1 | 2]);
    expect(vm.managedSave).toBe(true);
    expect(await manager.start(ref(s, vm))).toMatchObject({ restored: true, reason: 'restored' });
    await manager.managedSave(ref(s, vm));
    expect(await manager.removeManagedSave(ref(s, vm))).toMatchObject({ changed: true, confirmedBy: 'call' });
    expect(vm.managedSave).toBe(false);
    expect(await manager.removeManagedSave(ref(s, vm))).toMatchObject({ changed: false, noop: 'no managed save image' });
    expect(await manager.start(ref(s, vm))).toMatchObject({ restored: false, reason: 'booted' });
  });

  it('setAutostart sends nothing when the value is already set', async () => {
    const s = await setup();
    const { manager, vm } = s;
    expect(await manager.setAutostart(ref(s, vm), { enabled: false })).toMatchObject({ changed: false });
    expect(await manager.setAutostart(ref(s, vm), { enabled: true })).toMatchObject({ changed: true, autostart: true });
    expect(await manager.getAutostart('vm0')).toBe(true);
    expect(vm.autostart).toBe(true);
    expect(s.calls({ only: ['DOMAIN_SET_AUTOSTART'], target: true })).toEqual(['DOMAIN_SET_AUTOSTART:vm0']);
  });
});

describe('waitForState', () => {
  it('subscribes before reading, resolves on the event, and takes no lock', async () => {
    const s = await setup();
    const waiting = s.manager.waitForState(ref(s, s.vm), ['running', 'paused']);
    await new Promise((r) => setTimeout(r, 10));
    expect(s.manager.busyVms).toBe(0);
    await s.manager.start(ref(s, s.vm));
    expect(await waiting).toMatchObject({ state: 'running', confirmedBy: 'event' });
    await expectClean(s, s.manager);
  });

  it('fails with DomainNotFoundError when the VM disappears while waiting', async () => {
    const s = await setup();
    const waiting = s.manager.waitForState(ref(s, s.vm), 'running');
    await new Promise((r) => setTimeout(r, 10));
    s.hv.domains.delete('vm0'); // gone without an event
    await expect(waiting).rejects.toBeInstanceOf(DomainNotFoundError);
    await expectClean(s, s.manager);
  });
});
