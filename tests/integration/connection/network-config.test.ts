/**
 * Networks beyond define/start/stop: update in place (`virsh net-update`),
 * persistence, transient creation with validation, metadata (newer than the
 * daemon here), and network ports. The test driver answers update and
 * persistence; ports need the real network driver (qemu:///system), on an
 * isolated lvm-* network this file creates and removes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection, LibvirtError, UnsupportedError } from '../../../src/connection/internal.js';
import { QEMU_URI, TEST_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';

/** An isolated network (no <forward>) with DHCP on a private /24 that no host route uses. */
function isolatedNetworkXml(name: string, octet: number): string {
  return `<network><name>${name}</name><ip address='10.254.${octet}.1' netmask='255.255.255.0'><dhcp><range start='10.254.${octet}.100' end='10.254.${octet}.200'/></dhcp></ip></network>`;
}

const HOST = { mac: '52:54:00:6c:76:01', name: 'lvm-host1', ip: '' };

describe('on the test driver', () => {
  let conn: LibvirtConnection;
  const name = uniqueName('net');
  const transient = uniqueName('tnet');
  beforeAll(async () => {
    conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
    await conn.networks.define(isolatedNetworkXml(name, 201));
    await conn.networks.start(name);
  });
  afterAll(async () => {
    virshQuiet(TEST_URI, 'net-destroy', transient);
    virshQuiet(TEST_URI, 'net-destroy', name);
    virshQuiet(TEST_URI, 'net-undefine', name);
    await conn.close();
  });

  it('tells a persistent network from a transient one (created with validate)', async () => {
    expect(await conn.networks.isPersistent(name)).toBe(true);
    await conn.networks.createTransient(isolatedNetworkXml(transient, 202), { validate: true });
    expect(await conn.networks.isPersistent(transient)).toBe(false);
    expect(await conn.networks.isActive(transient)).toBe(true);
  });

  // The test driver cannot show a network's inactive XML (VIR_NETWORK_XML_INACTIVE is refused): its
  // tests change and read the running network; the config is checked on qemu:///system below.
  it('adds, modifies and deletes a DHCP reservation in the running network', async () => {
    const host = { ...HOST, ip: '10.254.201.10' };
    await conn.networks.update(name, { command: 'add-last', section: 'ip-dhcp-host', dhcpHost: host }, { live: true });
    expect(await conn.networks.getXml(name)).toContain(`<host mac='${host.mac}' name='${host.name}' ip='10.254.201.10'/>`);
    await conn.networks.update(
      name,
      { command: 'modify', section: 'ip-dhcp-host', dhcpHost: { ...host, ip: '10.254.201.11' } },
      { live: true },
    );
    expect(await conn.networks.getXml(name)).toContain(`ip='10.254.201.11'`);
    await conn.networks.update(name, { command: 'delete', section: 'ip-dhcp-host', dhcpHost: { ...host, ip: '10.254.201.11' } });
    expect(await conn.networks.getXml(name)).not.toContain(host.mac);
  });

  it('adds a DNS host record and a raw portgroup fragment', async () => {
    await conn.networks.update(
      name,
      { command: 'add-first', section: 'dns-host', dnsHost: { ip: '10.254.201.20', hostnames: ['web1', 'web1.lab'] } },
      { live: true },
    );
    expect(await conn.networks.getXml(name)).toMatch(
      /<host ip='10\.254\.201\.20'>\s*<hostname>web1<\/hostname>\s*<hostname>web1\.lab<\/hostname>/,
    );
    await conn.networks.update(name, { command: 'add-last', section: 'portgroup', xml: "<portgroup name='lvm-pg'/>" }, { live: true });
    expect(await conn.networks.getXml(name)).toContain("<portgroup name='lvm-pg'");
  });

  it("reports libvirt's error for a reservation it cannot delete", async () => {
    const err = await conn.networks
      .update(
        name,
        { command: 'delete', section: 'ip-dhcp-host', dhcpHost: { mac: '52:54:00:6c:76:99', ip: '10.254.201.99' } },
        { live: true },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
  });

  it('refuses bad input before anything is sent', async () => {
    const bad: [unknown, unknown][] = [
      [{ command: 'append', section: 'ip-dhcp-host', dhcpHost: HOST }, {}],
      [{ command: 'add-last', section: 'ip-dhcp', dhcpHost: HOST }, {}],
      [{ command: 'add-last', section: 'dns-host', dhcpHost: { ...HOST, ip: '10.0.0.1' } }, {}],
      [{ command: 'add-last', section: 'ip-dhcp-host', dhcpHost: { ...HOST, ip: '10.0.0.1' }, xml: '<host/>' }, {}],
      [{ command: 'add-last', section: 'ip-dhcp-host' }, {}],
      [{ command: 'add-last', section: 'ip-dhcp-host', dhcpHost: { ...HOST, ip: '10.0.0.300' } }, {}],
      [{ command: 'add-last', section: 'ip-dhcp-host', dhcpHost: { ip: '10.0.0.3' } }, {}],
      [{ command: 'add-last', section: 'ip-dhcp-host', dhcpHost: { ...HOST, mac: 'zz' } }, {}],
      [{ command: 'add-last', section: 'dns-host', dnsHost: { ip: '10.0.0.3', hostnames: [] } }, {}],
      [{ command: 'add-last', section: 'portgroup', xml: '<portgroup/>', parentIndex: -2 }, {}],
      [{ command: 'add-last', section: 'portgroup', xml: '<portgroup/>', parent: 0 }, {}],
      [{ command: 'add-last', section: 'portgroup', xml: '<portgroup/>' }, { confg: true }],
      [{ command: 'add-last', section: 'portgroup', xml: '<portgroup/>' }, { live: 'yes' }],
    ];
    for (const [change, options] of bad) {
      await expect(conn.networks.update(name, change as never, options as never), JSON.stringify([change, options])).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
    expect(await conn.networks.getXml(name)).not.toContain('10.0.0.');
  });

  it('metadata is newer than this daemon (libvirt 9.7): a typed UnsupportedError', async () => {
    await expect(conn.networks.getMetadata(name, 'title')).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.networks.setMetadata(name, 'description', 'lab', { config: true })).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.networks.setMetadata(name, { uri: 'https://example.org/x' }, '<x/>')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.networks.getMetadata(name, 'title', { live: true, config: true })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('the test driver has no ports: UnsupportedError', async () => {
    await expect(conn.networks.ports.list(name)).rejects.toBeInstanceOf(UnsupportedError);
  });
});

describe('on qemu:///system (isolated lvm-* network)', () => {
  let conn: LibvirtConnection;
  const name = uniqueName('net');
  beforeAll(async () => {
    conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
    await conn.networks.define(isolatedNetworkXml(name, 203));
    await conn.networks.start(name);
  });
  afterAll(async () => {
    virshQuiet(QEMU_URI, 'net-destroy', name);
    virshQuiet(QEMU_URI, 'net-undefine', name);
    await conn.close();
  });

  it('updates a DHCP reservation of the running network (dnsmasq) and its config, or the config alone', async () => {
    const host = { ...HOST, ip: '10.254.203.10' };
    await conn.networks.update(name, { command: 'add-last', section: 'ip-dhcp-host', dhcpHost: host }, { live: true, config: true });
    expect(await conn.networks.getXml(name)).toContain(`ip='10.254.203.10'`);
    expect(await conn.networks.getXml(name, { inactive: true })).toContain(`ip='10.254.203.10'`);
    await conn.networks.update(
      name,
      { command: 'modify', section: 'ip-dhcp-host', dhcpHost: { ...host, ip: '10.254.203.11' } },
      { config: true },
    );
    expect(await conn.networks.getXml(name)).toContain(`ip='10.254.203.10'`);
    expect(await conn.networks.getXml(name, { inactive: true })).toContain(`ip='10.254.203.11'`);
    await conn.networks.update(name, { command: 'delete', section: 'ip-dhcp-host', dhcpHost: host }, { live: true });
    await conn.networks.update(
      name,
      { command: 'delete', section: 'ip-dhcp-host', dhcpHost: { ...host, ip: '10.254.203.11' } },
      { config: true },
    );
    expect(await conn.networks.getXml(name)).not.toContain(host.mac);
    expect(await conn.networks.getXml(name, { inactive: true })).not.toContain(host.mac);
    await conn.networks.update(name, { command: 'add-last', section: 'portgroup', xml: "<portgroup name='lvm-pg'/>" }, { config: true });
    expect(await conn.networks.getXml(name, { inactive: true })).toContain("<portgroup name='lvm-pg'");
    expect(await conn.networks.getXml(name)).not.toContain('lvm-pg');
    expect(await conn.networks.isPersistent(name)).toBe(true);
  });

  it('creates a port, finds it, reads and changes its bandwidth, deletes it', async () => {
    const owner = { name: 'lvm-port-owner', uuid: randomUUID() };
    const port = await conn.networks.ports.create(name, { owner, mac: '52:54:00:6c:76:02' });
    try {
      expect(port.net.name).toBe(name);
      expect((await conn.networks.ports.list(name)).map((p) => p.uuid)).toContain(port.uuid);
      expect(await conn.networks.ports.lookup(name, port.uuid)).toEqual(port);
      const xml = await conn.networks.ports.getXml(port);
      expect(xml).toContain("<mac address='52:54:00:6c:76:02'/>");
      expect(xml).toContain(owner.uuid);
      await conn.networks.ports.setParameters(port, { 'inbound.average': 1000, 'inbound.burst': 2000, 'outbound.average': 500 });
      expect(await conn.networks.ports.getParameters(port)).toMatchObject({
        'inbound.average': 1000,
        'inbound.burst': 2000,
        'outbound.average': 500,
      });
    } finally {
      await conn.networks.ports.delete(port);
    }
    expect((await conn.networks.ports.list(name)).map((p) => p.uuid)).not.toContain(port.uuid);
    const err = await conn.networks.ports.lookup(name, port.uuid).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).codeName).toBe('VIR_ERR_NO_NETWORK_PORT');
  });

  it('refuses bad port input before anything is sent', async () => {
    const port = { net: { name, uuid: randomUUID() }, uuid: randomUUID() };
    await expect(conn.networks.ports.lookup(name, 'not-a-uuid')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.networks.ports.getXml({ uuid: port.uuid } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.networks.ports.setParameters(port, { 'inbound.avg': 1 } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.networks.ports.setParameters(port, { 'inbound.peak': -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.networks.ports.setParameters(port, {})).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.networks.ports.create(name, { owner: { name: 'x', uuid: 'nope' }, mac: '52:54:00:6c:76:03' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(conn.networks.ports.create(name, '<networkport/>', { reclam: true } as never)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await conn.networks.ports.list(name)).toEqual([]);
  });
});
