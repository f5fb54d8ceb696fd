/**
 * The detach engine's event paths, against the fake daemon serving a
 * FakeHypervisor over libvirt's wire protocol, with the guest scripted:
 * DEVICE_REMOVAL_FAILED (which a Linux guest on QEMU does not produce on
 * demand) is a typed error that leaves both definitions alone; the waiter is
 * registered before the request; only the device's own alias counts; the
 * definition loses the device only after the running VM did. What real
 * guests do is tested on QEMU (tests/integration/devices/qemu.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { DeviceDetachError } from '../../../src/errors/index.js';
import { VmDeviceManager } from '../../../src/devices/index.js';
import { DOMAIN_DETACH_DEVICE_ALIAS } from '../../../src/rpc/protocol/index.js';
import type { FakeDomain } from '../../../src/testing/fake-hypervisor.js';
import { type FakeHost, fakeHost } from '../../helpers/fake-host.js';

const XML = `<domain type='kvm'><name>vm0</name><uuid>00000000-0000-4000-8000-000000000000</uuid><memory>65536</memory><os><type>hvm</type></os>
<devices><disk type='file' device='disk'><source file='/images/data.raw'/><target dev='vdb' bus='virtio'/><alias name='virtio-disk1'/></disk></devices></domain>`;

async function setup(guest: (host: FakeHost, vm: FakeDomain) => void): Promise<FakeHost & { devices: VmDeviceManager; vm: FakeDomain }> {
  const host = await fakeHost({
    setup: (hv) =>
      hv.addDomain({ name: 'vm0', uuid: '00000000-0000-4000-8000-000000000000', xml: XML, state: 'running', reason: 1, id: 1 }),
  });
  const vm = host.hv.domain('vm0');
  // What the guest does when asked to let go: scripted per test, after libvirt has answered the request.
  host.daemon.handle(DOMAIN_DETACH_DEVICE_ALIAS, () => {
    setTimeout(() => guest(host, vm), 20);
    return { ok: undefined };
  });
  return { ...host, vm, devices: new VmDeviceManager(host.conn, { pollInterval: 50 }) };
}

const ORDER = ['CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY', 'DOMAIN_DETACH_DEVICE_ALIAS', 'DOMAIN_DETACH_DEVICE_FLAGS'];

/** The calls of {@link ORDER}, registrations counted once (one per device event type: added, removed, removal failed). */
async function order(s: FakeHost): Promise<string[]> {
  const calls = await s.settledCalls({ only: ORDER });
  const registrations = calls.filter((c) => c === ORDER[0]).length;
  expect(registrations).toBe(3);
  return calls.filter((c, i) => c !== ORDER[0] || calls.indexOf(ORDER[0]!) === i);
}

describe('detach and libvirt’s device events', () => {
  it('DEVICE_REMOVAL_FAILED is a DeviceDetachError; nothing is removed from the definition', async () => {
    const s = await setup((h, vm) => h.hv.emitDevice(vm, 'removal-failed', 'virtio-disk1'));
    const error = await s.devices.detachDisk('vm0', 'vdb').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceDetachError);
    expect(error).toMatchObject({
      code: 'ERR_LIBVIRT_DEVICE_DETACH',
      reason: 'removal-failed',
      device: 'vdb',
      alias: 'virtio-disk1',
      live: 'present',
      config: 'unchanged',
      requests: 1,
    });
    expect(await order(s)).toEqual(ORDER.slice(0, 2));
  });

  it('the waiter is registered before the request; the definition is changed only after DEVICE_REMOVED', async () => {
    const s = await setup((h, vm) => h.hv.emitDevice(vm, 'removed', 'virtio-disk1'));
    const result = await s.devices.detachDisk('vm0', 'vdb');
    expect(result).toMatchObject({ live: true, config: true, confirmedBy: 'event', requests: 1, alias: 'virtio-disk1' });
    expect(await order(s)).toEqual(ORDER);
    // Live first (flag 1), then the definition (flag 2).
    expect(
      s
        .received()
        .filter((c) => c.name.startsWith('DOMAIN_DETACH'))
        .map((c) => c.flags),
    ).toEqual([1, 2]);
  });

  it('events of other devices do not count; without its own, the request is re-sent, then the typed timeout', async () => {
    const s = await setup((h, vm) => h.hv.emitDevice(vm, 'removed', 'virtio-disk7'));
    const error = await s.devices.detachDisk('vm0', 'vdb', { resendEvery: 6_000, timeout: 8_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DeviceDetachError', reason: 'timeout', live: 'pending', config: 'unchanged', requests: 2 });
    expect(await order(s)).toEqual([ORDER[0], ORDER[1], ORDER[1]]);
  }, 20_000);

  it('an abort while waiting for the guest is an AbortError, and the definition is left alone', async () => {
    const s = await setup(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(s.devices.detachDisk('vm0', 'vdb', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await order(s)).toEqual(ORDER.slice(0, 2));
  });
});
