/**
 * `conn.domains.tuning` on one real QEMU guest: the scheduler's 64-bit
 * fields (a `uint` on the test driver) set from a plain number, cgroup
 * memory limits, QEMU's block throttling, pinning with the host's real CPU
 * count, IOThreads, vCPU hotplug and a lifecycle action — each read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, type LibvirtConnection, LibvirtError } from '../../../src/connection/internal.js';
import { type RunningGuest, startTransientGuest } from '../../helpers/guest.js';
import { QEMU_URI } from '../../helpers/libvirt.js';
import { type TempPool, tempPool, tempVolume } from '../../helpers/pool.js';
import { LibvirtConnection as Connection } from '../../../src/connection/internal.js';

describe('conn.domains.tuning on a QEMU guest', () => {
  let setup: LibvirtConnection;
  let pool: TempPool;
  let guest: RunningGuest;
  let hostCpus: number;
  const tuning = (): LibvirtConnection['domains']['tuning'] => guest.conn.domains.tuning;

  beforeAll(async () => {
    setup = await Connection.connect(QEMU_URI, { reconnect: false });
    pool = await tempPool(setup, 'tuning');
    const disk = await tempVolume(setup, pool, { format: 'qcow2' });
    guest = await startTransientGuest('tuning', { vcpus: 1, maxVcpus: 2, disks: [{ path: disk.path, format: 'qcow2', target: 'vdb' }] });
    hostCpus = (await setup.host.getNodeInfo()).cpus;
  }, 120_000);
  afterAll(async () => {
    await guest?.stop();
    await pool?.remove();
    await setup?.close();
  });

  it('scheduler: QEMU offers ullong/llong fields; a plain number is sent as the ullong it needs', async () => {
    const before = await tuning().scheduler.get(guest.vm);
    expect(before).toMatchObject({ cpu_shares: expect.any(BigInt), vcpu_quota: expect.any(BigInt) });
    await tuning().scheduler.set(guest.vm, { cpu_shares: 512 }, { live: true });
    expect((await tuning().scheduler.get(guest.vm, { live: true }))['cpu_shares']).toBe(512n);
    await expect(tuning().scheduler.set(guest.vm, { weight: 50 }, { live: true })).rejects.toThrow(/offers: cpu_shares, vcpu_period/);
  });

  it('memory: a cgroup hard limit in KiB', async () => {
    await tuning().memory.set(guest.vm, { hard_limit: 4_194_304 }, { live: true });
    expect((await tuning().memory.get(guest.vm))['hard_limit']).toBe(4_194_304n);
  });

  it("block I/O: QEMU's throttling on the data disk, with the group QEMU names", async () => {
    await tuning().blockIo.set(guest.vm, 'vdb', { total_iops_sec: 1000 }, { live: true });
    const limits = await tuning().blockIo.get(guest.vm, 'vdb');
    expect(limits).toMatchObject({ total_iops_sec: 1000n, group_name: expect.any(String) });
  });

  it("pinning: vCPU and emulator maps over the host's CPUs", async () => {
    const all = [...Array(hostCpus).keys()];
    expect(await tuning().getVcpuPins(guest.vm)).toEqual([all, all]); // every possible vCPU (max 2)
    await tuning().pinVcpu(guest.vm, 0, [0], { live: true });
    expect((await tuning().getVcpuPins(guest.vm))[0]).toEqual([0]);
    await tuning().pinEmulator(guest.vm, [hostCpus - 1], { live: true });
    expect(await tuning().getEmulatorPin(guest.vm)).toEqual([hostCpus - 1]);
    await expect(tuning().pinVcpu(guest.vm, 0, [hostCpus])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('IOThreads: add, pin, polling parameters, delete', async () => {
    await tuning().addIOThread(guest.vm, 1, { live: true });
    await tuning().pinIOThread(guest.vm, 1, [0], { live: true });
    await tuning().setIOThreadParams(guest.vm, 1, { poll_max_ns: 32_768, poll_grow: 2 }, { live: true });
    expect(await tuning().getIOThreads(guest.vm)).toEqual([{ id: 1, cpus: [0] }]);
    await tuning().deleteIOThread(guest.vm, 1, { live: true });
    expect(await tuning().getIOThreads(guest.vm)).toEqual([]);
  });

  it('setVcpu plugs in vCPU 1', async () => {
    await tuning().setVcpu(guest.vm, 1, { enabled: true, live: true });
    expect(await guest.conn.domains.getVcpus(guest.vm)).toBe(2);
  });

  it('lifecycle: reboot → destroy on the running guest; an action the event does not take is libvirt’s error', async () => {
    await tuning().setLifecycleAction(guest.vm, 'reboot', 'destroy', { live: true });
    expect(await guest.conn.domains.getXml(guest.vm)).toMatch(/<on_reboot>destroy<\/on_reboot>/);
    await expect(tuning().setLifecycleAction(guest.vm, 'poweroff', 'coredump-destroy', { live: true })).rejects.toBeInstanceOf(
      LibvirtError,
    );
  });
});
