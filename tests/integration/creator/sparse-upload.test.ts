/**
 * The creator's `upload` disk against the real libvirtd (qemu:///system, a
 * temporary dir pool; define only, no guest is started): a local image is
 * uploaded sparse by default — all-zero 64 KiB blocks travel as holes — and
 * the volume is the image byte for byte (same size, same bytes), allocated
 * about as much as the image has data. Covered: a 64 MiB raw image with data
 * at a few offsets (one unaligned, one in the last MiB), one whose last
 * 54 MiB are a hole, a qcow2 image (uploaded as its file), the same raw
 * image with `sparse: false` for comparison (allocation and time are
 * reported, not asserted), and the rollback of a sparse upload that is
 * aborted or whose source is shorter than declared. A 1 GiB measurement
 * runs only on demand (LVM_SPARSE_1GIB=1).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection } from '../../../src/connection/internal.js';
import { VmCreator, getRollbackReport, type CreateResult, type UploadDiskSpec } from '../../../src/creator/internal.js';
import { parseDomainXml } from '../../../src/xml/index.js';
import { QEMU_URI, virsh } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';
import { PREFIX, ourDomains, poolVolumes, rejection, removeDomain } from './helpers.js';

const MiB = 1024 * 1024;
const SIZE = 64 * MiB;

let conn: LibvirtConnection;
let pool: TempPool;
let dir: string;

/** A sparse local file of `size` bytes with random data at `at` (offset and length each); the rest is never written. */
function sparseImage(name: string, size: number, at: readonly (readonly [number, number])[]): { path: string; data: number } {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  try {
    for (const [offset, length] of at) writeSync(fd, randomBytes(length), 0, length, offset);
  } finally {
    closeSync(fd);
  }
  execFileSync('truncate', ['-s', String(size), path]);
  return { path, data: at.reduce((sum, [, length]) => sum + length, 0) };
}

/** Bytes the file system holds for a file. */
function allocated(path: string): number {
  return statSync(path).blocks * 512;
}

/** Define a VM whose one disk is `disk` uploaded; returns the result, the volume's path and the upload's duration. */
async function createWith(
  tag: string,
  disk: Omit<UploadDiskSpec, 'kind' | 'pool'>,
): Promise<{ result: CreateResult; volume: string; ms: number; progress: { bytes: number; total: number }[] }> {
  const progress: { bytes: number; total: number }[] = [];
  const started = Date.now();
  const result = await new VmCreator(conn).create({
    name: `${PREFIX}-${tag}`,
    virtType: 'qemu',
    memory: '64MiB',
    disks: [{ kind: 'upload', pool: pool.name, ...disk, onProgress: (p) => progress.push(p) }],
  });
  const ms = Date.now() - started;
  return { result, volume: result.created.volumes[0]!.path, ms, progress };
}

beforeAll(async () => {
  conn = await LibvirtConnection.connect(QEMU_URI);
  pool = await tempPool(conn, 'sparseup');
  dir = mkdtempSync(join(tmpdir(), 'lvm-sparseup-'));
});

afterAll(async () => {
  for (const name of ourDomains(QEMU_URI)) removeDomain(QEMU_URI, name);
  await pool?.remove();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  await conn?.close();
});

describe('the creator uploads a local image sparse (qemu:///system)', () => {
  // 1 MiB at 0, 1 MiB at 20 MiB, 100 KiB at an unaligned 40 MiB + 123, the whole last MiB.
  const DATA_AT = [
    [0, MiB],
    [20 * MiB, MiB],
    [40 * MiB + 123, 100 * 1024],
    [63 * MiB, MiB],
  ] as const;
  let raw: { path: string; data: number };

  beforeAll(() => {
    raw = sparseImage('data-at-end.raw', SIZE, DATA_AT);
  });

  it('a 64 MiB raw image with data up to its last byte: the volume is the image byte for byte, allocated like its data', async () => {
    const { volume, ms, progress, result } = await createWith('end', { source: raw.path });
    const info = await conn.storage.volumes.getInfo(await conn.storage.volumes.lookupByPath(volume));
    console.log(
      `sparse upload, data to the end: ${ms} ms, image allocated ${allocated(raw.path)}, volume file ${statSync(volume).size} bytes, ` +
        `allocated ${allocated(volume)} (libvirt: capacity ${info.capacity}, allocation ${info.allocation}), data ${raw.data}`,
    );
    expect(statSync(volume).size).toBe(SIZE);
    expect(readFileSync(volume).equals(readFileSync(raw.path))).toBe(true);
    // The data rounded out to whole 64 KiB blocks (the unaligned piece touches 3), plus file-system slack.
    expect(allocated(volume)).toBeLessThan(raw.data + 4 * MiB);
    expect(info.capacity).toBe(BigInt(SIZE));
    // Progress counts the whole image, holes included.
    expect(progress.at(-1)).toEqual({ bytes: SIZE, total: SIZE });
    expect(progress.every((p) => p.total === SIZE)).toBe(true);
    const model = parseDomainXml(virsh(QEMU_URI, 'dumpxml', '--inactive', result.domain.name));
    expect(model.devices.disks?.[0]?.driver?.type).toBe('raw');
  });

  it('a raw image ending in a 54 MiB hole: the volume keeps the full size (libvirt truncates at the hole end)', async () => {
    const image = sparseImage('trailing-hole.raw', SIZE, [
      [0, MiB],
      [9 * MiB, MiB],
    ]);
    const { volume, ms } = await createWith('hole', { source: image.path });
    console.log(`sparse upload, trailing hole: ${ms} ms, volume file ${statSync(volume).size} bytes, allocated ${allocated(volume)}`);
    expect(statSync(volume).size).toBe(SIZE);
    expect(readFileSync(volume).equals(readFileSync(image.path))).toBe(true);
    expect(allocated(volume)).toBeLessThan(image.data + 4 * MiB);
  });

  it('for comparison, sparse: false writes every byte: the same image, fully allocated', async () => {
    const { volume, ms } = await createWith('thick', { source: raw.path, sparse: false });
    console.log(`plain upload (sparse: false): ${ms} ms, volume file ${statSync(volume).size} bytes, allocated ${allocated(volume)}`);
    expect(readFileSync(volume).equals(readFileSync(raw.path))).toBe(true);
    expect(allocated(volume)).toBeGreaterThanOrEqual(SIZE);
  });

  it('a qcow2 image is uploaded as its file: the same bytes, read as qcow2, its preallocated metadata holes kept', async () => {
    const image = join(dir, 'image.qcow2');
    // preallocation=metadata: a 64 MiB virtual disk whose file is 64 MiB long but mostly holes.
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', 'preallocation=metadata', image, '64M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xab 0 1M', '-c', 'write -P 0xcd 62M 2M', image], { stdio: 'ignore' });
    const { volume, ms, result } = await createWith('qcow2', { source: image });
    const info = await conn.storage.volumes.getInfo(await conn.storage.volumes.lookupByPath(volume));
    console.log(
      `sparse upload, qcow2: ${ms} ms, image file ${statSync(image).size} bytes allocated ${allocated(image)}, ` +
        `volume file ${statSync(volume).size} allocated ${allocated(volume)} (libvirt: capacity ${info.capacity}, allocation ${info.allocation})`,
    );
    expect(statSync(volume).size).toBe(statSync(image).size);
    // libvirt probes the uploaded file as qcow2: its capacity is the virtual disk's size, not the file's.
    expect(info.capacity).toBe(64n * 1024n * 1024n);
    expect(readFileSync(volume).equals(readFileSync(image))).toBe(true);
    expect(allocated(volume)).toBeLessThan(allocated(image) + 4 * MiB);
    const model = parseDomainXml(virsh(QEMU_URI, 'dumpxml', '--inactive', result.domain.name));
    expect(model.devices.disks?.[0]?.driver?.type).toBe('qcow2');
    // qemu-img reads the guest's view of both the same.
    expect(() => execFileSync('qemu-img', ['compare', '-q', '-f', 'qcow2', '-F', 'qcow2', image, volume])).not.toThrow();
  });
});

// A measurement, not a check, and skipped unless asked for (it writes 1 GiB to the pool):
//   LVM_SPARSE_1GIB=1 npx vitest run tests/integration/creator/sparse-upload.test.ts -t '1 GiB'
// The figures in docs/vm-spec.md come from one such run on the development machine.
describe.runIf(process.env.LVM_SPARSE_1GIB === '1')('measured on demand: a 1 GiB raw image (qemu:///system)', () => {
  it('1 GiB raw with 16 MiB of data, sparse and with sparse: false: time and allocation logged, not asserted', async () => {
    const image = sparseImage(
      'big.raw',
      1024 * MiB,
      Array.from({ length: 16 }, (_, i) => [i * 64 * MiB, MiB] as const),
    );
    execFileSync('sh', ['-c', 'cat "$1" > /dev/null', 'sh', image.path]); // warm the page cache for both runs
    const sparse = await createWith('big-sparse', { source: image.path });
    const plain = await createWith('big-thick', { source: image.path, sparse: false });
    console.log(
      `1 GiB raw, ${image.data} bytes of data: sparse ${sparse.ms} ms, allocated ${allocated(sparse.volume)}; ` +
        `sparse: false ${plain.ms} ms, allocated ${allocated(plain.volume)}`,
    );
  });
});

describe('a sparse upload that fails leaves nothing behind (qemu:///system)', () => {
  it('rolls back a sparse upload aborted in flight', async () => {
    const image = sparseImage('abort.raw', 48 * MiB, [[0, 48 * MiB]]);
    const controller = new AbortController();
    let covered = 0;
    const error = await rejection(
      new VmCreator(conn).create(
        {
          name: `${PREFIX}-abort`,
          virtType: 'qemu',
          memory: '64MiB',
          disks: [{ kind: 'upload', pool: pool.name, source: image.path }],
        },
        {
          signal: controller.signal,
          onProgress: (e) => {
            if (e.type !== 'upload') return;
            covered = e.bytes;
            if (e.bytes >= 2 * MiB) controller.abort(new Error('user cancelled'));
          },
        },
      ),
    );
    expect(error.name).toBe('AbortError');
    expect(covered).toBeLessThan(48 * MiB);
    expect(getRollbackReport(error)).toMatchObject({ complete: true, undone: [{ step: 'volume:disks[0]', outcome: 'undone' }] });
    expect(ourDomains(QEMU_URI).filter((n) => n.endsWith('-abort'))).toEqual([]);
    expect(poolVolumes(QEMU_URI, pool.name, true).filter((v) => v.includes('-abort'))).toEqual([]);
  });

  it('rolls back a sparse upload whose source yields fewer bytes than declared (the volume would end early)', async () => {
    const data = Buffer.alloc(4 * MiB);
    data.fill(1, 0, MiB); // data, then a 3 MiB hole: the stream ends 1 MiB short of the declared size
    const error = await rejection(
      new VmCreator(conn).create({
        name: `${PREFIX}-short`,
        virtType: 'qemu',
        memory: '64MiB',
        disks: [{ kind: 'upload', pool: pool.name, source: { data: [data], size: 5 * MiB } }],
      }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).path).toBe('disks[0].source.data');
    expect(getRollbackReport(error)).toMatchObject({ complete: true, undone: [{ step: 'volume:disks[0]', outcome: 'undone' }] });
    expect(ourDomains(QEMU_URI).filter((n) => n.endsWith('-short'))).toEqual([]);
    expect(poolVolumes(QEMU_URI, pool.name, true).filter((v) => v.includes('-short'))).toEqual([]);
  });
});
