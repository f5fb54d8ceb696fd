/**
 * Typed XML of secrets, network filters and node devices, the NIC's
 * `<filterref>` and `<encryption>` on volumes and disks: built, parsed back,
 * unknown parts kept; and the secret / node-device events as the public shape.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { toLibvirtEvent } from '../../../src/connection/events/decode-event.js';
import type { DecodedEvent } from '../../../src/rpc/index.js';
import {
  buildDiskXml,
  buildInterfaceXml,
  buildNwfilterXml,
  buildSecretXml,
  buildStorageVolumeXml,
  parseDiskXml,
  parseInterfaceXml,
  parseNodeDeviceXml,
  parseNwfilterXml,
  parseSecretXml,
  parseStorageVolumeXml,
  type OtherCapability,
  type PciCapability,
} from '../../../src/xml/index.js';

const UUID = '0f628a87-28df-4c31-ba7a-b9350a0f41bf';

describe('secret XML', () => {
  it('builds the usage element per type and parses it back', () => {
    const xml = buildSecretXml({
      uuid: UUID,
      private: true,
      ephemeral: false,
      description: 'd',
      usage: { type: 'volume', id: '/v/a.img' },
    });
    expect(xml.replace(/>\s+</g, '><')).toContain('<usage type="volume"><volume>/v/a.img</volume></usage>');
    expect(parseSecretXml(xml)).toEqual({
      uuid: UUID,
      private: true,
      ephemeral: false,
      description: 'd',
      usage: { type: 'volume', id: '/v/a.img' },
    });
    expect(parseSecretXml(buildSecretXml({ usage: { type: 'iscsi', id: 'iqn.x' } })).usage).toEqual({ type: 'iscsi', id: 'iqn.x' });
  });

  it('refuses an unknown usage type and a bad UUID', () => {
    expect(() => buildSecretXml({ usage: { type: 'nope', id: 'x' } })).toThrow(/usage.type/);
    expect(() => buildSecretXml({ uuid: 'nope' })).toThrow(/uuid/);
  });
});

describe('nwfilter XML', () => {
  it('keeps entries in document order, match attributes and repeated parameters', () => {
    const model = {
      name: 'f1',
      uuid: UUID,
      chain: 'ipv4',
      priority: -700,
      entries: [
        { kind: 'filterref' as const, filter: 'base', parameters: { IP: ['10.0.0.1', '10.0.0.2'] } },
        {
          kind: 'rule' as const,
          action: 'accept',
          direction: 'in' as const,
          priority: 100,
          statematch: false,
          matches: [{ protocol: 'tcp', attributes: { dstportstart: '22' } }],
        },
        { kind: 'rule' as const, action: 'drop', direction: 'inout' as const, matches: [{ protocol: 'all' }] },
      ],
    };
    expect(parseNwfilterXml(buildNwfilterXml(model))).toEqual(model);
  });

  it('keeps unknown elements', () => {
    const parsed = parseNwfilterXml("<filter name='x'><uuid>" + UUID + "</uuid><future a='1'/></filter>");
    expect(parsed.extraElements).toEqual(['<future a="1"/>']);
    expect(buildNwfilterXml(parsed)).toContain('<future a="1"/>');
  });

  it('refuses priorities out of range and bad variable names', () => {
    expect(() => buildNwfilterXml({ name: 'x', priority: 5000 })).toThrow(/priority/);
    expect(() => buildNwfilterXml({ name: 'x', entries: [{ kind: 'filterref', filter: 'y', parameters: { 'a-b': '1' } }] })).toThrow(
      /variable/,
    );
  });
});

describe('node device XML', () => {
  it('types a PCI device as libvirt 9.0 describes it', () => {
    const xml = `<device><name>pci_0000_00_1f_2</name><path>/sys/devices/pci0000:00/0000:00:1f.2</path><parent>computer</parent>
      <driver><name>ahci</name></driver><capability type='pci'><class>0x010601</class><domain>0</domain><bus>0</bus><slot>31</slot>
      <function>2</function><product id='0x2922'>82801IR</product><vendor id='0x8086'>Intel Corporation</vendor>
      <iommuGroup number='8'><address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/></iommuGroup></capability></device>`;
    expect(parseNodeDeviceXml(xml)).toEqual({
      name: 'pci_0000_00_1f_2',
      path: '/sys/devices/pci0000:00/0000:00:1f.2',
      parent: 'computer',
      driver: 'ahci',
      capabilities: [
        {
          type: 'pci',
          address: '0000:00:1f.2',
          domain: 0,
          bus: 0,
          slot: 31,
          function: 2,
          class: '0x010601',
          product: { id: '0x2922', name: '82801IR' },
          vendor: { id: '0x8086', name: 'Intel Corporation' },
          iommuGroup: 8,
        },
      ],
    });
  });

  it('types net and usb devices; keeps others raw', () => {
    const net = parseNodeDeviceXml(
      "<device><name>net_eth0</name><capability type='net'><interface>eth0</interface><address>02:fc:00:00:00:01</address><link speed='1000' state='up'/></capability></device>",
    );
    expect(net.capabilities[0]).toEqual({
      type: 'net',
      interface: 'eth0',
      address: '02:fc:00:00:00:01',
      link: { state: 'up', speed: 1000 },
    });
    const usb = parseNodeDeviceXml(
      "<device><name>usb_1_2</name><capability type='usb_device'><bus>1</bus><device>2</device><vendor id='0x1d6b'/></capability></device>",
    );
    expect(usb.capabilities[0]).toEqual({ type: 'usb_device', bus: 1, device: 2, vendor: { id: '0x1d6b' } });
    const other = parseNodeDeviceXml("<device><name>computer</name><capability type='system'><product>x</product></capability></device>");
    expect(other.capabilities[0]).toMatchObject({ type: 'system', name: 'system', xml: expect.stringContaining('<product>x</product>') });
  });

  it("keeps a capability name libvirt 9.0 does not have as type 'unknown' with libvirt's name", () => {
    const dev = parseNodeDeviceXml("<device><name>x</name><capability type='future_bus'><id>7</id></capability></device>");
    expect(dev.capabilities[0]).toMatchObject({ type: 'unknown', name: 'future_bus', xml: expect.stringContaining('<id>7</id>') });
  });

  it("narrows a capability by its type: find((c) => c.type === 'pci') is a PciCapability", () => {
    const dev = parseNodeDeviceXml(
      "<device><name>pci_0000_00_1f_2</name><capability type='pci'><domain>0</domain><bus>0</bus><slot>31</slot><function>2</function></capability></device>",
    );
    // The docs' snippet: with a catch-all `type: string` these reads did not compile (TS2339).
    const pci = dev.capabilities.find((c) => c.type === 'pci');
    expectTypeOf(pci).toEqualTypeOf<PciCapability | undefined>();
    expect(pci?.address).toBe('0000:00:1f.2');
    for (const c of dev.capabilities) if (c.type === 'storage') expectTypeOf(c).toEqualTypeOf<OtherCapability>();
  });
});

describe('filterref on a NIC and encryption on volumes and disks', () => {
  it('round-trips <filterref> with parameters', () => {
    const nic = {
      type: 'network',
      source: { network: 'default' },
      filterref: { filter: 'f1', parameters: { IP: '10.0.0.5', MAC: '52:54:00:00:00:01' } },
    };
    expect(parseInterfaceXml(buildInterfaceXml(nic))).toEqual(nic);
  });

  it('round-trips <encryption> in a volume target and a disk', () => {
    const vol = { name: 'a.qcow2', capacity: 1048576n, target: { format: 'qcow2', encryption: { format: 'luks', secret: UUID } } };
    expect(buildStorageVolumeXml(vol).replace(/>\s+</g, '><')).toContain(
      `<encryption format="luks"><secret type="passphrase" uuid="${UUID}"/></encryption>`,
    );
    expect(parseStorageVolumeXml(buildStorageVolumeXml(vol)).target?.encryption).toEqual({ format: 'luks', secret: UUID });
    const disk = {
      type: 'file',
      device: 'disk',
      source: { file: '/v/a.qcow2' },
      target: { dev: 'vdb', bus: 'virtio' },
      encryption: { format: 'luks', secret: UUID },
    };
    expect(parseDiskXml(buildDiskXml(disk)).encryption).toEqual({ format: 'luks', secret: UUID });
  });
});

describe('secret and node-device events', () => {
  const secret = { uuid: UUID, usageType: 2, usageID: 'client.admin' };
  it('names lifecycle events and carries no value', () => {
    const ev = (family: 'secret' | 'nodeDevice', eventId: number, value: object): unknown =>
      toLibvirtEvent({ family, eventId, name: 'x', value: { callbackID: 1, ...value } } as DecodedEvent);
    expect(ev('secret', 0, { secret, event: 1, detail: 0 })).toEqual({ type: 'secret.lifecycle', secret, event: 'undefined', detail: 0 });
    expect(ev('secret', 1, { secret })).toEqual({ type: 'secret.value-changed', secret });
    expect(ev('nodeDevice', 0, { dev: { name: 'mdev_1' }, event: 2, detail: 0 })).toEqual({
      type: 'node-device.lifecycle',
      device: { name: 'mdev_1' },
      event: 'defined',
      detail: 0,
    });
    expect(ev('nodeDevice', 0, { dev: { name: 'x' }, event: 9, detail: 0 })).toMatchObject({ event: 'unknown(9)' });
    expect(ev('nodeDevice', 1, { dev: { name: 'x' } })).toEqual({ type: 'node-device.update', device: { name: 'x' } });
  });
});
