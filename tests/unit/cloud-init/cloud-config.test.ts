import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REDACTED, buildCloudConfig, redactCloudConfig, type CloudConfigInput } from '../../../src/creator/cloud-init/index.js';
import { refusal as rejection } from '../../helpers/errors.js';

/** SSH wire encoding (RFC 4253 6.6): each field a uint32 length then bytes. */
function sshBlob(...fields: (string | Buffer)[]): string {
  return Buffer.concat(
    fields.flatMap((f) => {
      const bytes = Buffer.from(f);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(bytes.length);
      return [len, bytes];
    }),
  ).toString('base64');
}

const ed25519Raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
const ED25519 = `ssh-ed25519 ${sshBlob('ssh-ed25519', ed25519Raw)} alice@laptop`;
const RSA = `ssh-rsa ${sshBlob('ssh-rsa', Buffer.from([1, 0, 1]), Buffer.alloc(257, 0xab))}`;
const ECDSA = `ecdsa-sha2-nistp256 ${sshBlob('ecdsa-sha2-nistp256', 'nistp256', Buffer.alloc(65, 4))} bob`;
const SK = `sk-ssh-ed25519@openssh.com ${sshBlob('sk-ssh-ed25519@openssh.com', Buffer.alloc(32, 1), 'ssh:')} yubikey`;
const WITH_OPTIONS = `from="10.0.0.0/8",no-pty ${ED25519}`;

const SECRET = 'hunter2-Sup3rSecret';

function parse(text: string): Record<string, unknown> {
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  return JSON.parse(text.slice('#cloud-config\n'.length)) as Record<string, unknown>;
}

describe('buildCloudConfig', () => {
  it('maps the typed fields to cloud-config keys', () => {
    const doc = parse(
      buildCloudConfig({
        hostname: 'web-1.example.com',
        user: { name: 'ops', sshAuthorizedKeys: [ED25519, SK], sudo: true, shell: '/bin/bash', groups: ['adm', 'wheel'] },
        sshAuthorizedKeys: [RSA, ECDSA, WITH_OPTIONS],
        packages: ['nginx', 'curl=7.88.1-10'],
        runcmd: ['echo hello > /tmp/x', ['systemctl', 'enable', '--now', 'nginx']],
        writeFiles: [
          { path: '/etc/motd', content: 'hi\n', permissions: '0644', owner: 'root:root' },
          { path: '/usr/local/bin/blob', content: Buffer.from([0, 1, 2, 255]), defer: true },
        ],
        timezone: 'Europe/Paris',
        extra: { ssh_pwauth: false, package_upgrade: true },
      }),
    );
    expect(doc).toEqual({
      hostname: 'web-1.example.com',
      users: [
        'default',
        { name: 'ops', ssh_authorized_keys: [ED25519, SK], sudo: 'ALL=(ALL) NOPASSWD:ALL', shell: '/bin/bash', groups: ['adm', 'wheel'] },
      ],
      ssh_authorized_keys: [RSA, ECDSA, WITH_OPTIONS],
      packages: ['nginx', 'curl=7.88.1-10'],
      runcmd: ['echo hello > /tmp/x', ['systemctl', 'enable', '--now', 'nginx']],
      write_files: [
        { path: '/etc/motd', content: 'hi\n', permissions: '0644', owner: 'root:root' },
        { path: '/usr/local/bin/blob', encoding: 'b64', content: 'AAEC/w==', defer: true },
      ],
      timezone: 'Europe/Paris',
      ssh_pwauth: false,
      package_upgrade: true,
    });
  });

  it('writes an empty document for no input and is deterministic', () => {
    expect(buildCloudConfig({})).toBe('#cloud-config\n{}\n');
    const input: CloudConfigInput = { hostname: 'a', packages: ['b'] };
    expect(buildCloudConfig(input)).toBe(buildCloudConfig({ ...input }));
  });

  it('unlocks the password only when one is set, and can drop the default user', () => {
    const hashed = parse(buildCloudConfig({ user: { name: 'u', passwordHash: '$6$salt$abcdefghijklmnop' }, keepDefaultUser: false }));
    expect(hashed.users).toEqual([{ name: 'u', passwd: '$6$salt$abcdefghijklmnop', lock_passwd: false }]);
    const plain = parse(buildCloudConfig({ user: { name: 'u', plainPassword: SECRET, sudo: 'ALL=(ALL) ALL' } }));
    expect(plain.users).toEqual(['default', { name: 'u', sudo: 'ALL=(ALL) ALL', plain_text_passwd: SECRET, lock_passwd: false }]);
    expect(parse(buildCloudConfig({ user: { name: 'u', sudo: false } })).users).toEqual(['default', { name: 'u' }]);
  });

  it('escapes characters YAML 1.1 would reject or read as line breaks', () => {
    const text = buildCloudConfig({ runcmd: ['a\u0085b\u2028c\u2029d\u007fe\u0090f\ufeffg'] });
    expect(text).not.toMatch(/[\u007f-\u009f\u2028\u2029\ufeff]/);
    expect(text).toContain('a\\u0085b\\u2028c\\u2029d\\u007fe\\u0090f\\ufeffg');
    expect(parse(text).runcmd).toEqual(['a\u0085b\u2028c\u2029d\u007fe\u0090f\ufeffg']);
  });

  it.each<[string, CloudConfigInput, string]>([
    ['user name with capitals', { user: { name: 'Admin' } }, 'user.name'],
    ['user name too long', { user: { name: 'a'.repeat(33) } }, 'user.name'],
    ['user name starting with a digit', { user: { name: '1abc' } }, 'user.name'],
    ['not a key', { sshAuthorizedKeys: ['hello world'] }, 'sshAuthorizedKeys[0]'],
    ['unknown key type', { sshAuthorizedKeys: [`ssh-foo ${sshBlob('ssh-foo', 'x')}`] }, 'sshAuthorizedKeys[0]'],
    ['DSA key', { sshAuthorizedKeys: [`ssh-dss ${sshBlob('ssh-dss', 'x')}`] }, 'sshAuthorizedKeys[0]'],
    ['truncated key', { sshAuthorizedKeys: [ED25519.slice(0, 40)] }, 'sshAuthorizedKeys[0]'],
    ['type/blob mismatch', { sshAuthorizedKeys: [`ssh-ed25519 ${sshBlob('ssh-rsa', 'x')}`] }, 'sshAuthorizedKeys[0]'],
    ['two keys on one line', { user: { name: 'a', sshAuthorizedKeys: [`${ED25519}\n${RSA}`] } }, 'user.sshAuthorizedKeys[0]'],
    ['bad host name', { hostname: 'web_1' }, 'hostname'],
    ['host label too long', { hostname: 'a'.repeat(64) }, 'hostname'],
    ['NUL in a command', { runcmd: ['echo\0'] }, 'runcmd[0]'],
    ['NUL in an argv', { runcmd: [['echo', 'a\0']] }, 'runcmd[0][1]'],
    ['empty argv', { runcmd: [[]] }, 'runcmd[0]'],
    ['NUL in file content', { writeFiles: [{ path: '/a', content: 'x\0' }] }, 'writeFiles[0].content'],
    ['relative file path', { writeFiles: [{ path: 'etc/a', content: '' }] }, 'writeFiles[0].path'],
    ['bad permissions', { writeFiles: [{ path: '/a', content: '', permissions: '644x' }] }, 'writeFiles[0].permissions'],
    ['bad package', { packages: ['rm -rf /'] }, 'packages[0]'],
    ['bad time zone', { timezone: 'Europe Paris' }, 'timezone'],
    ['relative shell', { user: { name: 'a', shell: 'bash' } }, 'user.shell'],
    ['extra repeating a typed key', { hostname: 'a', extra: { hostname: 'b' } }, 'extra.hostname'],
    ['NUL in extra', { extra: { bootcmd: ['x\0'] } }, 'extra.bootcmd[0]'],
    ['non-plain extra value', { extra: { when: new Date() } }, 'extra.when'],
    ['non-finite number in extra', { extra: { n: Number.POSITIVE_INFINITY } }, 'extra.n'],
  ])('rejects %s', (_label, input, path) => {
    expect(rejection(() => buildCloudConfig(input)).path).toBe(path);
  });

  it('rejects a circular extra value', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(rejection(() => buildCloudConfig({ extra: { loop } })).path).toBe('extra.loop.self');
  });

  it('says "private key" for a pasted private key, without quoting it', () => {
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    const err = rejection(() => buildCloudConfig({ sshAuthorizedKeys: [pem] }));
    expect(err.message).toMatch(/PRIVATE key/);
    expect(err.message).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
  });

  it.each<[string, CloudConfigInput]>([
    ['a plain password given as hash', { user: { name: 'a', passwordHash: SECRET } }],
    ['a multi-line plain password', { user: { name: 'a', plainPassword: `${SECRET}\nx` } }],
    ['a plain password with NUL', { user: { name: 'a', plainPassword: `${SECRET}\0` } }],
    ['both password forms', { user: { name: 'a', plainPassword: SECRET, passwordHash: `$6$${SECRET}` } }],
    ['a secret in a bad extra value', { extra: { token: `${SECRET}\0` } }],
    ['a secret in a file with NUL', { writeFiles: [{ path: '/a', content: `${SECRET}\0` }] }],
  ])('never puts the secret in the error for %s', (_label, input) => {
    const err = rejection(() => buildCloudConfig(input));
    expect(err.message).not.toContain(SECRET);
    expect(String(err.stack)).not.toContain(SECRET);
    expect(JSON.stringify(err)).not.toContain(SECRET);
  });
});

describe('redactCloudConfig', () => {
  it('hides passwords and file contents in generated (JSON) cloud-config', () => {
    const text = buildCloudConfig({
      user: { name: 'ops', plainPassword: SECRET, sshAuthorizedKeys: [ED25519] },
      writeFiles: [{ path: '/etc/token', content: `TOKEN=${SECRET}` }],
      extra: { ssh_keys: { rsa_private: `-----BEGIN RSA PRIVATE KEY-----\n${SECRET}\n-----END RSA PRIVATE KEY-----` }, api_token: SECRET },
    });
    const red = redactCloudConfig(text);
    expect(red).not.toContain(SECRET);
    const doc = parse(red);
    expect((doc.users as unknown[])[1]).toEqual({
      name: 'ops',
      ssh_authorized_keys: [ED25519],
      plain_text_passwd: REDACTED,
      lock_passwd: false,
    });
    expect(doc.write_files).toEqual([{ path: '/etc/token', content: REDACTED }]);
    expect(doc.ssh_keys).toBe(REDACTED);
    expect(doc.api_token).toBe(REDACTED);
  });

  it('hides secrets in hand-written YAML, block scalars and flow mappings included', () => {
    const yaml = [
      '#cloud-config',
      'users:',
      '  - name: a',
      `    passwd: "${SECRET}"`,
      '    lock_passwd: false',
      `  - {name: b, plain_text_passwd: ${SECRET}}`,
      'chpasswd:',
      '  list: |',
      `    root:${SECRET}`,
      '  expire: false',
      'write_files:',
      '  - path: /etc/x',
      '    content: |',
      `      ${SECRET}`,
      '    owner: root',
      'bootcmd:',
      '  - |',
      '    -----BEGIN EC PRIVATE KEY-----',
      `    ${SECRET}`,
      '    -----END EC PRIVATE KEY-----',
      'hostname: kept',
      '',
    ].join('\n');
    const red = redactCloudConfig(yaml);
    expect(red).not.toContain(SECRET);
    expect(red).toContain('hostname: kept');
    expect(red).toContain('    lock_passwd: false');
    expect(red).toContain('  expire: false');
    expect(red).toContain('    owner: root');
    expect(red.startsWith('#cloud-config\n')).toBe(true);
  });
});
