import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, InvalidArgumentError } from '../../../src/errors/index.js';
import {
  OWNERSHIP_NAMESPACE,
  XmlParseError,
  buildDomainXml,
  buildOwnershipXml,
  normalizeXml,
  parseDomainXml,
  parseOwnership,
  parseSize,
  type Ownership,
} from '../../../src/xml/index.js';
import { allDevices } from '../../fixtures/xml/golden-models.js';

const record: Ownership = {
  createdAt: '2024-05-01T12:00:00.000Z',
  sdkVersion: '0.1.0',
  volumes: [
    { role: 'disk', pool: 'default', name: 'vm.qcow2', path: '/var/lib/libvirt/images/vm.qcow2', format: 'qcow2' },
    { role: 'overlay', pool: 'default', name: 'vm-overlay.qcow2' },
    { role: 'nvram', path: '/var/lib/libvirt/qemu/nvram/vm_VARS.fd' },
  ],
  cloudInit: {
    pool: 'default',
    name: 'vm-seed.iso',
    path: '/var/lib/libvirt/images/vm-seed.iso',
    contentHash: 'sha256:abc',
    target: 'sdb',
  },
};

describe('ownership metadata', () => {
  it('builds the element in its namespace by default, as virDomainSetMetadata takes it (libvirt adds the prefix)', () => {
    const xml = buildOwnershipXml(record);
    expect(xml).toContain(`<manager xmlns="${OWNERSHIP_NAMESPACE}">`);
    expect(xml).not.toContain('xmlns:lvm');
    expect(normalizeXml(xml)).toBe(
      normalizeXml(`<manager xmlns="${OWNERSHIP_NAMESPACE}">
        <created-at>2024-05-01T12:00:00.000Z</created-at>
        <sdk-version>0.1.0</sdk-version>
        <volume role="disk" pool="default" name="vm.qcow2" path="/var/lib/libvirt/images/vm.qcow2" format="qcow2"/>
        <volume role="overlay" pool="default" name="vm-overlay.qcow2"/>
        <volume role="nvram" path="/var/lib/libvirt/qemu/nvram/vm_VARS.fd"/>
        <cloud-init pool="default" name="vm-seed.iso" path="/var/lib/libvirt/images/vm-seed.iso" hash="sha256:abc" target="sdb"/>
      </manager>`),
    );
    expect(parseOwnership(xml)).toEqual(record);
  });

  it('reads the record as libvirt stores it after virDomainSetMetadata (both the default namespace and the lvm prefix declared)', () => {
    const stored = `<domain><name>x</name><metadata><manager xmlns="${OWNERSHIP_NAMESPACE}" xmlns:lvm="${OWNERSHIP_NAMESPACE}">
      <created-at>2024-05-01T12:00:00.000Z</created-at><sdk-version>0.2.0</sdk-version>
      <volume role="disk" pool="default" name="vm-vdb.qcow2" path="/p/vm-vdb.qcow2" key="/p/vm-vdb.qcow2"/>
    </manager></metadata></domain>`;
    expect(parseOwnership(stored)?.volumes).toEqual([
      { role: 'disk', pool: 'default', name: 'vm-vdb.qcow2', path: '/p/vm-vdb.qcow2', key: '/p/vm-vdb.qcow2' },
    ]);
  });

  it('round-trips the domain UUID and volume keys (records of 0.2, checked by teardown)', () => {
    const keyed: Ownership = {
      ...record,
      domainUuid: '4dea22b3-1d52-d8f3-2516-782e98ab3fa0',
      volumes: [
        {
          role: 'disk',
          pool: 'default',
          name: 'vm.qcow2',
          path: '/var/lib/libvirt/images/vm.qcow2',
          key: '/var/lib/libvirt/images/vm.qcow2',
        },
        { role: 'disk', pool: 'default', name: 'vm-vdb.qcow2', key: '/var/lib/libvirt/images/vm-vdb.qcow2', leftBy: 'revert' },
      ],
      cloudInit: { ...record.cloudInit, key: 'k-seed' },
    };
    const xml = buildOwnershipXml(keyed);
    expect(xml).toContain('left-by="revert"');
    expect(xml).toContain('<domain-uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</domain-uuid>');
    expect(xml).toContain('key="k-seed"');
    expect(parseOwnership(xml)).toEqual(keyed);
  });

  it('parses the element alone (virDomainGetMetadata) and inside a domain', () => {
    expect(parseOwnership(buildOwnershipXml(record))).toEqual(record);
    const domain = buildDomainXml({ ...allDevices, metadata: { ownership: record } });
    expect(parseOwnership(domain)).toEqual(record);
    expect(parseDomainXml(domain).metadata?.ownership).toEqual(record);
  });

  it('goes by namespace, not prefix', () => {
    const xml = `<domain type="kvm"><name>x</name><metadata><sdk:manager xmlns:sdk="${OWNERSHIP_NAMESPACE}"><sdk:created-at>2024-01-01T00:00:00Z</sdk:created-at><sdk:sdk-version>9</sdk:sdk-version></sdk:manager></metadata></domain>`;
    expect(parseOwnership(xml)).toEqual({ createdAt: '2024-01-01T00:00:00Z', sdkVersion: '9', volumes: [] });
  });

  it('returns null for domains without a record, including ones with other apps’ metadata', () => {
    expect(parseOwnership(readFileSync(new URL('../../fixtures/xml/test-driver-domain.xml', import.meta.url), 'utf8'))).toBeNull();
    expect(parseOwnership(readFileSync(new URL('../../fixtures/xml/qemu-defined-exotic.xml', import.meta.url), 'utf8'))).toBeNull();
    const other = `<domain type="kvm"><name>x</name><metadata><lvm:manager xmlns:lvm="https://example.com/not-ours"/></metadata></domain>`;
    expect(parseOwnership(other)).toBeNull();
  });

  it('keeps other applications’ metadata next to ours', () => {
    const model = parseDomainXml(buildDomainXml(allDevices));
    expect(model.metadata?.ownership?.volumes).toHaveLength(2);
    expect(model.metadata?.extraElements).toEqual([
      '<app:info xmlns:app="https://example.com/app/1" owner="team-a"><app:tag>blue</app:tag></app:info>',
    ]);
  });

  it('keeps elements of a newer SDK version (forward compatibility)', () => {
    const xml = `<lvm:manager xmlns:lvm="${OWNERSHIP_NAMESPACE}"><lvm:created-at>2024-01-01T00:00:00Z</lvm:created-at><lvm:sdk-version>2.0.0</lvm:sdk-version><lvm:volume role="snapshot" path="/x" keep="yes"/><lvm:future a="1"/></lvm:manager>`;
    const parsed = parseOwnership(xml)!;
    expect(parsed.volumes).toEqual([{ role: 'snapshot', path: '/x', extraAttributes: { keep: 'yes' } }]);
    expect(parsed.extraElements).toEqual([`<lvm:future xmlns:lvm="${OWNERSHIP_NAMESPACE}" a="1"/>`]);
    expect(normalizeXml(buildOwnershipXml(parsed))).toBe(normalizeXml(xml));
  });

  it('refuses incomplete records', () => {
    const bad = (o: unknown): InvalidArgumentError => {
      try {
        buildOwnershipXml(o as Ownership);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as InvalidArgumentError).code).toBe(ErrorCode.INVALID_SPEC);
        return e as InvalidArgumentError;
      }
      throw new Error('expected a refusal');
    };
    expect(bad({ ...record, createdAt: 'yesterday' }).path).toBe('ownership.createdAt');
    expect(bad({ ...record, sdkVersion: '' }).path).toBe('ownership.sdkVersion');
    expect(bad({ ...record, volumes: [{ role: 'disk', pool: 'default' }] }).path).toBe('ownership.volumes[0]');
    expect(bad({ ...record, volumes: [{ path: '/x' }] }).path).toBe('ownership.volumes[0].role');
    expect(bad({ ...record, volumes: undefined }).path).toBe('ownership.volumes');
  });

  it('reports an incomplete record as a parse error', () => {
    expect(() => parseOwnership(`<lvm:manager xmlns:lvm="${OWNERSHIP_NAMESPACE}"/>`)).toThrow(XmlParseError);
    expect(() => parseOwnership('<pool type="dir"/>')).toThrow(XmlParseError);
  });

  it('a domain with only an ownership record writes <metadata>', () => {
    const xml = buildDomainXml({
      type: 'kvm',
      name: 'x',
      memory: parseSize('1GiB'),
      os: { type: 'hvm' },
      devices: {},
      metadata: { ownership: record },
    });
    expect(xml).toContain('<metadata>');
    expect(
      buildDomainXml({ type: 'kvm', name: 'x', memory: parseSize('1GiB'), os: { type: 'hvm' }, devices: {}, metadata: {} }),
    ).not.toContain('<metadata');
  });
});
