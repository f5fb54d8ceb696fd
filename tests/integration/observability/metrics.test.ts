/**
 * LibvirtMetrics against the test driver: latency and errors per procedure,
 * operations per kind and per VM, the connection's counters; nothing after close().
 */
import { describe, expect, it } from 'vitest';
import { DomainNotFoundError, InvalidArgumentError, LibvirtManager } from '../../../src/index.js';
import { LATENCY_BUCKETS_MS, LibvirtMetrics } from '../../../src/observability/index.js';
import { TEST_URI, uniqueName } from '../../helpers/libvirt.js';
import { destroyAfterAll } from '../../helpers/test-driver-vms.js';

const names: string[] = [];
destroyAfterAll(names);

describe('LibvirtMetrics', () => {
  it('counts calls, latency, errors, operations and the connection counters', async () => {
    const manager = await LibvirtManager.connect(TEST_URI);
    using metrics = new LibvirtMetrics({ connections: { test: manager.connection } });
    try {
      const name = uniqueName('metrics');
      names.push(name);
      const events = manager.connection.events({ types: ['domain.lifecycle'], bufferSize: 1, overflow: 'drop-oldest' });
      await events.ready;
      await manager.createVm({ name, memory: '128MiB', vcpus: 1, virtType: 'test', disks: [] });
      await manager.startVm(name);
      await manager.forceOffVm(name);
      await expect(manager.lifecycle.start(`${name}-missing`)).rejects.toBeInstanceOf(DomainNotFoundError);
      // Let the lifecycle events arrive: started + stopped into a buffer of one (one dropped at least).
      await expect.poll(() => manager.connection.stats.eventsDropped, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
      events.return?.();

      const snap = metrics.snapshot();
      expect(snap.callsInFlight).toBe(0);
      const define = snap.procedures.DOMAIN_DEFINE_XML_FLAGS!;
      expect(define).toMatchObject({ calls: 1, errors: {} });
      expect(define.latency.count).toBe(1);
      expect(define.latency.counts).toHaveLength(LATENCY_BUCKETS_MS.length + 1);
      expect(define.latency.counts.reduce((a, b) => a + b, 0)).toBe(1);
      expect(define.bytesOut).toBeGreaterThan(28);
      expect(snap.procedures.DOMAIN_LOOKUP_BY_NAME!.errors.VIR_ERR_NO_DOMAIN).toBeGreaterThanOrEqual(1);
      expect(snap.operations).toMatchObject({ create: { count: 1, failures: 0 }, forceOff: { count: 1, failures: 0 } });
      expect(snap.operations.start).toEqual({ count: 2, failures: 1 });
      expect(snap.vms[name]).toEqual({ count: 3, failures: 0 });
      expect(snap.vms[`${name}-missing`]).toEqual({ count: 1, failures: 1 });
      expect(snap.connections.test).toMatchObject({ state: 'open', callsInFlight: 0, reconnects: 0 });
      expect(snap.connections.test!.eventsReceived).toBeGreaterThanOrEqual(2);

      // Closed: nothing more is counted.
      metrics.close();
      await manager.startVm(name);
      expect(metrics.snapshot().operations.start).toEqual({ count: 2, failures: 1 });
    } finally {
      await manager.close();
    }
  });

  it('caps the VMs counted one by one, and checks its options', () => {
    expect(() => new LibvirtMetrics({ maxVms: -1 })).toThrow(InvalidArgumentError);
    using metrics = new LibvirtMetrics({ maxVms: 0 });
    expect(metrics.snapshot()).toMatchObject({ vms: {}, vmsNotTracked: 0, callsInFlight: 0 });
  });
});
