/**
 * `conn.domains.tuning` on the test driver: every typed-parameter group read
 * and changed (typed by the daemon's own reading), pinning, IOThreads and
 * lifecycle actions, read back; and what the test driver refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection, LibvirtError, UnsupportedError } from '../../../src/connection/internal.js';
import { TEST_URI, uniqueName } from '../../helpers/libvirt.js';

const KiB = 1;

describe('conn.domains.tuning on the test driver', () => {
  let conn: LibvirtConnection;
  const name = uniqueName('tuning');
  const tuning = (): LibvirtConnection['domains']['tuning'] => conn.domains.tuning;

  beforeAll(async () => {
    conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
    await conn.domains.control.define(
      `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>2</vcpu><os><type>hvm</type></os>
       <devices><disk type='file' device='disk'><source file='/tmp/${name}.img'/><target dev='vda' bus='virtio'/></disk>
       <interface type='network'><mac address='52:54:00:7e:57:01'/><source network='default'/><target dev='${name.slice(-8)}'/></interface>
       </devices></domain>`,
    );
    await conn.domains.control.start(name);
  });
  afterAll(async () => {
    await conn.domains.control.forceOff(name).catch(() => undefined);
    await conn.domains.control.undefine(name).catch(() => undefined);
    await conn.close();
  });

  it("scheduler: the test driver's one field is a uint `weight`; a change is sent in that type, others are refused", async () => {
    expect(await tuning().scheduler.get(name)).toEqual({ weight: 50 });
    await tuning().scheduler.set(name, { weight: 100 }); // accepted (the test driver does not keep it)
    const unknown = await tuning()
      .scheduler.set(name, { cpu_shares: 512 })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(InvalidArgumentError);
    expect((unknown as InvalidArgumentError).message).toMatch(/no scheduler parameter 'cpu_shares'.*offers: weight/);
    expect((unknown as InvalidArgumentError).path).toBe('values.cpu_shares');
    for (const weight of [-1, 1.5, 2 ** 32, 'heavy', true])
      await expect(tuning().scheduler.set(name, { weight }), String(weight)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('memory: ullong limits read back as bigint, set from a number or a bigint', async () => {
    await tuning().memory.set(name, { hard_limit: 1_048_576 * KiB }, { live: true });
    await tuning().memory.set(name, { soft_limit: 524_288n }, { live: true });
    expect(await tuning().memory.get(name)).toMatchObject({ hard_limit: 1_048_576n, soft_limit: 524_288n });
    // Past 2^53 a number is not exact: refused, a bigint is taken.
    await expect(tuning().memory.set(name, { swap_hard_limit: 2 ** 60 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(tuning().memory.set(name, { swap_hard_limit: -1n })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('blkio: a uint weight in the config; live and config together are refused by the test driver (QEMU takes both)', async () => {
    await tuning().blkio.set(name, { weight: 500 }, { config: true });
    expect(await tuning().blkio.get(name, { config: true })).toMatchObject({ weight: 500, device_weight: '' });
    await expect(tuning().blkio.set(name, { weight: 400 }, { live: true, config: true })).rejects.toBeInstanceOf(LibvirtError);
  });

  it('NUMA: a string nodeset in the config, read back there and in the XML', async () => {
    expect(await tuning().numa.get(name)).toEqual({ numa_mode: 0, numa_nodeset: '' });
    await tuning().numa.set(name, { numa_nodeset: '0' }, { config: true });
    expect((await tuning().numa.get(name, { config: true }))['numa_nodeset']).toBe('0');
    expect(await conn.domains.getXml(name, { inactive: true })).toMatch(/<memory mode='strict' nodeset='0'\/>/);
  });

  it('perf events: booleans; a number is refused', async () => {
    await tuning().perf.set(name, { cmt: true });
    expect(await tuning().perf.get(name)).toMatchObject({ cmt: true, cpu_cycles: false });
    await expect(tuning().perf.set(name, { cmt: 1 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('block I/O: one disk by target; an unknown disk is libvirt’s error', async () => {
    const before = await tuning().blockIo.get(name, 'vda');
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['total_iops_sec', 'group_name', 'read_bytes_sec_max_length']));
    await tuning().blockIo.set(name, 'vda', { total_iops_sec: 1000, total_iops_sec_max: 2000 }, { live: true });
    expect(await tuning().blockIo.get(name, 'vda')).toMatchObject({ total_iops_sec: 1000n, total_iops_sec_max: 2000n });
    await expect(tuning().blockIo.get(name, 'vdz')).rejects.toBeInstanceOf(LibvirtError);
    await expect(tuning().blockIo.get(name, '')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('interface bandwidth: by target name or MAC', async () => {
    await tuning().interfaces.set(name, '52:54:00:7e:57:01', { 'inbound.average': 1024, 'inbound.peak': 2048 }, { live: true });
    expect(await tuning().interfaces.get(name, name.slice(-8))).toMatchObject({ 'inbound.average': 1024, 'inbound.peak': 2048 });
  });

  it('vCPU pinning: host CPU lists in and out, a CPU the host lacks refused', async () => {
    const pins = await tuning().getVcpuPins(name);
    expect(pins).toHaveLength(2);
    expect(pins[0]).toEqual([...Array(16).keys()]); // the test driver's host: 16 CPUs, all allowed
    await tuning().pinVcpu(name, 1, [1, 3]);
    expect((await tuning().getVcpuPins(name))[1]).toEqual([1, 3]);
    const far = await tuning()
      .pinVcpu(name, 1, [16])
      .catch((e: unknown) => e);
    expect(far).toBeInstanceOf(InvalidArgumentError);
    expect((far as Error).message).toMatch(/CPUs 0 to 15, not 16/);
  });

  it('emulator pinning', async () => {
    await tuning().pinEmulator(name, [2, 5], { live: true });
    expect(await tuning().getEmulatorPin(name)).toEqual([2, 5]);
  });

  it('IOThreads: add, pin, set polling, list, delete', async () => {
    await tuning().addIOThread(name, 3, { live: true });
    await tuning().pinIOThread(name, 3, [0], { live: true });
    await tuning().setIOThreadParams(name, 3, { poll_max_ns: 32_768, poll_grow: 2 }, { live: true });
    expect(await tuning().getIOThreads(name)).toEqual([{ id: 3, cpus: [0] }]);
    await expect(tuning().setIOThreadParams(name, 3, { poll_max: 1 })).rejects.toThrow(/offers: poll_max_ns, poll_grow/);
    await tuning().deleteIOThread(name, 3, { live: true });
    expect(await tuning().getIOThreads(name)).toEqual([]);
    await expect(tuning().deleteIOThread(name, 3, { live: true })).rejects.toBeInstanceOf(LibvirtError);
  });

  it('lifecycle actions end up in the config', async () => {
    await tuning().setLifecycleAction(name, 'reboot', 'destroy', { config: true });
    expect(await conn.domains.getXml(name, { inactive: true })).toMatch(/<on_reboot>destroy<\/on_reboot>/);
  });

  it('setVcpu: the test driver does not implement it', async () => {
    await expect(tuning().setVcpu(name, 1, { enabled: false, live: true })).rejects.toBeInstanceOf(UnsupportedError);
  });
});
