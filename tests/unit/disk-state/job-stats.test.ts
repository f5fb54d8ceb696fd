import { describe, expect, it } from 'vitest';
import { toLibvirtEvent } from '../../../src/connection/events/decode-event.js';
import { decodeJobStats } from '../../../src/connection/internal.js';
import type { TypedParam } from '../../../src/rpc/index.js';

const dom = { name: 'web1', uuid: '6f0b8ab6-2f1e-4a5e-9b55-bb4a3c3a9f11', id: 3 };

describe('decodeJobStats', () => {
  it("decodes a running backup's GET_JOB_STATS (as libvirt 9.0 sends it)", () => {
    const params: TypedParam[] = [
      { field: 'operation', type: 'int', value: 9 },
      { field: 'time_elapsed', type: 'ullong', value: 659n },
      { field: 'disk_total', type: 'ullong', value: 1073741824n },
      { field: 'disk_processed', type: 'ullong', value: 472907776n },
      { field: 'disk_remaining', type: 'ullong', value: 600834048n },
    ];
    expect(decodeJobStats(2, params)).toEqual({
      type: 'unbounded',
      typeCode: 2,
      operation: 'backup',
      timeElapsed: 659,
      diskTotal: 1073741824,
      diskProcessed: 472907776,
      diskRemaining: 600834048,
      params: { operation: 9, time_elapsed: 659, disk_total: 1073741824, disk_processed: 472907776, disk_remaining: 600834048 },
    });
  });

  it('keeps unknown parameters, migration fields and values past 2^53', () => {
    const stats = decodeJobStats(1, [
      { field: 'operation', type: 'int', value: 5 },
      { field: 'memory_bps', type: 'ullong', value: 827700676n },
      { field: 'memory_iteration', type: 'ullong', value: 3n },
      { field: 'vfio_data_transferred', type: 'ullong', value: 4096n },
      { field: 'data_total', type: 'ullong', value: 1n << 60n },
    ]);
    expect(stats).toMatchObject({ type: 'bounded', operation: 'migration-out', memoryBps: 827700676, memoryIteration: 3 });
    expect(stats.params['vfio_data_transferred']).toBe(4096);
    expect(stats.params['data_total']).toBe(1n << 60n);
    expect(decodeJobStats(0, [])).toEqual({ type: 'none', typeCode: 0, params: {} });
    expect(decodeJobStats(5, [{ field: 'operation', type: 'int', value: 42 }]).operation).toBe('unknown(42)');
  });
});

describe('domain.job-completed', () => {
  it('is typed from JOB_COMPLETED (363): success, errmsg, final stats', () => {
    // What libvirt 9.0 sent for a backup aborted with virsh domjobabort.
    const params: TypedParam[] = [
      { field: 'operation', type: 'int', value: 9 },
      { field: 'time_elapsed', type: 'ullong', value: 1401n },
      { field: 'disk_total', type: 'ullong', value: 1073741824n },
      { field: 'disk_processed', type: 'ullong', value: 542113792n },
      { field: 'disk_remaining', type: 'ullong', value: 531628032n },
      { field: 'success', type: 'boolean', value: false },
      { field: 'errmsg', type: 'string', value: 'Operation canceled' },
    ];
    const event = toLibvirtEvent({ family: 'domain', eventId: 21, name: 'job_completed', value: { callbackID: 1, dom, params } } as never);
    expect(event).toMatchObject({
      type: 'domain.job-completed',
      domain: dom,
      stats: { type: 'failed', operation: 'backup', success: false, errmsg: 'Operation canceled', diskProcessed: 542113792 },
    });
    const ok = toLibvirtEvent({
      family: 'domain',
      eventId: 21,
      name: 'job_completed',
      value: { callbackID: 1, dom, params: [{ field: 'success', type: 'boolean', value: true }] },
    } as never);
    expect(ok).toMatchObject({ type: 'domain.job-completed', stats: { type: 'completed', success: true } });
  });
});
