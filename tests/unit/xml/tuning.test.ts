/**
 * The typed `<memoryBacking>`, `<cputune>`, guest NUMA cells, Hyper-V
 * enlightenments and `<hostdev>`: written as libvirt writes them, parsed
 * back to the same model, and whatever the model does not know (here in the
 * forms libvirt 9.0 itself accepts) kept verbatim through a read-modify-write.
 */
import { describe, expect, it } from 'vitest';
import {
  buildDomainXml,
  buildHostdevXml,
  normalizeXml,
  parseDomainXml,
  parseHostdevXml,
  type DomainModel,
} from '../../../src/xml/index.js';

const MIB = 1024n * 1024n;

function domain(inner: string): string {
  return `<domain type="kvm"><name>vm1</name><memory unit="KiB">1048576</memory>${inner}<os><type>hvm</type></os><devices/></domain>`;
}

/** Parse, rebuild, and compare normalised: nothing lost, nothing added. */
function roundTrips(xml: string): DomainModel {
  const model = parseDomainXml(xml);
  expect(normalizeXml(buildDomainXml(model))).toBe(normalizeXml(xml));
  return model;
}

describe('memoryBacking', () => {
  it('typed parts', () => {
    const m = roundTrips(
      domain(
        '<memoryBacking><hugepages><page size="2048" unit="KiB" nodeset="0"/></hugepages><nosharepages/><locked/><source type="memfd"/><access mode="shared"/><allocation mode="immediate"/></memoryBacking>',
      ),
    );
    expect(m.memoryBacking).toEqual({
      hugepages: [{ size: 2n * MIB, nodeset: '0' }],
      nosharepages: true,
      locked: true,
      source: 'memfd',
      access: 'shared',
      allocation: 'immediate',
    });
  });
  it('keeps what it does not model', () => {
    const m = roundTrips(domain('<memoryBacking><discard/><allocation mode="immediate" threads="8"/></memoryBacking>'));
    expect(m.memoryBacking?.extraElements).toEqual(['<allocation mode="immediate" threads="8"/>', '<discard/>']);
  });
});

describe('cputune and numa', () => {
  it('pins and cells', () => {
    const m = roundTrips(
      domain(
        '<cputune><vcpupin vcpu="0" cpuset="1"/><emulatorpin cpuset="0"/><shares>2048</shares></cputune><cpu><numa><cell id="0" cpus="0" memory="1048576" unit="KiB" memAccess="shared"><distances><sibling id="0" value="10"/></distances></cell></numa></cpu>',
      ),
    );
    expect(m.cputune).toEqual({ vcpupins: [{ vcpu: 0, cpuset: '1' }], emulatorpin: '0', extraElements: ['<shares>2048</shares>'] });
    expect(m.cpu?.numa).toEqual([
      {
        id: 0,
        cpus: '0',
        memory: 1024n * MIB,
        memAccess: 'shared',
        extraElements: ['<distances><sibling id="0" value="10"/></distances>'],
      },
    ]);
  });
  it('keeps a <numa> with more than cells whole', () => {
    const m = roundTrips(
      domain(
        '<cpu><numa><cell id="0" cpus="0" memory="1048576" unit="KiB"/><interconnects><latency initiator="0" target="0" type="access" value="5"/></interconnects></numa></cpu>',
      ),
    );
    expect(m.cpu?.numa).toBeUndefined();
    expect(m.cpu?.extraElements?.[0]).toMatch(/^<numa>/);
  });
});

describe('hyperv', () => {
  it('typed when it is only what the model knows', () => {
    const m = roundTrips(
      domain(
        '<features><hyperv mode="custom"><relaxed state="on"/><vapic state="off"/><spinlocks state="on" retries="8191"/></hyperv></features>',
      ),
    );
    expect(m.features?.hyperv).toEqual({ relaxed: true, vapic: false, spinlocks: 8191 });
  });
  it('keeps vendor_id inside, and a passthrough-mode <hyperv> whole', () => {
    const m = roundTrips(
      domain('<features><hyperv mode="custom"><relaxed state="on"/><vendor_id state="on" value="KVMKVMKVM"/></hyperv></features>'),
    );
    expect(m.features?.hyperv).toEqual({ relaxed: true, extraElements: ['<vendor_id state="on" value="KVMKVMKVM"/>'] });
    const p = roundTrips(domain('<features><hyperv mode="passthrough"/></features>'));
    expect(p.features?.hyperv).toBeUndefined();
    expect(p.features?.extraElements).toEqual(['<hyperv mode="passthrough"/>']);
  });
  it('refuses a spinlock count libvirt would refuse', () => {
    expect(() => buildDomainXml({ ...parseDomainXml(domain('')), features: { hyperv: { spinlocks: 100 } } })).toThrow(/4095/);
  });
});

describe('hostdev', () => {
  it('PCI, USB and mdev', () => {
    const pci =
      '<hostdev mode="subsystem" type="pci" managed="yes"><source><address domain="0x0000" bus="0x01" slot="0x00" function="0x0"/></source><rom bar="off"/></hostdev>';
    expect(parseHostdevXml(pci)).toEqual({
      mode: 'subsystem',
      type: 'pci',
      managed: true,
      source: { address: { domain: '0x0000', bus: '0x01', slot: '0x00', function: '0x0' } },
      extraElements: ['<rom bar="off"/>'],
    });
    expect(normalizeXml(buildHostdevXml(parseHostdevXml(pci)))).toBe(normalizeXml(pci));
    const usb =
      '<hostdev mode="subsystem" type="usb" managed="yes"><source startupPolicy="optional"><vendor id="0x046d"/><product id="0xc52b"/></source></hostdev>';
    expect(parseHostdevXml(usb).source).toEqual({ vendor: '0x046d', product: '0xc52b', extraAttributes: { startupPolicy: 'optional' } });
    expect(normalizeXml(buildHostdevXml(parseHostdevXml(usb)))).toBe(normalizeXml(usb));
    const mdev =
      '<hostdev mode="subsystem" type="mdev" model="vfio-pci" display="on"><source><address uuid="4b20d080-1b54-4048-85b3-a6a62d165c01"/></source></hostdev>';
    expect(normalizeXml(buildHostdevXml(parseHostdevXml(mdev)))).toBe(normalizeXml(mdev));
  });
});
