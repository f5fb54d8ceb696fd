/**
 * Per-domain statistics of a running TCG guest on qemu:///system (one boot):
 * the typed block statistics the test driver lacks, interface counters of a
 * NIC on an isolated network, the balloon's memory statistics once a period
 * is set (checked against the guest's own MemTotal), CPU time (per host CPU:
 * refused under cgroup v2), the control channel, and through the guest agent
 * its vCPUs, taken offline and back (confirmed by the guest's console).
 */
import { truncateSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentManager } from '../../../src/agent/index.js';
import { type DomainRef, LibvirtConnection, UnsupportedError } from '../../../src/connection/internal.js';
import {
  type GuestManifest,
  ensureTestGuest,
  guestDomainXml,
  logDir,
  serialOffset,
  waitForSerial,
  waitForSerialLine,
} from '../../helpers/guest.js';
import { QEMU_URI, sleep, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';

const BOOT_MS = 120_000;
const logs = logDir('lvm-dstats-');
const name = uniqueName('dstats');
const network = uniqueName('dstatsnet');
const mac = '52:54:00:4c:56:02';
let manifest: GuestManifest;
let conn: LibvirtConnection;
let vm: DomainRef;
let log: string;

beforeAll(async () => {
  manifest = ensureTestGuest();
  // Isolated: no <forward> and no <ip>, so a bare bridge without dnsmasq, gone when destroyed.
  const netXml = logs.path(`${network}.xml`);
  writeFileSync(netXml, `<network><name>${network}</name></network>`);
  virsh(QEMU_URI, 'net-create', netXml);
  const disk = logs.path(`${name}.raw`);
  writeFileSync(disk, '');
  truncateSync(disk, 8 * 1024 * 1024);
  log = logs.path(name);
  const xml = guestDomainXml(manifest, {
    name,
    logPath: log,
    variant: 'noacpi',
    vcpus: 2,
    balloon: true,
    agent: true,
    disks: [{ path: disk, format: 'raw', target: 'vdb' }],
  }).replace(
    '</devices>',
    `<interface type='network'><mac address='${mac}'/><source network='${network}'/><model type='virtio'/></interface></devices>`,
  );
  conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
  vm = await conn.domains.control.createTransient(xml);
  await waitForSerial(log, manifest.readyMarker, BOOT_MS, { failOn: [manifest.agentFailedMarker] });
}, BOOT_MS + 10_000);

afterAll(async () => {
  virshQuiet(QEMU_URI, 'destroy', name);
  virshQuiet(QEMU_URI, 'net-destroy', network);
  await conn?.close();
  logs.remove();
});

describe('a running TCG guest', () => {
  it('block stats: the typed call, with flush and time counters; the guest kernel read vdb at boot', async () => {
    const vdb = await conn.domains.stats.getBlockStats(vm, 'vdb');
    expect(Object.keys(vdb.params)).toEqual(
      expect.arrayContaining(['rd_operations', 'rd_bytes', 'rd_total_times', 'wr_operations', 'wr_bytes', 'flush_operations']),
    );
    expect(vdb.readRequests! > 0n && vdb.readBytes! >= 512n * vdb.readRequests!).toBe(true);
    expect(typeof vdb.flushTimeNs).toBe('bigint');
    const all = await conn.domains.stats.getBlockStats(vm); // QEMU sums every disk; vdb is the only one
    expect(all.readBytes! >= vdb.readBytes!).toBe(true);
    await expect(conn.domains.stats.getBlockStats(vm, 'vdz')).rejects.toMatchObject({ codeName: 'VIR_ERR_INVALID_ARG' });
  });

  it('interface stats of the NIC by its host device and by MAC', async () => {
    const dev = /<target dev='([^']+)'\/>\s*<model type='virtio'\/>/.exec(await conn.domains.getXml(vm))?.[1];
    expect(dev).toMatch(/^vnet\d+$/);
    const byDev = await conn.domains.stats.getInterfaceStats(vm, dev!);
    expect(Object.keys(byDev)).toHaveLength(8);
    for (const v of Object.values(byDev)) expect(typeof v).toBe('bigint');
    const byMac = await conn.domains.stats.getInterfaceStats(vm, mac);
    expect(byMac.rxBytes! >= byDev.rxBytes!).toBe(true);
  });

  it('memory stats: the balloon size at once; the guest view once a period is set, matching its MemTotal', async () => {
    const first = await conn.domains.stats.getMemoryStats(vm);
    expect(first.actualBalloonBytes).toBe(BigInt(manifest.memoryMiB) * 1024n * 1024n);
    expect(first.rssBytes! > 0n).toBe(true);
    await conn.domains.stats.setMemoryStatsPeriod(vm, 1, { live: true });
    // The guest's balloon driver sends its first report within a period: poll, bounded.
    const deadline = Date.now() + 30_000;
    let stats = await conn.domains.stats.getMemoryStats(vm);
    while (stats.availableBytes === undefined && Date.now() < deadline) {
      await sleep(250);
      stats = await conn.domains.stats.getMemoryStats(vm);
    }
    const memTotalKiB = /(\d+)/.exec(await waitForSerialLine(log, manifest.memMarkerPrefix, 1000))![1]!;
    expect(stats.availableBytes).toBe(BigInt(memTotalKiB) * 1024n);
    expect(stats.usableBytes! <= stats.availableBytes!).toBe(true);
    expect(Math.abs(stats.lastUpdate!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('CPU time in total; per host CPU is refused under cgroup v2', async () => {
    const totals = await conn.domains.stats.getCpuTotals(vm);
    expect(totals.cpuTimeNs! > 0n).toBe(true);
    expect(Object.keys(totals.params)).toEqual(expect.arrayContaining(['cpu_time', 'user_time', 'system_time']));
    // libvirt 9.0 accounts the domain through the cgroup v2 backend here (and on Debian 12), which has no per-CPU
    // usage: OPERATION_UNSUPPORTED from VIR_FROM_CGROUP, reported as UnsupportedError. The test driver answers it.
    const error = await conn.domains.stats.getPerCpuStats(vm).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error).toMatchObject({ remote: { codeName: 'VIR_ERR_OPERATION_UNSUPPORTED', domainName: 'VIR_FROM_CGROUP' } });
  });

  it('no disk errors, and the control channel is free', async () => {
    expect(await conn.domains.stats.getDiskErrors(vm)).toEqual([]);
    expect(await conn.domains.stats.getControlInfo(vm)).toEqual({ state: 'ok', stateTimeMs: 0 });
  });

  it('through the guest agent: vCPU 1 offline and back, as the guest reports on its console', async () => {
    // qemu-ga answers about 1 s after its marker: wait on the agent lifecycle event, as users would.
    await new AgentManager(conn, { pollInterval: 200 }).command(vm, 'guest-ping', undefined, { waitForAgent: true, timeout: 60_000 });
    expect(await conn.domains.stats.getGuestVcpus(vm)).toEqual({ vcpus: [0, 1], online: [0, 1], offlinable: [1] });
    let from = serialOffset(log);
    await conn.domains.stats.setGuestVcpus(vm, [1], { online: false });
    await waitForSerialLine(log, `${manifest.cpuMarkerPrefix}0`, 30_000, (l) => l === `${manifest.cpuMarkerPrefix}0`, { from });
    expect((await conn.domains.stats.getGuestVcpus(vm)).online).toEqual([0]);
    from = serialOffset(log);
    await conn.domains.stats.setGuestVcpus(vm, '1', { online: true });
    await waitForSerialLine(log, `${manifest.cpuMarkerPrefix}0-1`, 30_000, () => true, { from });
    expect((await conn.domains.stats.getGuestVcpus(vm)).online).toEqual([0, 1]);
  });

  it("the guest's filesystems through the agent: none, the guest runs from its initramfs", async () => {
    // qemu-ga answers guest-get-fsinfo, but rootfs is no block device, so libvirt lists nothing.
    expect(await conn.domains.stats.getFilesystems(vm)).toEqual([]);
  });
});
