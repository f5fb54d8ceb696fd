/**
 * Defaults from real capabilities captured on this machine: the QEMU driver's
 * host capabilities and domain capabilities (q35 and i440fx), and the test
 * driver's host capabilities (it has no domain capabilities).
 */
import { describe, expect, it } from 'vitest';
import { resolvePlatform, validateSpec, type VmSpec } from '../../../src/creator/internal.js';
import type { DomainCapabilities } from '../../../src/xml/index.js';
import { QEMU_CAPS, QEMU_DOMCAPS_PC, QEMU_DOMCAPS_Q35, TEST_CAPS, refusal } from './helpers.js';

const spec = (extra: Partial<VmSpec> = {}): ReturnType<typeof validateSpec> => validateSpec({ name: 'vm1', memory: '1GiB', ...extra });

function withDevices(dc: DomainCapabilities, edit: (d: DomainCapabilities) => void): DomainCapabilities {
  const copy = structuredClone(dc);
  edit(copy);
  return copy;
}

describe('QEMU driver, q35 domain capabilities (TCG)', () => {
  const p = resolvePlatform(spec(), { capabilities: QEMU_CAPS, domainCapabilities: QEMU_DOMCAPS_Q35 });

  it('takes type, arch, machine and emulator from the host', () => {
    expect(p).toMatchObject({ domainType: 'qemu', arch: 'x86_64', machine: 'q35', emulator: '/usr/bin/qemu-system-x86_64', qemu: true });
  });

  it('uses virtio for disks, NICs and rng, and virtio-scsi for cdroms', () => {
    expect(p).toMatchObject({ diskBus: 'virtio', cdromBus: 'scsi', nicModel: 'virtio', videoModel: 'virtio' });
    expect(p.rng).toEqual({ model: 'virtio', backend: { model: 'random', path: '/dev/urandom' } });
    expect(p.guestAgent).toBe(true);
    expect(p.memballoon).toBe(true);
  });

  it('sets the x86 features and timers virt-install sets', () => {
    expect(p.features).toEqual({ acpi: true, apic: true, vmport: false });
    expect(p.clock).toEqual({
      offset: 'utc',
      timers: [
        { name: 'rtc', tickpolicy: 'catchup' },
        { name: 'pit', tickpolicy: 'delay' },
        { name: 'hpet', present: false },
      ],
    });
  });

  it('leaves the CPU model to QEMU under TCG', () => {
    expect(p.cpu).toBeUndefined();
  });

  it('uses firmware auto-selection for UEFI, with SMM and enrolled keys for Secure Boot', () => {
    const uefi = resolvePlatform(spec({ firmware: 'uefi' }), { capabilities: QEMU_CAPS, domainCapabilities: QEMU_DOMCAPS_Q35 });
    expect(uefi.firmware).toEqual({ firmware: 'efi' });
    const sb = resolvePlatform(spec({ firmware: 'uefi', secureBoot: true }), {
      capabilities: QEMU_CAPS,
      domainCapabilities: QEMU_DOMCAPS_Q35,
    });
    expect(sb.firmware.firmwareFeatures).toEqual([
      { name: 'secure-boot', enabled: true },
      { name: 'enrolled-keys', enabled: true },
    ]);
    expect(sb.features.smm).toBe(true);
  });

  it('refuses UEFI when the host lists no EFI firmware', () => {
    const noEfi = withDevices(QEMU_DOMCAPS_Q35, (d) => (d.os.enums['firmware'] = []));
    expect(refusal(() => resolvePlatform(spec({ firmware: 'uefi' }), { capabilities: QEMU_CAPS, domainCapabilities: noEfi })).path).toBe(
      'firmware',
    );
  });

  it('turns default devices off on request', () => {
    const off = resolvePlatform(spec({ defaultDevices: { guestAgent: false, rng: false, memballoon: false, tablet: false } }), {
      capabilities: QEMU_CAPS,
      domainCapabilities: QEMU_DOMCAPS_Q35,
    });
    expect(off).toMatchObject({ guestAgent: false, rng: undefined, memballoon: false, tablet: false });
  });

  it('drops rng and the agent channel when the host does not offer them', () => {
    const dc = withDevices(QEMU_DOMCAPS_Q35, (d) => {
      d.devices['rng'] = { supported: false, enums: {} };
      d.devices['channel'] = { supported: true, enums: { type: ['pty'] } };
    });
    expect(resolvePlatform(spec(), { capabilities: QEMU_CAPS, domainCapabilities: dc })).toMatchObject({
      rng: undefined,
      guestAgent: false,
    });
  });

  it('falls back to SATA on q35 when virtio and SCSI disks are not offered', () => {
    const dc = withDevices(QEMU_DOMCAPS_Q35, (d) => (d.devices['disk']!.enums['bus'] = ['sata', 'usb']));
    expect(resolvePlatform(spec(), { capabilities: QEMU_CAPS, domainCapabilities: dc })).toMatchObject({
      diskBus: 'sata',
      cdromBus: 'sata',
    });
  });

  it('refuses graphics the host does not offer', () => {
    const dc = withDevices(QEMU_DOMCAPS_Q35, (d) => (d.devices['graphics']!.enums['type'] = ['vnc']));
    expect(refusal(() => resolvePlatform(spec({ graphics: 'spice' }), { capabilities: QEMU_CAPS, domainCapabilities: dc })).path).toBe(
      'graphics.type',
    );
  });

  it('takes an explicit custom CPU model', () => {
    const custom = resolvePlatform(spec({ cpu: { mode: 'custom', model: 'qemu64' } }), {
      capabilities: QEMU_CAPS,
      domainCapabilities: QEMU_DOMCAPS_Q35,
    });
    expect(custom.cpu).toEqual({ mode: 'custom', match: 'exact', model: { name: 'qemu64', fallback: 'allow' } });
  });
});

describe('QEMU driver, i440fx domain capabilities', () => {
  it('keeps the machine the spec asks for', () => {
    const p = resolvePlatform(spec({ machine: 'pc' }), { capabilities: QEMU_CAPS, domainCapabilities: QEMU_DOMCAPS_PC });
    expect(p).toMatchObject({ machine: 'pc', diskBus: 'virtio', cdromBus: 'scsi' });
  });

  it('takes a canonical machine name as well as an alias', () => {
    const p = resolvePlatform(spec({ machine: 'pc-q35-7.2' }), { capabilities: QEMU_CAPS, domainCapabilities: QEMU_DOMCAPS_Q35 });
    expect(p.machine).toBe('pc-q35-7.2');
  });

  it('refuses a machine the host does not offer, as a spec error naming what it offers', () => {
    const error = refusal(() => resolvePlatform(spec({ machine: 'pc-q35-99.9' }), { capabilities: QEMU_CAPS }));
    expect(error).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'machine' });
    expect(error.message).toContain('"pc-q35-99.9"');
    expect(error.message).toContain('q35 (pc-q35-7.2)');
  });
});

describe('QEMU driver without domain capabilities', () => {
  it('prefers KVM when the host lists it, with the host CPU passed through', () => {
    const p = resolvePlatform(spec(), { capabilities: QEMU_CAPS });
    expect(p).toMatchObject({ domainType: 'kvm', arch: 'x86_64', machine: 'q35', emulator: undefined, cpu: { mode: 'host-passthrough' } });
  });

  it('uses TCG when asked', () => {
    expect(resolvePlatform(spec({ virtType: 'qemu' }), { capabilities: QEMU_CAPS }).domainType).toBe('qemu');
  });

  it('uses host-model under KVM when host-passthrough is not offered', () => {
    const p = resolvePlatform(spec({ virtType: 'kvm' }), { capabilities: QEMU_CAPS, domainCapabilities: QEMU_DOMCAPS_Q35 });
    expect(p.cpu).toEqual({ mode: 'host-model' });
  });
});

describe('test driver (host capabilities only)', () => {
  const p = resolvePlatform(spec(), { capabilities: TEST_CAPS });

  it("uses the driver's own type and architecture and no machine", () => {
    expect(p).toMatchObject({ domainType: 'test', arch: 'i686', machine: undefined, emulator: undefined, qemu: false });
  });

  it('keeps the generic defaults but no QEMU-only features or timers', () => {
    expect(p.features).toEqual({ acpi: true, apic: true });
    expect(p.clock).toEqual({ offset: 'utc' });
    expect(p).toMatchObject({ diskBus: 'virtio', cdromBus: 'ide', guestAgent: true, memballoon: true });
  });
});
