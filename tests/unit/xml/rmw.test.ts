/**
 * Read-modify-write: XML produced by real daemons (libvirt 9.0 test driver and
 * QEMU driver, captured in tests/fixtures/xml) is parsed, one field changed,
 * rebuilt, and compared with the original carrying the same change.
 * Comparison is by normalised XML, order-insensitive per parent between
 * differently named children (see normalizeXml): libvirt's schema interleaves
 * them and libvirt writes them in its own fixed order anyway.
 */
import { describe, expect, it } from 'vitest';
import { buildDomainXml, normalizeXml, parseDomainXml, type DomainModel } from '../../../src/xml/index.js';
import { fixture } from './helpers.js';

interface Case {
  file: string;
  modify: (model: DomainModel) => void;
  /** The same change applied to the original text. */
  expected: (xml: string) => string;
}

const CASES: Case[] = [
  {
    file: 'test-driver-domain.xml',
    modify: (m) => {
      m.devices.disks![0]!.source!.file = '/guest/other.img';
    },
    expected: (xml) => xml.replace("file='/guest/diskimage1'", "file='/guest/other.img'"),
  },
  {
    file: 'qemu-running-domain.xml',
    modify: (m) => {
      m.os.cmdline = 'console=ttyS0 loglevel=7';
    },
    expected: (xml) => xml.replace('<cmdline>console=ttyS0 quiet panic=-1</cmdline>', '<cmdline>console=ttyS0 loglevel=7</cmdline>'),
  },
  {
    file: 'qemu-defined-all-devices.xml',
    modify: (m) => {
      m.memory = 4n * 1024n ** 3n;
    },
    expected: (xml) => xml.replace("<memory unit='KiB'>2097152</memory>", "<memory unit='KiB'>4194304</memory>"),
  },
  {
    file: 'qemu-defined-exotic.xml',
    modify: (m) => {
      m.title = 'Renamed <again>';
    },
    expected: (xml) => xml.replace('<title>Exotic &amp; rich</title>', '<title>Renamed &lt;again&gt;</title>'),
  },
];

describe('read-modify-write keeps everything the model does not know', () => {
  for (const c of CASES) {
    describe(c.file, () => {
      const original = fixture(c.file);

      it('rebuilds an unmodified parse to the same document', () => {
        const rebuilt = buildDomainXml(parseDomainXml(original), { nameRule: 'libvirt' });
        expect(normalizeXml(rebuilt)).toBe(normalizeXml(original));
      });

      it('changes only the modified field', () => {
        const expected = c.expected(original);
        expect(expected).not.toBe(original);
        const model = parseDomainXml(original);
        c.modify(model);
        expect(normalizeXml(buildDomainXml(model, { nameRule: 'libvirt' }))).toBe(normalizeXml(expected));
      });

      it('keeps the order of same-named elements (disks, boot devices, NICs)', () => {
        const rebuilt = buildDomainXml(parseDomainXml(original), { nameRule: 'libvirt' });
        expect(normalizeXml(rebuilt, { ignoreOrder: true })).toBe(normalizeXml(original, { ignoreOrder: true }));
        const order = (xml: string) =>
          [...xml.matchAll(/<(disk|interface|boot|input|controller) [^>]*>/g)].map((m) => m[0].replace(/"/g, "'"));
        expect(order(rebuilt)).toEqual(order(original));
      });
    });
  }

  it('keeps unknown content in the right places (exotic fixture)', () => {
    const m = parseDomainXml(fixture('qemu-defined-exotic.xml'));
    expect(m.extraAttributes).toEqual({ 'xmlns:qemu': 'http://libvirt.org/schemas/domain/qemu/1.0' });
    expect(m.extraElements?.map((e) => /^<([\w:-]+)/.exec(e)?.[1])).toEqual(['iothreads', 'sysinfo', 'pm', 'qemu:commandline']);
    // <cputune> is typed now; what the model does not know (<shares>) stays inside it.
    expect(m.cputune).toEqual({ extraElements: ['<shares>2048</shares>'] });
    expect(m.metadata?.ownership).toBeUndefined();
    expect(m.metadata?.extraElements?.[0]).toContain('xmlns:other="https://example.org/other/2"');
    expect(m.os.extraElements).toEqual(['<bios useserial="yes"/>', '<smbios mode="sysinfo"/>']);
    expect(m.features).toMatchObject({ acpi: true, pmu: false, vmport: false });
    expect(m.features?.apic).toBeUndefined(); // <apic eoi='on'/> is kept whole, not half-understood
    expect(m.features?.extraElements?.[0]).toBe('<apic eoi="on"/>');
    expect(m.clock).toEqual({
      offset: 'variable',
      extraAttributes: { adjustment: '3600', basis: 'utc' },
      timers: [{ name: 'rtc', tickpolicy: 'catchup', extraAttributes: { track: 'guest' } }],
    });
    expect(m.devices.disks?.[0]?.driver?.extraAttributes).toEqual({ iothread: '1' });
    expect(m.devices.disks?.[1]).toMatchObject({ device: 'cdrom', target: { dev: 'hdc', bus: 'ide', tray: 'open' } });
    expect(m.devices.interfaces?.[0]?.extraElements?.length).toBe(3); // bandwidth, driver, rom
    expect(m.devices.videos?.[0]?.model).toEqual({
      type: 'qxl',
      vramKiB: 65536,
      heads: 1,
      primary: true,
      extraAttributes: { ram: '65536', vgamem: '16384' },
    });
    expect(m.devices.extraElements?.map((e) => /^<(\w+)/.exec(e)?.[1])).toEqual(['sound', 'audio', 'redirdev', 'hub', 'panic']);
    expect(m.memory).toBe(512n * 1024n * 1024n);
    expect(m.currentMemory).toBe(256n * 1024n * 1024n);
  });

  it('parses the live XML of a running QEMU domain (aliases, addresses, id)', () => {
    const m = parseDomainXml(fixture('qemu-running-domain.xml'));
    expect(m.id).toBeGreaterThan(0);
    expect(m.devices.serials?.[0]).toMatchObject({ type: 'file', alias: 'serial0', target: { type: 'isa-serial', port: 0 } });
    expect(m.devices.controllers?.find((c) => c.type === 'usb')?.address).toEqual({
      type: 'pci',
      domain: '0x0000',
      bus: '0x01',
      slot: '0x00',
      function: '0x0',
    });
    expect(m.extraElements?.some((e) => e.startsWith('<seclabel'))).toBe(true);
  });
});
