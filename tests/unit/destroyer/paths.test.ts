import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localHost } from '../../../src/destroyer/local-host.js';
import { normalizePath, resolveFrom, withoutDotDot } from '../../../src/destroyer/paths.js';

describe('path forms', () => {
  it('normalizePath drops repeated slashes, . segments and a trailing slash, and keeps ..', () => {
    expect(normalizePath('//var//lib/./libvirt/images/')).toBe('/var/lib/libvirt/images');
    expect(normalizePath('/a/./b/../c')).toBe('/a/b/../c');
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('a//b/')).toBe('a/b');
    expect(normalizePath('./')).toBe('.');
  });

  it('withoutDotDot folds .. as if no segment were a symlink', () => {
    expect(withoutDotDot('/var/lib/libvirt/../libvirt/x.qcow2')).toBe('/var/lib/libvirt/x.qcow2');
    expect(withoutDotDot('/../../x')).toBe('/x');
    expect(withoutDotDot('a/../../b')).toBe('../b');
  });

  it('resolveFrom reads a relative backing name from the overlay directory', () => {
    expect(resolveFrom('/p/overlays/vm.qcow2', '../bases/base.qcow2')).toBe('/p/overlays/../bases/base.qcow2');
    expect(resolveFrom('/p/vm.qcow2', 'base.qcow2')).toBe('/p/base.qcow2');
    expect(resolveFrom('/p/vm.qcow2', '//abs/./base.qcow2')).toBe('/abs/base.qcow2');
  });
});

describe('qcow2 backing file from the header', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvm-qcow2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A qcow2 v3 header prefix with a backing file name at `offset`. */
  function image(name: string, backing: string | null, offset = 0x200): string {
    const bytes = Buffer.alloc(offset + 1024);
    bytes.writeUInt32BE(0x514649fb, 0); // magic "QFI\xfb"
    bytes.writeUInt32BE(3, 4); // version
    if (backing !== null) {
      bytes.writeBigUInt64BE(BigInt(offset), 8); // backing_file_offset
      bytes.writeUInt32BE(Buffer.byteLength(backing), 16); // backing_file_size
      bytes.write(backing, offset, 'utf8');
    }
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  }

  it('reads an absolute and a relative backing name', async () => {
    expect(await localHost.backingFile(image('abs.qcow2', '/images/base.qcow2'))).toBe('/images/base.qcow2');
    expect(await localHost.backingFile(image('rel.qcow2', 'bases/base.qcow2'))).toBe(join(dir, 'bases/base.qcow2'));
  });

  it('null for no backing file, a raw image, a missing file, or a header pointing far away', async () => {
    expect(await localHost.backingFile(image('none.qcow2', null))).toBeNull();
    const raw = join(dir, 'raw.img');
    writeFileSync(raw, Buffer.alloc(4096));
    expect(await localHost.backingFile(raw)).toBeNull();
    expect(await localHost.backingFile(join(dir, 'missing.qcow2'))).toBeNull();
    const far = image('far.qcow2', 'x', 0x200);
    const bytes = Buffer.alloc(0x200 + 1024);
    bytes.writeUInt32BE(0x514649fb, 0);
    bytes.writeBigUInt64BE(1n << 40n, 8);
    bytes.writeUInt32BE(1, 16);
    writeFileSync(far, bytes);
    expect(await localHost.backingFile(far)).toBeNull();
  });
});
