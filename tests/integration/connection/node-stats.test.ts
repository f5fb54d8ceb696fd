/**
 * The host machine (`conn.host.node`): on the test driver (canned host: 2
 * NUMA cells, 8 CPUs of which 0, 2 and 4 are online), and read-only on
 * qemu:///system for what the test driver lacks (memory statistics, KSM
 * parameters, free pages). The calls that change the host (KSM tunables, huge
 * pages) are tried on the test driver only, which refuses them.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, UnsupportedError } from '../../../src/connection/internal.js';
import { QEMU_URI, TEST_URI } from '../../helpers/libvirt.js';
import { sharedConnection } from '../../helpers/connection-fixtures.js';

describe('on the test driver', () => {
  const conn = sharedConnection(TEST_URI);

  it('CPU times of the host and of one CPU (the count asked first)', async () => {
    const all = await conn.host.node.getCpuStats();
    expect(Object.keys(all.params).sort()).toEqual(['idle', 'iowait', 'kernel', 'user']);
    expect(all.kernelNs).toBe(all.params['kernel']);
    expect(typeof all.idleNs).toBe('bigint');
    expect(await conn.host.node.getCpuStats({ cpu: 2 })).toEqual(all); // canned: the same for every CPU
  });

  it('free memory of each NUMA cell, in bytes', async () => {
    expect(await conn.host.node.getCellsFreeMemory()).toEqual([
      { cell: 0, freeBytes: 2n * 1024n ** 2n },
      { cell: 1, freeBytes: 4n * 1024n ** 2n },
    ]);
    expect(await conn.host.node.getCellsFreeMemory({ startCell: 1, maxCells: 1 })).toEqual([{ cell: 1, freeBytes: 4n * 1024n ** 2n }]);
    await expect(conn.host.node.getCellsFreeMemory({ startCell: 5 })).rejects.toMatchObject({ codeName: 'VIR_ERR_INVALID_ARG' });
  });

  it('the CPU map: 8 present, 0, 2 and 4 online', async () => {
    expect(await conn.host.node.getCpuMap()).toEqual({ present: 8, online: 3, onlineCpus: [0, 2, 4] });
  });

  it("the security model: the test driver's own", async () => {
    expect(await conn.host.node.getSecurityModel()).toEqual({ model: 'testSecurity', doi: '' });
  });

  it('what the test driver lacks arrives as UnsupportedError, the host-changing calls included', async () => {
    const node = conn.host.node;
    for (const attempt of [
      () => node.getMemoryStats(),
      () => node.getMemoryParameters(),
      () => node.setMemoryParameters({ shm_pages_to_scan: 100 }),
      () => node.allocPages([{ sizeKiB: 2048, count: 1 }]),
      () => node.getSevInfo(),
    ])
      await expect(attempt()).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('free pages: libvirt 9.0 test driver fails without saying why (VIR_ERR_INTERNAL_ERROR)', async () => {
    await expect(conn.host.node.getFreePages([4])).rejects.toMatchObject({ codeName: 'VIR_ERR_INTERNAL_ERROR' });
  });

  it('refuses bad input before anything is sent', async () => {
    const node = conn.host.node;
    const bad: [string, () => Promise<unknown>][] = [
      ['negative cpu', () => node.getCpuStats({ cpu: -1 })],
      ['unknown option', () => node.getCpuStats({ cell: 1 } as never)],
      ['maxCells 0', () => node.getCellsFreeMemory({ maxCells: 0 })],
      ['maxCells past the protocol', () => node.getCellsFreeMemory({ maxCells: 1025 })],
      ['no page sizes', () => node.getFreePages([])],
      ['page size 0', () => node.getFreePages([0])],
      ['cellCount without startCell', () => node.getFreePages([4], { cellCount: 2 })],
      ['reply past 1024 counts', () => node.getFreePages([4, 2048], { startCell: 0, cellCount: 513 })],
      ['no pages', () => node.allocPages([])],
      ['negative count', () => node.allocPages([{ sizeKiB: 2048, count: -1 }])],
      ['misspelled page field', () => node.allocPages([{ sizeKiB: 2048, cont: 1 } as never])],
      ['bad mode', () => node.allocPages([{ sizeKiB: 2048, count: 1 }], { mode: 'replace' as never })],
      ['no parameter', () => node.setMemoryParameters({})],
      ['a counter is read-only', () => node.setMemoryParameters({ shm_pages_shared: 1n } as never)],
      ['merge across nodes is 0 or 1', () => node.setMemoryParameters({ shm_merge_across_nodes: 2 })],
      ['negative scan count', () => node.setMemoryParameters({ shm_pages_to_scan: -1 })],
      ['bad timeout', () => node.getSecurityModel({ timeout: Number.NaN })],
    ];
    for (const [what, attempt] of bad) await expect(attempt(), what).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('on qemu:///system, reading only', () => {
  const conn = sharedConnection(QEMU_URI);

  it('host memory: the whole host has four statistics, one cell two; bytes from KiB', async () => {
    const info = await conn.host.getNodeInfo();
    const all = await conn.host.node.getMemoryStats();
    expect(Object.keys(all.paramsKiB).sort()).toEqual(['buffers', 'cached', 'free', 'total']);
    expect(all.totalBytes).toBe(BigInt(info.memoryBytes));
    expect(all.freeBytes! < all.totalBytes!).toBe(true);
    const cell = await conn.host.node.getMemoryStats({ cell: 0 });
    expect(Object.keys(cell.paramsKiB).sort()).toEqual(['free', 'total']);
  });

  it('CPU times (Linux wants exactly the count it gave: the SDK asks first)', async () => {
    const stats = await conn.host.node.getCpuStats({ cpu: 0 });
    expect(Object.keys(stats.params).sort()).toEqual(['idle', 'iowait', 'kernel', 'user']);
  });

  it('KSM parameters under their libvirt names, with their wire types', async () => {
    const p = await conn.host.node.getMemoryParameters();
    expect(Object.keys(p).sort()).toEqual([
      'shm_full_scans',
      'shm_merge_across_nodes',
      'shm_pages_shared',
      'shm_pages_sharing',
      'shm_pages_to_scan',
      'shm_pages_unshared',
      'shm_pages_volatile',
      'shm_sleep_millisecs',
    ]);
    expect(typeof p.shm_pages_to_scan).toBe('number');
    expect(typeof p.shm_full_scans).toBe('bigint');
  });

  it('free 4 KiB pages: on the whole host and on cell 0, the same on a one-cell host', async () => {
    const { nodes } = await conn.host.getNodeInfo();
    const host = await conn.host.node.getFreePages([4, 2048]);
    expect(host.map(({ cell, pageSizeKiB }) => [cell, pageSizeKiB])).toEqual([
      [null, 4],
      [null, 2048],
    ]);
    expect(host[0]!.free > 0n).toBe(true);
    const cell0 = await conn.host.node.getFreePages([4], { startCell: 0 });
    expect(cell0[0]).toMatchObject({ cell: 0, pageSizeKiB: 4 });
    if (nodes === 1) expect(Number(cell0[0]!.free)).toBeGreaterThan(0);
  });

  it('the CPU map agrees with NODE_GET_INFO', async () => {
    const { cpus } = await conn.host.getNodeInfo();
    const map = await conn.host.node.getCpuMap();
    expect(map.present).toBe(cpus);
    expect(map.onlineCpus).toHaveLength(map.online);
  });

  it('the security model: \'none\' here (qemu.conf security_driver = "none")', async () => {
    expect(await conn.host.node.getSecurityModel()).toEqual({ model: 'none', doi: '0' });
  });

  it('AMD SEV: QEMU says OPERATION_UNSUPPORTED, the SDK an UnsupportedError carrying it', async () => {
    const error = await conn.host.node.getSevInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error).toMatchObject({ remote: { codeName: 'VIR_ERR_OPERATION_UNSUPPORTED' } });
  });
});
