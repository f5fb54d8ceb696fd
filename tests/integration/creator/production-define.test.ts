/**
 * The production VmSpec fields on real daemons, without booting anything:
 * every field is defined through VmCreator on qemu:///system (libvirt 9.0,
 * QEMU 7.2) and read back from libvirt's own XML; libvirt's XML parsed and
 * rebuilt by the SDK redefines to the same XML (unknown elements survive);
 * the test driver takes the same spec through the API; and capability
 * refusals happen before anything is sent.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { VmCreator, windows11Spec, type VmSpec } from '../../../src/creator/internal.js';
import { VmDestroyer } from '../../../src/destroyer/internal.js';
import { VmLifecycleManager } from '../../../src/lifecycle/internal.js';
import { buildDomainXml, normalizeXml, parseDomainXml } from '../../../src/xml/index.js';
import { QEMU_URI, TEST_URI, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';

let qemu: LibvirtConnection;
let test: LibvirtConnection;
const made: { uri: string; name: string }[] = [];

/** A PCI device of this host (never started: a hostdev is only claimed at start). */
function hostPciDevice(): string {
  const name = virsh(QEMU_URI, 'nodedev-list', '--cap', 'pci').split('\n')[0]?.trim();
  if (name === undefined || name === '') throw new Error('no PCI node device on this host');
  return name;
}

function everything(name: string): VmSpec {
  return {
    name,
    memory: '1GiB',
    vcpus: 2,
    virtType: 'qemu',
    firmware: { type: 'uefi', secureBoot: true },
    tpm: true,
    filesystems: [{ source: '/tmp', tag: 'hosttmp' }],
    memoryBacking: { locked: true },
    cpu: {
      mode: 'custom',
      model: 'qemu64',
      topology: { sockets: 1, cores: 2, threads: 1 },
      features: [{ name: 'sse4.2', policy: 'disable' }],
      pinning: { vcpus: ['0', '0'], emulator: '0' },
    },
    numa: [
      { cpus: '0', memory: '512MiB' },
      { cpus: '1', memory: '512MiB' },
    ],
    hostdevs: [{ nodeDevice: hostPciDevice(), managed: false }, { usb: { vendor: '0x046d', product: '0xc52b' } }],
    graphics: { type: 'vnc' },
    video: { model: 'bochs' },
    watchdog: { action: 'poweroff' },
    rng: { source: '/dev/random' },
    hyperv: true,
    clockOffset: 'localtime',
    overrides: { domainXml: ['<sysinfo type="smbios"><system><entry name="serial">lvm-prodspec</entry></system></sysinfo>'] },
  };
}

beforeAll(async () => {
  qemu = await LibvirtConnection.connect(QEMU_URI);
  test = await LibvirtConnection.connect(TEST_URI);
});

afterAll(async () => {
  // The test driver refuses the NVRAM and TPM flags.
  for (const { uri, name } of made) virshQuiet(uri, 'undefine', ...(uri === QEMU_URI ? ['--nvram', '--tpm'] : []), name);
  await qemu?.close();
  await test?.close();
});

describe('qemu:///system', () => {
  it('defines every production field, and libvirt keeps each', async () => {
    const name = uniqueName('prodspec');
    const result = await new VmCreator(qemu).create(everything(name));
    made.push({ uri: QEMU_URI, name });
    const m = parseDomainXml(await qemu.domains.getXml(result.domain, { inactive: true }));
    // libvirt 9.0 keeps the auto-selection request in the definition and resolves loader and NVRAM at start.
    expect(m.os.firmware).toBe('efi');
    expect(m.os.firmwareFeatures).toEqual(
      expect.arrayContaining([
        { name: 'secure-boot', enabled: true },
        { name: 'enrolled-keys', enabled: true },
      ]),
    );
    expect(m.os.loader).toBeUndefined();
    expect(m.features).toMatchObject({
      smm: true,
      hyperv: { relaxed: true, vapic: true, spinlocks: 8191, synic: true, stimer: true, ipi: true },
    });
    expect(m.devices.tpms).toEqual([{ model: 'tpm-crb', backend: { type: 'emulator', version: '2.0' } }]);
    expect(m.devices.filesystems?.[0]).toMatchObject({ driver: { type: 'virtiofs' }, source: { dir: '/tmp' }, target: { dir: 'hosttmp' } });
    expect(m.memoryBacking).toEqual({ locked: true, source: 'memfd', access: 'shared' });
    expect(m.cpu).toMatchObject({ mode: 'custom', model: { name: 'qemu64' }, topology: { sockets: 1, dies: 1, cores: 2, threads: 1 } });
    expect(m.cpu?.features).toEqual([{ name: 'sse4.2', policy: 'disable' }]);
    expect(m.cpu?.numa).toEqual([
      { id: 0, cpus: '0', memory: 512n * 1024n * 1024n, memAccess: 'shared' },
      { id: 1, cpus: '1', memory: 512n * 1024n * 1024n, memAccess: 'shared' },
    ]);
    expect(m.cputune).toEqual({
      vcpupins: [
        { vcpu: 0, cpuset: '0' },
        { vcpu: 1, cpuset: '0' },
      ],
      emulatorpin: '0',
    });
    expect(m.devices.hostdevs?.map((h) => [h.type, h.managed])).toEqual([
      ['pci', false],
      ['usb', true],
    ]);
    expect(m.devices.hostdevs?.[1]?.source).toEqual({ vendor: '0x046d', product: '0xc52b' });
    expect(m.devices.videos?.[0]?.model.type).toBe('bochs');
    expect(m.devices.watchdogs).toEqual([expect.objectContaining({ model: 'i6300esb', action: 'poweroff' })]);
    expect(m.devices.rngs?.[0]?.backend).toMatchObject({ path: '/dev/random' });
    expect(m.clock?.offset).toBe('localtime');
    expect(m.clock?.timers).toContainEqual({ name: 'hypervclock', present: true });
    expect(m.devices.graphics?.[0]?.listens).toEqual([expect.objectContaining({ address: '127.0.0.1' })]);
    expect(m.extraElements?.some((e) => e.includes('lvm-prodspec'))).toBe(true);
  });

  it("rebuilds libvirt's XML unchanged: redefining parse(xml) gives the same XML", async () => {
    const name = made[0]!.name;
    const first = await qemu.domains.getXml(name, { inactive: true });
    await qemu.domains.control.define(buildDomainXml(parseDomainXml(first)));
    const second = await qemu.domains.getXml(name, { inactive: true });
    // libvirt re-sorts controllers of different types on define; everything else comes back as it was.
    const canonical = (xml: string): string => {
      const model = parseDomainXml(xml);
      model.devices.controllers?.sort((a, b) => `${a.type}/${a.index}`.localeCompare(`${b.type}/${b.index}`));
      return normalizeXml(buildDomainXml(model));
    };
    expect(canonical(second)).toBe(canonical(first));
    expect(second).toContain('lvm-prodspec</entry>');
  });

  it('teardown undefines with the NVRAM and TPM flags (never started: libvirt made no NVRAM or TPM state yet)', async () => {
    const name = made[0]!.name;
    const destroyer = new VmDestroyer(qemu, new VmLifecycleManager(qemu));
    const report = await destroyer.destroy(name);
    expect(report).toMatchObject({ complete: true, undefined: true });
    // VIR_DOMAIN_UNDEFINE_NVRAM (4) | VIR_DOMAIN_UNDEFINE_TPM (32) were accepted.
    expect((report.undefineFlags ?? 0) & 36).toBe(36);
    expect(() => readFileSync(`/var/lib/libvirt/qemu/nvram/${name}_VARS.fd`)).toThrow(/ENOENT/);
    made.shift();
  });

  it('defines the Windows 11 preset', async () => {
    const name = uniqueName('prodspec-win');
    const spec = windows11Spec({ name, disk: { kind: 'existing', path: '/dev/null', format: 'raw' }, networks: [] });
    const result = await new VmCreator(qemu).create(spec);
    made.push({ uri: QEMU_URI, name });
    const m = parseDomainXml(await qemu.domains.getXml(result.domain, { inactive: true }));
    expect(m.os).toMatchObject({ machine: expect.stringMatching(/^pc-q35-/), firmware: 'efi' });
    expect(m.features?.smm).toBe(true);
    expect(m.devices.tpms?.[0]?.model).toBe('tpm-crb');
    expect(m.devices.disks?.[0]?.target.bus).toBe('sata');
    expect(m.clock?.offset).toBe('localtime');
  });
});

describe('test driver', () => {
  it('takes the same spec through the API (it has no domain capabilities: nothing is checked against the host)', async () => {
    const name = uniqueName('prodspec');
    const spec = { ...everything(name), virtType: undefined, hostdevs: [{ pci: '0000:00:1f.2' }] };
    const result = await new VmCreator(test).create(spec);
    made.push({ uri: TEST_URI, name });
    const m = parseDomainXml(await test.domains.getXml(result.domain));
    expect(m.devices.tpms?.[0]?.backend.type).toBe('emulator');
    expect(m.devices.filesystems?.[0]?.target.dir).toBe('hosttmp');
    expect(m.cpu?.numa).toHaveLength(2);
    expect(m.cputune?.vcpupins).toHaveLength(2);
    expect(m.features?.hyperv?.relaxed).toBe(true);
  });
});
