/**
 * VmRegistry when libvirt's events do not tell it everything: a VM it has
 * not heard of, changes whose events were lost across a reconnect, a resync
 * racing a command, periodic resync. Against the shipped FakeLibvirtDaemon
 * with a FakeHypervisor and a real LibvirtConnection: "events missed" are
 * changes made in the hypervisor without sending any event, and a reconnect
 * is a real one (the daemon drops the client; the connection re-establishes
 * the link, replays its registrations and emits `connection.reconnected`).
 */
import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../../src/connection/index.js';
import { VmLifecycleManager } from '../../../src/lifecycle/index.js';
import { VmRegistry } from '../../../src/state/index.js';
import type { FakeHypervisor } from '../../../src/testing/fake-hypervisor.js';
import { type FakeHost, fakeHost } from '../../helpers/fake-host.js';
import { gatedLifecycle } from '../../helpers/gated-lifecycle.js';

/** A host whose connection reconnects at once when the daemon drops it. */
async function host(setup?: (hv: FakeHypervisor) => void): Promise<FakeHost> {
  return fakeHost({ connection: { reconnect: { initialDelay: 10, jitter: 0 } }, ...(setup === undefined ? {} : { setup }) });
}

/** Start `name` in the hypervisor without any event (a change whose event was lost). */
function silentlyStart(hv: FakeHypervisor, name: string): void {
  Object.assign(hv.domain(name), { state: 'running', reason: 1 /* booted */, id: hv.nextDomainId() });
}

describe('a VM the registry has not heard of', () => {
  it('a command for it is looked up first', async () => {
    const { conn, hv, calls } = await host();
    const reg = new VmRegistry(conn, { resyncInterval: 0 });
    await reg.start();
    try {
      hv.addDomain({ name: 'unseen' }); // defined without a DEFINED event
      expect(reg.get('unseen')).toBeUndefined();
      expect(await reg.send('unseen', 'start')).toMatchObject({ state: 'running' });
      expect(reg.get('unseen')?.state).toBe('running');
      const names = calls();
      expect(names.indexOf('DOMAIN_LOOKUP_BY_NAME')).toBeGreaterThanOrEqual(0);
      expect(names.indexOf('DOMAIN_LOOKUP_BY_NAME')).toBeLessThan(names.indexOf('DOMAIN_CREATE_WITH_FLAGS'));
    } finally {
      reg.stop();
    }
  });

  it('track reads and tracks it; a tracked one costs no call', async () => {
    const { conn, hv, settledCalls, mark } = await host();
    const reg = new VmRegistry(conn, { resyncInterval: 0 });
    await reg.start();
    try {
      hv.addDomain({ name: 'unseen' });
      expect(reg.get('unseen')).toBeUndefined();
      const snapshot = await reg.track('unseen', { timeout: 5000 });
      expect(snapshot).toMatchObject({ domain: { name: 'unseen' }, state: 'shutoff', inFlight: null });
      expect(reg.get('unseen')).toEqual(snapshot);
      mark();
      expect(await reg.track(snapshot.domain)).toBe(reg.get('unseen'));
      expect(await settledCalls()).toEqual([]);
    } finally {
      reg.stop();
    }
  });
});

describe('resync', () => {
  it('after a real reconnect, catches up with changes whose events were missed (appeared, changed, vanished)', async () => {
    const { conn, hv, daemon } = await host((h) => {
      h.addDomain({ name: 'known' });
      h.addDomain({ name: 'vanishing' });
    });
    const reg = new VmRegistry(conn, { resyncInterval: 0 });
    await reg.start();
    try {
      expect(reg.get('known')?.state).toBe('shutoff');
      // While the link is down nothing reaches the registry: change the hypervisor without events, then drop the link.
      silentlyStart(hv, 'known');
      hv.domains.delete('vanishing');
      hv.addDomain({ name: 'appearing' });
      expect(reg.get('known')?.state).toBe('shutoff');
      expect(reg.get('vanishing')?.state).toBe('shutoff');
      expect(reg.get('appearing')).toBeUndefined();
      daemon.dropClients();
      expect((await reg.waitFor('known', 'running', { timeout: 5000 })).reason).toBe('booted');
      await reg.waitFor('vanishing', 'gone', { timeout: 5000 });
      expect(reg.get('vanishing')).toBeUndefined();
      await reg.waitFor('appearing', 'shutoff', { timeout: 5000 });
      expect(conn.reconnects).toBe(1);
    } finally {
      reg.stop();
    }
  });

  it('never resyncs a VM with a command in flight', async () => {
    const { conn, hv } = await host((h) => h.addDomain({ name: 'busy' }));
    const gated = gatedLifecycle(new VmLifecycleManager(conn));
    const reg = new VmRegistry(conn, { lifecycle: gated.lifecycle, resyncInterval: 0 });
    await reg.start();
    try {
      await reg.waitFor('busy', 'shutoff', { timeout: 1000 });
      await reg.send('busy', 'start');
      const pausing = reg.send('busy', 'pause');
      await reg.waitFor('busy', 'pausing', { timeout: 5000 }); // the command is in flight (held at the gate)
      // Forced off behind the registry's back, without an event.
      Object.assign(hv.domain('busy'), { state: 'shutoff', reason: 2 /* destroyed */, id: -1 });
      await reg.resync();
      expect(reg.get('busy')?.state).toBe('pausing');
      gated.open();
      // The gated pause now meets a shut-off VM: the lifecycle refuses, and the machine re-reads before settling.
      await expect(pausing).rejects.toBeInstanceOf(InvalidStateError);
      expect(reg.get('busy')).toMatchObject({ state: 'shutoff', reason: 'destroyed', inFlight: null });
      expect(gated.calls).toEqual(['start', 'pause']);
    } finally {
      reg.stop();
    }
  });

  it('periodically (resyncInterval)', async () => {
    const { conn, hv } = await host();
    const reg = new VmRegistry(conn, { resyncInterval: 200 });
    await reg.start();
    try {
      hv.addDomain({ name: 'unseen' }); // no event: only a resync can find it
      await reg.waitFor('unseen', 'shutoff', { timeout: 1000 });
      expect(conn.reconnects).toBe(0);
    } finally {
      reg.stop();
    }
  });
});
