/**
 * Node device lifecycle: capability names, a transient vHBA created and
 * destroyed (test driver only: no device is ever created on the real host),
 * and the state questions. The test driver lacks persistent devices
 * (define/undefine/start/autostart/isActive/isPersistent) and the WWN
 * lookup; those are answered read-only by the real node-device driver of
 * qemu:///system, and for the test driver the daemon's typed UnsupportedError is pinned.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtError, UnsupportedError } from '../../../src/connection/internal.js';
import { QEMU_URI, TEST_URI } from '../../helpers/libvirt.js';
import { sharedConnection } from '../../helpers/connection-fixtures.js';

/** A vHBA on the test driver's NPIV-capable scsi_host1 (fc_host with vport_ops). */
const VHBA_XML = `<device><parent>scsi_host1</parent><capability type='scsi_host'><capability type='fc_host'>
<wwnn>2001001b32a9da4e</wwnn><wwpn>2101001b32a9da4e</wwpn></capability></capability></device>`;

describe('on the test driver', () => {
  const conn = sharedConnection(TEST_URI);

  it('lists a device capability names', async () => {
    expect(await conn.nodeDevices.listCapabilities('scsi_host1')).toContain('scsi_host');
    expect(await conn.nodeDevices.listCapabilities({ name: 'computer' })).toEqual(['system']);
  });

  it('creates a transient vHBA under scsi_host1, then destroys it', async () => {
    const before = (await conn.nodeDevices.list()).map((d) => d.name);
    const vhba = await conn.nodeDevices.createTransient(VHBA_XML);
    try {
      expect(before).not.toContain(vhba.name);
      expect((await conn.nodeDevices.list()).map((d) => d.name)).toContain(vhba.name);
      expect(await conn.nodeDevices.getParent(vhba)).toBe('scsi_host1');
      expect(await conn.nodeDevices.getXml(vhba)).toContain('2101001b32a9da4e');
    } finally {
      await conn.nodeDevices.destroy(vhba);
    }
    const err = await conn.nodeDevices.lookup(vhba.name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).codeName).toBe('VIR_ERR_NO_NODE_DEVICE');
  });

  it('has no persistent devices and no WWN lookup: typed UnsupportedError from the daemon', async () => {
    const calls: (() => Promise<unknown>)[] = [
      () => conn.nodeDevices.define(VHBA_XML),
      () => conn.nodeDevices.undefine('scsi_host1'),
      () => conn.nodeDevices.start('scsi_host1'),
      () => conn.nodeDevices.isActive('scsi_host1'),
      () => conn.nodeDevices.isPersistent('scsi_host1'),
      () => conn.nodeDevices.getAutostart('scsi_host1'),
      () => conn.nodeDevices.setAutostart('scsi_host1', { enabled: true }),
      () => conn.nodeDevices.lookupScsiHostByWwn('2000000012341234', '1000000012341234'),
      // NODE_DEVICE_UPDATE (447) is newer than libvirt 9.0: "unknown procedure".
      () => conn.nodeDevices.update('scsi_host1', VHBA_XML, { config: true }),
    ];
    for (const call of calls) await expect(call()).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('refuses bad input before anything is sent', async () => {
    await expect(conn.nodeDevices.listCapabilities('')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nodeDevices.createTransient('  ')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nodeDevices.lookupScsiHostByWwn('20000000123412', '1000000012341234')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nodeDevices.lookupScsiHostByWwn('2000000012341234', 'zz00000012341234')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nodeDevices.setAutostart('scsi_host1', {} as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nodeDevices.setAutostart('scsi_host1', { enabled: true, enable: true } as never)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(conn.nodeDevices.destroy('scsi_host1', { timout: 5 } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nodeDevices.update('scsi_host1', '<device/>', { live: 1 } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await conn.nodeDevices.list()).map((d) => d.name)).toContain('scsi_host1');
  });
});

describe('on qemu:///system (read-only questions)', () => {
  const conn = sharedConnection(QEMU_URI);

  // libvirt 9.0 reports host (udev) devices as active, persistent and autostarted alike.
  it('answers active, persistent and autostart for the root device', async () => {
    expect(await conn.nodeDevices.isActive('computer')).toBe(true);
    expect(await conn.nodeDevices.isPersistent('computer')).toBe(true);
    expect(await conn.nodeDevices.getAutostart({ name: 'computer' })).toBe(true);
    expect(await conn.nodeDevices.listCapabilities('computer')).toEqual(['system']);
  });

  // libvirt 9.0's node-device driver fails this lookup without saying why: the daemon sends
  // VIR_ERR_INTERNAL_ERROR "An error occurred, but the cause is unknown" (virsh/python see the same).
  it('finds no SCSI host for an unknown WWN pair', async () => {
    const err = await conn.nodeDevices.lookupScsiHostByWwn('2000000012341234', '1000000012341234').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).codeName).toBe('VIR_ERR_INTERNAL_ERROR');
  });
});
