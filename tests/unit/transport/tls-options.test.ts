import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, TransportError } from '../../../src/errors/index.js';
import { SYSTEM_TLS_FILES, parseLibvirtUri, resolveTlsConnectOptions, resolveTlsFiles } from '../../../src/rpc/transport/index.js';

const uri = (text: string) => parseLibvirtUri(text, { uid: 0, existsSync: () => false });
const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nSECRET-KEY-MATERIAL\n-----END PRIVATE KEY-----\n';

describe('resolveTlsFiles', () => {
  it('uses the pkipath directory as given, whether or not the files exist', () => {
    expect(resolveTlsFiles('/srv/pki', { uid: 1000, existsSync: () => false })).toEqual({
      ca: '/srv/pki/cacert.pem',
      crl: '/srv/pki/cacrl.pem',
      cert: '/srv/pki/clientcert.pem',
      key: '/srv/pki/clientkey.pem',
    });
  });

  it('root uses the system paths', () => {
    expect(resolveTlsFiles(undefined, { uid: 0, home: '/root', existsSync: () => true })).toEqual({
      ca: '/etc/pki/CA/cacert.pem',
      crl: '/etc/pki/CA/cacrl.pem',
      cert: '/etc/pki/libvirt/clientcert.pem',
      key: '/etc/pki/libvirt/private/clientkey.pem',
    });
  });

  it('non-root prefers ~/.pki/libvirt file by file', () => {
    const home = '/home/u';
    const all = resolveTlsFiles(undefined, { uid: 1000, home, existsSync: () => true });
    expect(all).toEqual({
      ca: '/home/u/.pki/libvirt/cacert.pem',
      crl: '/home/u/.pki/libvirt/cacrl.pem',
      cert: '/home/u/.pki/libvirt/clientcert.pem',
      key: '/home/u/.pki/libvirt/clientkey.pem',
    });
    const onlyCa = resolveTlsFiles(undefined, { uid: 1000, home, existsSync: (p) => p.endsWith('cacert.pem') });
    expect(onlyCa).toEqual({ ...SYSTEM_TLS_FILES, ca: '/home/u/.pki/libvirt/cacert.pem' });
  });

  it('non-root falls back for cert and key as a pair', () => {
    const certOnly = resolveTlsFiles(undefined, { uid: 1000, home: '/h', existsSync: (p) => p.endsWith('clientcert.pem') });
    expect(certOnly.cert).toBe(SYSTEM_TLS_FILES.cert);
    expect(certOnly.key).toBe(SYSTEM_TLS_FILES.key);
  });
});

describe('resolveTlsConnectOptions', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lvm-tls-'));
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', 'cacert.pem'), CA);
    writeFileSync(join(dir, 'full', 'clientcert.pem'), CERT);
    writeFileSync(join(dir, 'full', 'clientkey.pem'), KEY);
    mkdirSync(join(dir, 'ca-only'));
    writeFileSync(join(dir, 'ca-only', 'cacert.pem'), CA);
    mkdirSync(join(dir, 'cert-no-key'));
    writeFileSync(join(dir, 'cert-no-key', 'cacert.pem'), CA);
    writeFileSync(join(dir, 'cert-no-key', 'clientcert.pem'), CERT);
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'ca-is-dir', 'cacert.pem'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies by default, with the host as servername, and reads the pkipath files', async () => {
    const opts = await resolveTlsConnectOptions(uri(`qemu+tls://kvm1.example/system?pkipath=${join(dir, 'full')}`));
    expect(opts).toMatchObject({ host: 'kvm1.example', port: 16514, servername: 'kvm1.example', rejectUnauthorized: true });
    expect(String(opts.ca)).toBe(CA);
    expect(String(opts.cert)).toBe(CERT);
    expect(String(opts.key)).toBe(KEY);
    expect(opts.crl).toBeUndefined();
  });

  it('sends no SNI for an IP address (the name check still uses the address)', async () => {
    const opts = await resolveTlsConnectOptions(uri(`qemu+tls://127.0.0.1:16600/system?pkipath=${join(dir, 'ca-only')}`));
    expect(opts.servername).toBeUndefined();
    expect(opts).toMatchObject({ host: '127.0.0.1', port: 16600, rejectUnauthorized: true });
    expect(opts.cert).toBeUndefined(); // a client certificate is optional
  });

  it('no_verify=1 turns verification off, and then the CA is optional', async () => {
    const opts = await resolveTlsConnectOptions(uri(`qemu+tls://h/system?no_verify=1&pkipath=${join(dir, 'empty')}`));
    expect(opts.rejectUnauthorized).toBe(false);
    expect(opts.ca).toBeUndefined();
  });

  it('an explicit rejectUnauthorized wins over the URI, both ways', async () => {
    const p = `pkipath=${join(dir, 'ca-only')}`;
    expect((await resolveTlsConnectOptions(uri(`qemu+tls://h/system?${p}`), { rejectUnauthorized: false })).rejectUnauthorized).toBe(false);
    expect(
      (await resolveTlsConnectOptions(uri(`qemu+tls://h/system?no_verify=1&${p}`), { rejectUnauthorized: true })).rejectUnauthorized,
    ).toBe(true);
  });

  it('a missing CA is an error naming the file when verifying', async () => {
    const err = await resolveTlsConnectOptions(uri(`qemu+tls://h/system?pkipath=${join(dir, 'empty')}`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain(join(dir, 'empty', 'cacert.pem'));
    expect((err as Error).message).toContain('not found');
  });

  it('an unreadable file is an error naming it', async () => {
    const err = await resolveTlsConnectOptions(uri(`qemu+tls://h/system?pkipath=${join(dir, 'ca-is-dir')}`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain(join(dir, 'ca-is-dir', 'cacert.pem'));
  });

  it('a certificate without its key is an error naming the missing key, never showing key material', async () => {
    const err = await resolveTlsConnectOptions(uri(`qemu+tls://h/system?pkipath=${join(dir, 'cert-no-key')}`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain(join(dir, 'cert-no-key', 'clientkey.pem'));
    expect((err as Error).message).not.toContain('BEGIN');
  });

  it('explicit ca/cert/key need no files at all', async () => {
    const opts = await resolveTlsConnectOptions(uri('qemu+tls://h/system?pkipath=/nonexistent'), {
      ca: CA,
      cert: CERT,
      key: KEY,
      servername: 'other',
    });
    expect(opts).toMatchObject({ ca: CA, cert: CERT, key: KEY, servername: 'other', rejectUnauthorized: true });
  });

  it('options.pkipath overrides the URI', async () => {
    const opts = await resolveTlsConnectOptions(uri('qemu+tls://h/system?pkipath=/nonexistent'), { pkipath: join(dir, 'full') });
    expect(String(opts.key)).toBe(KEY);
  });

  it('cert without key in options is an InvalidArgumentError', async () => {
    await expect(resolveTlsConnectOptions(uri('qemu+tls://h/system'), { cert: CERT })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('non-root defaults come from ~/.pki/libvirt', async () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.pki', 'libvirt'), { recursive: true });
    writeFileSync(join(home, '.pki', 'libvirt', 'cacert.pem'), CA);
    const opts = await resolveTlsConnectOptions(uri('qemu+tls://h/system'), { files: { uid: 1000, home } });
    expect(String(opts.ca)).toBe(CA);
  });
});
