/**
 * Seeds for mutation: packets captured from a real libvirtd (and the protocol
 * reference's Appendix A), and the daemon XML under tests/fixtures/xml.
 *
 * @module
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as appendixA from '../fixtures/wire/appendix-a.js';
import * as captured from '../fixtures/wire/captured.js';

/** Every whole packet among the wire fixtures (header-only fragments are left out). */
export const WIRE_PACKETS: readonly Buffer[] = [...Object.values(captured), ...Object.values(appendixA)].filter(
  (v): v is Buffer => Buffer.isBuffer(v) && v.length >= 28 && v.readUInt32BE(0) === v.length,
);

const XML_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/xml');

function xml(name: string): string {
  return readFileSync(join(XML_DIR, name), 'utf8');
}

function xmlDir(dir: string): string[] {
  return readdirSync(join(XML_DIR, dir))
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => xml(join(dir, f)));
}

/** Captured (and golden) XML documents by the parser that reads them. */
export const XML_FIXTURES = {
  domain: [
    xml('test-driver-domain.xml'),
    xml('qemu-running-domain.xml'),
    xml('qemu-defined-all-devices.xml'),
    xml('qemu-defined-exotic.xml'),
    xml('exotic-input.xml'),
    ...xmlDir('golden'),
  ],
  network: [xml('test-network-default.xml'), xml('qemu-network-isolated.xml')],
  pool: [xml('test-pool-default.xml'), xml('qemu-pool-dir.xml')],
  volume: [xml('qemu-volume-overlay.xml')],
  capabilities: [xml('test-capabilities.xml'), xml('qemu-capabilities.xml')],
  domainCapabilities: [xml('qemu-domcapabilities.xml'), xml('qemu-domcapabilities-q35.xml')],
} as const;

/** Every XML fixture, for parsers fed documents of the wrong kind. */
export const ALL_XML: readonly string[] = Object.values(XML_FIXTURES).flat();
