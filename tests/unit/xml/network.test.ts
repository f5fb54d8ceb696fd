import { describe, expect, it } from 'vitest';
import { buildNetworkXml, normalizeXml, parseNetworkXml, type NetworkModel } from '../../../src/xml/index.js';
import { fixture, refusal } from './helpers.js';

const isolated: NetworkModel = {
  name: 'lab',
  bridge: { name: 'virbr10', stp: true, delay: 0 },
  domain: { name: 'lab.test', localOnly: true },
  ips: [
    {
      address: '192.168.150.1',
      netmask: '255.255.255.0',
      dhcp: {
        ranges: [{ start: '192.168.150.10', end: '192.168.150.99' }],
        hosts: [{ mac: '52:54:00:00:00:01', name: 'db', ip: '192.168.150.5' }],
      },
    },
    { family: 'ipv6', address: 'fd00:150::1', prefix: 64 },
  ],
};

describe('network XML', () => {
  it('builds an isolated network (no <forward>)', () => {
    const xml = buildNetworkXml(isolated);
    expect(xml).not.toContain('<forward');
    expect(normalizeXml(xml)).toBe(
      normalizeXml(`<network><name>lab</name><bridge name="virbr10" stp="on" delay="0"/><domain name="lab.test" localOnly="yes"/>
        <ip address="192.168.150.1" netmask="255.255.255.0"><dhcp><range start="192.168.150.10" end="192.168.150.99"/>
        <host mac="52:54:00:00:00:01" name="db" ip="192.168.150.5"/></dhcp></ip><ip family="ipv6" address="fd00:150::1" prefix="64"/></network>`),
    );
    expect(parseNetworkXml(xml)).toEqual(isolated);
  });

  it('builds a NAT network', () => {
    const nat: NetworkModel = {
      name: 'natnet',
      forward: { mode: 'nat' },
      bridge: { name: 'virbr11' },
      ips: [{ address: '10.10.0.1', prefix: 24, dhcp: { ranges: [{ start: '10.10.0.100', end: '10.10.0.200' }] } }],
    };
    const xml = buildNetworkXml(nat);
    expect(xml).toContain('<forward mode="nat"/>');
    expect(parseNetworkXml(xml)).toEqual(nat);
  });

  it('builds a network on an existing host bridge', () => {
    const bridged: NetworkModel = { name: 'host-br0', forward: { mode: 'bridge' }, bridge: { name: 'br0' } };
    expect(normalizeXml(buildNetworkXml(bridged))).toBe(
      normalizeXml('<network><name>host-br0</name><forward mode="bridge"/><bridge name="br0"/></network>'),
    );
    expect(parseNetworkXml(buildNetworkXml(bridged))).toEqual(bridged);
  });

  it('parses the test driver default (NAT) network', () => {
    expect(parseNetworkXml(fixture('test-network-default.xml'))).toEqual({
      name: 'default',
      uuid: 'dd8fe884-6c02-601e-7551-cca97df1c5df',
      forward: { mode: 'nat' },
      bridge: { name: 'virbr0', stp: true, delay: 0 },
      ips: [{ address: '192.168.122.1', netmask: '255.255.255.0', dhcp: { ranges: [{ start: '192.168.122.2', end: '192.168.122.254' }] } }],
    });
  });

  it('parses and rebuilds a network defined on the QEMU driver', () => {
    const parsed = parseNetworkXml(fixture('qemu-network-isolated.xml'));
    expect(parsed).toMatchObject({
      name: 'lvm-xmltest-iso',
      mac: '52:54:00:39:08:ea',
      bridge: { name: 'lvmxt0' },
      domain: { name: 'lvm.test', localOnly: true },
    });
    expect(parsed.ips).toHaveLength(2);
    expect(normalizeXml(buildNetworkXml(parsed))).toBe(normalizeXml(fixture('qemu-network-isolated.xml')));
  });

  it('keeps unknown network content (dns, port forwarding, connections)', () => {
    const xml = `<network connections='2'><name>n</name><forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward><dns><host ip='10.0.0.2'><hostname>x</hostname></host></dns><ip address='10.0.0.1' prefix='24'><tftp root='/srv/tftp'/><dhcp><range start='10.0.0.10' end='10.0.0.20'><lease expiry='1' unit='hours'/></range><bootp file='pxelinux.0'/></dhcp></ip></network>`;
    const parsed = parseNetworkXml(xml);
    expect(parsed.extraAttributes).toEqual({ connections: '2' });
    expect(parsed.forward?.extraElements).toHaveLength(1);
    expect(normalizeXml(buildNetworkXml(parsed, { nameRule: 'libvirt' }))).toBe(normalizeXml(xml));
  });

  it.each<[string, NetworkModel, string]>([
    ['bad name', { name: 'my net' }, 'name'],
    ['long bridge name', { name: 'n', bridge: { name: 'a-very-long-bridge0' } }, 'bridge.name'],
    ['bridge mode without bridge', { name: 'n', forward: { mode: 'bridge' } }, 'bridge.name'],
    [
      'bridge mode with addresses',
      { name: 'n', forward: { mode: 'bridge' }, bridge: { name: 'br0' }, ips: [{ address: '10.0.0.1', prefix: 24 }] },
      'ips',
    ],
    ['bad address', { name: 'n', ips: [{ address: '10.0.0.256', prefix: 24 }] }, 'ips[0].address'],
    ['netmask and prefix', { name: 'n', ips: [{ address: '10.0.0.1', prefix: 24, netmask: '255.255.255.0' }] }, 'ips[0].netmask'],
    ['prefix too long', { name: 'n', ips: [{ address: '10.0.0.1', prefix: 33 }] }, 'ips[0].prefix'],
    ['IPv6 netmask', { name: 'n', ips: [{ family: 'ipv6', address: 'fd00::1', netmask: '255.255.255.0' }] }, 'ips[0].netmask'],
    [
      'range of the wrong family',
      { name: 'n', ips: [{ address: '10.0.0.1', prefix: 24, dhcp: { ranges: [{ start: 'fd00::2', end: 'fd00::9' }] } }] },
      'ips[0].dhcp.ranges[0].start',
    ],
    [
      'host with a bad MAC',
      { name: 'n', ips: [{ address: '10.0.0.1', prefix: 24, dhcp: { hosts: [{ mac: 'nope', ip: '10.0.0.5' }] } }] },
      'ips[0].dhcp.hosts[0].mac',
    ],
    [
      'host without mac or name',
      { name: 'n', ips: [{ address: '10.0.0.1', prefix: 24, dhcp: { hosts: [{ ip: '10.0.0.5' }] } }] },
      'ips[0].dhcp.hosts[0]',
    ],
  ])('refuses %s', (_label, model, path) => {
    expect(refusal(() => buildNetworkXml(model)).path).toBe(path);
  });
});
