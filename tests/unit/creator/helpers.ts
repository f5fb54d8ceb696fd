/**
 * Shared pieces of the creator unit tests: host facts from capabilities
 * captured on this machine's daemons (tests/fixtures/xml), and a fake host
 * (the shipped fake daemon with an in-memory hypervisor) to create VMs on.
 */
import { readFileSync } from 'node:fs';
import type { CreatorFacts, PoolFacts, VolumeFacts } from '../../../src/creator/index.js';
import { volumeKey } from '../../../src/creator/index.js';
import { type LibvirtError, libvirtErrorFrom } from '../../../src/errors/index.js';
import { parseCapabilitiesXml, parseDomainCapabilitiesXml } from '../../../src/xml/index.js';
import { type FakeHost, fakeHost } from '../../helpers/fake-host.js';
export { refusal, rejection } from '../../helpers/errors.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/xml/${name}`, import.meta.url), 'utf8');
}

export const QEMU_CAPS = parseCapabilitiesXml(fixture('qemu-capabilities.xml'));
export const QEMU_DOMCAPS_Q35 = parseDomainCapabilitiesXml(fixture('qemu-domcapabilities-q35.xml'));
export const QEMU_DOMCAPS_PC = parseDomainCapabilitiesXml(fixture('qemu-domcapabilities.xml'));
export const TEST_CAPS = parseCapabilitiesXml(fixture('test-capabilities.xml'));

export const POOL: PoolFacts = { name: 'default', path: '/var/lib/libvirt/images', available: 100n * 1024n ** 3n, active: true };
export const BASE: VolumeFacts = {
  pool: 'default',
  name: 'debian-12.qcow2',
  path: '/var/lib/libvirt/images/debian-12.qcow2',
  format: 'qcow2',
  capacity: 2n * 1024n ** 3n,
  allocation: 400n * 1024n ** 2n,
  ref: null,
};
export const ISO: VolumeFacts = {
  pool: 'isos',
  name: 'installer.iso',
  path: '/srv/isos/installer.iso',
  format: 'iso',
  capacity: 600n * 1024n ** 2n,
  allocation: 600n * 1024n ** 2n,
  ref: null,
};

/** Facts of this machine's QEMU driver (q35 domain capabilities) with a `default` pool holding a base image. */
export function qemuFacts(overrides: Partial<CreatorFacts> = {}): CreatorFacts {
  return {
    capabilities: QEMU_CAPS,
    domainCapabilities: QEMU_DOMCAPS_Q35,
    pools: { default: POOL, isos: { name: 'isos', path: '/srv/isos', available: 0n, active: true } },
    volumes: {
      [volumeKey({ pool: 'default', volume: BASE.name })]: BASE,
      [volumeKey(BASE.path)]: BASE,
      [volumeKey({ pool: 'isos', volume: ISO.name })]: ISO,
    },
    uploads: {},
    ...overrides,
  };
}

/** Facts of the test driver: host capabilities only (it has no domain capabilities). */
export function testDriverFacts(): CreatorFacts {
  return {
    capabilities: TEST_CAPS,
    pools: { 'default-pool': { name: 'default-pool', path: '/default-pool', available: 100n * 1024n ** 3n, active: true } },
    volumes: {},
    uploads: {},
  };
}

/** A libvirt error as the daemon would report it. */
export function virError(code: number, message: string): LibvirtError {
  return libvirtErrorFrom({ code, domain: 0, message, level: 2, str1: null, str2: null, str3: null, int1: -1, int2: -1 });
}

/**
 * A fake QEMU host for the creator, over libvirt's wire protocol: the shipped
 * fake daemon serving this machine's captured capabilities (q35 domain
 * capabilities), a `default` directory pool and a `default` network, and a
 * real `LibvirtConnection` to it. The creator makes its default
 * `VmLifecycleManager` on that connection, so start, autostart and the
 * rollback's power-off go through the real lifecycle too.
 */
export function creatorHost(options: { upload?: boolean } = {}): Promise<FakeHost> {
  return fakeHost({
    hypervisor: { capabilities: fixture('qemu-capabilities.xml'), domainCapabilities: fixture('qemu-domcapabilities-q35.xml') },
    setup: (hv) => {
      hv.addPool('default', '/var/lib/libvirt/images', 10n ** 11n);
      hv.addNetwork('default');
      hv.uploadSupported = options.upload !== false;
    },
  });
}
