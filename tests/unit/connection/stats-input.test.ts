/**
 * Bad input to the statistics calls (`conn.domains.stats`, `conn.host.node`)
 * is refused with an InvalidArgumentError naming it, and nothing reaches the
 * connection: a recording stand-in for its call function stays empty.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import { DomainStatsResource, NodeResource, type ResourceCall } from '../../../src/connection/resources/index.js';

const sent: string[] = [];
const call: ResourceCall = (procedure) => {
  sent.push(procedure.name);
  return Promise.reject(new Error('nothing should be sent'));
};
const dom = { name: 'web1', uuid: '00000000-0000-0000-0000-000000000001', id: 1 };
const stats = new DomainStatsResource(call);
const node = new NodeResource(call);

const cases: [string, string, () => Promise<unknown>][] = [
  ['disk', 'empty disk', () => stats.getBlockStats(dom, '')],
  ['disk', 'NUL in disk', () => stats.getBlockStats(dom, 'vd\0a')],
  ['device', 'no device', () => stats.getInterfaceStats(dom, undefined as never)],
  ['seconds', 'NaN period', () => stats.setMemoryStatsPeriod(dom, Number.NaN)],
  ['seconds', 'period past int32', () => stats.setMemoryStatsPeriod(dom, 2 ** 31)],
  ['config', 'config not boolean', () => stats.setMemoryStatsPeriod(dom, 1, { config: 'yes' as never })],
  ['confg', 'misspelled config', () => stats.setMemoryStatsPeriod(dom, 1, { confg: true } as never)],
  ['startCpu', 'fractional startCpu', () => stats.getPerCpuStats(dom, { startCpu: 0.5 })],
  ['count', 'negative count', () => stats.getPerCpuStats(dom, { count: -1 })],
  ['signal', 'signal not a signal', () => stats.getCpuTotals(dom, { signal: {} as never })],
  ['vcpus', 'vCPU past the limit', () => stats.setGuestVcpus(dom, [16_384], { online: true })],
  ['vcpus', 'backwards range', () => stats.setGuestVcpus(dom, '3-1', { online: true })],
  ['online', 'no online', () => stats.setGuestVcpus(dom, [1], undefined as never)],
  ['domain', 'domain with a slash', () => stats.getControlInfo('a/b')],
  ['cell', 'cell not a number', () => node.getMemoryStats({ cell: '0' as never })],
  ['startCell', 'negative startCell', () => node.getCellsFreeMemory({ startCell: -1 })],
  ['pageSizesKiB[1]', 'fractional page size', () => node.getFreePages([4, 2.5])],
  ['cellCount', 'cellCount 0', () => node.getFreePages([4], { startCell: 0, cellCount: 0 })],
  ['pages[0].count', 'count past 2^64', () => node.allocPages([{ sizeKiB: 4, count: 2n ** 64n }])],
  ['pages', 'pages not a list', () => node.allocPages({} as never)],
  ['shm_pages_shared', 'a read-only counter', () => node.setMemoryParameters({ shm_pages_shared: 1 } as never)],
  ['shm_sleep_millisecs', 'a value past uint32', () => node.setMemoryParameters({ shm_sleep_millisecs: 2 ** 32 })],
  ['parameters', 'parameters not an object', () => node.setMemoryParameters(null as never)],
  ['flags', 'a raw flags option', () => node.getSevInfo({ flags: 4 } as never)],
];

describe('statistics input checks', () => {
  it.each(cases)('%s: %s', async (path, _what, attempt) => {
    const error = await attempt().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ path });
    expect(sent).toEqual([]);
  });
});
