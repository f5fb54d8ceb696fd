import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withHoles, writeSparseFile } from '../../../src/connection/sparse-data.js';
import { AbortError, InvalidArgumentError, TimeoutError } from '../../../src/errors/index.js';
import type { SparseChunk } from '../../../src/rpc/index.js';
import { MessageStatus } from '../../../src/rpc/protocol/constants.js';
import { fakeDownload } from '../../helpers/fake-stream.js';

async function all(source: Parameters<typeof withHoles>[0], blockSize: number): Promise<(string | number)[]> {
  const out: (string | number)[] = [];
  for await (const c of withHoles(source, blockSize)) out.push(Buffer.isBuffer(c) ? c.toString('hex') : c.hole);
  return out;
}

describe('withHoles (zero detection for sparse uploads)', () => {
  it('turns aligned all-zero blocks into holes and merges adjacent holes', async () => {
    const data = Buffer.concat([Buffer.from('aaaa0000', 'hex'), Buffer.alloc(8), Buffer.from('bbbb0000', 'hex')]);
    expect(await all([data], 4)).toEqual(['aaaa0000', 8, 'bbbb0000']);
  });

  it('aligns blocks to the position in the stream, not to each chunk', async () => {
    // Chunk boundaries at 3 and 5: the zero block [4, 8) spans two chunks and is still a hole.
    const chunks = [Buffer.from('010203', 'hex'), Buffer.from('0400', 'hex'), Buffer.alloc(3), Buffer.from('05', 'hex')];
    expect(await all(chunks, 4)).toEqual(['010203', '04', 4, '05']);
  });

  it('keeps holes at the start and at the end, and merges given holes with detected ones', async () => {
    expect(await all([{ hole: 3 }, Buffer.alloc(5), Buffer.from('ff', 'hex'), Buffer.alloc(2), { hole: 10 }], 4)).toEqual([
      // 3 given + 5 zeros; the 1-byte chunk 'ff' is data; a block cut by a chunk boundary is judged in parts,
      // so the 2 zeros after it join the trailing 10.
      8,
      'ff',
      12,
    ]);
  });

  it('passes chunks through with block size 0 (only given holes are holes)', async () => {
    expect(await all([Buffer.alloc(4), { hole: 2 }, { hole: 3 }, Buffer.from('01', 'hex')], 0)).toEqual(['00000000', 5, '01']);
  });

  it('refuses a chunk that is neither bytes nor a hole', async () => {
    await expect(all(['text' as never], 4)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('writeSparseFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvm-sparse-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes data at its position, leaves holes unallocated, and sizes the file with a trailing hole', async () => {
    const MiB = 1024 * 1024;
    const path = join(dir, 'f.raw');
    const chunks: SparseChunk[] = [Buffer.from('head'), { hole: 16 * MiB }, Buffer.from('mid'), { hole: 16 * MiB }];
    expect(await writeSparseFile(path, chunks)).toEqual({ bytes: 7, holeBytes: 32 * MiB });
    const st = statSync(path);
    expect(st.size).toBe(32 * MiB + 7);
    expect(st.blocks * 512).toBeLessThan(MiB);
    const read = readFileSync(path);
    expect(read.subarray(0, 4).toString()).toBe('head');
    expect(read.subarray(4 + 16 * MiB, 7 + 16 * MiB).toString()).toBe('mid');
    expect(read.subarray(4, 4 + 16 * MiB).every((b) => b === 0)).toBe(true);
  });
  it('a failed write leaves the old file untouched and no partial file behind', async () => {
    const path = join(dir, 'kept.raw');
    writeFileSync(path, 'old contents');
    async function* failing(): AsyncGenerator<SparseChunk> {
      yield Buffer.from('new');
      throw new Error('download broke');
    }
    await expect(writeSparseFile(path, failing())).rejects.toThrow('download broke');
    expect(readFileSync(path, 'utf8')).toBe('old contents');
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('an abort between chunks is an AbortError, with the old file untouched', async () => {
    const path = join(dir, 'aborted.raw');
    writeFileSync(path, 'old');
    const controller = new AbortController();
    async function* chunks(): AsyncGenerator<SparseChunk> {
      yield Buffer.from('a');
      controller.abort();
      yield Buffer.from('b');
    }
    await expect(writeSparseFile(path, chunks(), { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('given a download stream, a timeout while a read waits aborts the download and leaves the old file (fake daemon)', async () => {
    const path = join(dir, 'stalled.raw');
    writeFileSync(path, 'old');
    // The daemon sends a little, then stalls; it confirms the abort.
    const { stream, send, sent } = await fakeDownload(
      (status, s) => status === MessageStatus.VIR_NET_ERROR && s(MessageStatus.VIR_NET_OK),
      { sparse: true },
    );
    send(MessageStatus.VIR_NET_CONTINUE, 'first part');
    const error = await writeSparseFile(path, stream, { timeout: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(sent).toEqual([MessageStatus.VIR_NET_ERROR]);
    expect(stream.closed).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });
});
