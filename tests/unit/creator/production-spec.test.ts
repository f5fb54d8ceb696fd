/**
 * The production VmSpec fields, without a daemon: each field's XML (built by
 * buildVmXml on facts captured from this machine's QEMU driver), the checks
 * made before anything is sent (typed errors with the field path), the
 * checks against domain capabilities, and the Windows 11 preset.
 */
import { describe, expect, it } from 'vitest';
import { buildVmXml, windows11Spec, type VmSpec } from '../../../src/creator/index.js';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import { parseDomainXml, type DomainCapabilities } from '../../../src/xml/index.js';
import { QEMU_DOMCAPS_Q35, qemuFacts } from './helpers.js';

/** The q35 capabilities with swtpm_setup installed (libvirt then offers the emulator backend, TPM 1.2 and 2.0). */
const WITH_SWTPM: DomainCapabilities = structuredClone(QEMU_DOMCAPS_Q35);
WITH_SWTPM.devices['tpm']!.enums['backendModel'] = ['passthrough', 'emulator', 'external'];
WITH_SWTPM.devices['tpm']!.enums['backendVersion'] = ['1.2', '2.0'];

const base: VmSpec = { name: 'lvm-prod', memory: '1GiB', vcpus: 2 };
const xmlOf = (extra: Partial<VmSpec>, dc: DomainCapabilities = WITH_SWTPM): string =>
  buildVmXml({ ...base, ...extra }, { facts: qemuFacts({ domainCapabilities: dc }) });
const modelOf = (extra: Partial<VmSpec>, dc?: DomainCapabilities): ReturnType<typeof parseDomainXml> => parseDomainXml(xmlOf(extra, dc));

function refused(extra: Partial<VmSpec>, path: string, dc?: DomainCapabilities): InvalidArgumentError {
  let error: unknown;
  try {
    xmlOf(extra, dc);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as InvalidArgumentError).path).toBe(path);
  return error as InvalidArgumentError;
}

describe('firmware', () => {
  it("'uefi' and { type: 'uefi' } let libvirt pick OVMF", () => {
    expect(modelOf({ firmware: 'uefi' }).os.firmware).toBe('efi');
    expect(modelOf({ firmware: { type: 'uefi' } }).os).toMatchObject({ firmware: 'efi' });
    expect(modelOf({ firmware: { type: 'uefi' } }).os.firmwareFeatures).toBeUndefined();
    // Off explicitly: libvirt 9.0 would otherwise pick the Secure Boot build.
    expect(modelOf({ firmware: { type: 'uefi', secureBoot: false } }).os.firmwareFeatures).toEqual([
      { name: 'secure-boot', enabled: false },
    ]);
  });
  it('secure boot asks for enrolled keys and turns SMM on', () => {
    const m = modelOf({ firmware: { type: 'uefi', secureBoot: true } });
    expect(m.os.firmwareFeatures).toEqual([
      { name: 'secure-boot', enabled: true },
      { name: 'enrolled-keys', enabled: true },
    ]);
    expect(m.features?.smm).toBe(true);
  });
  it('refuses secure boot without UEFI, off q35, or on a host without it', () => {
    refused({ secureBoot: true }, 'secureBoot');
    refused({ firmware: { type: 'uefi', secureBoot: true }, machine: 'pc' }, 'firmware.secureBoot');
    const noEfi = structuredClone(WITH_SWTPM);
    noEfi.os.enums['firmware'] = [];
    refused({ firmware: 'uefi' }, 'firmware', noEfi);
    refused({ firmware: { type: 'bios' } as never }, 'firmware.type');
  });
});

describe('tpm', () => {
  it('true is an emulated TPM 2.0 on the CRB interface on q35', () => {
    expect(modelOf({ tpm: true }).devices.tpms).toEqual([{ model: 'tpm-crb', backend: { type: 'emulator', version: '2.0' } }]);
    expect(modelOf({ tpm: { version: '1.2' } }).devices.tpms?.[0]?.model).toBe('tpm-tis');
  });
  it('is refused when libvirt offers no emulator (swtpm_setup missing) and for CRB 1.2', () => {
    expect(refused({ tpm: true }, 'tpm', QEMU_DOMCAPS_Q35).message).toMatch(/swtpm-tools/);
    refused({ tpm: { model: 'tpm-crb', version: '1.2' } }, 'tpm.model');
  });
});

describe('filesystems and memoryBacking', () => {
  it('a virtiofs share adds memfd shared memory', () => {
    const m = modelOf({ filesystems: [{ source: '/srv/share', tag: 'share' }] });
    expect(m.devices.filesystems).toEqual([
      { type: 'mount', accessMode: 'passthrough', driver: { type: 'virtiofs' }, source: { dir: '/srv/share' }, target: { dir: 'share' } },
    ]);
    expect(m.memoryBacking).toEqual({ source: 'memfd', access: 'shared' });
  });
  it('hugepages, locked and shared', () => {
    expect(modelOf({ memoryBacking: { hugepages: '2MiB', locked: true, shared: true } }).memoryBacking).toEqual({
      hugepages: [{ size: 2n * 1024n * 1024n }],
      locked: true,
      access: 'shared',
    });
    expect(modelOf({ memoryBacking: { hugepages: true } }).memoryBacking).toEqual({ hugepages: true });
  });
  it('refuses bad shares', () => {
    refused({ filesystems: [{ source: 'relative', tag: 't' }] }, 'filesystems[0].source');
    refused(
      {
        filesystems: [
          { source: '/a', tag: 't' },
          { source: '/b', tag: 't' },
        ],
      },
      'filesystems[1].tag',
    );
    refused({ filesystems: [{ source: '/a', tag: 't', readonly: true } as never] }, 'filesystems[0].readonly');
    refused({ filesystems: [{ source: '/a', tag: 't' }], memoryBacking: { shared: false } }, 'memoryBacking.shared');
    refused({ memoryBacking: { hugepages: '3KiB' } }, 'memoryBacking.hugepages');
  });
});

describe('cpu and numa', () => {
  it('topology, features and pinning', () => {
    const m = modelOf({
      cpu: {
        mode: 'custom',
        model: 'qemu64',
        topology: { sockets: 1, cores: 2, threads: 1 },
        features: [{ name: 'sse4.2', policy: 'disable' }],
        pinning: { vcpus: ['0', '1'], emulator: '0-1' },
      },
    });
    expect(m.cpu).toMatchObject({ mode: 'custom', model: { name: 'qemu64' }, topology: { sockets: 1, cores: 2, threads: 1 } });
    expect(m.cpu?.features).toEqual([{ name: 'sse4.2', policy: 'disable' }]);
    expect(m.cputune).toEqual({
      vcpupins: [
        { vcpu: 0, cpuset: '0' },
        { vcpu: 1, cpuset: '1' },
      ],
      emulatorpin: '0-1',
    });
  });
  it('numa cells, even with the default CPU model', () => {
    const m = modelOf({
      numa: [
        { cpus: '0', memory: '512MiB' },
        { cpus: '1', memory: '512MiB' },
      ],
    });
    expect(m.cpu?.numa).toEqual([
      { id: 0, cpus: '0', memory: 512n * 1024n * 1024n },
      { id: 1, cpus: '1', memory: 512n * 1024n * 1024n },
    ]);
  });
  it('refuses what does not add up', () => {
    refused({ cpu: { topology: { sockets: 2, cores: 2, threads: 1 } } }, 'cpu.topology');
    refused({ cpu: { mode: 'host-model', model: 'qemu64' } }, 'cpu.model');
    refused({ cpu: { pinning: { vcpus: ['0', '1', '2'] } } }, 'cpu.pinning.vcpus');
    refused({ cpu: { pinning: { vcpus: ['zero'] } } }, 'cpu.pinning.vcpus[0]');
    refused({ numa: [{ cpus: '0-1', memory: '512MiB' }] }, 'numa');
    refused(
      {
        numa: [
          { cpus: '0', memory: '512MiB' },
          { cpus: '0-1', memory: '512MiB' },
        ],
      },
      'numa[1].cpus',
    );
    refused(
      {
        numa: [
          { cpus: '0', memory: '1GiB' },
          { cpus: '2', memory: '1GiB' },
        ],
      },
      'numa[1].cpus',
    );
  });
});

describe('hostdevs', () => {
  it('PCI by node device name or address, USB by ids, mdev by UUID', () => {
    const m = modelOf({
      hostdevs: [
        { nodeDevice: 'pci_0000_00_1f_2' },
        { pci: '0000:01:00.0', managed: false },
        { usb: { vendor: '0x046D', product: '0xc52b' } },
        { nodeDevice: 'mdev_4b20d080_1b54_4048_85b3_a6a62d165c01_0000_00_02_0' },
      ],
    });
    expect(m.devices.hostdevs).toEqual([
      {
        mode: 'subsystem',
        type: 'pci',
        managed: true,
        source: { address: { domain: '0x0000', bus: '0x00', slot: '0x1f', function: '0x2' } },
      },
      {
        mode: 'subsystem',
        type: 'pci',
        managed: false,
        source: { address: { domain: '0x0000', bus: '0x01', slot: '0x00', function: '0x0' } },
      },
      { mode: 'subsystem', type: 'usb', managed: true, source: { vendor: '0x046d', product: '0xc52b' } },
      { mode: 'subsystem', type: 'mdev', model: 'vfio-pci', source: { address: { uuid: '4b20d080-1b54-4048-85b3-a6a62d165c01' } } },
    ]);
  });
  it('refuses unknown names, two sources and duplicates', () => {
    expect(refused({ hostdevs: [{ nodeDevice: 'net_eth0_52_54_00_12_34_56' }] }, 'hostdevs[0].nodeDevice').message).toMatch(
      /PCI.*USB.*mdev/,
    );
    refused({ hostdevs: [{ pci: '0000:01:00.0', usb: { vendor: '0x1', product: '0x2' } }] }, 'hostdevs[0]');
    refused({ hostdevs: [{ pci: '0000:01:00.0' }, { nodeDevice: 'pci_0000_01_00_0' }] }, 'hostdevs[1]');
    refused({ hostdevs: [{ nodeDevice: 'usb_1_3' }, { nodeDevice: 'usb_1_3' }] }, 'hostdevs[1]');
  });
  it('a USB device by node device name needs the connection (VmCreator looks it up); buildVmXml refuses it', () => {
    expect(refused({ hostdevs: [{ nodeDevice: 'usb_1_3' }] }, 'hostdevs[0].nodeDevice').message).toMatch(/is a USB node device/);
  });
});

describe('graphics password', () => {
  it('a literal password: VNC at most 8 bytes (libvirt 9.0 refuses longer), SPICE longer', () => {
    expect(modelOf({ graphics: { type: 'vnc', password: '8bytes!!' } }).devices.graphics?.[0]?.passwd).toBe('8bytes!!');
    const long = refused({ graphics: { type: 'vnc', password: 'nine-byte' } }, 'graphics.password');
    expect(long.message).toMatch(/9 bytes long/);
    expect(long.message).not.toContain('nine-byte');
    refused({ graphics: { type: 'vnc', password: 'ééééé' } }, 'graphics.password'); // 10 bytes in UTF-8
    expect(modelOf({ graphics: { type: 'spice', password: 'longer than eight' } }).devices.graphics?.[0]?.passwd).toBe('longer than eight');
  });
  it('a secret: UUID or usage, checked in shape here; only VmCreator reads it', () => {
    const uuid = '6a6f1c3e-0d5b-4c3e-9a57-1b2c3d4e5f60';
    expect(refused({ graphics: { type: 'vnc', password: { secret: uuid } } }, 'graphics.password').message).toMatch(/is a secret/);
    refused({ graphics: { type: 'vnc', password: { secret: { type: 'tls', id: 'vnc' } } } }, 'graphics.password');
    refused({ graphics: { type: 'vnc', password: { secret: 'not-a-uuid' } } }, 'graphics.password.secret');
    refused({ graphics: { type: 'vnc', password: { secret: { type: 'none', id: 'x' } } } as never }, 'graphics.password.secret');
    refused({ graphics: { type: 'vnc', password: { secret: { type: 'tls', id: '' } } } }, 'graphics.password.secret.id');
    refused({ graphics: { type: 'vnc', password: { secret: uuid, value: 'x' } as never } }, 'graphics.password');
    refused({ graphics: { type: 'vnc', password: 42 as never } }, 'graphics.password');
  });
});

describe('watchdog, rng, video, hyperv, clock', () => {
  it('defaults the watchdog to i6300esb (libvirt 9.0 does not know iTCO), iTCO only on q35', () => {
    expect(modelOf({ watchdog: { action: 'poweroff' } }).devices.watchdogs).toEqual([{ model: 'i6300esb', action: 'poweroff' }]);
    refused({ watchdog: { model: 'itco' }, machine: 'pc' }, 'watchdog.model');
  });
  it('rng source and video model', () => {
    expect(modelOf({ rng: { source: '/dev/random' } }).devices.rngs?.[0]?.backend).toMatchObject({ path: '/dev/random' });
    expect(modelOf({ graphics: 'vnc', video: { model: 'qxl', heads: 2 } }).devices.videos?.[0]?.model).toMatchObject({
      type: 'qxl',
      heads: 2,
    });
    refused({ rng: { source: '/dev/zero' as never } }, 'rng.source');
  });
  it('hyperv brings the enlightenments and the Hyper-V clock', () => {
    const m = modelOf({ hyperv: true, clockOffset: 'localtime' });
    expect(m.features?.hyperv).toMatchObject({ relaxed: true, vapic: true, spinlocks: 8191, synic: true, stimer: true });
    expect(m.clock?.offset).toBe('localtime');
    expect(m.clock?.timers).toContainEqual({ name: 'hypervclock', present: true });
  });
});

describe('device cap', () => {
  it('counts virtiofs shares and host devices toward the 226 devices', () => {
    const filesystems = Array.from({ length: 200 }, (_, i) => ({ source: `/srv/${i}`, tag: `t${i}` }));
    const hostdevs = Array.from({ length: 30 }, (_, i) => ({ pci: `0000:${i.toString(16).padStart(2, '0')}:00.0` }));
    expect(refused({ filesystems, hostdevs }, 'hostdevs').message).toMatch(/230 devices/);
  });
});

describe('windows11Spec', () => {
  it('is q35, UEFI + secure boot, TPM 2.0 CRB, Hyper-V, SATA by default', () => {
    const spec = windows11Spec({ name: 'lvm-win', disk: { kind: 'new', pool: 'default', size: '64GiB' }, installMedia: '/srv/win.iso' });
    const m = parseDomainXml(buildVmXml(spec, { facts: qemuFacts({ domainCapabilities: WITH_SWTPM }) }));
    expect(m.os).toMatchObject({ machine: 'q35', firmware: 'efi' });
    expect(m.features).toMatchObject({ smm: true, hyperv: { relaxed: true } });
    expect(m.devices.tpms?.[0]).toEqual({ model: 'tpm-crb', backend: { type: 'emulator', version: '2.0' } });
    expect(m.devices.disks?.map((d) => d.target.bus)).toEqual(['sata', 'sata']);
    expect(m.devices.interfaces?.[0]?.model).toBe('e1000e');
    expect(m.memory).toBe(4n * 1024n ** 3n);
  });
  it('virtio per the caller', () => {
    const spec = windows11Spec({ name: 'lvm-win', bus: 'virtio', disk: { kind: 'new', pool: 'default', size: '64GiB' } });
    expect(spec.disks?.[0]?.bus).toBe('virtio');
    expect(spec.networks?.[0]?.model).toBe('virtio');
  });
});
