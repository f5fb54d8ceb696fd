import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCode, InvalidArgumentError } from '../../../src/errors/index.js';
import { ISO9660_LIMITS, buildIso9660, type IsoFile } from '../../../src/creator/cloud-init/index.js';
import { SECTOR, both16, both32, readDirectory, readIso, sector, suspEntries, volumeDescriptors } from './iso-reader.js';

const SEED_FILES: IsoFile[] = [
  { name: 'user-data', data: '#cloud-config\n{}\n' },
  { name: 'meta-data', data: '{\n  "instance-id": "iid-1"\n}\n' },
  { name: 'network-config', data: Buffer.from('{"version": 2}\n') },
];

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Small deterministic PRNG (mulberry32) so a fuzz failure is reproducible from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Same names and byte-identical contents (Buffer.equals: vitest's deep equality is slow on big buffers). */
function expectSameFiles(got: Map<string, Buffer>, want: Map<string, Buffer>): void {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [name, data] of want) expect(got.get(name)?.equals(data), name).toBe(true);
}

describe('buildIso9660: structure', () => {
  const img = buildIso9660({ volumeId: 'cidata', files: SEED_FILES });

  it('is whole sectors with a zeroed 16-sector System Area', () => {
    expect(img.length % SECTOR).toBe(0);
    expect(img.subarray(0, 16 * SECTOR).every((b) => b === 0)).toBe(true);
  });

  it('has PVD (16), Joliet SVD (17) and terminator (18)', () => {
    const vds = volumeDescriptors(img);
    expect(vds.map((v) => [v.sector, v.type])).toEqual([
      [16, 1],
      [17, 2],
      [18, 255],
    ]);
    expect(img.toString('latin1', 16 * SECTOR + 1, 16 * SECTOR + 6)).toBe('CD001');
    expect(vds[1]!.raw.toString('latin1', 88, 91)).toBe('%/E'); // Joliet UCS-2 level 3
    expect(vds[2]!.raw.subarray(7).every((b) => b === 0)).toBe(true);
  });

  it('writes consistent both-endian PVD fields', () => {
    const pvd = sector(img, 16);
    expect(pvd.toString('latin1', 40, 72)).toBe('cidata'.padEnd(32, ' '));
    expect(both32(pvd, 80)).toBe(img.length / SECTOR); // volume space size
    expect(both16(pvd, 120)).toBe(1); // volume set size
    expect(both16(pvd, 124)).toBe(1); // volume sequence number
    expect(both16(pvd, 128)).toBe(2048); // logical block size
    expect(both32(pvd, 132)).toBe(10); // path table size
    expect(pvd[881]).toBe(1); // file structure version
    expect(pvd.toString('latin1', 813, 829)).toBe('1980010100000000'); // creation date (default)
    expect(pvd[829]).toBe(0);
    expect(pvd.toString('latin1', 847, 863)).toBe('0'.repeat(16)); // expiration: not specified
  });

  it('points both path tables at the root directory', () => {
    for (const vd of [sector(img, 16), sector(img, 17)]) {
      const rootExtent = both32(vd, 156 + 2);
      const l = sector(img, vd.readUInt32LE(140));
      const m = sector(img, vd.readUInt32BE(148));
      expect([l[0], l.readUInt32LE(2), l.readUInt16LE(6), l[8]]).toEqual([1, rootExtent, 1, 0]);
      expect([m[0], m.readUInt32BE(2), m.readUInt16BE(6), m[8]]).toEqual([1, rootExtent, 1, 0]);
      expect(vd.readUInt32LE(144)).toBe(0);
      expect(vd.readUInt32BE(152)).toBe(0);
    }
  });

  it('reads back through all three name spaces with identical contents', () => {
    const iso = readIso(img);
    expect(iso.volumeId).toBe('cidata');
    expect(iso.jolietVolumeId).toBe('cidata');
    const want = new Map(SEED_FILES.map((f) => [f.name, Buffer.from(f.data)]));
    expect(iso.rockRidge).toEqual(want);
    expect(iso.jolietFiles).toEqual(want);
    expect([...iso.primaryFiles.keys()].sort()).toEqual(['META_DAT.;1', 'NETWORK_.;1', 'USER_DAT.;1']);
  });

  it('places file data on sector boundaries, zero-padded, without overlap, inside the volume', () => {
    const { primary } = readIso(img);
    const files = primary.slice(2).sort((a, b) => a.extent - b.extent);
    let end = 0;
    for (const f of files) {
      expect(f.extent).toBeGreaterThanOrEqual(end);
      end = f.extent + Math.ceil(f.size / SECTOR);
      expect(img.subarray(f.extent * SECTOR + f.size, end * SECTOR).every((b) => b === 0)).toBe(true);
    }
    expect(end).toBeLessThanOrEqual(img.length / SECTOR);
  });

  it('marks Rock Ridge: SP first in "." with CE to an RRIP_1991A ER entry; NM/PX on files', () => {
    const { primary } = readIso(img);
    const self = suspEntries(primary[0]!.systemUse);
    expect(self.map((e) => e.signature)).toEqual(['SP', 'RR', 'PX', 'TF', 'CE']);
    expect([...self[0]!.data]).toEqual([0xbe, 0xef, 0]);
    const ce = self[4]!.data;
    const er = suspEntries(img.subarray(both32(ce, 0) * SECTOR + both32(ce, 8)).subarray(0, both32(ce, 16)));
    expect(er[0]!.signature).toBe('ER');
    expect(er[0]!.data.toString('latin1', 4, 4 + er[0]!.data[0]!)).toBe('RRIP_1991A');
    for (const f of primary.slice(2)) {
      const px = suspEntries(f.systemUse).find((e) => e.signature === 'PX')!;
      expect(both32(px.data, 0)).toBe(0o100444);
      expect(both32(px.data, 8)).toBe(1);
    }
  });

  it('sorts directory records by identifier (ECMA-119 9.3)', () => {
    const { primary, joliet } = readIso(img);
    const ids = primary.slice(2).map((r) => r.identifier.toString('latin1'));
    expect(ids).toEqual([...ids].sort());
    const jids = joliet!.slice(2).map((r) => Buffer.from(r.identifier).swap16().toString('utf16le'));
    expect(jids).toEqual(['meta-data', 'network-config', 'user-data']);
  });

  it('writes the given date into the descriptors and records', () => {
    const date = new Date(Date.UTC(2024, 1, 29, 13, 45, 7, 890));
    const dated = buildIso9660({ volumeId: 'cidata', files: SEED_FILES, date });
    expect(sector(dated, 16).toString('latin1', 830, 846)).toBe('2024022913450789');
    expect([...readIso(dated).primary[2]!.date]).toEqual([124, 2, 29, 13, 45, 7, 0]);
  });

  it('can leave out Joliet and/or Rock Ridge', () => {
    const noJoliet = readIso(buildIso9660({ volumeId: 'CIDATA', files: SEED_FILES, joliet: false }));
    expect(noJoliet.svd).toBeUndefined();
    expect(noJoliet.rockRidge?.get('user-data')?.toString()).toBe('#cloud-config\n{}\n');
    const plain = readIso(buildIso9660({ volumeId: 'CIDATA', files: SEED_FILES, joliet: false, rockRidge: false }));
    expect(plain.rockRidge).toBeUndefined();
    expect(plain.primary.every((r) => r.systemUse.length === 0)).toBe(true);
    expect(plain.primaryFiles.get('USER_DAT.;1')?.toString()).toBe('#cloud-config\n{}\n');
  });

  it('spreads a large directory over several sectors without splitting records', () => {
    const files = Array.from({ length: 64 }, (_, i) => ({ name: `${String(i).padStart(2, '0')}-${'x'.repeat(61)}`, data: `${i}` }));
    const iso = readIso(buildIso9660({ volumeId: 'cidata', files }));
    expect(both32(iso.pvd, 156 + 10)).toBeGreaterThan(SECTOR); // root directory size
    expect(iso.rockRidge?.size).toBe(64);
    expect(iso.jolietFiles?.get(files[63]!.name)?.toString()).toBe('63');
    expect(new Set(iso.primaryFiles.keys()).size).toBe(64);
  });

  it('handles empty files and no files', () => {
    const iso = readIso(buildIso9660({ volumeId: 'cidata', files: [{ name: 'empty', data: '' }] }));
    expect(iso.rockRidge?.get('empty')?.length).toBe(0);
    const none = readIso(buildIso9660({ volumeId: 'cidata', files: [] }));
    expect(none.primary).toHaveLength(2);
  });
});

describe('buildIso9660: determinism', () => {
  it('gives identical bytes for equal input, whatever the file order', () => {
    const a = buildIso9660({ volumeId: 'cidata', files: SEED_FILES });
    const b = buildIso9660({ volumeId: 'cidata', files: [...SEED_FILES].reverse() });
    expect(b.equals(a)).toBe(true);
    expect(sha256(b)).toBe(sha256(a));
  });

  it('changes with content, date and label', () => {
    const base = sha256(buildIso9660({ volumeId: 'cidata', files: SEED_FILES }));
    const other = [{ ...SEED_FILES[0]!, data: '#cloud-config\n{"a": 1}\n' }, ...SEED_FILES.slice(1)];
    expect(sha256(buildIso9660({ volumeId: 'cidata', files: other }))).not.toBe(base);
    expect(sha256(buildIso9660({ volumeId: 'cidata', files: SEED_FILES, date: new Date(0) }))).not.toBe(base);
    expect(sha256(buildIso9660({ volumeId: 'CIDATA', files: SEED_FILES }))).not.toBe(base);
  });
});

describe('buildIso9660: invalid input', () => {
  const cases: [string, () => unknown, string][] = [
    ['empty volume id', () => buildIso9660({ volumeId: '', files: [] }), 'volumeId'],
    ['volume id too long', () => buildIso9660({ volumeId: 'a'.repeat(33), files: [] }), 'volumeId'],
    ['volume id with a space', () => buildIso9660({ volumeId: 'ci data', files: [] }), 'volumeId'],
    ['files not an array', () => buildIso9660({ volumeId: 'cidata', files: 'x' as never }), 'files'],
    [
      '65 files',
      () => buildIso9660({ volumeId: 'cidata', files: Array.from({ length: 65 }, (_, i) => ({ name: `f${i}`, data: '' })) }),
      'files',
    ],
    ['name with a slash', () => buildIso9660({ volumeId: 'cidata', files: [{ name: 'a/b', data: '' }] }), 'files[0].name'],
    ['name with a space', () => buildIso9660({ volumeId: 'cidata', files: [{ name: 'a b', data: '' }] }), 'files[0].name'],
    ['non-ASCII name', () => buildIso9660({ volumeId: 'cidata', files: [{ name: 'é', data: '' }] }), 'files[0].name'],
    ['empty name', () => buildIso9660({ volumeId: 'cidata', files: [{ name: '', data: '' }] }), 'files[0].name'],
    ['name "."', () => buildIso9660({ volumeId: 'cidata', files: [{ name: '.', data: '' }] }), 'files[0].name'],
    ['name ".."', () => buildIso9660({ volumeId: 'cidata', files: [{ name: '..', data: '' }] }), 'files[0].name'],
    ['65-char name', () => buildIso9660({ volumeId: 'cidata', files: [{ name: 'a'.repeat(65), data: '' }] }), 'files[0].name'],
    [
      'duplicate name',
      () =>
        buildIso9660({
          volumeId: 'cidata',
          files: [
            { name: 'a', data: '' },
            { name: 'a', data: 'x' },
          ],
        }),
      'files[1].name',
    ],
    ['data of the wrong type', () => buildIso9660({ volumeId: 'cidata', files: [{ name: 'a', data: 42 as never }] }), 'files[0].data'],
    ['null file', () => buildIso9660({ volumeId: 'cidata', files: [null as never] }), 'files[0].name'],
    [
      'over 16 MiB',
      () =>
        buildIso9660({
          volumeId: 'cidata',
          files: [
            { name: 'a', data: Buffer.alloc(8 << 20) },
            { name: 'b', data: Buffer.alloc((8 << 20) + 1) },
          ],
        }),
      'files',
    ],
    ['invalid date', () => buildIso9660({ volumeId: 'cidata', files: [], date: new Date(Number.NaN) }), 'date'],
    ['date before 1900', () => buildIso9660({ volumeId: 'cidata', files: [], date: new Date(Date.UTC(1899, 0, 1)) }), 'date'],
    ['non-boolean joliet', () => buildIso9660({ volumeId: 'cidata', files: [], joliet: 'yes' as never }), 'joliet'],
  ];
  it.each(cases)('rejects %s with a typed error', (_label, build, path) => {
    let caught: unknown;
    try {
      build();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).code).toBe(ErrorCode.INVALID_SPEC);
    expect((caught as InvalidArgumentError).path).toBe(path);
  });

  it('accepts exactly the limits: 64 files, 64-character names, 16 MiB in all', () => {
    const files = Array.from({ length: ISO9660_LIMITS.maxFiles }, (_, i) => ({
      name: `${String(i).padStart(2, '0')}${'n'.repeat(ISO9660_LIMITS.maxNameLength - 2)}`,
      data: i === 0 ? Buffer.alloc(ISO9660_LIMITS.maxTotalBytes, 0x61) : '',
    }));
    const iso = readIso(buildIso9660({ volumeId: 'a'.repeat(32), files }));
    expect(iso.volumeId).toBe('a'.repeat(32));
    expect(iso.jolietVolumeId).toBe('a'.repeat(16)); // the Joliet field holds 16 UCS-2 characters
    expect(iso.rockRidge?.get(files[0]!.name)?.length).toBe(ISO9660_LIMITS.maxTotalBytes);
  });
});

describe('buildIso9660: fuzz (seeded)', () => {
  const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-';

  it.each(Array.from({ length: 12 }, (_, i) => i + 1))('seed %i: random names and contents read back exactly', (seed) => {
    const rand = prng(seed);
    const int = (n: number): number => Math.floor(rand() * n);
    for (let round = 0; round < 25; round++) {
      const count = int(ISO9660_LIMITS.maxFiles + 1);
      const names = new Set<string>();
      while (names.size < count) {
        // Bias towards names that collide once reduced to 8.3 ("user-data1", "user-data2"…).
        const stem = rand() < 0.3 ? 'user-data' : '';
        const name = stem + Array.from({ length: 1 + int(64 - stem.length) }, () => CHARS[int(CHARS.length)]).join('');
        if (name !== '.' && name !== '..') names.add(name.slice(0, 64));
      }
      const files = [...names].map((name) => {
        const size = rand() < 0.1 ? int(200_000) : int(5000);
        const data = Buffer.alloc(size);
        for (let i = 0; i < size; i += 97) data[i] = int(256);
        return { name, data: rand() < 0.5 ? data : data.toString('latin1').replace(/[^\x20-\x7e]/g, 'x') };
      });
      const img = buildIso9660({ volumeId: 'cidata', files, joliet: rand() < 0.8, rockRidge: rand() < 0.8 });
      const iso = readIso(img);
      const want = new Map(files.map((f) => [f.name, Buffer.from(f.data)]));
      if (iso.rockRidge) expectSameFiles(iso.rockRidge, want);
      if (iso.jolietFiles) expectSameFiles(iso.jolietFiles, want);
      expect(iso.primaryFiles.size).toBe(files.length);
      for (const id of iso.primaryFiles.keys()) expect(id).toMatch(/^[A-Z0-9_]{1,8}\.[A-Z0-9_]{0,3};1$/);
      expect(both32(iso.pvd, 80)).toBe(img.length / SECTOR);
      if (iso.joliet) readDirectory(img, both32(iso.svd!, 156 + 2), both32(iso.svd!, 156 + 10));
    }
  });
});
