import { describe, expect, it } from 'vitest';
import {
  QEMU_GUEST_AGENT_CHANNEL,
  buildChannelXml,
  buildConsoleXml,
  buildControllerXml,
  buildDeviceXml,
  buildDiskXml,
  buildFilesystemXml,
  buildGraphicsXml,
  buildInputXml,
  buildInterfaceXml,
  buildMemballoonXml,
  buildRngXml,
  buildSerialXml,
  buildTpmXml,
  buildVideoXml,
  buildWatchdogXml,
  normalizeXml,
  parseChannelXml,
  parseConsoleXml,
  parseControllerXml,
  parseDeviceXml,
  parseDiskXml,
  parseFilesystemXml,
  parseGraphicsXml,
  parseInputXml,
  parseInterfaceXml,
  parseMemballoonXml,
  parseRngXml,
  parseSerialXml,
  parseTpmXml,
  parseVideoXml,
  parseWatchdogXml,
  type DeviceKinds,
} from '../../../src/xml/index.js';
import { refusal } from './helpers.js';

/** [name, build, parse, model, expected XML] for every device kind. */
const CASES: [string, (d: never) => string, (x: string) => unknown, object, string][] = [
  [
    'disk (qcow2 file)',
    buildDiskXml,
    parseDiskXml,
    {
      type: 'file',
      device: 'disk',
      driver: { name: 'qemu', type: 'qcow2', cache: 'none', discard: 'unmap', io: 'native' },
      source: { file: '/img/a.qcow2' },
      target: { dev: 'vda', bus: 'virtio' },
      serial: 'S1',
      bootOrder: 1,
      alias: 'ua-a',
    },
    `<disk type="file" device="disk"><driver name="qemu" type="qcow2" cache="none" discard="unmap" io="native"/><source file="/img/a.qcow2"/><target dev="vda" bus="virtio"/><serial>S1</serial><boot order="1"/><alias name="ua-a"/></disk>`,
  ],
  [
    'disk (pool volume)',
    buildDiskXml,
    parseDiskXml,
    { type: 'volume', device: 'disk', source: { pool: 'default', volume: 'a.qcow2' }, target: { dev: 'vdb', bus: 'virtio' } },
    `<disk type="volume" device="disk"><source pool="default" volume="a.qcow2"/><target dev="vdb" bus="virtio"/></disk>`,
  ],
  [
    'disk (block device, shareable, with address)',
    buildDiskXml,
    parseDiskXml,
    {
      type: 'block',
      source: { dev: '/dev/sdz' },
      target: { dev: 'sdc', bus: 'scsi' },
      shareable: true,
      address: { type: 'drive', controller: '0', bus: '0', target: '0', unit: '2' },
    },
    `<disk type="block"><source dev="/dev/sdz"/><target dev="sdc" bus="scsi"/><shareable/><address type="drive" controller="0" bus="0" target="0" unit="2"/></disk>`,
  ],
  [
    'disk (empty cdrom)',
    buildDiskXml,
    parseDiskXml,
    { type: 'file', device: 'cdrom', target: { dev: 'sda', bus: 'sata', tray: 'open' }, readonly: true },
    `<disk type="file" device="cdrom"><target dev="sda" bus="sata" tray="open"/><readonly/></disk>`,
  ],
  [
    'controller',
    buildControllerXml,
    parseControllerXml,
    { type: 'scsi', index: 0, model: 'virtio-scsi' },
    `<controller type="scsi" index="0" model="virtio-scsi"/>`,
  ],
  [
    'interface (network)',
    buildInterfaceXml,
    parseInterfaceXml,
    { type: 'network', mac: '52:54:00:00:00:01', source: { network: 'default', portgroup: 'web' }, model: 'virtio', bootOrder: 2 },
    `<interface type="network"><mac address="52:54:00:00:00:01"/><source network="default" portgroup="web"/><model type="virtio"/><boot order="2"/></interface>`,
  ],
  [
    'interface (bridge)',
    buildInterfaceXml,
    parseInterfaceXml,
    { type: 'bridge', source: { bridge: 'br0' }, model: 'e1000e', mtu: 9000, linkState: 'down' },
    `<interface type="bridge"><source bridge="br0"/><model type="e1000e"/><mtu size="9000"/><link state="down"/></interface>`,
  ],
  [
    'interface (user)',
    buildInterfaceXml,
    parseInterfaceXml,
    { type: 'user', model: 'virtio' },
    `<interface type="user"><model type="virtio"/></interface>`,
  ],
  [
    'serial (pty)',
    buildSerialXml,
    parseSerialXml,
    { type: 'pty', target: { type: 'isa-serial', port: 0 } },
    `<serial type="pty"><target type="isa-serial" port="0"/></serial>`,
  ],
  [
    'serial (file)',
    buildSerialXml,
    parseSerialXml,
    { type: 'file', source: { path: '/var/log/s.log', append: false }, target: { port: 0 } },
    `<serial type="file"><source path="/var/log/s.log" append="off"/><target port="0"/></serial>`,
  ],
  [
    'console',
    buildConsoleXml,
    parseConsoleXml,
    { type: 'pty', target: { type: 'virtio', port: 1 } },
    `<console type="pty"><target type="virtio" port="1"/></console>`,
  ],
  [
    'channel (guest agent)',
    buildChannelXml,
    parseChannelXml,
    { type: 'unix', source: { mode: 'bind', path: '/run/qga.sock' }, target: { type: 'virtio', name: QEMU_GUEST_AGENT_CHANNEL } },
    `<channel type="unix"><source mode="bind" path="/run/qga.sock"/><target type="virtio" name="org.qemu.guest_agent.0"/></channel>`,
  ],
  [
    'graphics (vnc)',
    buildGraphicsXml,
    parseGraphicsXml,
    {
      type: 'vnc',
      port: 5901,
      autoport: false,
      listen: '0.0.0.0',
      passwd: 'pw',
      keymap: 'en-us',
      listens: [{ type: 'address', address: '0.0.0.0' }],
    },
    `<graphics type="vnc" port="5901" autoport="no" listen="0.0.0.0" keymap="en-us" passwd="pw"><listen type="address" address="0.0.0.0"/></graphics>`,
  ],
  [
    'graphics (spice, no listen)',
    buildGraphicsXml,
    parseGraphicsXml,
    { type: 'spice', autoport: true, listens: [{ type: 'none' }] },
    `<graphics type="spice" autoport="yes"><listen type="none"/></graphics>`,
  ],
  [
    'video',
    buildVideoXml,
    parseVideoXml,
    { model: { type: 'qxl', vramKiB: 65536, heads: 1, primary: true } },
    `<video><model type="qxl" vram="65536" heads="1" primary="yes"/></video>`,
  ],
  ['input (tablet)', buildInputXml, parseInputXml, { type: 'tablet', bus: 'usb' }, `<input type="tablet" bus="usb"/>`],
  ['input (mouse)', buildInputXml, parseInputXml, { type: 'mouse', bus: 'ps2' }, `<input type="mouse" bus="ps2"/>`],
  [
    'rng',
    buildRngXml,
    parseRngXml,
    { model: 'virtio', backend: { model: 'random', path: '/dev/urandom' } },
    `<rng model="virtio"><backend model="random">/dev/urandom</backend></rng>`,
  ],
  [
    'rng (builtin)',
    buildRngXml,
    parseRngXml,
    { model: 'virtio', backend: { model: 'builtin' } },
    `<rng model="virtio"><backend model="builtin"/></rng>`,
  ],
  [
    'tpm (emulator)',
    buildTpmXml,
    parseTpmXml,
    { model: 'tpm-crb', backend: { type: 'emulator', version: '2.0', persistentState: true } },
    `<tpm model="tpm-crb"><backend type="emulator" version="2.0" persistent_state="yes"/></tpm>`,
  ],
  [
    'tpm (passthrough)',
    buildTpmXml,
    parseTpmXml,
    { model: 'tpm-tis', backend: { type: 'passthrough', devicePath: '/dev/tpm0' } },
    `<tpm model="tpm-tis"><backend type="passthrough"><device path="/dev/tpm0"/></backend></tpm>`,
  ],
  [
    'memballoon',
    buildMemballoonXml,
    parseMemballoonXml,
    { model: 'virtio', autodeflate: true, freePageReporting: false },
    `<memballoon model="virtio" autodeflate="on" freePageReporting="off"/>`,
  ],
  [
    'filesystem (virtiofs)',
    buildFilesystemXml,
    parseFilesystemXml,
    {
      type: 'mount',
      accessMode: 'passthrough',
      driver: { type: 'virtiofs', queue: 1024 },
      source: { dir: '/srv/share' },
      target: { dir: 'share' },
    },
    `<filesystem type="mount" accessmode="passthrough"><driver type="virtiofs" queue="1024"/><source dir="/srv/share"/><target dir="share"/></filesystem>`,
  ],
  [
    'filesystem (9p, read-only)',
    buildFilesystemXml,
    parseFilesystemXml,
    { accessMode: 'mapped', driver: { type: 'path' }, source: { dir: '/srv/ro' }, target: { dir: 'ro' }, readonly: true },
    `<filesystem accessmode="mapped"><driver type="path"/><source dir="/srv/ro"/><target dir="ro"/><readonly/></filesystem>`,
  ],
  ['watchdog', buildWatchdogXml, parseWatchdogXml, { model: 'itco', action: 'poweroff' }, `<watchdog model="itco" action="poweroff"/>`],
];

describe('device builders and parsers', () => {
  for (const [name, build, parse, model, expected] of CASES) {
    it(`${name}: builds the expected XML and parses it back`, () => {
      const xml = build(model as never);
      expect(normalizeXml(xml)).toBe(normalizeXml(expected));
      expect(parse(xml)).toEqual(model);
      expect(parse(expected)).toEqual(model);
    });
  }

  it('writes no <address> unless one is given', () => {
    expect(buildDiskXml({ type: 'file', source: { file: '/a' }, target: { dev: 'vda' } })).not.toContain('address');
  });

  it('buildDeviceXml / parseDeviceXml dispatch by kind', () => {
    const input: DeviceKinds['inputs'] = { type: 'keyboard', bus: 'virtio' };
    expect(buildDeviceXml('inputs', input)).toBe(buildInputXml(input));
    expect(parseDeviceXml('inputs', buildInputXml(input))).toEqual(input);
    expect(() => parseDeviceXml('disks', buildInputXml(input))).toThrow(/expected a <disk> document/);
    refusal(() => buildDeviceXml('nonsense' as never, {} as never));
  });

  it('lower-cases MAC addresses', () => {
    expect(buildInterfaceXml({ type: 'user', mac: '52:54:00:AA:BB:CC' })).toContain('52:54:00:aa:bb:cc');
  });

  it('keeps a half-understood child element whole (<mac> with an extra attribute)', () => {
    const nic = parseInterfaceXml(
      '<interface type="user"><mac address="52:54:00:00:00:09" type="static"/><model type="virtio"/></interface>',
    );
    expect(nic.mac).toBeUndefined();
    expect(nic.extraElements).toEqual(['<mac address="52:54:00:00:00:09" type="static"/>']);
    expect(buildInterfaceXml(nic)).toContain('<mac address="52:54:00:00:00:09" type="static"/>');
  });

  it('keeps a disk backing chain (read-only info) through a rewrite', () => {
    const xml = `<disk type="file" device="disk"><driver name="qemu" type="qcow2"/><source file="/o.qcow2" index="2"/><backingStore type="file" index="1"><format type="qcow2"/><source file="/b.qcow2"/><backingStore/></backingStore><target dev="vda" bus="virtio"/></disk>`;
    const disk = parseDiskXml(xml);
    expect(disk.backingStore).toEqual({ type: 'file', index: 1, format: 'qcow2', source: { file: '/b.qcow2' }, backingStore: {} });
    expect(disk.source).toEqual({ file: '/o.qcow2', extraAttributes: { index: '2' } });
    expect(normalizeXml(buildDiskXml(disk))).toBe(normalizeXml(xml));
  });

  it.each<[string, () => unknown, string]>([
    ['disk without target', () => buildDiskXml({ type: 'file', source: { file: '/a' } } as never), 'disk.target.dev'],
    ['file disk without a file', () => buildDiskXml({ type: 'file', device: 'disk', target: { dev: 'vda' } }), 'disk.source.file'],
    ['volume disk without pool', () => buildDiskXml({ type: 'volume', source: { volume: 'v' }, target: { dev: 'vda' } }), 'disk.source'],
    [
      'disk with boot order 0',
      () => buildDiskXml({ type: 'file', source: { file: '/a' }, target: { dev: 'vda' }, bootOrder: 0 }),
      'disk.bootOrder',
    ],
    [
      'disk address without type',
      () => buildDiskXml({ type: 'file', source: { file: '/a' }, target: { dev: 'vda' }, address: { type: '' } }),
      'disk.address.type',
    ],
    ['network NIC without network', () => buildInterfaceXml({ type: 'network' }), 'interface.source.network'],
    ['bridge NIC without bridge', () => buildInterfaceXml({ type: 'bridge', source: {} }), 'interface.source.bridge'],
    ['multicast MAC', () => buildInterfaceXml({ type: 'user', mac: '01:00:5e:00:00:01' }), 'interface.mac'],
    ['file serial without path', () => buildSerialXml({ type: 'file' }), 'serial.source.path'],
    ['graphics port out of range', () => buildGraphicsXml({ type: 'vnc', port: 70000 }), 'graphics.port'],
    ['video without model type', () => buildVideoXml({ model: {} } as never), 'video.model.type'],
    ['negative vram', () => buildVideoXml({ model: { type: 'vga', vramKiB: -1 } }), 'video.model.vramKiB'],
    ['rng without backend', () => buildRngXml({ model: 'virtio' } as never), 'rng.backend.model'],
    ['tpm without backend type', () => buildTpmXml({ backend: {} } as never), 'tpm.backend.type'],
    ['filesystem without target', () => buildFilesystemXml({ source: { dir: '/a' } } as never), 'filesystem.target.dir'],
    ['controller with negative index', () => buildControllerXml({ type: 'pci', index: -1 }), 'controller.index'],
    ['watchdog without model', () => buildWatchdogXml({} as never), 'watchdog.model'],
    ['input without type', () => buildInputXml({} as never), 'input.type'],
    ['memballoon without model', () => buildMemballoonXml({} as never), 'memballoon.model'],
  ])('refuses %s', (_name, fn, path) => {
    expect(refusal(fn).path).toBe(path);
  });
});
