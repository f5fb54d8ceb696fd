/**
 * The spec's network filter and disk encryption: validated before anything
 * is sent, and rendered into the domain XML and the ownership record.
 */
import { describe, expect, it } from 'vitest';
import { buildVmXml, type VmSpec } from '../../../src/creator/index.js';
import { parseDomainXml, parseOwnership } from '../../../src/xml/index.js';
import { qemuFacts } from './helpers.js';

const UUID = '0f628a87-28df-4c31-ba7a-b9350a0f41bf';
const base = (extra: Partial<VmSpec>): VmSpec => ({ name: 'web-1', memory: '512MiB', ...extra });

describe('NetworkSpec.filter', () => {
  it('becomes <filterref> with its parameters', () => {
    const xml = buildVmXml(
      base({ networks: [{ network: 'default', filter: { filter: 'clean-traffic', parameters: { IP: ['10.0.0.5', '10.0.0.6'] } } }] }),
      {
        facts: qemuFacts(),
      },
    );
    expect(parseDomainXml(xml).devices?.interfaces?.[0]?.filterref).toEqual({
      filter: 'clean-traffic',
      parameters: { IP: ['10.0.0.5', '10.0.0.6'] },
    });
  });

  it('refuses a bad filter name or variable before anything is sent', () => {
    expect(() => buildVmXml(base({ networks: [{ network: 'default', filter: { filter: 'a/b' } }] }), { facts: qemuFacts() })).toThrow(
      /networks\[0\]\.filter/,
    );
    expect(() =>
      buildVmXml(base({ networks: [{ network: 'default', filter: { filter: 'f', parameters: { 'no-dash': 'x' } } }] }), {
        facts: qemuFacts(),
      }),
    ).toThrow(/filter variable/);
  });
});

describe('disk encryption', () => {
  it("puts the caller's secret on the disk and records no owned secret", () => {
    const xml = buildVmXml(
      base({ disks: [{ kind: 'new', pool: 'default', size: '1GiB', encryption: { format: 'luks', secret: UUID } }] }),
      { facts: qemuFacts() },
    );
    const domain = parseDomainXml(xml);
    expect(domain.devices?.disks?.[0]?.encryption).toEqual({ format: 'luks', secret: UUID });
    expect(parseOwnership(xml)?.volumes[0]?.secret).toBeUndefined();
  });

  it('names a fresh secret for an SDK-made one, on the disk and in the ownership record', () => {
    const xml = buildVmXml(
      base({ disks: [{ kind: 'new', pool: 'default', size: '1GiB', format: 'raw', encryption: { format: 'luks' } }] }),
      { facts: qemuFacts() },
    );
    const secret = parseDomainXml(xml).devices?.disks?.[0]?.encryption?.secret;
    expect(secret).toMatch(/^[0-9a-f-]{36}$/);
    expect(parseOwnership(xml)?.volumes[0]?.secret).toBe(secret);
  });

  it('refuses other formats and bad secrets', () => {
    const f = qemuFacts();
    expect(() =>
      buildVmXml(base({ disks: [{ kind: 'new', pool: 'default', size: '1GiB', encryption: { format: 'qcow' as 'luks' } }] }), { facts: f }),
    ).toThrow(/disks\[0\]\.encryption/);
    expect(() =>
      buildVmXml(base({ disks: [{ kind: 'new', pool: 'default', size: '1GiB', encryption: { format: 'luks', secret: 'x' } }] }), {
        facts: f,
      }),
    ).toThrow(/encryption\.secret/);
    expect(() =>
      buildVmXml(base({ disks: [{ kind: 'new', pool: 'default', size: '1GiB', format: 'vmdk', encryption: { format: 'luks' } }] }), {
        facts: f,
      }),
    ).toThrow(/qcow2' or 'raw/);
  });
});
