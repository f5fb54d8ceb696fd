/** Host and domain capabilities of the running daemons, parsed live (the unit tests use stored copies). */
import { describe, expect, it } from 'vitest';
import { parseCapabilitiesXml, parseDomainCapabilitiesXml } from '../../../src/xml/index.js';
import { QEMU_URI, TEST_URI, daemonUp, virsh } from './virsh.js';

describe.skipIf(!daemonUp(QEMU_URI))('capabilities of qemu:///system', () => {
  it('host capabilities', () => {
    const caps = parseCapabilitiesXml(virsh(QEMU_URI, 'capabilities'));
    expect(caps.host.cpu.arch).toBeTruthy();
    expect(caps.host.numaCells.length).toBeGreaterThan(0);
    const guest = caps.guests.find((g) => g.osType === 'hvm' && g.arch === caps.host.cpu.arch);
    expect(guest?.domains.map((d) => d.type)).toContain('qemu');
    expect(guest?.machines.length).toBeGreaterThan(0);
  });

  it.each([[[]], [['--machine', 'q35']]])('domain capabilities %j', (extra) => {
    const caps = parseDomainCapabilitiesXml(virsh(QEMU_URI, 'domcapabilities', '--virttype', 'qemu', ...extra));
    expect(caps.domain).toBe('qemu');
    expect(caps.vcpuMax).toBeGreaterThan(0);
    expect(caps.cpuModes['custom']?.models.length).toBeGreaterThan(0);
    expect(caps.devices['disk']?.enums['bus']).toContain('virtio');
    if (extra.length > 0) {
      expect(caps.machine).toMatch(/^pc-q35-/);
      expect(caps.os.enums['firmware']).toContain('efi');
    }
  });
});

describe.skipIf(!daemonUp(TEST_URI))('capabilities of the test driver', () => {
  it('host capabilities', () => {
    const caps = parseCapabilitiesXml(virsh(TEST_URI, 'capabilities'));
    expect(caps.host.cpu.arch).toBe('i686');
    expect(caps.guests.flatMap((g) => g.domains.map((d) => d.type))).toContain('test');
  });
});
