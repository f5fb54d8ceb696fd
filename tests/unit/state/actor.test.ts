import { describe, expect, it } from 'vitest';
import { SimulatedClock, createActor, fromPromise, waitFor } from 'xstate';
import { AbortError, TimeoutError } from '../../../src/errors/index.js';
import type { LifecycleResult } from '../../../src/lifecycle/internal.js';
import { type CommandInput, type StateReading, type VmCommandEvent, stateNameOf, vmMachine } from '../../../src/state/internal.js';
import { DOMAIN, result } from './helpers.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** An effect the test settles by hand; records its input and signal. */
function manual<T, I = CommandInput>() {
  const calls: { input: I; signal: AbortSignal; result: Deferred<T> }[] = [];
  const logic = fromPromise<T, I>(({ input, signal }) => {
    const result = deferred<T>();
    calls.push({ input, signal, result });
    return result.promise;
  });
  // Typed loosely: one helper serves effects of different command input types.
  return { logic: logic as any, calls };
}

function command(type: VmCommandEvent['type'], options?: object) {
  const reply = deferred<unknown>();
  return { event: { type, options, reply, at: 1 } as VmCommandEvent, reply: reply.promise };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('VM actor with provided effects', () => {
  it('passes domain and options to the effect, and replies once the machine has settled', async () => {
    const pause = manual<LifecycleResult>();
    const actor = createActor(vmMachine.provide({ actors: { pauseVm: pause.logic } }), {
      input: { domain: DOMAIN, state: 'running' },
    }).start();
    const { event, reply } = command('pause', { timeout: 5000 });
    actor.send(event);
    expect(stateNameOf(actor.getSnapshot())).toBe('pausing');
    await tick();
    expect(pause.calls[0]!.input).toEqual({ domain: DOMAIN, options: { timeout: 5000 }, command: 'pause' });
    let seen = '';
    void reply.then(() => {
      seen = stateNameOf(actor.getSnapshot());
    });
    pause.calls[0]!.result.resolve(result('pause', 'paused', 'user'));
    await expect(reply).resolves.toMatchObject({ state: 'paused' });
    expect(seen).toBe('paused'); // the caller never sees the machine behind its own result
    expect(actor.getSnapshot().context.inFlight).toBeNull();
  });

  it("aborts the effect's signal when the actor stops (the registry stopping)", async () => {
    const start = manual<LifecycleResult>();
    const actor = createActor(vmMachine.provide({ actors: { startVm: start.logic } }), {
      input: { domain: DOMAIN, state: 'shutoff' },
    }).start();
    actor.send(command('start').event);
    await tick();
    expect(start.calls[0]!.signal.aborted).toBe(false);
    actor.stop();
    expect(start.calls[0]!.signal.aborted).toBe(true);
  });

  it('after a timeout it re-reads, settles on what libvirt says, then rejects the caller with the timeout', async () => {
    const shutdown = manual<LifecycleResult>();
    const read = manual<StateReading, { domain: typeof DOMAIN }>();
    const actor = createActor(vmMachine.provide({ actors: { shutdownVm: shutdown.logic, readState: read.logic } }), {
      input: { domain: DOMAIN, state: 'running' },
    }).start();
    const { event, reply } = command('shutdown');
    actor.send(event);
    await tick();
    const timeout = new TimeoutError(60_000, 'timed out waiting for the guest to shut down');
    shutdown.calls[0]!.result.reject(timeout);
    await waitFor(actor, (s) => stateNameOf(s) === 'reading');
    expect(actor.getSnapshot().context.inFlight?.command).toBe('shutdown'); // still in flight until settled
    read.calls[0]!.result.resolve({ state: 'running', reason: 'booted' });
    await expect(reply).rejects.toBe(timeout);
    expect(stateNameOf(actor.getSnapshot())).toBe('running');
    expect(actor.getSnapshot().context.inFlight).toBeNull();
  });

  it('an aborted command re-reads too (libvirt may have completed it)', async () => {
    const save = manual<LifecycleResult>();
    const read = manual<StateReading, { domain: typeof DOMAIN }>();
    const actor = createActor(vmMachine.provide({ actors: { saveVm: save.logic, readState: read.logic } }), {
      input: { domain: DOMAIN, state: 'running' },
    }).start();
    const { event, reply } = command('managedSave');
    actor.send(event);
    await tick();
    save.calls[0]!.result.reject(new AbortError('aborted while saving'));
    await waitFor(actor, (s) => stateNameOf(s) === 'reading');
    read.calls[0]!.result.resolve({ state: 'shutoff', reason: 'saved' });
    await expect(reply).rejects.toBeInstanceOf(AbortError);
    expect(actor.getSnapshot().context).toMatchObject({ observed: 'shutoff', reason: 'saved' });
  });

  it('an effect that was not provided fails, and the machine re-reads (and settles when that fails too)', async () => {
    const actor = createActor(vmMachine, { input: { domain: DOMAIN, state: 'paused', reason: 'user' } }).start();
    const { event, reply } = command('resume');
    actor.send(event);
    await expect(reply).rejects.toThrow(/effect 'resumeVm' is not provided/);
    expect(stateNameOf(actor.getSnapshot())).toBe('paused');
  });
});

describe('timers (SimulatedClock)', () => {
  function rebootingActor(rebootDebounce = 2000) {
    const clock = new SimulatedClock();
    const reboot = manual<LifecycleResult>();
    const read = manual<StateReading, { domain: typeof DOMAIN }>();
    const machine = vmMachine.provide({ actors: { rebootVm: reboot.logic, readState: read.logic }, delays: { rebootDebounce } });
    const actor = createActor(machine, { input: { domain: DOMAIN, state: 'running', reason: 'booted' }, clock }).start();
    actor.send(command('reboot').event);
    return { clock, actor, reboot, read };
  }

  it('holds a stopped event for rebootDebounce ms and drops it when started follows in time', () => {
    const { clock, actor } = rebootingActor();
    actor.send({ type: 'libvirt.stopped', reason: 'shutdown' });
    clock.increment(1999);
    expect(actor.getSnapshot().value).toEqual({ rebooting: 'stopHeld' });
    actor.send({ type: 'libvirt.started', reason: 'booted' });
    expect(actor.getSnapshot().value).toEqual({ rebooting: 'waiting' });
    clock.increment(10_000);
    expect(actor.getSnapshot().context.fact).toBeNull(); // the stop never became a fact
  });

  it('releases the held stop as a fact after rebootDebounce ms; a running result then triggers a re-read', async () => {
    const { clock, actor, reboot, read } = rebootingActor(500);
    actor.send({ type: 'libvirt.stopped', reason: 'shutdown' });
    clock.increment(499);
    expect(actor.getSnapshot().context.fact).toBeNull();
    clock.increment(1);
    expect(actor.getSnapshot().value).toEqual({ rebooting: 'waiting' });
    expect(actor.getSnapshot().context.fact).toMatchObject({ observed: 'shutoff', reason: 'shutdown' });
    await tick();
    reboot.calls[0]!.result.resolve(result('reboot', 'running', 'booted'));
    await waitFor(actor, (s) => stateNameOf(s) === 'reading');
    read.calls[0]!.result.resolve({ state: 'shutoff', reason: 'shutdown' });
    await waitFor(actor, (s) => stateNameOf(s) === 'shutoff');
  });

  it('bounds a hanging re-read by readTimeout, aborts it, and settles on the last known state', async () => {
    const clock = new SimulatedClock();
    const pause = manual<LifecycleResult>();
    const read = manual<StateReading, { domain: typeof DOMAIN }>();
    const machine = vmMachine.provide({ actors: { pauseVm: pause.logic, readState: read.logic }, delays: { readTimeout: 3000 } });
    const actor = createActor(machine, { input: { domain: DOMAIN, state: 'running' }, clock }).start();
    const { event, reply } = command('pause');
    actor.send(event);
    await tick();
    pause.calls[0]!.result.reject(new Error('connection lost'));
    await waitFor(actor, (s) => stateNameOf(s) === 'reading');
    await tick();
    clock.increment(2999);
    expect(stateNameOf(actor.getSnapshot())).toBe('reading');
    clock.increment(1);
    expect(stateNameOf(actor.getSnapshot())).toBe('running');
    expect(read.calls[0]!.signal.aborted).toBe(true);
    await expect(reply).rejects.toThrow('connection lost');
  });
});
