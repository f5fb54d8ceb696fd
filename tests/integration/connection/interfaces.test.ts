/**
 * Host network interfaces (`virsh iface-*`) through `conn.interfaces`: the
 * whole API on the test driver (its `eth1`, and interfaces the test defines,
 * starts, stops and rolls back), and read-only calls on qemu:///system, whose
 * interface driver (udev backend here) lists the real host's NICs. Nothing is
 * ever defined, started or stopped on qemu:///system.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection, LibvirtError } from '../../../src/connection/internal.js';
import { QEMU_URI, TEST_URI } from '../../helpers/libvirt.js';
import { expectRefusedPaths } from '../../helpers/errors.js';
import { sharedConnection } from '../../helpers/connection-fixtures.js';

const code = (name: string) => expect.objectContaining({ codeName: name });

describe('on the test driver', () => {
  let conn: LibvirtConnection;
  const name = `lvm-if${Math.floor(Math.random() * 1e6)}`;
  const mac = '52:54:00:aa:bb:09';
  const xml = `<interface type='ethernet' name='${name}'><start mode='none'/><mac address='${mac}'/></interface>`;

  beforeAll(async () => {
    conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
    // A transaction left open by an earlier failed run would make beginChange fail.
    await conn.interfaces.rollbackChange().catch(() => undefined);
  });
  afterAll(async () => {
    await conn.interfaces.rollbackChange().catch(() => undefined);
    await conn.interfaces.undefine(name).catch(() => undefined);
    await conn.close();
  });

  it('lists eth1 and looks it up by name and by MAC (any case)', async () => {
    const eth1 = { name: 'eth1', mac: 'aa:bb:cc:dd:ee:ff' };
    expect(await conn.interfaces.list()).toContainEqual(eth1);
    expect(await conn.interfaces.list({ active: true })).toContainEqual(eth1);
    expect(await conn.interfaces.list({ active: false })).not.toContainEqual(eth1);
    expect(await conn.interfaces.lookup('eth1')).toEqual(eth1);
    expect(await conn.interfaces.lookup('AA:BB:CC:DD:EE:FF')).toEqual(eth1);
    expect(await conn.interfaces.isActive('eth1')).toBe(true);
    const described = await conn.interfaces.getXml(eth1);
    expect(described).toContain("<interface type='ethernet' name='eth1'>");
    expect(described).toContain("<mac address='aa:bb:cc:dd:ee:ff'/>");
  });

  it('a missing interface is VIR_ERR_NO_INTERFACE, by name and by MAC', async () => {
    await expect(conn.interfaces.lookup('lvm-nonexistent')).rejects.toEqual(code('VIR_ERR_NO_INTERFACE'));
    await expect(conn.interfaces.isActive('52:54:00:00:00:99')).rejects.toEqual(code('VIR_ERR_NO_INTERFACE'));
  });

  it('the test driver keeps no separate definition: inactive XML is VIR_ERR_INVALID_ARG', async () => {
    await expect(conn.interfaces.getXml('eth1', { inactive: true })).rejects.toEqual(code('VIR_ERR_INVALID_ARG'));
  });

  it('defines, starts and stops an interface inside a transaction; rollback removes it', async () => {
    await conn.interfaces.beginChange();
    await expect(conn.interfaces.beginChange()).rejects.toEqual(code('VIR_ERR_OPERATION_INVALID'));
    expect(await conn.interfaces.define(xml, { validate: true })).toEqual({ name, mac });
    expect(await conn.interfaces.list({ active: false })).toContainEqual({ name, mac });
    expect(await conn.interfaces.isActive(name)).toBe(false);
    await conn.interfaces.start(name);
    expect(await conn.interfaces.isActive(mac)).toBe(true);
    await expect(conn.interfaces.start(name)).rejects.toEqual(code('VIR_ERR_OPERATION_INVALID'));
    await conn.interfaces.stop({ name, mac });
    expect(await conn.interfaces.isActive(name)).toBe(false);
    await conn.interfaces.rollbackChange();
    expect((await conn.interfaces.list()).map((i) => i.name)).not.toContain(name);
  });

  it('commit keeps what changed; undefine removes it', async () => {
    await conn.interfaces.beginChange();
    await conn.interfaces.define(xml);
    await conn.interfaces.commitChange();
    expect(await conn.interfaces.lookup(name)).toEqual({ name, mac });
    await conn.interfaces.undefine(name);
    await expect(conn.interfaces.lookup(name)).rejects.toEqual(code('VIR_ERR_NO_INTERFACE'));
  });

  it('commit or rollback without a transaction is VIR_ERR_OPERATION_INVALID', async () => {
    await expect(conn.interfaces.commitChange()).rejects.toEqual(code('VIR_ERR_OPERATION_INVALID'));
    await expect(conn.interfaces.rollbackChange()).rejects.toEqual(code('VIR_ERR_OPERATION_INVALID'));
  });

  it('bad XML is the daemon’s VIR_ERR_XML_ERROR; a read-only connection may not define', async () => {
    await expect(conn.interfaces.define('<interface/>')).rejects.toEqual(code('VIR_ERR_XML_ERROR'));
    const ro = await LibvirtConnection.connect(TEST_URI, { reconnect: false, readonly: true });
    try {
      expect(await ro.interfaces.lookup('eth1')).toEqual({ name: 'eth1', mac: 'aa:bb:cc:dd:ee:ff' });
      await expect(ro.interfaces.define(xml)).rejects.toEqual(code('VIR_ERR_OPERATION_DENIED'));
    } finally {
      await ro.close();
    }
  });

  it('refuses bad input before anything is sent', async () => {
    const bad: [() => Promise<unknown>, string][] = [
      [() => conn.interfaces.lookup(''), 'nameOrMac'],
      [() => conn.interfaces.lookup('eth 0'), 'nameOrMac'],
      [() => conn.interfaces.lookup('../eth0'), 'nameOrMac'],
      [() => conn.interfaces.isActive({ name: 'eth1' } as never), 'iface'],
      [() => conn.interfaces.list({ active: 'yes' } as never), 'active'],
      [() => conn.interfaces.list({ activ: true } as never), 'activ'],
      [() => conn.interfaces.getXml('eth1', { inactiv: true } as never), 'inactiv'],
      [() => conn.interfaces.define(''), 'xml'],
      [() => conn.interfaces.define(xml, { validate: 1 } as never), 'validate'],
      [() => conn.interfaces.start('eth1', { timeout: -1 }), 'timeout'],
      [() => conn.interfaces.beginChange({ signal: 'x' } as never), 'signal'],
    ];
    await expectRefusedPaths(bad);
  });
});

describe('on qemu:///system (read-only calls)', () => {
  const conn = sharedConnection(QEMU_URI);

  it('lists the host’s interfaces, looks each up by name and MAC, and describes it', async () => {
    const all = await conn.interfaces.list();
    expect(all.length).toBeGreaterThan(0);
    const up = await conn.interfaces.list({ active: true });
    const down = await conn.interfaces.list({ active: false });
    expect([...up, ...down].map((i) => i.name).sort()).toEqual(all.map((i) => i.name).sort());
    const first = up[0] ?? all[0]!;
    expect(await conn.interfaces.lookup(first.name)).toEqual(first);
    expect(await conn.interfaces.isActive(first)).toBe(up.includes(first));
    expect(await conn.interfaces.getXml(first.name)).toContain(`name='${first.name}'`);
    // A MAC shared by several interfaces (lo's 00:00:…) is MULTIPLE_INTERFACES or resolves to one of them.
    const unique = all.find((i) => all.filter((j) => j.mac === i.mac).length === 1 && i.mac !== '00:00:00:00:00:00');
    if (unique !== undefined) expect(await conn.interfaces.lookup(unique.mac.toUpperCase())).toEqual(unique);
  });

  it('a missing interface is a LibvirtError VIR_ERR_NO_INTERFACE', async () => {
    const error: unknown = await conn.interfaces.lookup('lvm-nonexistent').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtError);
    expect(error).toMatchObject({ codeName: 'VIR_ERR_NO_INTERFACE' });
  });
});
