/**
 * Every golden domain model is built, defined on the running daemon (test
 * driver and QEMU driver), read back with `virsh dumpxml`, parsed with our
 * parser, and checked: the fields we set must survive. Then a read-modify-write
 * of the daemon's own XML is redefined, proving libvirt accepts what we rebuild.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDomainXml, normalizeXml, parseDomainXml, type DeviceKind, type DomainModel } from '../../../src/xml/index.js';
import { GOLDEN_DOMAINS } from '../../fixtures/xml/golden-models.js';
import {
  Cleanup,
  PREFIX,
  QEMU_URI,
  TEST_URI,
  daemonUp,
  defineDomain,
  holdConnection,
  qemuImg,
  scratchDir,
  virsh,
  xmlFile,
} from './virsh.js';

type Driver = 'test' | 'qemu';
const URI: Record<Driver, string> = { test: TEST_URI, qemu: QEMU_URI };

/** Placeholder paths in the golden models, moved into the scratch directory. */
const PLACEHOLDER =
  /^\/(var\/lib\/libvirt\/(images|boot)\/|var\/lib\/libvirt\/qemu\/nvram\/lvm-golden|var\/log\/libvirt\/qemu\/lvm-golden|srv\/lvm-golden)/;

function relocate<T>(value: T, dir: string): T {
  if (typeof value === 'string') return (PLACEHOLDER.test(value) ? join(dir, basename(value)) : value) as T;
  if (Array.isArray(value)) return value.map((v) => relocate(v, dir)) as T;
  if (value !== null && typeof value === 'object' && typeof value !== 'bigint') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relocate(v, dir)])) as T;
  }
  return value;
}

/** The golden model adapted to a driver, with every file it points at created. */
function modelFor(golden: DomainModel, key: string, driver: Driver, dir: string): DomainModel {
  const model = relocate(structuredClone(golden), dir);
  model.name = `${PREFIX}${key}`;
  model.uuid = randomUUID();
  if (driver === 'test') {
    // The test driver offers only i686 guests and knows no machine types.
    model.type = 'test';
    model.os.arch = 'i686';
    delete model.os.machine;
  }
  for (const disk of model.devices.disks ?? []) {
    const file = disk.source?.file;
    if (file === undefined) continue;
    const backing = disk.backingStore?.source?.file;
    if (backing !== undefined) qemuImg(backing, 'qcow2', '64M');
    if (disk.driver?.type === 'qcow2')
      qemuImg(file, 'qcow2', '64M', backing === undefined ? undefined : { path: backing, format: 'qcow2' });
    else qemuImg(file, 'raw', '1M');
  }
  for (const path of [model.os.kernel, model.os.initrd]) if (path !== undefined) writeFileSync(path, '');
  for (const fs of model.devices.filesystems ?? []) if (fs.source?.dir !== undefined) mkdirSync(fs.source.dir, { recursive: true });
  return model;
}

/** How to find "the same" device in libvirt's output, which reorders and adds devices. */
const KEY: Partial<Record<DeviceKind, (d: never) => string>> = {
  disks: (d: { target: { dev: string } }) => d.target.dev,
  interfaces: (d: { mac?: string }) => d.mac ?? '',
  controllers: (d: { type: string; index?: number }) => `${d.type}/${d.index}`,
  inputs: (d: { type: string; bus?: string }) => `${d.type}/${d.bus}`,
  channels: (d: { target?: { name?: string } }) => d.target?.name ?? '',
  filesystems: (d: { target: { dir: string } }) => d.target.dir,
};

/** libvirt's documented rewrites of what we send, applied to the expectation. */
function expectationFor(sent: DomainModel): DomainModel {
  const expected = structuredClone(sent);
  for (const channel of expected.devices.channels ?? []) {
    // A unix channel without a path gets an automatic one at start; the inactive XML drops <source mode='bind'/>.
    if (channel.type === 'unix' && channel.source?.path === undefined) delete channel.source;
  }
  return expected;
}

function expectPreserved(sent: DomainModel, got: DomainModel, driver: Driver): void {
  const { devices, os, ...top } = expectationFor(sent);
  expect(got).toMatchObject(top);
  const { machine, ...osRest } = os;
  expect(got.os).toMatchObject(osRest);
  // libvirt resolves machine aliases: q35 → pc-q35-7.2.
  if (machine !== undefined) expect(got.os.machine).toMatch(driver === 'qemu' ? new RegExp(`^(${machine}|pc-${machine}-[0-9.]+)$`) : /.*/);
  if (sent.currentMemory === undefined) expect(got.currentMemory).toBe(sent.memory);
  const { emulator, memballoon, extraElements, ...lists } = devices;
  if (emulator !== undefined) expect(got.devices.emulator).toBe(emulator);
  if (memballoon !== undefined) expect(got.devices.memballoon).toMatchObject(memballoon);
  for (const xml of extraElements ?? []) expect(got.devices.extraElements?.map((x) => normalizeXml(x))).toContain(normalizeXml(xml));
  for (const [kind, list] of Object.entries(lists) as [DeviceKind, object[]][]) {
    const received = (got.devices[kind] ?? []) as object[];
    const key = KEY[kind] as ((d: object) => string) | undefined;
    list.forEach((device, i) => {
      const match = key === undefined ? received[i] : received.find((r) => key(r) === key(device));
      expect(match, `${kind}[${i}] missing from libvirt's XML`).toBeDefined();
      expect(match, `${kind}[${i}]`).toMatchObject(device);
    });
  }
}

for (const driver of ['test', 'qemu'] as const) {
  const uri = URI[driver];
  describe.skipIf(!daemonUp(uri))(`golden domains on ${uri}`, () => {
    const cleanup = new Cleanup();
    let dir = '';
    beforeAll(async () => {
      dir = scratchDir(cleanup);
      await holdConnection(uri, cleanup);
    });
    afterAll(() => {
      expect(cleanup.runAll()).toEqual([]);
    });

    for (const [key, golden] of Object.entries(GOLDEN_DOMAINS)) {
      it(`${key}: defines, reads back with the fields we set, undefines`, () => {
        const local = new Cleanup();
        try {
          const model = modelFor(golden, key, driver, dir);
          defineDomain(uri, local, dir, model.name, buildDomainXml(model));
          const dumped = virsh(uri, 'dumpxml', '--inactive', '--security-info', model.name);
          const got = parseDomainXml(dumped);
          expectPreserved(model, got, driver);
          // Our parser and builder lose nothing of what libvirt wrote.
          expect(normalizeXml(buildDomainXml(got))).toBe(normalizeXml(dumped));
        } finally {
          expect(local.runAll()).toEqual([]);
        }
      });
    }

    it('read-modify-write of the daemon’s own XML is accepted and changes only that field', () => {
      const local = new Cleanup();
      try {
        const model = modelFor(GOLDEN_DOMAINS['all-devices']!, 'rmw', driver, dir);
        defineDomain(uri, local, dir, model.name, buildDomainXml(model));
        const before = virsh(uri, 'dumpxml', '--inactive', '--security-info', model.name);
        const parsed = parseDomainXml(before);
        parsed.description = 'changed by read-modify-write';
        parsed.devices.disks![0]!.driver!.cache = 'writeback';
        virsh(uri, 'define', xmlFile(dir, 'rmw', buildDomainXml(parsed)));
        const after = virsh(uri, 'dumpxml', '--inactive', '--security-info', model.name);
        const expected = parseDomainXml(before);
        expected.description = 'changed by read-modify-write';
        expected.devices.disks![0]!.driver!.cache = 'writeback';
        expect(normalizeXml(after)).toBe(normalizeXml(buildDomainXml(expected)));
      } finally {
        expect(local.runAll()).toEqual([]);
      }
    });
  });
}

describe.skipIf(!daemonUp(QEMU_URI))('unknown content survives a round trip through the QEMU driver', () => {
  const cleanup = new Cleanup();
  afterAll(() => {
    expect(cleanup.runAll()).toEqual([]);
  });

  it('qemu:commandline, hyperv, sysinfo, foreign metadata, sound, panic…', async () => {
    const dir = scratchDir(cleanup);
    const { readFileSync } = await import('node:fs');
    const input = readFileSync(new URL('../../fixtures/xml/exotic-input.xml', import.meta.url), 'utf8');
    const model = parseDomainXml(input);
    model.name = `${PREFIX}exotic`;
    defineDomain(QEMU_URI, cleanup, dir, model.name, buildDomainXml(model, { nameRule: 'libvirt' }));
    const dumped = virsh(QEMU_URI, 'dumpxml', '--inactive', model.name);
    const reparsed = parseDomainXml(dumped);
    expect(reparsed.extraElements?.some((e) => e.includes('-no-user-config'))).toBe(true);
    // <hyperv> is typed now (Windows-ready specs); what it carries comes back as features.hyperv.
    expect(reparsed.features?.hyperv).toBeDefined();
    expect(reparsed.metadata?.extraElements?.[0]).toContain('https://example.org/other/2');
    // Redefine what we rebuilt from libvirt's output: nothing changes.
    virsh(QEMU_URI, 'define', xmlFile(dir, 'exotic-again', buildDomainXml(reparsed, { nameRule: 'libvirt' })));
    expect(normalizeXml(virsh(QEMU_URI, 'dumpxml', '--inactive', model.name))).toBe(normalizeXml(dumped));
  });
});

describe.skipIf(!daemonUp(TEST_URI))("the test driver's default domain", () => {
  it('parses and rebuilds losslessly', () => {
    // A fresh connection always sees this pristine domain, whether or not the state is held.
    const xml = virsh(TEST_URI, 'dumpxml', 'test');
    expect(normalizeXml(buildDomainXml(parseDomainXml(xml)))).toBe(normalizeXml(xml));
  });
});
