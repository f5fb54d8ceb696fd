import { describe, expect, it } from 'vitest';
import {
  normalizeMac,
  normalizeUuid,
  validateInterfaceName,
  validateIp,
  validateName,
  validateVolumeName,
} from '../../../src/xml/index.js';
import { refusal } from './helpers.js';

describe('validateName (SDK rule)', () => {
  it.each(['vm1', 'a', 'web-01.prod', 'A_b+c', '0start', 'x'.repeat(63)])('accepts %j', (name) => {
    expect(() => validateName(name)).not.toThrow();
  });

  it.each([
    ['', 'empty'],
    ['a/b', 'slash'],
    ['..', 'dot-dot'],
    ['.', 'dot'],
    ['.hidden', 'leading dot'],
    ['-rf', 'leading dash'],
    ['x'.repeat(64), '64 chars'],
    ['x'.repeat(65), '65 chars'],
    ['has space', 'space'],
    ['tab\there', 'tab'],
    ['bell\u0007', 'control char'],
    ['nul\u0000', 'NUL'],
    ['ünï', 'non-ASCII'],
    ['a,b', 'comma'],
    ['a:b', 'colon'],
  ])('refuses %j (%s)', (name) => {
    expect(refusal(() => validateName(name, 'name')).path).toBe('name');
  });

  it('libvirt rule: only "/", line breaks and XML-illegal characters are refused', () => {
    expect(() => validateName('my VM (old), ünï', 'name', 'libvirt')).not.toThrow();
    refusal(() => validateName('a/b', 'name', 'libvirt'));
    refusal(() => validateName('a\nb', 'name', 'libvirt'));
    refusal(() => validateName('a\u0001b', 'name', 'libvirt'));
    refusal(() => validateName('', 'name', 'libvirt'));
  });
});

describe('validateVolumeName', () => {
  it.each(['disk.qcow2', 'vm 1 – root.qcow2', '.hidden', 'a..b', 'x'.repeat(255), 'é'.repeat(127)])('accepts %j', (name) => {
    expect(() => validateVolumeName(name)).not.toThrow();
  });
  it.each([
    ['', 'empty'],
    ['a/b', 'slash'],
    ['../etc', 'traversal'],
    ['.', 'dot'],
    ['..', 'dot-dot'],
    ['-o', 'leading dash'],
    ['a\u0000b', 'NUL'],
    ['a\nb', 'newline'],
    ['x'.repeat(256), '256 bytes'],
    ['é'.repeat(128), '256 UTF-8 bytes'],
  ])('refuses %j (%s)', (name) => {
    refusal(() => validateVolumeName(name));
  });
});

describe('normalizeMac', () => {
  it('accepts and lower-cases unicast MACs', () => {
    expect(normalizeMac('52:54:00:AB:cd:01')).toBe('52:54:00:ab:cd:01');
  });
  it.each([
    '52:54:00:ab:cd',
    '52-54-00-ab-cd-01',
    '525400abcd01',
    '01:00:5e:00:00:01',
    'ff:ff:ff:ff:ff:ff',
    '00:00:00:00:00:00',
    'zz:54:00:ab:cd:01',
  ])('refuses %j', (mac) => {
    refusal(() => normalizeMac(mac));
  });
});

describe('normalizeUuid', () => {
  it('accepts libvirt forms and returns the canonical one', () => {
    expect(normalizeUuid('9F2C1A526A434D0B9B0E0A5F3D1C2B7E')).toBe('9f2c1a52-6a43-4d0b-9b0e-0a5f3d1c2b7e');
    expect(normalizeUuid('9f2c1a52-6a43-4d0b-9b0e-0a5f3d1c2b7e')).toBe('9f2c1a52-6a43-4d0b-9b0e-0a5f3d1c2b7e');
  });
  it.each(['', 'not-a-uuid', '9f2c1a52-6a43-4d0b-9b0e-0a5f3d1c2b7', '9f2c1a52-6a43-4d0b-9b0e-0a5f3d1c2b7g'])('refuses %j', (uuid) => {
    refusal(() => normalizeUuid(uuid));
  });
});

describe('addresses and interface names', () => {
  it.each(['192.168.122.1', '10.0.0.0', '::1', 'fd00::1', '2001:db8::a:b', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8'])('valid IP %s', (ip) => {
    expect(() => validateIp(ip, 'ip')).not.toThrow();
  });
  it.each(['256.0.0.1', '1.2.3', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', 'fe80::1%eth0', 'localhost'])('invalid IP %s', (ip) => {
    refusal(() => validateIp(ip, 'ip'));
  });
  it('checks the family when given', () => {
    refusal(() => validateIp('::1', 'ip', 'ipv4'));
    refusal(() => validateIp('10.0.0.1', 'ip', 'ipv6'));
  });
  it.each(['virbr0', 'br-lab', 'x'.repeat(15)])('valid interface name %s', (n) =>
    expect(() => validateInterfaceName(n, 'bridge')).not.toThrow(),
  );
  it.each(['', 'x'.repeat(16), 'br 0', 'br/0', '..'])('invalid interface name %j', (n) => {
    refusal(() => validateInterfaceName(n, 'bridge'));
  });
});
