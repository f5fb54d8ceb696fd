/**
 * The devices module against libvirt's test driver: the API surface, the
 * checks made before anything is sent, the state table, the registry's view
 * and the per-VM queue. The test driver cannot hot-plug, blockresize or
 * update devices (each is an UnsupportedError, and a failed attach leaves
 * nothing behind); it can change memory and vCPUs. What a guest sees is
 * proven on real QEMU (devices/qemu.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainRef, InvalidArgumentError, InvalidStateError, UnsupportedError } from '../../../src/connection/internal.js';
import { getRollbackReport } from '../../../src/creator/internal.js';
import { LibvirtManager } from '../../../src/index.js';
import type { VmDeviceManager } from '../../../src/devices/index.js';
import { OWNERSHIP_NAMESPACE, parseDomainXml } from '../../../src/xml/index.js';
import { TEST_URI, uniqueName } from '../../helpers/libvirt.js';
import { type TestDriverVms, testDriverVms } from '../../helpers/test-driver-vms.js';
import { holdVmTurn, watchVmChanges } from '../../helpers/vm-turn.js';

let manager: LibvirtManager;
let devices: VmDeviceManager;
let vms: TestDriverVms;

beforeAll(async () => {
  manager = await LibvirtManager.connect(TEST_URI);
  devices = manager.devices;
  vms = testDriverVms(manager);
});

afterAll(async () => {
  await vms?.cleanup();
  await manager.close();
});

/** A test-driver VM with one owned disk (`vda`) and one NIC, shut off unless `start`. */
function vm(prefix: string, options: { start?: boolean; vcpus?: number } = {}): Promise<DomainRef> {
  return vms.create(prefix, { ...options, nic: true });
}

async function model(domain: DomainRef, inactive = false) {
  return parseDomainXml(await manager.connection.domains.getXml(domain, { inactive }));
}

async function poolVolumes(): Promise<string[]> {
  return (await manager.connection.storage.volumes.list('default-pool')).map((v) => v.name).sort();
}

describe('memory and vCPUs (the test driver changes them)', () => {
  it('setMemory on a running VM changes it live and in its definition (virsh setmem --live --config)', async () => {
    const domain = await vm('dev-mem', { start: true });
    const result = await devices.setMemory(domain, '256MiB');
    expect(result).toMatchObject({
      change: 'setMemory',
      live: true,
      config: true,
      memory: 256n * 1024n ** 2n,
      maximum: 512n * 1024n ** 2n,
    });
    expect(result.balloon).toBe(256n * 1024n ** 2n);
    expect((await model(domain)).currentMemory).toBe(256n * 1024n ** 2n);
    expect((await model(domain, true)).currentMemory).toBe(256n * 1024n ** 2n);
  });

  it('setMemory on a shut-off VM changes its definition; live is an InvalidStateError before anything is sent', async () => {
    const domain = await vm('dev-mem-off');
    expect(await devices.setMemory(domain, '128MiB')).toMatchObject({ live: false, config: true, balloon: undefined });
    expect((await model(domain, true)).currentMemory).toBe(128n * 1024n ** 2n);
    const error = await devices.setMemory(domain, '256MiB', { live: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidStateError);
    expect((error as InvalidStateError).message).toMatch(/shut off/);
    expect((await model(domain, true)).currentMemory).toBe(128n * 1024n ** 2n);
  });

  it('memory above the maximum is refused before anything is sent', async () => {
    const domain = await vm('dev-mem-max', { start: true });
    const error = await devices.setMemory(domain, '1GiB').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ path: 'memory' });
    expect((error as Error).message).toMatch(/above .* maximum of 512MiB/);
    expect((await model(domain)).currentMemory).toBe(512n * 1024n ** 2n);
  });

  it('setVcpus within the maximum; above it is refused, naming the maximum', async () => {
    const name = vms.name('dev-cpu');
    const domain = await manager.connection.domains.control.define(
      `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu current='1'>4</vcpu><os><type>hvm</type></os></domain>`,
    );
    await manager.startVm(domain);
    expect(await devices.setVcpus(domain, 3)).toMatchObject({
      change: 'setVcpus',
      vcpus: 3,
      maximum: 4,
      live: true,
      config: true,
      confirmedBy: 'xml',
    });
    expect(await manager.connection.domains.getVcpus(domain, { live: true })).toBe(3);
    expect(await manager.connection.domains.getVcpus(domain, { config: true })).toBe(3);
    await expect(devices.setVcpus(domain, 5)).rejects.toMatchObject({ name: 'InvalidArgumentError', path: 'vcpus' });
    expect(await manager.connection.domains.getVcpus(domain, { live: true })).toBe(3);
  });
});

describe('attach: the test driver cannot hot-plug, and a failed attach leaves nothing behind', () => {
  it('attachDisk with a new volume: UnsupportedError, the volume deleted and the ownership record as it was', async () => {
    const domain = await vm('dev-attach');
    const before = await poolVolumes();
    const record = (await model(domain, true)).metadata?.ownership;
    const error = await devices.attachDisk(domain, { kind: 'new', pool: 'default-pool', size: '16MiB' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(getRollbackReport(error)).toMatchObject({ complete: true, failed: [] });
    expect(getRollbackReport(error)?.undone.map((u) => u.step)).toEqual(['ownership', 'volume:disk']);
    expect(await poolVolumes()).toEqual(before);
    expect((await model(domain, true)).metadata?.ownership).toEqual(record);
  });

  it('attachDisk to a VM without an ownership record: the record made for the attach is removed again', async () => {
    const name = vms.name('dev-bare');
    const domain = await manager.connection.domains.control.define(
      `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`,
    );
    await expect(devices.attachDisk(domain, { kind: 'new', pool: 'default-pool', size: '16MiB' })).rejects.toBeInstanceOf(UnsupportedError);
    await expect(manager.connection.domains.control.getMetadataElement(domain, OWNERSHIP_NAMESPACE, { flags: 2 })).rejects.toMatchObject({
      name: 'LibvirtError',
    });
  });

  it('attachNic: UnsupportedError; the spec is checked like createVm’s first (unknown network → path nic.network)', async () => {
    const domain = await vm('dev-nic');
    await expect(devices.attachNic(domain, { network: 'default' })).rejects.toBeInstanceOf(UnsupportedError);
    await expect(devices.attachNic(domain, { network: 'no-such-net' })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      path: 'nic.network',
    });
  });
});

describe('typed errors before anything is sent', () => {
  it('a target already in use is refused (path disk.target); nothing is made', async () => {
    const domain = await vm('dev-taken');
    const before = await poolVolumes();
    const error = await devices
      .attachDisk(domain, { kind: 'new', pool: 'default-pool', size: '16MiB', target: 'vda' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidArgumentError', code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'disk.target' });
    expect((error as Error).message).toMatch(/vda is already used/);
    expect(getRollbackReport(error)).toBeUndefined();
    expect(await poolVolumes()).toEqual(before);
  });

  it('the next free target is picked after the disks the VM has', async () => {
    const domain = await vm('dev-next');
    const error = await devices.attachDisk(domain, { kind: 'existing', path: '/var/tmp/lvm-nonexistent.img' }).catch((e: unknown) => e);
    // The plan reached libvirt (which cannot hot-plug): the spec was valid and got the next target.
    expect(error).toBeInstanceOf(UnsupportedError);
  });

  it('an unknown target on detach, and a MAC the VM does not have', async () => {
    const domain = await vm('dev-unknown');
    await expect(devices.detachDisk(domain, 'vdq')).rejects.toMatchObject({ name: 'InvalidArgumentError', path: 'target' });
    await expect(devices.detachNic(domain, '52:54:00:00:00:01')).rejects.toMatchObject({ name: 'InvalidArgumentError', path: 'mac' });
  });

  it('deleteVolume of a disk whose volume the SDK did not make is refused', async () => {
    const name = vms.name('dev-foreign');
    const domain = await manager.connection.domains.control.define(
      `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os>` +
        `<devices><disk type='file' device='disk'><source file='/guest/diskimage1'/><target dev='vdb' bus='virtio'/></disk></devices></domain>`,
    );
    const error = await devices.detachDisk(domain, 'vdb', { deleteVolume: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidArgumentError', path: 'deleteVolume' });
    expect((error as Error).message).toMatch(/did not create/);
    expect((await model(domain, true)).devices?.disks?.map((d) => d.target.dev)).toEqual(['vdb']);
  });

  it('shrinking a disk without allowShrink is refused, naming both sizes', async () => {
    const domain = await vm('dev-shrink', { start: true });
    const { capacity } = await manager.connection.domains.getBlockInfo(domain, 'vda');
    const error = await devices.resizeDisk(domain, 'vda', capacity - 1024n * 1024n).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidArgumentError', path: 'size' });
    expect((error as Error).message).toMatch(/allowShrink/);
    // Growing reaches libvirt, which the test driver cannot do live.
    await expect(devices.resizeDisk(domain, 'vda', capacity + 1024n * 1024n)).rejects.toBeInstanceOf(UnsupportedError);
    await expect(devices.resizeDisk(domain, 'vda', 1000)).rejects.toMatchObject({ path: 'size' });
  });

  it('changeMedia on a disk that is not removable', async () => {
    const domain = await vm('dev-media');
    await expect(devices.changeMedia(domain, 'vda', null)).rejects.toMatchObject({ name: 'InvalidArgumentError', path: 'target' });
    await expect(devices.changeMedia(domain, 'vda', 'relative.iso')).rejects.toMatchObject({ path: 'source' });
  });

  it.each([
    ['a bad target', () => devices.detachDisk('x', 'VDB'), 'target'],
    ['a bad MAC', () => devices.detachNic('x', 'not-a-mac'), 'mac'],
    ['live and config both false', () => devices.setVcpus('x', 1, { live: false, config: false }), 'live'],
    ['a non-boolean live', () => devices.setVcpus('x', 1, { live: 'yes' as never }), 'live'],
    ['resendEvery below 6 s', () => devices.detachDisk('x', 'vdb', { resendEvery: 1000 }), 'resendEvery'],
    ['deleteVolume on a NIC', () => devices.detachNic('x', '52:54:00:00:00:01', { deleteVolume: true } as never), 'deleteVolume'],
    ['live on resizeDisk', () => devices.resizeDisk('x', 'vdb', '1GiB', { live: true } as never), 'live'],
    ['vcpus 0', () => devices.setVcpus('x', 0), 'vcpus'],
    ['a missing disk spec', () => devices.attachDisk('x', undefined as never), 'disk'],
    ['a bad timeout', () => devices.setMemory('x', '1GiB', { timeout: -1 }), 'timeout'],
  ])('%s is an InvalidArgumentError naming it, before the VM is even looked up', async (_what, call, path) => {
    // 'x' does not exist: a lookup would have been a DomainNotFoundError.
    await expect(call()).rejects.toMatchObject({ name: 'InvalidArgumentError', path });
  });
});

describe('the state table and the live/config scope', () => {
  it('a paused VM cannot release a device: detach is refused; the registry says the same', async () => {
    const domain = await vm('dev-paused', { start: true });
    await manager.pauseVm(domain);
    await expect(devices.detachDisk(domain, 'vda')).rejects.toMatchObject({ name: 'InvalidStateError', state: 'paused' });
    expect(manager.getVm(domain)?.allowed).not.toContain('detachDisk');
    expect(manager.getVm(domain)?.allowed).toContain('attachDisk');
    await expect(manager.detachDisk(domain, 'vda')).rejects.toMatchObject({ name: 'InvalidStateError', state: 'paused' });
  });

  it('config on a transient VM is refused', async () => {
    const name = uniqueName('dev-transient');
    const domain = await manager.connection.domains.control.createTransient(
      `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices><memballoon model='virtio'/></devices></domain>`,
    );
    try {
      await expect(devices.setMemory(domain, '32MiB', { config: true })).rejects.toMatchObject({
        name: 'InvalidStateError',
        state: 'transient',
      });
      // Without a scope, the running transient VM is changed live only.
      expect(await devices.setMemory(domain, '32MiB')).toMatchObject({ live: true, config: false });
    } finally {
      await manager.connection.domains.control.forceOff(domain).catch(() => undefined);
    }
  });
});

describe('the registry and the per-VM queue', () => {
  it('a device command waits for a power operation on the same VM, and shows as reconfiguring while it runs', async () => {
    const domain = await vm('dev-queue', { start: true });
    // Another operation holds the VM's turn (as a shutdown would while it waits for the guest).
    const turn = await holdVmTurn(manager.connection, domain);
    const watch = watchVmChanges(manager, domain);
    try {
      let finished = false;
      const change = manager.setMemory(domain, '256MiB').then((r) => {
        finished = true;
        return r;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(finished).toBe(false);
      expect((await model(domain)).currentMemory).toBe(512n * 1024n ** 2n);
      // With queue: false it is refused at once, naming that something runs.
      await expect(manager.setVcpus(domain, 1, { queue: false })).rejects.toMatchObject({ name: 'InvalidStateError' });
      turn.release();
      await turn.done;
      expect(await change).toMatchObject({ change: 'setMemory', memory: 256n * 1024n ** 2n });
    } finally {
      turn.release();
    }
    await watch.stop();
    expect(watch.seen).toContain('reconfiguring:setMemory');
    expect(manager.getVm(domain)).toMatchObject({ state: 'running', inFlight: null });
  });

  it('a power command sent while a device command runs waits for it', async () => {
    const domain = await vm('dev-queue2', { start: true });
    const order: string[] = [];
    const a = manager.setMemory(domain, '256MiB').then(() => order.push('setMemory'));
    const b = manager.pauseVm(domain).then(() => order.push('pause'));
    const c = manager.setVcpus(domain, 1).then(() => order.push('setVcpus'));
    await Promise.all([a, b, c]);
    expect(order).toEqual(['setMemory', 'pause', 'setVcpus']);
  });
});
