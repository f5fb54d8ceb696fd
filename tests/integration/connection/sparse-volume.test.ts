/**
 * Sparse volume streams against the real libvirtd (qemu:///system; the test
 * driver has no volume streams): a 64 MiB raw volume with data at 0 and at
 * 60 MiB downloads with its holes reported and its bytes intact, lands in a
 * local file that stays sparse, and uploads sparse into a new volume whose
 * allocation stays small and whose data matches.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSparseFile } from '../../../src/connection/index.js';
import { LibvirtConnection, type StorageVolRef } from '../../../src/connection/internal.js';
import { QEMU_URI } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';

const MiB = 1024 * 1024;
const CAPACITY = 64 * MiB;
/** Data is written at these offsets, 1 MiB each; the rest of the volume is never written. */
const DATA_AT = [0, 60 * MiB];
/** What "stays small" means: the data (2 MiB) plus slack for file-system metadata and block rounding. */
const SMALL = 8 * MiB;

function pattern(seed: number): Buffer {
  const b = Buffer.alloc(MiB);
  for (let i = 0; i < b.length; i += 4) b.writeUInt32BE((i * 2654435761 + seed) >>> 0, i);
  return b;
}

/** The whole volume as it should read: the two patterns, zeros elsewhere. */
function expected(): Buffer {
  const all = Buffer.alloc(CAPACITY);
  DATA_AT.forEach((at, i) => pattern(i + 1).copy(all, at));
  return all;
}

describe('sparse volume download and upload (qemu:///system)', () => {
  let conn: LibvirtConnection;
  let pool: TempPool;
  let source: StorageVolRef;
  let local: string;

  const newRaw = (name: string) =>
    conn.storage.volumes.create(
      pool.name,
      `<volume><name>${name}</name><capacity unit='bytes'>${CAPACITY}</capacity><allocation unit='bytes'>0</allocation><target><format type='raw'/></target></volume>`,
    );

  async function readAll(vol: StorageVolRef): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await conn.storage.volumes.download(vol)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  beforeAll(async () => {
    conn = await LibvirtConnection.connect(QEMU_URI);
    pool = await tempPool(conn, 'sparse');
    local = mkdtempSync(join(tmpdir(), 'lvm-sparse-'));
    source = await newRaw('source.raw');
    // Plain (non-sparse) uploads at an offset write just those bytes: the rest stays a hole.
    for (const [i, at] of DATA_AT.entries()) await conn.storage.volumes.upload(source, pattern(i + 1), { offset: at, length: MiB });
  });

  afterAll(async () => {
    await pool?.remove();
    rmSync(local, { recursive: true, force: true });
    await conn?.close();
  });

  it('the source volume is sparse to begin with', async () => {
    const info = await conn.storage.volumes.getInfo(source);
    expect(info.capacity).toBe(BigInt(CAPACITY));
    expect(Number(info.allocation)).toBeLessThan(SMALL);
  });

  it('downloads sparse: holes reported as { hole }, data at its place, bytes equal', async () => {
    const stream = await conn.storage.volumes.download(source, { sparse: true });
    const parts: (number | { hole: number })[] = [];
    const all = Buffer.alloc(CAPACITY);
    let position = 0;
    for await (const chunk of stream.sparseChunks()) {
      if (Buffer.isBuffer(chunk)) {
        chunk.copy(all, position);
        position += chunk.length;
        parts.push(chunk.length);
      } else {
        position += chunk.hole;
        parts.push({ hole: chunk.hole });
      }
    }
    console.log('sparse download chunks:', JSON.stringify(parts));
    expect(position).toBe(CAPACITY);
    expect(stream.bytesReceived).toBeLessThan(SMALL);
    expect(stream.holeBytesReceived).toBeGreaterThan(CAPACITY - SMALL);
    expect(stream.bytesReceived + stream.holeBytesReceived).toBe(CAPACITY);
    expect(all.equals(expected())).toBe(true);
  });

  it('the plain byte API of a sparse download reads holes as zeros', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of await conn.storage.volumes.download(source, { sparse: true })) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(expected())).toBe(true);
  });

  it('writeSparseFile keeps the holes in a local file', async () => {
    const path = join(local, 'copy.raw');
    const stream = await conn.storage.volumes.download(source, { sparse: true });
    const { bytes, holeBytes } = await writeSparseFile(path, stream);
    const st = statSync(path);
    console.log(`local file: size ${st.size}, allocated ${st.blocks * 512} (data ${bytes}, holes ${holeBytes})`);
    expect(st.size).toBe(CAPACITY);
    expect(st.blocks * 512).toBeLessThan(SMALL);
    expect((await readFile(path)).equals(expected())).toBe(true);
  });

  it('uploads a local file sparse (all-zero blocks become holes): the new volume stays small and reads the same', async () => {
    const path = join(local, 'copy.raw');
    const into = await newRaw('from-file.raw');
    const started = Date.now();
    const { bytes, holeBytes } = await conn.storage.volumes.upload(into, createReadStream(path), { sparse: true });
    const info = await conn.storage.volumes.getInfo(into);
    console.log(`sparse upload from file: data ${bytes}, holes ${holeBytes}, allocation ${info.allocation}, ${Date.now() - started} ms`);
    expect(bytes).toBe(2 * MiB);
    expect(holeBytes).toBe(CAPACITY - 2 * MiB);
    expect(info.capacity).toBe(BigInt(CAPACITY));
    expect(Number(info.allocation)).toBeLessThan(SMALL);
    expect((await readAll(into)).equals(expected())).toBe(true);
  });

  it('pipes a sparse download into a sparse upload (volume to volume): allocation stays small', async () => {
    const into = await newRaw('from-volume.raw');
    const from = await conn.storage.volumes.download(source, { sparse: true });
    const { bytes, holeBytes } = await conn.storage.volumes.upload(into, from.sparseChunks(), { sparse: true });
    const info = await conn.storage.volumes.getInfo(into);
    console.log(`volume to volume: data ${bytes}, holes ${holeBytes}, allocation ${info.allocation}`);
    expect(bytes + holeBytes).toBe(CAPACITY);
    expect(Number(info.allocation)).toBeLessThan(SMALL);
    expect((await readAll(into)).equals(expected())).toBe(true);
  });

  it('for comparison, a plain upload of the same data allocates the whole volume', async () => {
    const into = await newRaw('plain.raw');
    await conn.storage.volumes.upload(into, expected());
    const info = await conn.storage.volumes.getInfo(into);
    console.log(`plain upload: allocation ${info.allocation}`);
    expect(Number(info.allocation)).toBeGreaterThanOrEqual(CAPACITY);
  });

  it('refuses a sparse upload with an offset before anything is sent', async () => {
    const into = await newRaw('offset.raw');
    await expect(conn.storage.volumes.upload(into, Buffer.alloc(10), { sparse: true, offset: MiB })).rejects.toMatchObject({
      code: 'ERR_LIBVIRT_INVALID_ARGUMENT',
    });
  });
});
