import { describe, expect, it } from 'vitest';
import { buildDomainXml, normalizeXml, parseDomainXml, parseSize, type DomainModel } from '../../../src/xml/index.js';
import { refusal } from './helpers.js';

const base = (): DomainModel => ({ type: 'kvm', name: 'vm1', memory: parseSize('1GiB'), os: { type: 'hvm' }, devices: {} });

describe('buildDomainXml', () => {
  it('writes memory in KiB, with an explicit unit', () => {
    const xml = buildDomainXml({ ...base(), memory: parseSize('2GiB'), currentMemory: parseSize('1536MiB') });
    expect(xml).toContain('<memory unit="KiB">2097152</memory>');
    expect(xml).toContain('<currentMemory unit="KiB">1572864</currentMemory>');
  });

  it('writes nothing the model does not say (no addresses, controllers or defaults)', () => {
    expect(normalizeXml(buildDomainXml(base()))).toBe(
      normalizeXml('<domain type="kvm"><name>vm1</name><memory unit="KiB">1048576</memory><os><type>hvm</type></os><devices/></domain>'),
    );
  });

  it('normalises the UUID', () => {
    expect(buildDomainXml({ ...base(), uuid: '9F2C1A526A434D0B9B0E0A5F3D1C2B7E' })).toContain(
      '<uuid>9f2c1a52-6a43-4d0b-9b0e-0a5f3d1c2b7e</uuid>',
    );
  });

  it('accepts libvirt-legal names with nameRule "libvirt" (rewriting foreign domains)', () => {
    const model = { ...base(), name: 'Old VM (copy)' };
    refusal(() => buildDomainXml(model));
    expect(parseDomainXml(buildDomainXml(model, { nameRule: 'libvirt' })).name).toBe('Old VM (copy)');
  });

  it('round-trips vcpu, cpu topology, clock, features and lifecycle actions', () => {
    const model: DomainModel = {
      ...base(),
      vcpu: { count: 4, current: 2, placement: 'static', cpuset: '0-3' },
      cpu: { mode: 'host-passthrough', check: 'none', migratable: true, topology: { sockets: 1, cores: 2, threads: 2 } },
      clock: { offset: 'localtime', timers: [{ name: 'hypervclock', present: true }] },
      features: {
        acpi: true,
        apic: true,
        pae: true,
        hap: true,
        smm: false,
        pmu: false,
        vmcoreinfo: true,
        pvspinlock: true,
        privnet: true,
        viridian: true,
        extraElements: ['<hyperv mode="passthrough"/>'],
      },
      onPoweroff: 'destroy',
      onReboot: 'restart',
      onCrash: 'coredump-destroy',
      memoryDumpCore: false,
    };
    expect(parseDomainXml(buildDomainXml(model))).toEqual(model);
  });

  it('round-trips os variants: firmware features, bootmenu, dtb', () => {
    const model: DomainModel = {
      ...base(),
      os: {
        type: 'hvm',
        arch: 'aarch64',
        machine: 'virt',
        firmware: 'efi',
        firmwareFeatures: [
          { name: 'secure-boot', enabled: true },
          { name: 'enrolled-keys', enabled: true },
        ],
        kernel: '/k',
        dtb: '/d.dtb',
        bootMenu: { enable: false },
      },
    };
    expect(parseDomainXml(buildDomainXml(model))).toEqual(model);
  });

  it.each<[string, (m: DomainModel) => DomainModel, string]>([
    ['a name with "/"', (m) => ({ ...m, name: 'a/b' }), 'name'],
    ['a name "..”', (m) => ({ ...m, name: '..' }), 'name'],
    ['a 64-character name', (m) => ({ ...m, name: 'v'.repeat(64) }), 'name'],
    ['a name with a control character', (m) => ({ ...m, name: 'vm\u0001' }), 'name'],
    ['no type', (m) => ({ ...m, type: '' }), 'type'],
    ['negative memory', (m) => ({ ...m, memory: -1n }), 'memory'],
    ['memory above 2^63-1', (m) => ({ ...m, memory: 2n ** 63n }), 'memory'],
    ['memory not in whole KiB', (m) => ({ ...m, memory: 1000n }), 'memory'],
    ['currentMemory above memory', (m) => ({ ...m, currentMemory: m.memory + 1024n }), 'currentMemory'],
    ['zero vcpus', (m) => ({ ...m, vcpu: { count: 0 } }), 'vcpu.count'],
    ['current vcpus above count', (m) => ({ ...m, vcpu: { count: 2, current: 3 } }), 'vcpu.current'],
    ['a bad uuid', (m) => ({ ...m, uuid: 'xyz' }), 'uuid'],
    ['no os type', (m) => ({ ...m, os: { type: '' } }), 'os.type'],
    ['no devices', (m) => ({ ...m, devices: undefined as never }), 'devices'],
    ['a bad clock', (m) => ({ ...m, clock: { offset: '' } }), 'clock.offset'],
    ['a zero-core topology', (m) => ({ ...m, cpu: { topology: { sockets: 1, cores: 0, threads: 1 } } }), 'cpu.topology.cores'],
    [
      'os.boot mixed with per-device boot order',
      (m) => ({
        ...m,
        os: { type: 'hvm', boot: ['hd'] },
        devices: { disks: [{ type: 'file', source: { file: '/a' }, target: { dev: 'vda' }, bootOrder: 1 }] },
      }),
      'os.boot',
    ],
    ['a non-array device list', (m) => ({ ...m, devices: { disks: {} as never } }), 'devices.disks'],
  ])('refuses %s', (_label, change, path) => {
    expect(refusal(() => buildDomainXml(change(base()))).path).toBe(path);
  });
});

describe('normalizeXml', () => {
  it('ignores attribute order, quotes, prefixes, layout and comments', () => {
    const a = `<domain type='kvm' id="1"><!-- c --><name>x</name>\n  <m:x xmlns:m="urn:m" a="1"/></domain>`;
    const b = `<?xml version="1.0"?><domain id="1" type="kvm">\n<n:x xmlns:n="urn:m" a='1'/><name>x</name></domain>`;
    expect(normalizeXml(a)).toBe(normalizeXml(b));
  });

  it('keeps the order of same-named siblings, and all order when asked', () => {
    const a = '<os><boot dev="hd"/><boot dev="cdrom"/></os>';
    const b = '<os><boot dev="cdrom"/><boot dev="hd"/></os>';
    expect(normalizeXml(a)).not.toBe(normalizeXml(b));
    expect(normalizeXml('<a><x/><y/></a>')).toBe(normalizeXml('<a><y/><x/></a>'));
    expect(normalizeXml('<a><x/><y/></a>', { ignoreOrder: false })).not.toBe(normalizeXml('<a><y/><x/></a>', { ignoreOrder: false }));
  });

  it('distinguishes text and namespaces', () => {
    expect(normalizeXml('<a>x</a>')).not.toBe(normalizeXml('<a>x </a>'));
    expect(normalizeXml('<p:a xmlns:p="urn:1"/>')).not.toBe(normalizeXml('<p:a xmlns:p="urn:2"/>'));
    expect(normalizeXml('<a><b>\n  </b></a>')).toBe(normalizeXml('<a><b/></a>'));
  });
});
