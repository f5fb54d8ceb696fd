import { describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import type { DomainLifecycleEvent, DomainLifecycleEventName, DomainRef, LibvirtEvent } from '../../../src/connection/internal.js';
import { isUuid as looksLikeUuid, uuidKey } from '../../../src/connection/internal.js';
import { type VmChange, toVmEvent, vmMachine } from '../../../src/state/internal.js';
import { ChangeFeed, vmMatcher } from '../../../src/state/changes.js';
import type { DomainReading } from '../../../src/state/resync.js';
import { Tracker } from '../../../src/state/tracker.js';

const A: DomainRef = { name: 'a', uuid: 'aaaaaaaa-0000-4000-8000-000000000001', id: -1 };
const B: DomainRef = { name: 'b', uuid: 'bbbbbbbb-0000-4000-8000-000000000002', id: 3 };

function lifecycle(domain: DomainRef, event: DomainLifecycleEventName, detail: string): DomainLifecycleEvent {
  return { type: 'domain.lifecycle', domain, event, detail, eventCode: 0, detailCode: 0 };
}

function reading(domain: DomainRef, state: DomainReading['state'], reason: string, codes: [number, number] = [5, 0]): DomainReading {
  return { domain, state, reason, stateCode: codes[0], reasonCode: codes[1], persistent: true };
}

/** A tracker whose command effects never settle (a command stays in flight). */
function tracker(): { tracker: Tracker; changes: VmChange[] } {
  const never = fromPromise(() => new Promise<never>(() => undefined)) as any;
  const t = new Tracker(vmMachine.provide({ actors: { startVm: never, pauseVm: never, readState: never } }), undefined);
  const changes: VmChange[] = [];
  t.feed.listen((c) => changes.push(c));
  return { tracker: t, changes };
}

describe('connection events → machine events', () => {
  it.each([
    ['defined', 'added', { type: 'libvirt.defined', reason: 'added' }],
    ['undefined', 'renamed', { type: 'libvirt.undefined', reason: 'renamed' }],
    ['started', 'booted', { type: 'libvirt.started', reason: 'booted', id: 3 }],
    ['suspended', 'paused', { type: 'libvirt.suspended', reason: 'user' }],
    ['suspended', 'migrated', { type: 'libvirt.suspended', reason: 'migration' }],
    ['suspended', 'ioerror', { type: 'libvirt.suspended', reason: 'ioerror' }],
    ['resumed', 'unpaused', { type: 'libvirt.resumed', reason: 'unpaused' }],
    ['stopped', 'destroyed', { type: 'libvirt.stopped', reason: 'destroyed' }],
    ['pmsuspended', 'memory', { type: 'libvirt.pmsuspended', reason: 'memory' }],
    ['crashed', 'panicked', { type: 'libvirt.crashed', reason: 'panicked' }],
    ['shutdown', 'finished', null],
  ] as [DomainLifecycleEventName, string, unknown][])('%s/%s', (event, detail, expected) => {
    expect(toVmEvent(lifecycle(B, event, detail))).toEqual(expected);
  });

  it('maps reboot events and ignores the rest', () => {
    expect(toVmEvent({ type: 'domain.reboot', domain: B })).toEqual({ type: 'libvirt.rebooted' });
    expect(toVmEvent({ type: 'connection.reconnected', reconnects: 1 })).toBeNull();
    expect(toVmEvent({ type: 'domain.device-added', domain: B, devAlias: 'x' } as LibvirtEvent)).toBeNull();
  });
});

describe('VM lookup keys', () => {
  it('normalises UUIDs and matches names, UUIDs and references', () => {
    expect(uuidKey('AAAAAAAA-0000-4000-8000-000000000001')).toBe('aaaaaaaa000040008000000000000001');
    expect(looksLikeUuid(A.uuid)).toBe(true);
    expect(looksLikeUuid('web-1')).toBe(false);
    const change = { current: { domain: A } } as unknown as VmChange;
    expect(vmMatcher('a')(change)).toBe(true);
    expect(vmMatcher(A.uuid.toUpperCase())(change)).toBe(true);
    expect(vmMatcher(B)(change)).toBe(false);
    expect(() => vmMatcher('')).toThrow(/name, a UUID/);
  });

  it('change feeds filter by VM, and end', async () => {
    const feed = new ChangeFeed();
    const all = feed.subscribe();
    const onlyB = feed.subscribe({ vm: 'b' });
    feed.publish({ previous: null, current: { domain: A } } as unknown as VmChange);
    feed.publish({ previous: null, current: { domain: B } } as unknown as VmChange);
    feed.endAll();
    const names = async (it: AsyncIterable<VmChange>) => {
      const out: string[] = [];
      for await (const c of it) out.push(c.current.domain.name);
      return out;
    };
    expect(await names(all)).toEqual(['a', 'b']);
    expect(await names(onlyB)).toEqual(['b']);
    expect(feed.active).toBe(false);
  });
});

describe('Tracker', () => {
  it('tracks VMs defined or created elsewhere, from their events', () => {
    const { tracker: t, changes } = tracker();
    t.dispatch(lifecycle(A, 'defined', 'added'), 42);
    t.dispatch(lifecycle(B, 'started', 'booted'), 43);
    expect(t.find('a')?.view).toMatchObject({
      state: 'shutoff',
      allowed: [
        'start',
        'shutdown',
        'forceOff',
        'destroy',
        'attachDisk',
        'detachDisk',
        'changeMedia',
        'attachNic',
        'detachNic',
        'resizeDisk',
        'setMemory',
        'setVcpus',
        'createSnapshot',
        'revertSnapshot',
        'deleteSnapshot',
      ],
    });
    expect(t.find(B.uuid)?.view).toMatchObject({ state: 'running', domain: { id: 3 } });
    expect(changes.map((c) => [c.current.domain.name, c.previous, c.cause, c.event, c.receivedAt])).toEqual([
      ['a', null, 'event', 'libvirt.defined', 42],
      ['b', null, 'event', 'libvirt.started', 43],
    ]);
    // b came without a `defined` event: transient, so stopping ends it.
    t.dispatch(lifecycle(B, 'stopped', 'destroyed'), 44);
    expect(t.find('b')).toBeUndefined();
    expect(changes.at(-1)).toMatchObject({ previous: { state: 'running' }, current: { state: 'gone' } });
  });

  it('asks for a resync when an event names a VM it cannot place, and ignores late events of vanished VMs', () => {
    const { tracker: t } = tracker();
    let unknown = 0;
    t.onUnknown = () => unknown++;
    t.dispatch(lifecycle(A, 'stopped', 'destroyed'), 1);
    t.dispatch(lifecycle(A, 'undefined', 'removed'), 1);
    expect(unknown).toBe(0);
    t.dispatch(lifecycle(A, 'suspended', 'paused'), 1);
    expect(unknown).toBe(1);
    expect(t.size).toBe(0);
  });

  it('follows renames (same UUID, new name)', () => {
    const { tracker: t } = tracker();
    t.dispatch(lifecycle(A, 'defined', 'added'), 1);
    t.dispatch(lifecycle(A, 'undefined', 'renamed'), 2);
    t.dispatch(lifecycle({ ...A, name: 'a2' }, 'defined', 'renamed'), 3);
    expect(t.find('a')).toBeUndefined();
    expect(t.find('a2')?.view).toMatchObject({ state: 'shutoff', domain: { name: 'a2', uuid: A.uuid } });
  });

  it('resync: applies readings, tracks new VMs, ends vanished ones — but never overwrites a newer event', () => {
    const { tracker: t, changes } = tracker();
    t.track(A, 'shutoff', 'unknown', true, { cause: 'seed' });
    t.track(B, 'running', 'booted', true, { cause: 'seed' });
    const since = t.beginResync();
    // While the read is on the wire, an event says B paused: it is newer than the reading.
    t.dispatch(lifecycle(B, 'suspended', 'paused'), 1);
    const C: DomainRef = { name: 'c', uuid: 'cccccccc-0000-4000-8000-000000000003', id: -1 };
    t.applyResync(
      {
        present: new Set([uuidKey(B.uuid), uuidKey(C.uuid)]),
        readings: [reading(B, 'running', 'booted'), reading(C, 'shutoff', 'destroyed')],
        via: 'stats',
      },
      since,
      'resync',
    );
    t.endResync();
    expect(t.find('a')).toBeUndefined(); // vanished → gone
    expect(t.find('b')?.view.state).toBe('paused'); // the event wins
    expect(t.find('c')?.view).toMatchObject({ state: 'shutoff', reason: 'destroyed' });
    expect(changes.filter((c) => c.cause === 'resync').map((c) => [c.current.domain.name, c.current.state])).toEqual([
      ['c', 'shutoff'],
      ['a', 'gone'],
    ]);
  });

  it('resync: never touches a VM with a command in flight, and skips VMs whose numbers did not change', () => {
    const { tracker: t } = tracker();
    const a = t.track(A, 'running', 'booted', true, { cause: 'seed' }, reading(A, 'running', 'booted', [1, 1]));
    expect(t.needsRead(a.key, 1, 1)).toBe(false);
    expect(t.needsRead(a.key, 3, 1)).toBe(true);
    expect(t.needsRead(uuidKey(B.uuid), 1, 1)).toBe(true);
    t.send(a, { type: 'pause' }, { cause: 'command' });
    expect(a.view.inFlight?.command).toBe('pause');
    expect(t.needsRead(a.key, 3, 1)).toBe(false);
    const since = t.beginResync();
    t.applyResync({ present: new Set(), readings: [reading(A, 'shutoff', 'destroyed')], via: 'stats' }, since, 'resync');
    t.endResync();
    expect(a.view.state).toBe('pausing');
  });

  it('a stale reading does not bring back a VM that vanished during the resync', () => {
    const { tracker: t } = tracker();
    t.track(A, 'shutoff', 'unknown', true, { cause: 'seed' });
    const since = t.beginResync();
    t.dispatch(lifecycle(A, 'undefined', 'removed'), 1);
    t.applyResync({ present: new Set([uuidKey(A.uuid)]), readings: [reading(A, 'shutoff', 'unknown')], via: 'stats' }, since, 'resync');
    t.endResync();
    expect(t.find('a')).toBeUndefined();
  });

  it('stopAll fails commands in flight and forgets every VM', async () => {
    const { tracker: t } = tracker();
    const a = t.track(A, 'shutoff', 'unknown', true, { cause: 'seed' });
    const reply = new Promise((resolve, reject) => t.send(a, { type: 'start', reply: { resolve, reject } }, { cause: 'command' }));
    t.stopAll(new Error('stopped'));
    await expect(reply).rejects.toThrow('stopped');
    expect(t.size).toBe(0);
  });
});
