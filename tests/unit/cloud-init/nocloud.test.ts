import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCode, InvalidArgumentError } from '../../../src/errors/index.js';
import {
  NOCLOUD_LABEL,
  buildCloudConfig,
  buildNoCloudSeed,
  describeSeed,
  type NoCloudSeedInput,
} from '../../../src/creator/cloud-init/index.js';
import { readIso } from './iso-reader.js';

const SECRET = 'correct-horse-battery-staple';

function filesOf(iso: Buffer): Record<string, string> {
  const parsed = readIso(iso);
  expect(parsed.volumeId).toBe('cidata');
  const rr = Object.fromEntries([...parsed.rockRidge!].map(([k, v]) => [k, v.toString('utf8')]));
  const joliet = Object.fromEntries([...parsed.jolietFiles!].map(([k, v]) => [k, v.toString('utf8')]));
  expect(joliet).toEqual(rr);
  return rr;
}

describe('buildNoCloudSeed', () => {
  it('writes user-data and meta-data with a stable hash-based instance-id by default', () => {
    const seed = buildNoCloudSeed();
    expect(seed.files).toEqual(['meta-data', 'user-data']);
    const files = filesOf(seed.iso);
    expect(files['user-data']).toBe('#cloud-config\n{}\n');
    expect(seed.instanceId).toMatch(/^iid-[0-9a-f]{16}$/);
    expect(JSON.parse(files['meta-data']!)).toEqual({ 'instance-id': seed.instanceId });
    expect(buildNoCloudSeed().instanceId).toBe(seed.instanceId);
    expect(buildNoCloudSeed({ userData: '#cloud-config\n{"a": 1}\n' }).instanceId).not.toBe(seed.instanceId);
  });

  it('writes every file, objects as canonical JSON, strings verbatim', () => {
    const userData = buildCloudConfig({ hostname: 'web-1' });
    const seed = buildNoCloudSeed({
      userData,
      metaData: { zone: 'b', 'availability-zone': 'a' },
      localHostname: 'web-1',
      instanceId: '6695eb01-f6a4-8304-79aa-97f2502e193f',
      networkConfig: { version: 2, ethernets: { eth0: { dhcp4: true, match: { macaddress: '52:54:00:12:34:56' } } } },
      vendorData: '#cloud-config\n{"packages": ["htop"]}\n',
    });
    expect(seed.files).toEqual(['meta-data', 'network-config', 'user-data', 'vendor-data']);
    const files = filesOf(seed.iso);
    expect(files['user-data']).toBe(userData);
    expect(files['vendor-data']).toBe('#cloud-config\n{"packages": ["htop"]}\n');
    expect(files['meta-data']).toBe(
      '{\n  "availability-zone": "a",\n  "instance-id": "6695eb01-f6a4-8304-79aa-97f2502e193f",\n  "local-hostname": "web-1",\n  "zone": "b"\n}\n',
    );
    expect(JSON.parse(files['network-config']!)).toEqual({
      version: 2,
      ethernets: { eth0: { dhcp4: true, match: { macaddress: '52:54:00:12:34:56' } } },
    });
    expect(files['network-config']!.indexOf('"ethernets"')).toBeLessThan(files['network-config']!.indexOf('"version"'));
    expect(seed.instanceId).toBe('6695eb01-f6a4-8304-79aa-97f2502e193f');
    expect(seed.sizes).toEqual(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.byteLength(v)])));
  });

  it('is content-addressed and deterministic', () => {
    const input: NoCloudSeedInput = { userData: '#cloud-config\n{}\n', metaData: { b: 1, a: 2 } };
    const a = buildNoCloudSeed(input);
    const b = buildNoCloudSeed({ userData: '#cloud-config\n{}\n', metaData: { a: 2, b: 1 } });
    expect(b.iso.equals(a.iso)).toBe(true);
    expect(a.sha256).toBe(createHash('sha256').update(a.iso).digest('hex'));
    expect(a.fileName).toBe(`${NOCLOUD_LABEL}-${a.sha256.slice(0, 16)}.iso`);
  });

  it('keeps string meta-data verbatim and reports no instance id for it', () => {
    const seed = buildNoCloudSeed({ metaData: 'instance-id: iid-local01\nlocal-hostname: h\n', networkConfig: 'network:\n  version: 2\n' });
    const files = filesOf(seed.iso);
    expect(files['meta-data']).toBe('instance-id: iid-local01\nlocal-hostname: h\n');
    expect(files['network-config']).toBe('network:\n  version: 2\n');
    expect(seed.instanceId).toBeUndefined();
  });

  it('accepts network config under a "network" key', () => {
    expect(buildNoCloudSeed({ networkConfig: { network: { version: 1, config: [] } } }).files).toContain('network-config');
  });

  it.each<[string, NoCloudSeedInput, string]>([
    ['NUL in user-data', { userData: '#cloud-config\n\0' }, 'userData'],
    ['NUL in vendor-data', { vendorData: 'x\0' }, 'vendorData'],
    ['NUL in a meta-data value', { metaData: { a: 'x\0' } }, 'metaData.a'],
    ['instance id with a slash', { instanceId: 'a/b' }, 'instanceId'],
    ['instance id ".."', { instanceId: '..' }, 'instanceId'],
    ['bad meta-data instance-id', { metaData: { 'instance-id': 'has space' } }, 'metaData["instance-id"]'],
    ['conflicting instance ids', { instanceId: 'a', metaData: { 'instance-id': 'b' } }, 'instanceId'],
    ['conflicting host names', { localHostname: 'a', metaData: { 'local-hostname': 'b' } }, 'localHostname'],
    ['bad host name', { localHostname: 'not a host' }, 'localHostname'],
    ['instanceId with string meta-data', { instanceId: 'a', metaData: 'instance-id: b\n' }, 'metaData'],
    ['meta-data of the wrong type', { metaData: 42 as never }, 'metaData'],
    ['network config without version', { networkConfig: { ethernets: {} } }, 'networkConfig.version'],
    ['network config version 3', { networkConfig: { version: 3 } }, 'networkConfig.version'],
    ['non-plain network config value', { networkConfig: { version: 2, x: new Map() } }, 'networkConfig.x'],
    ['bigint in meta-data', { metaData: { n: 1n } }, 'metaData.n'],
  ])('rejects %s with a typed error', (_label, input, path) => {
    let caught: unknown;
    try {
      buildNoCloudSeed(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).code).toBe(ErrorCode.INVALID_SPEC);
    expect((caught as InvalidArgumentError).path).toBe(path);
  });
});

describe('describeSeed', () => {
  it('lists files and sizes, never contents', () => {
    const seed = buildNoCloudSeed({
      userData: buildCloudConfig({ user: { name: 'ops', plainPassword: SECRET } }),
      instanceId: 'iid-1',
    });
    const text = describeSeed(seed);
    expect(text).toContain(seed.fileName);
    expect(text).toContain(seed.sha256);
    expect(text).toContain(`user-data ${seed.sizes['user-data']} B`);
    expect(text).toContain(`meta-data ${seed.sizes['meta-data']} B`);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('iid-1');
    expect(text).not.toContain('\n');
  });
});
