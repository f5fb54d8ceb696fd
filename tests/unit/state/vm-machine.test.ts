import { describe, expect, it } from 'vitest';
import type { DomainStateName } from '../../../src/connection/internal.js';
import { TimeoutError } from '../../../src/errors/index.js';
import { verdict as guard } from '../../../src/lifecycle/internal.js';
import {
  COMMAND_OPERATION,
  VM_COMMANDS,
  type ObservedState,
  type VmCommand,
  type VmFactEvent,
  allowedIn,
} from '../../../src/state/internal.js';
import { DOMAIN, at, done, failed, next, report, result, seeded } from './helpers.js';

const IDLE: Exclude<ObservedState, 'gone'>[] = ['shutoff', 'running', 'blocked', 'paused', 'pmsuspended', 'crashed'];

/**
 * What each observed state accepts (docs/lifecycle.md, "The VM state machine"): every
 * command the one state table does not refuse — no-ops included (start a running VM).
 */
/** Device commands allowed where the VM has a definition to change and is not between states. */
const DEVICES: VmCommand[] = ['attachDisk', 'detachDisk', 'changeMedia', 'attachNic', 'detachNic', 'resizeDisk', 'setMemory', 'setVcpus'];
/** …except unplugging from a paused guest, which cannot release the device. */
const DEVICES_PAUSED = DEVICES.filter((c) => c !== 'detachDisk' && c !== 'detachNic');
/** Snapshots are taken and deleted where device changes run; a revert replaces any settled state. */
const SNAPSHOTS: VmCommand[] = ['createSnapshot', 'revertSnapshot', 'deleteSnapshot'];
/** Block jobs and backups need the QEMU process. */
const JOBS: VmCommand[] = ['blockCopy', 'blockCommit', 'blockPull', 'backup'];
const DISK_STATE: VmCommand[] = [...SNAPSHOTS, ...JOBS];

const ALLOWED: Record<ObservedState, VmCommand[]> = {
  shutoff: ['start', 'shutdown', 'forceOff', 'destroy', ...DEVICES, ...SNAPSHOTS],
  running: ['start', 'shutdown', 'forceOff', 'reboot', 'reset', 'pause', 'resume', 'managedSave', 'destroy', ...DEVICES, ...DISK_STATE],
  blocked: ['start', 'shutdown', 'forceOff', 'reboot', 'reset', 'pause', 'resume', 'managedSave', 'destroy', ...DEVICES, ...DISK_STATE],
  paused: ['start', 'forceOff', 'reset', 'pause', 'resume', 'managedSave', 'destroy', ...DEVICES_PAUSED, ...DISK_STATE],
  pmsuspended: ['start', 'forceOff', 'resume', 'destroy', 'revertSnapshot'],
  crashed: ['forceOff', 'destroy', 'revertSnapshot'],
  gone: [],
};

const TRANSITIONAL: Record<VmCommand, string> = {
  start: 'starting',
  shutdown: 'shuttingDown',
  forceOff: 'forcingOff',
  reboot: 'rebooting',
  reset: 'resetting',
  pause: 'pausing',
  resume: 'resuming',
  managedSave: 'saving',
  destroy: 'destroying',
  ...Object.fromEntries(DEVICES.map((c) => [c, 'reconfiguring'])),
  ...Object.fromEntries(DISK_STATE.map((c) => [c, 'changingDisks'])),
} as Record<VmCommand, string>;

const EFFECT: Record<VmCommand, string> = {
  start: 'startVm',
  shutdown: 'shutdownVm',
  forceOff: 'forceOffVm',
  reboot: 'rebootVm',
  reset: 'resetVm',
  pause: 'pauseVm',
  resume: 'resumeVm',
  managedSave: 'saveVm',
  destroy: 'destroyVm',
  ...Object.fromEntries(DEVICES.map((c) => [c, 'changeDevices'])),
  ...Object.fromEntries(DISK_STATE.map((c) => [c, 'changeDiskState'])),
} as Record<VmCommand, string>;

describe('seeding', () => {
  it.each([
    ['shutoff', 'shutoff'],
    ['running', 'running'],
    ['blocked', 'blocked'],
    ['paused', 'paused'],
    ['pmsuspended', 'pmsuspended'],
    ['crashed', 'crashed'],
    ['shutdown', 'running'],
    ['nostate', 'running'],
  ] as [DomainStateName, string][])('libvirt state %s settles in %s', (state, expected) => {
    const s = seeded(state, { reason: 'booted' });
    expect(at(s)).toBe(expected);
    expect(s.context).toMatchObject({ reason: 'booted', inFlight: null, fact: null, persistent: true, domain: DOMAIN });
  });

  it('a VM seeded as gone is final at once', () => {
    expect(seeded('gone').status).toBe('done');
  });
});

describe('libvirt facts in observed states', () => {
  const FACTS: [VmFactEvent, (from: ObservedState) => ObservedState][] = [
    [{ type: 'libvirt.started', reason: 'booted' }, () => 'running'],
    [{ type: 'libvirt.resumed', reason: 'unpaused' }, () => 'running'],
    [{ type: 'libvirt.suspended', reason: 'user' }, () => 'paused'],
    [{ type: 'libvirt.pmsuspended', reason: 'unknown' }, () => 'pmsuspended'],
    [{ type: 'libvirt.crashed', reason: 'panicked' }, () => 'crashed'],
    [{ type: 'libvirt.stopped', reason: 'destroyed' }, () => 'shutoff'],
    [{ type: 'libvirt.rebooted' }, (from) => from],
    [{ type: 'libvirt.defined', reason: 'updated' }, (from) => from],
    [{ type: 'libvirt.undefined', reason: 'removed' }, (from) => (from === 'shutoff' ? 'gone' : from)],
    [{ type: 'libvirt.undefined', reason: 'renamed' }, (from) => from],
  ];
  for (const from of IDLE) {
    for (const [event, to] of FACTS) {
      it(`${from} + ${event.type}${'reason' in event ? ` (${event.reason})` : ''} → ${to(from)}`, () => {
        expect(at(next(seeded(from), event))).toBe(to(from));
      });
    }
  }

  it('facts carry libvirt reasons and the domain id', () => {
    const started = next(seeded('shutoff'), { type: 'libvirt.started', reason: 'restored', id: 12 });
    expect(started.context).toMatchObject({ observed: 'running', reason: 'restored', domain: { id: 12 } });
    const stopped = next(started, { type: 'libvirt.stopped', reason: 'saved' });
    expect(stopped.context).toMatchObject({ observed: 'shutoff', reason: 'saved', domain: { id: -1 } });
  });

  it('a transient domain that stops is gone (final)', () => {
    const s = next(seeded('running', { persistent: false }), { type: 'libvirt.stopped', reason: 'shutdown' });
    expect(s.status).toBe('done');
    expect(s.context.observed).toBe('gone');
  });

  it('undefining a running domain makes it transient: it runs on, and is gone once it stops', () => {
    const s = next(seeded('running'), { type: 'libvirt.undefined', reason: 'removed' });
    expect(at(s)).toBe('running');
    expect(s.context.persistent).toBe(false);
    expect(next(s, { type: 'libvirt.stopped' }).status).toBe('done');
    // …unless it is defined again first.
    expect(at(next(s, { type: 'libvirt.defined' }, { type: 'libvirt.stopped' }))).toBe('shutoff');
  });

  it('a state read (resync) moves the machine to what libvirt reports, or ends it when the domain is gone', () => {
    const s = next(seeded('running'), { type: 'libvirt.stateRead', state: 'paused', reason: 'ioerror' });
    expect(s.context).toMatchObject({ observed: 'paused', reason: 'ioerror' });
    expect(at(next(s, { type: 'libvirt.stateRead', state: 'shutdown', reason: 'user' }))).toBe('running');
    expect(next(s, { type: 'libvirt.stateRead', state: 'gone', reason: 'gone' }).status).toBe('done');
    expect(next(s, { type: 'libvirt.stateRead', state: 'shutoff', reason: 'destroyed', persistent: false }).context.persistent).toBe(false);
  });

  it('gone is final: nothing moves it', () => {
    const gone = next(seeded('shutoff'), { type: 'libvirt.undefined' });
    expect(gone.status).toBe('done');
    expect(next(gone, { type: 'libvirt.started' }).status).toBe('done');
    expect(allowedIn(gone)).toEqual([]);
  });
});

describe('command guards', () => {
  for (const state of [...IDLE, 'gone'] as ObservedState[]) {
    it(`${state} allows ${ALLOWED[state].join(', ') || 'nothing'}`, () => {
      const s = state === 'gone' ? next(seeded('shutoff'), { type: 'libvirt.undefined' }) : seeded(state);
      for (const command of VM_COMMANDS) expect([command, s.can({ type: command })]).toEqual([command, ALLOWED[state].includes(command)]);
      expect(allowedIn(s)).toEqual(ALLOWED[state]);
    });
  }

  it("is the lifecycle's state table: allowed exactly where the operation is not refused", () => {
    for (const state of IDLE) {
      for (const command of VM_COMMANDS) {
        const verdict = guard(COMMAND_OPERATION[command], state);
        const refused = typeof verdict === 'object' && 'refuse' in verdict;
        expect([state, command, seeded(state).can({ type: command })]).toEqual([state, command, !refused]);
      }
    }
  });

  for (const command of VM_COMMANDS) {
    it(`${command} enters ${TRANSITIONAL[command]} with the command in flight`, () => {
      const from = ALLOWED.running.includes(command) ? 'running' : ALLOWED.paused.includes(command) ? 'paused' : 'shutoff';
      const s = next(seeded(from), { type: command, at: 1234 } as never);
      expect(at(s)).toBe(TRANSITIONAL[command]);
      expect(s.context.inFlight).toMatchObject({ command, since: 1234 });
      // One command at a time: nothing else is accepted while it runs.
      expect(allowedIn(s)).toEqual([]);
      for (const other of VM_COMMANDS) expect(s.can({ type: other })).toBe(false);
    });
  }
});

describe('while a command is in flight', () => {
  const pausing = () => next(seeded('running', { reason: 'booted' }), { type: 'pause' });

  it('libvirt facts are recorded, not acted on, and resyncs are ignored', () => {
    const s = next(pausing(), { type: 'libvirt.suspended', reason: 'user' });
    expect(at(s)).toBe('pausing');
    expect(s.context).toMatchObject({ observed: 'running', reason: 'booted', fact: { observed: 'paused', reason: 'user' } });
    const r = next(s, { type: 'libvirt.stateRead', state: 'shutoff', reason: 'destroyed' });
    expect(r.context.fact).toMatchObject({ observed: 'paused' });
  });

  it('settles on the result when no fact contradicts it, and clears the command', () => {
    const s = next(pausing(), { type: 'libvirt.suspended', reason: 'user' }, done('pauseVm', result('pause', 'paused', 'user')));
    expect(at(s)).toBe('paused');
    expect(s.context).toMatchObject({ observed: 'paused', reason: 'user', inFlight: null, fact: null });
  });

  it('re-reads when a fact seen meanwhile contradicts the result (e.g. stopped from outside)', () => {
    const s = next(
      pausing(),
      { type: 'libvirt.suspended' },
      { type: 'libvirt.stopped', reason: 'destroyed' },
      done('pauseVm', result('pause', 'paused', 'user')),
    );
    expect(at(s)).toBe('reading');
    expect(s.context.inFlight).toMatchObject({ command: 'pause', outcome: { ok: true } });
    const settled = next(s, done('readState', { state: 'shutoff', reason: 'destroyed' }));
    expect(at(settled)).toBe('shutoff');
    expect(settled.context).toMatchObject({ reason: 'destroyed', inFlight: null, domain: { id: -1 } });
  });

  it('after an error, timeout or abort it re-reads the real state before settling', () => {
    const error = new TimeoutError(30_000);
    const s = next(pausing(), failed('pauseVm', error));
    expect(at(s)).toBe('reading');
    expect(s.context.inFlight?.outcome).toEqual({ ok: false, error });
    expect(at(next(s, done('readState', { state: 'paused', reason: 'user' })))).toBe('paused');
    expect(at(next(s, done('readState', { state: 'gone', reason: 'gone' })))).toBe('gone');
  });

  it('a failed re-read settles on the latest fact, else on the last known state', () => {
    const reading = next(pausing(), failed('pauseVm', new Error('x')));
    expect(at(next(reading, failed('readState', new Error('link down'))))).toBe('running');
    expect(at(next(reading, { type: 'libvirt.suspended' }, failed('readState', new Error('link down'))))).toBe('paused');
  });

  it('commands are refused while re-reading', () => {
    const reading = next(pausing(), failed('pauseVm', new Error('x')));
    expect(allowedIn(reading)).toEqual([]);
  });

  it('a lifecycle result with reason "gone" (a transient domain that stopped) ends the machine', () => {
    const s = next(
      seeded('running', { persistent: false }),
      { type: 'shutdown' },
      done('shutdownVm', result('shutdown', 'shutoff', 'gone', -1)),
    );
    expect(s.status).toBe('done');
  });

  it.each([
    ['undefined by the teardown', { undefined: true, complete: true }, 'gone'],
    ['already gone', { alreadyGone: true, complete: true }, 'gone'],
    ['transient, stopped', { transient: true, complete: true, stopped: 'forced' as const }, 'gone'],
    ['incomplete (a volume failed)', { complete: false, stopped: 'graceful' as const }, 'reading'],
  ])('destroy: %s → %s', (_title, fields, expected) => {
    const s = next(seeded('running'), { type: 'destroy' }, done('destroyVm', report(fields)));
    expect(at(s)).toBe(expected);
  });

  it('every effect settles through its own done/error event', () => {
    for (const command of VM_COMMANDS) {
      const from = ALLOWED.running.includes(command) ? 'running' : ALLOWED.paused.includes(command) ? 'paused' : 'shutoff';
      const busy = next(seeded(from), { type: command } as never);
      expect(at(next(busy, failed(EFFECT[command], new Error('boom'))))).toBe('reading');
    }
  });
});

describe('reboot debounce (pure part; timing in debounce.test.ts)', () => {
  const rebooting = () => next(seeded('running', { reason: 'booted' }), { type: 'reboot' });

  it('holds a stopped event instead of recording it', () => {
    const s = next(rebooting(), { type: 'libvirt.stopped', reason: 'shutdown' });
    expect(s.value).toEqual({ rebooting: 'stopHeld' });
    expect(s.context.fact).toBeNull();
    expect(s.context.held).toMatchObject({ observed: 'shutoff' });
  });

  it('drops the held stop when started follows', () => {
    const s = next(rebooting(), { type: 'libvirt.stopped' }, { type: 'libvirt.started', reason: 'booted' });
    expect(s.value).toEqual({ rebooting: 'waiting' });
    expect(s.context).toMatchObject({ held: null, fact: null });
    expect(at(next(s, done('rebootVm', result('reboot', 'running', 'booted'))))).toBe('running');
  });

  it('a reboot that ends while a stop is held settles on its result (the held stop is dropped)', () => {
    const s = next(rebooting(), { type: 'libvirt.stopped' }, done('rebootVm', result('reboot', 'running', 'booted')));
    expect(at(s)).toBe('running');
    expect(s.context.held).toBeNull();
  });

  it('other facts still count while a stop is held', () => {
    const s = next(rebooting(), { type: 'libvirt.stopped' }, { type: 'libvirt.crashed' });
    expect(s.context.fact).toMatchObject({ observed: 'crashed' });
  });
});
