/**
 * The diagnostics_channel contract (docs/observability.md) against the test
 * driver: every RPC call and every SDK operation is published with matching
 * durations and error codes while someone subscribes, and nothing once nobody does.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { DomainNotFoundError, LibvirtManager } from '../../../src/index.js';
import { OPERATION_CHANNEL, type OperationMessage, RPC_CALL_CHANNEL, type RpcCallMessage } from '../../../src/observability/index.js';
import { TEST_URI, uniqueName } from '../../helpers/libvirt.js';
import { destroyAfterAll } from '../../helpers/test-driver-vms.js';

interface Seen<M> {
  started: M[];
  ended: M[];
  failed: M[];
  stop: () => void;
}

function record<M extends object>(name: string): Seen<M> {
  const channel = tracingChannel<unknown, M>(name);
  const seen: Seen<M> = { started: [], ended: [], failed: [], stop: () => undefined };
  const handlers = {
    start: (m: M) => seen.started.push(m),
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: (m: M) => seen.ended.push(m),
    error: (m: M) => seen.failed.push(m),
  };
  channel.subscribe(handlers);
  seen.stop = () => channel.unsubscribe(handlers);
  return seen;
}

const names: string[] = [];
destroyAfterAll(names);

describe('tracing channels', () => {
  it('publish every RPC call and every operation, with durations and error codes', async () => {
    const manager = await LibvirtManager.connect(TEST_URI);
    const rpc = record<RpcCallMessage>(RPC_CALL_CHANNEL);
    const ops = record<OperationMessage>(OPERATION_CHANNEL);
    try {
      const name = uniqueName('trace');
      names.push(name);
      const t0 = performance.now();
      await manager.createVm({ name, memory: '128MiB', vcpus: 1, virtType: 'test', disks: [] });
      await manager.startVm(name);
      await manager.forceOffVm(name);
      const elapsed = performance.now() - t0;
      await expect(manager.connection.domains.lookup(`${name}-missing`)).rejects.toBeInstanceOf(DomainNotFoundError);
      await expect(manager.lifecycle.start(`${name}-missing`)).rejects.toBeInstanceOf(DomainNotFoundError);

      // Every call that started also ended, as the same object, with what was sent and received.
      expect(rpc.started.length).toBeGreaterThan(5);
      expect(new Set(rpc.ended)).toEqual(new Set(rpc.started));
      for (const m of rpc.ended) {
        expect(m.name).toMatch(/^[A-Z_0-9]+$/);
        expect(m.serial).toBeGreaterThan(0);
        expect(m.bytesOut).toBeGreaterThanOrEqual(28);
        expect(m.durationMs).toBeGreaterThanOrEqual(0);
        if (m.errorCode === undefined) expect(m.bytesIn).toBeGreaterThanOrEqual(0);
      }
      const lookups = rpc.failed.filter((m) => m.name === 'DOMAIN_LOOKUP_BY_NAME');
      expect(lookups.length).toBeGreaterThanOrEqual(1);
      expect(lookups[0]).toMatchObject({ errorCode: 'VIR_ERR_NO_DOMAIN', error: expect.any(DomainNotFoundError) });
      expect(rpc.started.map((m) => m.name)).toEqual(
        expect.arrayContaining(['DOMAIN_DEFINE_XML_FLAGS', 'DOMAIN_CREATE_WITH_FLAGS', 'DOMAIN_DESTROY_FLAGS']),
      );

      // Operations: create, start, forceOff with their domain and results; the failed start with its code.
      const byOp = (op: string) => ops.ended.filter((m) => m.operation === op && m.vm.startsWith(name));
      expect(byOp('create')[0]).toMatchObject({ vm: name, domain: { name }, result: { domain: { name } } });
      expect(byOp('start').find((m) => m.vm === name)).toMatchObject({ domain: { name }, result: { domain: { name } } });
      expect(byOp('forceOff')[0]).toMatchObject({ domain: { name } });
      for (const m of ops.ended.filter((o) => o.vm === name)) expect(m.durationMs).toBeLessThanOrEqual(elapsed + 1);
      expect(ops.failed.find((m) => m.vm === `${name}-missing`)).toMatchObject({
        operation: 'start',
        errorCode: 'VIR_ERR_NO_DOMAIN',
        domain: undefined,
      });
      // An operation lasts at least as long as each RPC call it made.
      const create = byOp('create')[0]!;
      const define = rpc.ended.find((m) => m.name === 'DOMAIN_DEFINE_XML_FLAGS')!;
      expect(create.durationMs!).toBeGreaterThanOrEqual(define.durationMs!);

      // Nobody subscribed: nothing is published.
      rpc.stop();
      ops.stop();
      const before = [rpc.started.length, ops.started.length];
      await manager.startVm(name);
      await manager.forceOffVm(name);
      expect([rpc.started.length, ops.started.length]).toEqual(before);
    } finally {
      rpc.stop();
      ops.stop();
      await manager.close();
    }
  });
});
