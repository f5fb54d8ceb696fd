/**
 * Per-domain statistics (`conn.domains.stats`) on the test driver, which
 * answers most of them with canned counters: block (through the old
 * five-counter call: libvirt 9.0's test driver lacks the typed one),
 * interface, memory, CPU totals and per CPU, disk errors, control channel and
 * the agent's filesystems. Its refusals (guest vCPUs, summary block stats,
 * a stopped domain) arrive as typed errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection, UnsupportedError } from '../../../src/connection/internal.js';
import { TEST_URI, uniqueName } from '../../helpers/libvirt.js';

const name = uniqueName('dstats');
const mac = '52:54:00:4c:56:01';
const xml = `<domain type='test'><name>${name}</name><memory unit='MiB'>128</memory><vcpu>2</vcpu><os><type>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='/guest/lvm-dstats.img'/><target dev='vdb' bus='virtio'/></disk>
    <interface type='network'><mac address='${mac}'/><source network='default'/><target dev='lvm-dstats0'/></interface>
    <memballoon model='virtio'/>
  </devices></domain>`;

let conn: LibvirtConnection;
beforeAll(async () => {
  conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
  await conn.domains.control.define(xml);
});
afterAll(async () => {
  await conn.domains.control.forceOff(name).catch(() => undefined);
  await conn.domains.control.undefine(name).catch(() => undefined);
  await conn.close();
});

describe('a shut-off domain', () => {
  it('has no counters: libvirt says OPERATION_INVALID', async () => {
    await expect(conn.domains.stats.getBlockStats(name, 'vdb')).rejects.toMatchObject({ codeName: 'VIR_ERR_OPERATION_INVALID' });
    await expect(conn.domains.stats.getCpuTotals(name)).rejects.toMatchObject({ codeName: 'VIR_ERR_OPERATION_INVALID' });
  });
});

describe('a running domain', () => {
  beforeAll(async () => {
    await conn.domains.control.start(name);
  });

  it('block stats: the typed call is unsupported here, so the old five counters come, under both names', async () => {
    const stats = await conn.domains.stats.getBlockStats(name, 'vdb');
    for (const key of ['readRequests', 'readBytes', 'writeRequests', 'writeBytes', 'errors'] as const) {
      expect(typeof stats[key], key).toBe('bigint');
      expect(stats[key]! >= 0n).toBe(true);
    }
    // The test driver's counters grow with the clock: past 2^53, so they must stay bigint.
    expect(stats.readRequests! > BigInt(Number.MAX_SAFE_INTEGER) / 100n).toBe(true);
    expect(Object.keys(stats.params).sort()).toEqual(['errs', 'rd_bytes', 'rd_req', 'wr_bytes', 'wr_req']);
    expect(stats.flushRequests).toBeUndefined();
  });

  it('block stats for a disk the domain lacks, or summed over all disks: libvirt refuses with typed errors', async () => {
    await expect(conn.domains.stats.getBlockStats(name, 'vdz')).rejects.toMatchObject({ codeName: 'VIR_ERR_INVALID_ARG' });
    // The test driver has the call but not the sum: OPERATION_UNSUPPORTED, which the SDK reports as UnsupportedError.
    const summary = await conn.domains.stats.getBlockStats(name).catch((e: unknown) => e);
    expect(summary).toBeInstanceOf(UnsupportedError);
    expect(summary).toMatchObject({ remote: { codeName: 'VIR_ERR_OPERATION_UNSUPPORTED' } });
  });

  it('interface stats by target device and by MAC', async () => {
    for (const device of ['lvm-dstats0', mac]) {
      const s = await conn.domains.stats.getInterfaceStats(name, device);
      expect(Object.keys(s).sort()).toEqual(['rxBytes', 'rxDrops', 'rxErrors', 'rxPackets', 'txBytes', 'txDrops', 'txErrors', 'txPackets']);
      expect(s.rxBytes! > 0n && s.txPackets! > 0n).toBe(true);
    }
    await expect(conn.domains.stats.getInterfaceStats(name, 'vnet99')).rejects.toMatchObject({ codeName: 'VIR_ERR_INVALID_ARG' });
  });

  it('memory stats: all 13 tags of libvirt 9.0, KiB turned into bytes, last_update a Date', async () => {
    const m = await conn.domains.stats.getMemoryStats(name);
    expect(Object.keys(m.tags)).toHaveLength(13);
    expect(m.actualBalloonBytes).toBe(m.tags['actual']! * 1024n);
    expect(m.actualBalloonBytes).toBe(128n * 1024n ** 2n); // the test driver reports the domain's current memory
    expect(m.usableBytes).toBe(m.tags['usable']! * 1024n);
    expect(m.majorFaults).toBe(m.tags['major_fault']); // a count, not KiB
    expect(m.lastUpdate).toEqual(new Date(Number(m.tags['last_update']) * 1000));
  });

  it('sets the memory stats period live, or in the config (read back from the XML)', async () => {
    await conn.domains.stats.setMemoryStatsPeriod(name, 5, { live: true });
    expect(await conn.domains.getXml(name)).toContain("<stats period='5'/>");
    await conn.domains.stats.setMemoryStatsPeriod(name, 7, { config: true });
    expect(await conn.domains.getXml(name, { inactive: true })).toContain("<stats period='7'/>");
    // Both at once: QEMU takes it, the test driver calls the flags mutually exclusive.
    await expect(conn.domains.stats.setMemoryStatsPeriod(name, 0, { live: true, config: true })).rejects.toMatchObject({
      codeName: 'VIR_ERR_INVALID_ARG',
    });
  });

  it('CPU time in total and per host CPU (the count asked first, as virsh does)', async () => {
    const totals = await conn.domains.stats.getCpuTotals(name);
    expect(Object.keys(totals.params).sort()).toEqual(['cpu_time', 'system_time', 'user_time']);
    expect(totals.cpuTimeNs! > totals.userTimeNs! + totals.systemTimeNs!).toBe(true);
    const perCpu = await conn.domains.stats.getPerCpuStats(name);
    expect(perCpu.map((c) => c.cpu)).toEqual([0, 1]);
    for (const c of perCpu) expect(c.cpuTimeNs! > c.vcpuTimeNs!).toBe(true);
    // The per-CPU times add up to the total (the test driver splits it evenly, rounding up once).
    expect(perCpu[0]!.cpuTimeNs! + perCpu[1]!.cpuTimeNs! - totals.cpuTimeNs!).toBeLessThanOrEqual(1n);
    expect(await conn.domains.stats.getPerCpuStats(name, { startCpu: 1, count: 5 })).toEqual([perCpu[1]]);
    expect(await conn.domains.stats.getPerCpuStats(name, { startCpu: 7 })).toEqual([]);
  });

  it('disk errors, control channel and the agent filesystems (canned)', async () => {
    expect(await conn.domains.stats.getDiskErrors(name)).toEqual([{ disk: 'vdb', error: 'unspecified' }]);
    expect(await conn.domains.stats.getControlInfo(name)).toEqual({ state: 'ok', stateTimeMs: 0 });
    const fs = await conn.domains.stats.getFilesystems(name);
    expect(fs.map((f) => f.mountpoint)).toEqual(['/', '/boot']);
    expect(fs[0]).toMatchObject({ type: 'ext4', disks: ['vdb'] });
  });

  it('guest vCPUs: the test driver lacks both calls (UnsupportedError)', async () => {
    await expect(conn.domains.stats.getGuestVcpus(name)).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.domains.stats.setGuestVcpus(name, [1], { online: false })).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('refuses bad input before anything is sent', async () => {
    const s = conn.domains.stats;
    const bad: [string, () => Promise<unknown>][] = [
      ['empty disk', () => s.getBlockStats(name, '')],
      ['empty device', () => s.getInterfaceStats(name, '')],
      ['negative period', () => s.setMemoryStatsPeriod(name, -1)],
      ['fractional period', () => s.setMemoryStatsPeriod(name, 1.5)],
      ['live not boolean', () => s.setMemoryStatsPeriod(name, 1, { live: 1 as never })],
      ['misspelled option', () => s.setMemoryStatsPeriod(name, 1, { confg: true } as never)],
      ['negative startCpu', () => s.getPerCpuStats(name, { startCpu: -1 })],
      ['zero count', () => s.getPerCpuStats(name, { count: 0 })],
      ['unknown option', () => s.getMemoryStats(name, { flags: 1 } as never)],
      ['bad timeout', () => s.getControlInfo(name, { timeout: -5 })],
      ['empty vCPU list', () => s.setGuestVcpus(name, [], { online: true })],
      ['bad vCPU list', () => s.setGuestVcpus(name, '1-', { online: true })],
      ['negative vCPU', () => s.setGuestVcpus(name, [-1], { online: true })],
      ['online missing', () => s.setGuestVcpus(name, [1], {} as never)],
      ['bad domain', () => s.getMemoryStats('')],
    ];
    for (const [what, attempt] of bad) await expect(attempt(), what).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
