/**
 * VmSpec fields the create resolves through the connection before anything
 * is made: a graphics password read from a libvirt secret (libvirt 9.0 has no
 * secret reference for graphics, so the value lands in `passwd=`, shown only
 * with VIR_DOMAIN_XML_SECURE), and USB host devices given by node device name
 * (vendor/product, plus bus/device when two devices share the ids, as
 * virt-install does). This host has no USB devices (`virsh nodedev-list --cap
 * usb_device` is empty), so the resolution runs against a test driver loaded
 * from a node-device file; qemu:///system checks the XML it produces and the
 * refusals. Nothing is started.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection, UnsupportedError, type SecretRef } from '../../../src/connection/internal.js';
import { VmCreator, buildVmXml, type GraphicsPasswordSecret, type VmSpec } from '../../../src/creator/internal.js';
import type { Logger } from '../../../src/rpc/logger.js';
import { buildHostdevXml, parseDomainXml } from '../../../src/xml/index.js';
import { QEMU_URI, TEST_URI, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';

/** Three USB devices; two share vendor/product ids (two identical keyboards). */
const NODE_DEVICES = `<node>
  ${usbDevice('usb_1_3', 1, 3, '0x046d', '0xc52b')}
  ${usbDevice('usb_2_4', 2, 4, '0x413c', '0x2113')}
  ${usbDevice('usb_2_5', 2, 5, '0x413C', '0x2113')}
  <device><name>usb_1_3_1_0</name><parent>usb_1_3</parent><capability type='usb'>
    <number>0</number><class>3</class><subclass>1</subclass><protocol>2</protocol></capability></device>
</node>`;

function usbDevice(name: string, bus: number, device: number, vendor: string, product: string): string {
  return `<device><name>${name}</name><parent>computer</parent><capability type='usb_device'>
    <bus>${bus}</bus><device>${device}</device><product id='${product}'/><vendor id='${vendor}'/></capability></device>`;
}

let qemu: LibvirtConnection;
let test: LibvirtConnection;
let usbHost: LibvirtConnection;
let dir: string;
const made: { uri: string; name: string }[] = [];
const secrets: SecretRef[] = [];
const logged: string[] = [];
const logger: Logger = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [
    level,
    (fields: unknown, message: string) => logged.push(JSON.stringify([fields, message])),
  ]),
);

function spec(name: string, extra: Partial<VmSpec>): VmSpec {
  return { name, memory: '64MiB', virtType: 'qemu', defaultDevices: { guestAgent: false, rng: false, memballoon: false }, ...extra };
}

async function passwordSecret(value: string, options: { private?: boolean } = {}): Promise<SecretRef & { id: string }> {
  const id = `lvm-${randomUUID()}`;
  const ref = await qemu.secrets.define({ ephemeral: true, private: options.private === true, usage: { type: 'tls', id } });
  secrets.push(ref);
  if (value !== '') await qemu.secrets.setValue(ref, value);
  return { ...ref, id };
}

/** Create on `conn`; the error it fails with, after checking that no domain of that name was left behind. */
async function refused(conn: LibvirtConnection, uri: string, s: VmSpec): Promise<InvalidArgumentError> {
  const error = await new VmCreator(conn).create(s).catch((e: unknown) => e);
  expect(await conn.domains.exists(s.name)).toBe(false);
  if (!(error instanceof InvalidArgumentError)) throw new Error(`expected InvalidArgumentError on ${uri}, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lvm-prodspec-refs-'));
  writeFileSync(join(dir, 'usb-host.xml'), NODE_DEVICES);
  qemu = await LibvirtConnection.connect(QEMU_URI, { logger });
  test = await LibvirtConnection.connect(TEST_URI);
  // The test driver loaded from a file: a private state with these node devices (and no domains).
  usbHost = await LibvirtConnection.connect(`test+unix://${join(dir, 'usb-host.xml')}`);
});

afterAll(async () => {
  for (const { uri, name } of made) if (uri === QEMU_URI || uri === TEST_URI) virshQuiet(uri, 'undefine', name);
  for (const s of secrets) await qemu?.secrets.undefine(s).catch(() => undefined);
  await qemu?.close();
  await test?.close();
  await usbHost?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('graphics password from a secret', () => {
  it('qemu:///system: the value is written as passwd, visible only with VIR_DOMAIN_XML_SECURE, and never logged', async () => {
    const secret = await passwordSecret('Pa55:wrd');
    const name = uniqueName('prodspec-vnc');
    const result = await new VmCreator(qemu, { logger }).create(
      spec(name, { graphics: { type: 'vnc', password: { secret: secret.uuid } } }),
    );
    made.push({ uri: QEMU_URI, name });
    const plain = parseDomainXml(await qemu.domains.getXml(result.domain));
    expect(plain.devices.graphics?.[0]).toMatchObject({ type: 'vnc' });
    expect(plain.devices.graphics?.[0]?.passwd).toBeUndefined();
    expect(parseDomainXml(await qemu.domains.getXml(result.domain, { secure: true })).devices.graphics?.[0]?.passwd).toBe('Pa55:wrd');
    expect(virsh(QEMU_URI, 'dumpxml', '--security-info', name)).toContain("passwd='Pa55:wrd'");
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain('Pa55:wrd');
  });

  it('qemu:///system: a secret found by usage, for SPICE (no 8-byte limit)', async () => {
    const secret = await passwordSecret('a spice password longer than eight');
    const name = uniqueName('prodspec-spice');
    const s = spec(name, { graphics: { type: 'spice', password: { secret: { type: 'tls', id: secret.id } } } });
    const result = await new VmCreator(qemu).create(s);
    made.push({ uri: QEMU_URI, name });
    const g = parseDomainXml(await qemu.domains.getXml(result.domain, { secure: true })).devices.graphics?.[0];
    expect(g).toMatchObject({ type: 'spice', passwd: 'a spice password longer than eight' });
  });

  it('refuses before anything is made: unknown, private, valueless and too-long secrets; the value is never in the error', async () => {
    const name = uniqueName('prodspec-vnc-bad');
    const vnc = (password: string | GraphicsPasswordSecret): VmSpec => spec(name, { graphics: { type: 'vnc', password } });

    const unknown = await refused(qemu, QEMU_URI, vnc({ secret: randomUUID() }));
    expect(unknown).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'graphics.password.secret' });
    expect(unknown.message).toMatch(/no secret with UUID/);
    const byUsage = await refused(qemu, QEMU_URI, vnc({ secret: { type: 'tls', id: `lvm-${randomUUID()}` } }));
    expect(byUsage.message).toMatch(/no tls secret with usage ID/);

    const hidden = await passwordSecret('s3cret', { private: true });
    expect((await refused(qemu, QEMU_URI, vnc({ secret: hidden.uuid }))).message).toMatch(/is private/);
    const empty = await passwordSecret('');
    expect((await refused(qemu, QEMU_URI, vnc({ secret: empty.uuid }))).message).toMatch(/has no value/);

    const long = await passwordSecret('twelve-chars');
    const tooLong = await refused(qemu, QEMU_URI, vnc({ secret: long.uuid }));
    expect(tooLong.message).toMatch(/12 bytes long; VNC passwords are at most 8/);
    expect(tooLong.message).not.toContain('twelve-chars');
    // A literal password is held to the same rule before anything is sent (libvirt 9.0 refuses it at define:
    // "VNC password is 12 characters long, only 8 permitted").
    expect((await refused(qemu, QEMU_URI, vnc('twelve-chars'))).path).toBe('graphics.password');
    expect((await refused(qemu, QEMU_URI, vnc({ secret: 'not-a-uuid' }))).path).toBe('graphics.password.secret');
  });

  it('test driver: a literal password is kept; a secret is UnsupportedError (the driver has no secrets) and nothing is made', async () => {
    const name = uniqueName('prodspec-vnc');
    const result = await new VmCreator(test).create(spec(name, { virtType: undefined, graphics: { type: 'vnc', password: 'abc' } }));
    made.push({ uri: TEST_URI, name });
    expect(parseDomainXml(await test.domains.getXml(result.domain, { secure: true })).devices.graphics?.[0]?.passwd).toBe('abc');

    const other = uniqueName('prodspec-vnc');
    const error = await new VmCreator(test)
      .create(spec(other, { virtType: undefined, graphics: { type: 'vnc', password: { secret: randomUUID() } } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(await test.domains.exists(other)).toBe(false);
  });
});

describe('USB host devices by node device name', () => {
  it('resolves to vendor/product, and adds bus/device when another device has the same ids', async () => {
    expect((await usbHost.nodeDevices.list({ capabilities: ['usb_device'] })).map((d) => d.name).sort()).toEqual([
      'usb_1_3',
      'usb_2_4',
      'usb_2_5',
    ]);
    const name = uniqueName('prodspec-usb');
    const s = spec(name, { virtType: undefined, hostdevs: [{ nodeDevice: 'usb_1_3' }, { nodeDevice: 'usb_2_5', managed: false }] });
    const result = await new VmCreator(usbHost).create(s);
    const hostdevs = parseDomainXml(await usbHost.domains.getXml(result.domain)).devices.hostdevs;
    expect(hostdevs).toEqual([
      expect.objectContaining({ type: 'usb', managed: true, source: { vendor: '0x046d', product: '0xc52b' } }),
      expect.objectContaining({
        type: 'usb',
        managed: false,
        source: { vendor: '0x413c', product: '0x2113', address: { bus: '2', device: '5' } },
      }),
    ]);
    // The preview through the connection writes the same devices.
    expect(await new VmCreator(usbHost).buildXml({ ...s, name: uniqueName('prodspec-usb') })).toContain('<address bus="2" device="5"/>');
  });

  it('refuses a missing device, a device that is not USB, and one device named twice; nothing is made', async () => {
    const name = uniqueName('prodspec-usb-bad');
    const missing = await refused(usbHost, 'usb host', spec(name, { virtType: undefined, hostdevs: [{ nodeDevice: 'usb_9_9' }] }));
    expect(missing).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'hostdevs[0].nodeDevice' });
    expect(missing.message).toMatch(/no node device named "usb_9_9"/);
    const twice = await refused(
      usbHost,
      'usb host',
      spec(name, { virtType: undefined, hostdevs: [{ nodeDevice: 'usb_1_3' }, { nodeDevice: 'usb_1_3' }] }),
    );
    expect(twice.path).toBe('hostdevs[1]');
    // The same device by name and by its (unique) ids.
    const both = await refused(
      usbHost,
      'usb host',
      spec(name, { virtType: undefined, hostdevs: [{ nodeDevice: 'usb_1_3' }, { usb: { vendor: '0x046d', product: '0xC52B' } }] }),
    );
    expect(both.message).toMatch(/same device as hostdevs\[0\]/);
    // A USB interface (capability usb), not a device.
    const iface = await refused(usbHost, 'usb host', spec(name, { virtType: undefined, hostdevs: [{ nodeDevice: 'usb_1_3_1_0' }] }));
    expect(iface.message).toMatch(/is not a USB device/);
    // qemu:///system: the real node-device driver answers VIR_ERR_NO_NODE_DEVICE; `computer` exists but is no USB device.
    const real = await refused(qemu, QEMU_URI, spec(name, { hostdevs: [{ nodeDevice: 'usb_1_3' }] }));
    expect(real.message).toMatch(/no node device named/);
    // A name that is neither PCI, USB nor mdev is refused by validation.
    expect((await refused(qemu, QEMU_URI, spec(name, { hostdevs: [{ nodeDevice: 'computer' }] }))).message).toMatch(/USB \(usb_…\)/);
  });

  it('qemu:///system defines the source virt-install writes for a duplicated device (ids and address)', async () => {
    const name = uniqueName('prodspec-usb');
    const hostdev = buildHostdevXml({
      type: 'usb',
      managed: true,
      source: { vendor: '0x413c', product: '0x2113', address: { bus: '2', device: '5' } },
    });
    const result = await new VmCreator(qemu).create(spec(name, { overrides: { devicesXml: [hostdev] } }));
    made.push({ uri: QEMU_URI, name });
    expect(parseDomainXml(await qemu.domains.getXml(result.domain)).devices.hostdevs?.[0]?.source).toEqual({
      vendor: '0x413c',
      product: '0x2113',
      address: { bus: '2', device: '5' },
    });
  });

  it('buildVmXml (no connection) refuses both: they can only be read through a connection', async () => {
    const facts = { capabilities: await test.host.getCapabilities(), pools: {}, volumes: {}, uploads: {} };
    const offline = { virtType: undefined, defaultDevices: {} };
    expect(() => buildVmXml(spec('lvm-x', { ...offline, hostdevs: [{ nodeDevice: 'usb_1_3' }] }), { facts })).toThrow(
      /hostdevs\[0\]\.nodeDevice: is a USB node device/,
    );
    expect(() =>
      buildVmXml(spec('lvm-x', { ...offline, graphics: { type: 'vnc', password: { secret: randomUUID() } } }), { facts }),
    ).toThrow(/graphics\.password: is a secret/);
    expect(buildVmXml(spec('lvm-x', { ...offline, graphics: { type: 'vnc', password: 'abc' } }), { facts })).toContain('passwd="abc"');
  });
});
