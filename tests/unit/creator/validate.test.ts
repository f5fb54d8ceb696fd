/**
 * Every validation rule of a VmSpec: refused with ERR_LIBVIRT_INVALID_SPEC and
 * the path of the offending field, before anything is sent. Secrets never
 * appear in messages.
 */
import { describe, expect, it } from 'vitest';
import { buildVmXml, validateSpec, type VmSpec } from '../../../src/creator/internal.js';
import { normalizeXml, parseDomainXml } from '../../../src/xml/index.js';
import { qemuFacts, refusal } from './helpers.js';

const ok: VmSpec = { name: 'vm1', memory: '256MiB' };
const withSpec = (extra: Partial<VmSpec> & Record<string, unknown>): VmSpec => ({ ...ok, ...extra }) as VmSpec;
const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGv3bqkv7fXdQ0W8jzHUE0BMu9J3oX0SqW1S4Ykq1mYh ops@laptop';

describe('validateSpec accepts', () => {
  it.each<[string, VmSpec]>([
    ['the minimal spec', ok],
    ['bytes as a number and a bigint', withSpec({ memory: 268435456 })],
    ['a 63-character name', withSpec({ name: 'a'.repeat(63) })],
    [
      'every disk kind',
      withSpec({
        disks: [
          { kind: 'new', pool: 'default', size: '1GiB' },
          { kind: 'overlay', pool: 'default', base: { pool: 'default', volume: 'base.qcow2' } },
          { kind: 'clone', pool: 'default', source: '/var/lib/libvirt/images/x.qcow2', reflink: true },
          { kind: 'upload', pool: 'default', source: { data: new Uint8Array(4), size: 4 } },
          { kind: 'existing', path: '/srv/data.img', shareable: true },
          { kind: 'cdrom' },
        ],
      }),
    ],
    [
      'titles and descriptions with markup characters and non-ASCII',
      withSpec({ title: `<&"'> 日本 ü`, description: `line 1\n<b>&amp;</b> "q" 'a' 🚀` }),
    ],
    ['a seed detached after first boot when started', withSpec({ start: true, cloudInit: { detach: 'after-first-boot' } })],
  ])('%s', (_, spec) => {
    expect(() => validateSpec(spec)).not.toThrow();
  });
});

describe('validateSpec refuses', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a name with a slash', { name: 'a/b' }, 'name'],
    ['the name ".."', { name: '..' }, 'name'],
    ['a 64-character name', { name: 'a'.repeat(64) }, 'name'],
    ['markup characters in the name', { name: `<&"'>` }, 'name'],
    ['a non-ASCII name', { name: 'vm-ü' }, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['a bad UUID', { uuid: 'not-a-uuid' }, 'uuid'],
    ['a multi-line title', { title: 'a\nb' }, 'title'],
    ['a non-string description', { description: 42 }, 'description'],
    ['memory that is not a size', { memory: 'lots' }, 'memory'],
    ['negative memory', { memory: -1 }, 'memory'],
    ['memory not in whole KiB', { memory: 1048577 }, 'memory'],
    ['memory below 1 MiB', { memory: '512KiB' }, 'memory'],
    ['zero vCPUs', { vcpus: 0 }, 'vcpus'],
    ['fractional vCPUs', { vcpus: 1.5 }, 'vcpus'],
    ['an odd virtType', { virtType: 'kvm; rm' }, 'virtType'],
    ['an unknown firmware', { firmware: 'coreboot' }, 'firmware'],
    ['secure boot without UEFI', { secureBoot: true }, 'secureBoot'],
    ['an unknown CPU mode', { cpu: { mode: 'fastest' } }, 'cpu.mode'],
    ['a custom CPU without a model', { cpu: { mode: 'custom' } }, 'cpu.model'],
    ['disks that are not an array', { disks: {} }, 'disks'],
    ['an unknown disk kind', { disks: [{ kind: 'floppy' }] }, 'disks[0].kind'],
    ['an unknown bus', { disks: [{ kind: 'existing', path: '/a', bus: 'nvme' }] }, 'disks[0].bus'],
    ['a malformed target', { disks: [{ kind: 'existing', path: '/a', target: 'disk0' }] }, 'disks[0].target'],
    ['a zero boot order', { disks: [{ kind: 'existing', path: '/a', bootOrder: 0 }] }, 'disks[0].bootOrder'],
    ['a bad disk serial', { disks: [{ kind: 'existing', path: '/a', serial: 'has space' }] }, 'disks[0].serial'],
    ['a new disk without a pool', { disks: [{ kind: 'new', size: '1G' }] }, 'disks[0].pool'],
    ['a new disk without a size', { disks: [{ kind: 'new', pool: 'p' }] }, 'disks[0].size'],
    ['a zero-sized disk', { disks: [{ kind: 'new', pool: 'p', size: 0 }] }, 'disks[0].size'],
    ['a disk size in an unknown unit', { disks: [{ kind: 'new', pool: 'p', size: '10 parsecs' }] }, 'disks[0].size'],
    ['a disk larger than 2^63 bytes', { disks: [{ kind: 'new', pool: 'p', size: '9EiB' }] }, 'disks[0].size'],
    ['a bad format', { disks: [{ kind: 'new', pool: 'p', size: 1024, format: 'QCOW 2' }] }, 'disks[0].format'],
    ['a volume name with a slash', { disks: [{ kind: 'new', pool: 'p', size: 1024, name: 'a/b.qcow2' }] }, 'disks[0].name'],
    ['the volume name ".."', { disks: [{ kind: 'new', pool: 'p', size: 1024, name: '..' }] }, 'disks[0].name'],
    ['a volume name starting with "-"', { disks: [{ kind: 'new', pool: 'p', size: 1024, name: '-rf' }] }, 'disks[0].name'],
    [
      'a base volume name with ".."',
      { disks: [{ kind: 'overlay', pool: 'p', base: { pool: 'p', volume: '..' } }] },
      'disks[0].base.volume',
    ],
    ['a relative base path', { disks: [{ kind: 'overlay', pool: 'p', base: 'base.qcow2' }] }, 'disks[0].base'],
    ['a relative existing path', { disks: [{ kind: 'existing', path: 'data.img' }] }, 'disks[0].path'],
    ['a clone source without a volume', { disks: [{ kind: 'clone', pool: 'p', source: { pool: 'p' } }] }, 'disks[0].source.volume'],
    [
      'an upload stream without a size',
      { disks: [{ kind: 'upload', pool: 'p', source: { data: new Uint8Array(1) } }] },
      'disks[0].source.size',
    ],
    ['an upload without a source', { disks: [{ kind: 'upload', pool: 'p' }] }, 'disks[0].source'],
    [
      'an upload with a sparse that is not a boolean',
      { disks: [{ kind: 'upload', pool: 'p', source: '/img.raw', sparse: 'yes' as never }] },
      'disks[0].sparse',
    ],
    ['a relative cdrom path', { disks: [{ kind: 'cdrom', source: 'x.iso' }] }, 'disks[0].source'],
    [
      'two disks on one target',
      {
        disks: [
          { kind: 'existing', path: '/a', target: 'vdb' },
          { kind: 'existing', path: '/b', target: 'vdb' },
        ],
      },
      'disks[1].target',
    ],
    [
      'one path twice',
      {
        disks: [
          { kind: 'existing', path: '/a' },
          { kind: 'existing', path: '/a' },
        ],
      },
      'disks[1].path',
    ],
    [
      'one volume name twice in a pool',
      {
        disks: [
          { kind: 'new', pool: 'p', size: 1, name: 'x' },
          { kind: 'new', pool: 'p', size: 1, name: 'x' },
        ],
      },
      'disks[1].name',
    ],
    [
      'two devices with one boot order',
      { disks: [{ kind: 'existing', path: '/a', bootOrder: 1 }], networks: [{ network: 'n', bootOrder: 1 }] },
      'networks[0].bootOrder',
    ],
    ['a NIC without a source', { networks: [{}] }, 'networks[0]'],
    ['a NIC with two sources', { networks: [{ network: 'a', bridge: 'b' }] }, 'networks[0]'],
    ['a bad MAC', { networks: [{ network: 'a', mac: '52:54:00:zz:00:01' }] }, 'networks[0].mac'],
    ['a multicast MAC', { networks: [{ network: 'a', mac: '01:00:5e:00:00:01' }] }, 'networks[0].mac'],
    [
      'one MAC twice (either case)',
      {
        networks: [
          { network: 'a', mac: '52:54:00:AA:00:01' },
          { user: true, mac: '52:54:00:aa:00:01' },
        ],
      },
      'networks[1].mac',
    ],
    ['a NIC model with markup', { networks: [{ network: 'a', model: '<virtio>' }] }, 'networks[0].model'],
    ['an MTU out of range', { networks: [{ network: 'a', mtu: 10 }] }, 'networks[0].mtu'],
    ['an unknown boot device', { boot: { order: ['usb'] } }, 'boot.order[0]'],
    [
      'a boot order mixed with per-device orders',
      { boot: { order: ['hd'] }, disks: [{ kind: 'existing', path: '/a', bootOrder: 1 }] },
      'boot.order',
    ],
    ['an initrd without a kernel', { boot: { initrd: '/boot/initrd' } }, 'boot.initrd'],
    ['a relative kernel path', { boot: { kernel: 'vmlinuz' } }, 'boot.kernel'],
    ['unknown graphics', { graphics: 'rdp' }, 'graphics'],
    ['a graphics port out of range', { graphics: { type: 'vnc', port: 70000 } }, 'graphics.port'],
    ['a relative serial log path', { serialConsole: { logFile: 'console.log' } }, 'serialConsole.logFile'],
    ['a non-boolean autostart', { autostart: 'yes' }, 'autostart'],
    ['a non-boolean default device switch', { defaultDevices: { rng: 1 } }, 'defaultDevices.rng'],
    ['a non-function model override', { overrides: { model: {} } }, 'overrides.model'],
    ['raw device XML that is not a string', { overrides: { devicesXml: [1] } }, 'overrides.devicesXml'],
    [
      'user-data together with a cloud-config',
      { cloudInit: { userData: '#cloud-config\n{}\n', user: { name: 'ops' } } },
      'cloudInit.userData',
    ],
    ['a user given twice', { cloudInit: { user: { name: 'ops' }, config: { user: { name: 'ops' } } } }, 'cloudInit.user'],
    ['a bad user name (shorthand)', { cloudInit: { user: { name: 'Ops!' } } }, 'cloudInit.user.name'],
    ['a bad user name (config)', { cloudInit: { config: { user: { name: 'Ops!' } } } }, 'cloudInit.config.user.name'],
    ['a bad SSH key', { cloudInit: { sshAuthorizedKeys: ['not a key'] } }, 'cloudInit.sshAuthorizedKeys[0]'],
    ['a bad host name', { cloudInit: { hostname: 'under_score' } }, 'cloudInit.hostname'],
    ['network-config without a version', { cloudInit: { networkConfig: { ethernets: {} } } }, 'cloudInit.networkConfig.version'],
    ['a bad instance-id', { cloudInit: { instanceId: '../etc' } }, 'cloudInit.instanceId'],
    ['NUL in user-data', { cloudInit: { userData: 'a\0b' } }, 'cloudInit.userData'],
    ['detaching the seed without starting', { cloudInit: { detach: 'after-first-boot' } }, 'cloudInit.detach'],
    ['an unknown detach policy', { cloudInit: { detach: 'sometimes' } }, 'cloudInit.detach'],
    ['an unknown seed bus', { cloudInit: { bus: 'floppy' } }, 'cloudInit.bus'],
    [
      'a seed target taken by a disk',
      { cloudInit: { target: 'sda' }, disks: [{ kind: 'existing', path: '/a', target: 'sda' }] },
      'cloudInit.target',
    ],
  ])('%s', (_, extra, path) => {
    expect(refusal(() => validateSpec(withSpec(extra))).path).toBe(path);
  });

  it('refuses a spec that is not an object', () => {
    expect(refusal(() => validateSpec(null as unknown as VmSpec)).path).toBe('spec');
  });
});

describe('secrets stay out of error messages', () => {
  const secret = 'hunter2-Sekret';
  it.each<[string, Record<string, unknown>]>([
    ['a clear-text password with a line break', { cloudInit: { user: { name: 'ops', plainPassword: `${secret}\nx` } } }],
    ['a password together with a hash', { cloudInit: { user: { name: 'ops', plainPassword: secret, passwordHash: `$6$${secret}` } } }],
    ['a bad password hash', { cloudInit: { user: { name: 'ops', passwordHash: secret } } }],
    ['user-data with NUL', { cloudInit: { userData: `${secret}\0` } }],
    ['a graphics password of the wrong type', { graphics: { type: 'vnc', password: [secret] } }],
    ['meta-data with a conflicting instance-id', { cloudInit: { metaData: { 'instance-id': secret }, instanceId: 'other' } }],
  ])('%s', (_, extra) => {
    const error = refusal(() => validateSpec(withSpec(extra)));
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
  });
});

describe('host-dependent rules (with facts)', () => {
  const facts = qemuFacts();
  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown pool', { disks: [{ kind: 'new', pool: 'nope', size: '1G' }] }, 'disks[0].pool'],
    ['an inactive pool', { disks: [{ kind: 'new', pool: 'off', size: '1G' }] }, 'disks[0].pool'],
    [
      'an unknown clone source',
      { disks: [{ kind: 'clone', pool: 'default', source: { pool: 'default', volume: 'missing.qcow2' } }] },
      'disks[0].source',
    ],
    [
      'an overlay on a path outside any pool without a format',
      { disks: [{ kind: 'overlay', pool: 'default', base: '/srv/base.qcow2', size: '1G' }] },
      'disks[0].baseFormat',
    ],
    [
      'an overlay on a path outside any pool without a size',
      { disks: [{ kind: 'overlay', pool: 'default', base: '/srv/base.qcow2', baseFormat: 'qcow2' }] },
      'disks[0].size',
    ],
    [
      'an overlay smaller than its base',
      { disks: [{ kind: 'overlay', pool: 'default', base: { pool: 'default', volume: 'debian-12.qcow2' }, size: '1GiB' }] },
      'disks[0].size',
    ],
    [
      'a preallocated disk larger than the free space',
      { disks: [{ kind: 'new', pool: 'default', size: '200GiB', preallocate: true }] },
      'disks[0].size',
    ],
    [
      'uploads that together exceed the free space',
      {
        disks: [
          { kind: 'upload', pool: 'default', source: { data: [], size: 60n * 1024n ** 3n } },
          { kind: 'upload', pool: 'default', source: { data: [], size: 60n * 1024n ** 3n } },
        ],
      },
      'disks[1].source',
    ],
    ['a seed in a full pool', { cloudInit: { pool: 'isos' } }, 'cloudInit.pool'],
    ['a seed without any pool', { cloudInit: {} }, 'cloudInit.pool'],
    ['a bus the host does not offer', { disks: [{ kind: 'existing', path: '/a', bus: 'ide' }] }, 'disks[0].bus'],
    ['IDE on q35', { machine: 'q35', disks: [{ kind: 'existing', path: '/a', bus: 'ide' }] }, 'disks[0].bus'],
    ['a target that does not match its bus', { disks: [{ kind: 'existing', path: '/a', target: 'sda' }] }, 'disks[0].target'],
    ['more vCPUs than the machine allows', { vcpus: 4000 }, 'vcpus'],
    ['an architecture the host cannot run', { arch: 'riscv64' }, 'arch'],
    ['a hypervisor the host does not offer', { virtType: 'xen' }, 'virtType'],
    ['a CPU mode the host does not offer', { cpu: { mode: 'host-passthrough' } }, 'cpu.mode'],
    ['a character XML cannot carry in the title', { title: 'bell\u0007' }, 'title'],
    ['a character XML cannot carry in a path', { disks: [{ kind: 'existing', path: '/srv/\u0001.img' }] }, 'disks[0].path'],
    ['a character XML cannot carry in the kernel command line', { boot: { kernel: '/k', cmdline: 'a\u0002' } }, 'boot.cmdline'],
    ['malformed raw device XML', { overrides: { devicesXml: ['<sound model="ich9">'] } }, 'overrides.devicesXml[0]'],
    ['malformed raw domain XML', { overrides: { domainXml: ['<iothreads>2</iothread>'] } }, 'overrides.domainXml[0]'],
    ['a model override that returns garbage', { overrides: { model: () => 42 } }, 'overrides.model'],
  ])('%s', (_, extra, path) => {
    const f = qemuFacts({ pools: { ...facts.pools, off: { name: 'off', path: '/off', available: 1n << 40n, active: false } } });
    expect(refusal(() => buildVmXml(withSpec(extra), { facts: f, uuid: '6b0fd7c2-0c8e-4a1e-9a9b-1f6a0f6d9f00' })).path).toBe(path);
  });
});

describe('seed volume name', () => {
  it('refuses a disk volume named like the seed', () => {
    const uuid = '6b0fd7c2-0c8e-4a1e-9a9b-1f6a0f6d9f00';
    const seed = validateSpec(withSpec({ cloudInit: {} }), { uuid }).seed!.seed;
    const name = `vm1-cidata-${seed.sha256.slice(0, 16)}.iso`;
    const spec = withSpec({ disks: [{ kind: 'new', pool: 'default', size: 1024, name }], cloudInit: {} });
    expect(refusal(() => buildVmXml(spec, { facts: qemuFacts(), uuid })).path).toBe('disks[0].name');
  });
});

describe('escaping', () => {
  it('keeps markup characters and non-ASCII in titles and descriptions escaped and intact', () => {
    const title = `<&"'> 日本 ü`;
    const description = `<script>alert("x")</script> & 'quotes' 🚀\nsecond line`;
    const xml = buildVmXml(withSpec({ title, description }), { facts: qemuFacts() });
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;&amp;');
    const model = parseDomainXml(xml);
    expect(model.title).toBe(title);
    expect(model.description).toBe(description);
    expect(normalizeXml(xml)).toContain(JSON.stringify(title));
  });

  it('accepts a key-only cloud-config (sanity of the shorthand)', () => {
    expect(() => validateSpec(withSpec({ cloudInit: { sshAuthorizedKeys: [key] } }))).not.toThrow();
  });
});
