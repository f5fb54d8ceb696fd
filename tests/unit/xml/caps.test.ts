import { describe, expect, it } from 'vitest';
import { XmlParseError, parseCapabilitiesXml, parseDomainCapabilitiesXml } from '../../../src/xml/index.js';
import { fixture } from './helpers.js';

describe('host capabilities (virsh capabilities)', () => {
  it('QEMU driver', () => {
    const caps = parseCapabilitiesXml(fixture('qemu-capabilities.xml'));
    expect(caps.host.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(caps.host.cpu).toMatchObject({
      arch: 'x86_64',
      model: 'kvm64',
      vendor: 'AMD',
      topology: { sockets: 1, dies: 1, cores: 2, threads: 1 },
    });
    expect(caps.host.cpu.features.length).toBeGreaterThan(10);
    expect(caps.host.cpu.pageSizes).toEqual([4096n, 2n * 1024n * 1024n, 1024n ** 3n]);
    expect(caps.host.powerManagement).toEqual([]);
    expect(caps.host.iommu).toBe(false);
    expect(caps.host.migration).toEqual({ live: true, uriTransports: ['tcp', 'rdma'] });
    expect(caps.host.numaCells).toEqual([{ id: 0, memory: 4679884n * 1024n, cpus: [0, 1] }]);
    expect(caps.host.securityModels.map((s) => s.model)).toEqual(['none', 'dac']);
    expect(caps.host.securityModels[1]?.baseLabels).toContainEqual({ type: 'kvm', label: '+0:+0' });

    const x86 = caps.guests.find((g) => g.arch === 'x86_64' && g.osType === 'hvm');
    expect(x86).toBeDefined();
    expect(x86!.wordSize).toBe(64);
    expect(x86!.emulator).toBe('/usr/bin/qemu-system-x86_64');
    expect(x86!.domains.map((d) => d.type)).toEqual(['qemu', 'kvm']);
    expect(x86!.machines).toContainEqual({ name: 'q35', canonical: 'pc-q35-7.2', maxCpus: 288 });
    expect(x86!.machines.find((m) => m.name === 'pc-q35-7.2')).toEqual({ name: 'pc-q35-7.2', maxCpus: 288 });
    expect(x86!.features).toContainEqual({ name: 'acpi', default: true, toggle: true });
    expect(x86!.features).toContainEqual({ name: 'cpuselection' });
    expect(caps.guests.map((g) => g.arch)).toContain('i686');
  });

  it('test driver', () => {
    const caps = parseCapabilitiesXml(fixture('test-capabilities.xml'));
    expect(caps.host.cpu.arch).toBe('i686');
    expect(caps.host.cpu.features).toEqual(['pae', 'nonpae']);
    expect(caps.host.numaCells.map((c) => [c.id, c.memory, c.cpus.length])).toEqual([
      [0, 2097152n * 1024n, 8],
      [1, 4194304n * 1024n, 8],
    ]);
    expect(caps.host.securityModels).toEqual([{ model: 'testSecurity', doi: '', baseLabels: [] }]);
    expect(caps.guests.map((g) => [g.osType, g.arch, g.domains.map((d) => d.type)])).toEqual([
      ['hvm', 'i686', ['test']],
      ['xen', 'i686', ['test']],
    ]);
  });

  it('refuses other documents', () => {
    expect(() => parseCapabilitiesXml('<domainCapabilities/>')).toThrow(XmlParseError);
    expect(() => parseCapabilitiesXml('<capabilities/>')).toThrow(/missing <host>/);
  });
});

describe('domain capabilities (virsh domcapabilities)', () => {
  it('QEMU default machine (i440fx)', () => {
    const caps = parseDomainCapabilitiesXml(fixture('qemu-domcapabilities.xml'));
    expect(caps).toMatchObject({
      path: '/usr/bin/qemu-system-x86_64',
      domain: 'qemu',
      machine: 'pc-i440fx-7.2',
      arch: 'x86_64',
      vcpuMax: 255,
      iothreads: true,
    });
    expect(caps.os.supported).toBe(true);
    expect(caps.os.enums['firmware']).toEqual(['efi']);
    expect(caps.os.loader?.values).toEqual(['/usr/share/OVMF/OVMF_CODE_4M.fd']);
    expect(caps.os.loader?.enums).toEqual({ type: ['rom', 'pflash'], readonly: ['yes', 'no'], secure: ['no'] });
    expect(caps.devices['disk']?.enums['bus']).toContain('ide');
  });

  it('QEMU q35', () => {
    const caps = parseDomainCapabilitiesXml(fixture('qemu-domcapabilities-q35.xml'));
    expect(caps.machine).toBe('pc-q35-7.2');
    expect(caps.vcpuMax).toBe(288);
    expect(caps.os.loader?.values).toEqual([
      '/usr/share/OVMF/OVMF_CODE_4M.ms.fd',
      '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd',
      '/usr/share/OVMF/OVMF_CODE_4M.fd',
    ]);
    expect(caps.os.loader?.enums['secure']).toEqual(['yes', 'no']);
    expect(caps.cpuModes['host-passthrough']).toEqual({ supported: false, enums: {}, models: [], features: [] });
    expect(caps.cpuModes['maximum']?.enums).toEqual({ maximumMigratable: ['on', 'off'] });
    const hostModel = caps.cpuModes['host-model']!;
    expect(hostModel.supported).toBe(true);
    expect(hostModel.models).toEqual([{ name: 'EPYC' }]);
    expect(hostModel.vendor).toBe('AMD');
    expect(hostModel.features).toContainEqual({ name: 'vme', policy: 'disable' });
    const custom = caps.cpuModes['custom']!;
    expect(custom.models).toContainEqual({ name: 'qemu64', usable: 'yes', vendor: 'unknown' });
    expect(custom.models).toContainEqual({ name: 'EPYC', usable: 'no', vendor: 'AMD' });
    expect(caps.memoryBacking?.enums['sourceType']).toEqual(['file', 'anonymous', 'memfd']);
    expect(caps.devices['disk']?.enums).toMatchObject({
      diskDevice: ['disk', 'cdrom', 'floppy', 'lun'],
      bus: ['fdc', 'scsi', 'virtio', 'usb', 'sata'],
    });
    expect(caps.devices['graphics']?.enums['type']).toEqual(['sdl', 'vnc', 'spice', 'egl-headless', 'dbus']);
    expect(caps.devices['video']?.enums['modelType']).toContain('virtio');
    expect(caps.devices['hostdev']?.enums['subsysType']).toEqual(['usb', 'pci', 'scsi']);
    expect(caps.devices['hostdev']?.enums['capsType']).toEqual([]);
    expect(caps.devices['rng']?.enums['backendModel']).toEqual(['random', 'egd', 'builtin']);
    expect(caps.devices['tpm']?.enums).toEqual({ model: ['tpm-tis', 'tpm-crb'], backendModel: ['passthrough'] });
    expect(caps.devices['filesystem']?.enums['driverType']).toEqual(['path', 'handle', 'virtiofs']);
    expect(caps.devices['channel']?.enums['type']).toEqual(['pty', 'unix', 'spicevmc']);
    expect(caps.features['gic']).toEqual({ supported: false, enums: {} });
    expect(caps.features['vmcoreinfo']?.supported).toBe(true);
    expect(caps.features['genid']?.supported).toBe(true);
    expect(caps.features['sev']?.supported).toBe(false);
    expect(caps.features['hyperv']?.enums['features']).toEqual(['spinlocks', 'vendor_id']);
  });

  it('reads SEV details', () => {
    const caps = parseDomainCapabilitiesXml(
      "<domainCapabilities><domain>kvm</domain><arch>x86_64</arch><features><sev supported='yes'><cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits><maxGuests>15</maxGuests></sev></features></domainCapabilities>",
    );
    expect(caps.features['sev']).toEqual({ supported: true, enums: {}, details: { cbitpos: '47', reducedPhysBits: '1', maxGuests: '15' } });
    expect(caps.os).toEqual({ supported: false, enums: {} });
  });

  it('refuses other documents', () => {
    expect(() => parseDomainCapabilitiesXml('<capabilities/>')).toThrow(XmlParseError);
  });
});
