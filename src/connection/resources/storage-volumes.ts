import { Mutex } from 'async-mutex';
import { InvalidArgumentError } from '../../errors/index.js';
import {
  type RpcStream,
  STORAGE_POOL_LIST_ALL_VOLUMES,
  STORAGE_VOL_CREATE_XML,
  STORAGE_VOL_CREATE_XML_FROM,
  STORAGE_VOL_DELETE,
  STORAGE_VOL_DOWNLOAD,
  STORAGE_VOL_GET_INFO,
  STORAGE_VOL_GET_PATH,
  STORAGE_VOL_GET_XML_DESC,
  STORAGE_VOL_LOOKUP_BY_KEY,
  STORAGE_VOL_LOOKUP_BY_NAME,
  STORAGE_VOL_LOOKUP_BY_PATH,
  STORAGE_VOL_RESIZE,
  STORAGE_VOL_UPLOAD,
  type StorageVolRef,
} from '../../rpc/index.js';
import type { FlagsOptions } from './domain-control.js';
import { type StoragePoolInput, checkName, checkVolumeName, resolvePool } from './refs.js';
import { type WipeOptions, wipeRequest } from './storage-wipe.js';
import type { ResourceCall, ResourceStream } from './types.js';
import type { CallOptions } from '../../rpc/index.js';
import { DEFAULT_HOLE_BLOCK_SIZE, type SparseSourceChunk, withHoles } from '../sparse-data.js';

/** `virStorageVolType`, lower-cased. */
export type StorageVolTypeName = 'file' | 'block' | 'dir' | 'network' | 'netdir' | 'ploop';

/** `virStorageVolGetInfo`, sizes in bytes. */
export interface StorageVolInfo {
  type: StorageVolTypeName;
  capacity: bigint;
  allocation: bigint;
}

/** Data a volume upload accepts. */
export type UploadSource = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Data a sparse volume upload accepts: bytes, and `{ hole: bytes }` chunks for holes (see {@link UploadOptions.sparse}). */
export type SparseUploadSource = Uint8Array | AsyncIterable<SparseSourceChunk> | Iterable<SparseSourceChunk>;

/** Options of {@link StorageVolumeResource.upload}. */
export interface UploadOptions extends CallOptions {
  /** Byte offset in the volume to start writing at. @default 0 */
  offset?: bigint | number;
  /** Bytes to write; 0 = up to the end of the data. @default 0 */
  length?: bigint | number;
  /** Called after each chunk is handed to the socket with the bytes of the volume covered so far (data sent plus holes skipped). */
  onProgress?: (bytesSent: number) => void;
  /**
   * Upload as a sparse stream (`VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM`): holes
   * — `{ hole: bytes }` chunks of the source, and every all-zero block found
   * in its data (see `holeBlockSize`) — are sent as holes, not as zeros, and
   * the volume's file keeps them as holes (a block device gets zeros).
   *
   * libvirt truncates a file volume at each hole it receives, so after a
   * sparse upload the file ends where the upload ended: upload the whole
   * volume (its full length). A sparse upload therefore takes no `offset` or
   * `length`.
   * @default false
   */
  sparse?: boolean;
  /**
   * With `sparse`: the block size of zero detection in bytes (blocks aligned
   * to the position in the volume); `0` sends only the source's own holes.
   * @default 65536
   */
  holeBlockSize?: number;
}

/** Options of {@link StorageVolumeResource.download}. */
export interface DownloadOptions extends CallOptions {
  offset?: bigint | number;
  /** Bytes to read; 0 = to the end of the volume. @default 0 */
  length?: bigint | number;
  /**
   * Download as a sparse stream (`VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM`):
   * the daemon sends the volume file's holes as holes, not as zeros. Read them
   * with `stream.sparseChunks()` (plain iteration still yields every byte,
   * holes as zeros); `writeSparseFile` keeps them in a local file.
   * @default false
   */
  sparse?: boolean;
}

const VOL_TYPES: readonly StorageVolTypeName[] = ['file', 'block', 'dir', 'network', 'netdir', 'ploop'];

/** Largest value of an XDR unsigned hyper. */
const U64_MAX = 2n ** 64n - 1n;

function u64(value: bigint | number | undefined, path: string): bigint {
  const v: unknown = value ?? 0;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'bigint' && v >= 0n && v <= U64_MAX) return v;
  const shown = typeof v === 'number' || typeof v === 'bigint' ? String(v) : typeof v;
  throw new InvalidArgumentError(`${path} must be a non-negative integer (number or bigint) below 2^64, got ${shown}`, { path });
}

/** A Uint8Array, or an object that is (async) iterable; strings are refused (their iterator yields characters). */
function isUploadSource(source: unknown): source is UploadSource {
  if (source instanceof Uint8Array) return true;
  if (typeof source !== 'object' || source === null) return false;
  const s = source as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown };
  return typeof s[Symbol.asyncIterator] === 'function' || typeof s[Symbol.iterator] === 'function';
}

/**
 * Storage volumes, including streamed upload and download.
 *
 * Volume-changing calls (create, clone, delete, wipe, resize) are serialised
 * per pool within this connection: libvirt refuses most pool operations while
 * a volume is being built ("pool has asynchronous jobs running"), so every
 * module of the SDK sharing this connection queues instead of colliding.
 */
export class StorageVolumeResource {
  readonly #call: ResourceCall;
  readonly #stream: ResourceStream;
  readonly #poolLocks = new Map<string, { mutex: Mutex; users: number }>();

  constructor(call: ResourceCall, stream: ResourceStream) {
    this.#call = call;
    this.#stream = stream;
  }

  /** Run `work` holding the pool's lock; the lock entry is dropped when nobody uses it. */
  async #inPool<T>(pool: string, work: () => Promise<T>): Promise<T> {
    let entry = this.#poolLocks.get(pool);
    if (entry === undefined) {
      entry = { mutex: new Mutex(), users: 0 };
      this.#poolLocks.set(pool, entry);
    }
    entry.users++;
    try {
      return await entry.mutex.runExclusive(work);
    } finally {
      entry.users--;
      if (entry.users === 0) this.#poolLocks.delete(pool);
    }
  }

  /** Every volume of a pool. @see virStoragePoolListAllVolumes */
  async list(pool: StoragePoolInput, options?: CallOptions): Promise<StorageVolRef[]> {
    const ref = await resolvePool(this.#call, pool, options);
    return (await this.#call(STORAGE_POOL_LIST_ALL_VOLUMES, { pool: ref, need_results: 1, flags: 0 }, options)).vols;
  }

  /** Find a volume by name in a pool. @throws LibvirtError VIR_ERR_NO_STORAGE_VOL @see virStorageVolLookupByName */
  async lookup(pool: StoragePoolInput, name: string, options?: CallOptions): Promise<StorageVolRef> {
    const volume = checkVolumeName(name, 'name');
    const ref = await resolvePool(this.#call, pool, options);
    return (await this.#call(STORAGE_VOL_LOOKUP_BY_NAME, { pool: ref, name: volume }, options)).vol;
  }

  /** Find a volume by its path. @see virStorageVolLookupByPath */
  async lookupByPath(path: string, options?: CallOptions): Promise<StorageVolRef> {
    return (await this.#call(STORAGE_VOL_LOOKUP_BY_PATH, { path: checkName(path, 'path') }, options)).vol;
  }

  /** Find a volume by its key. @see virStorageVolLookupByKey */
  async lookupByKey(key: string, options?: CallOptions): Promise<StorageVolRef> {
    return (await this.#call(STORAGE_VOL_LOOKUP_BY_KEY, { key: checkName(key, 'key') }, options)).vol;
  }

  /** Type and sizes. @see virStorageVolGetInfo */
  async getInfo(vol: StorageVolRef, options?: CallOptions): Promise<StorageVolInfo> {
    const info = await this.#call(STORAGE_VOL_GET_INFO, { vol }, options);
    return { type: VOL_TYPES[info.type] ?? 'file', capacity: info.capacity, allocation: info.allocation };
  }

  /** The volume's path on the host. @see virStorageVolGetPath */
  async getPath(vol: StorageVolRef, options?: CallOptions): Promise<string> {
    return (await this.#call(STORAGE_VOL_GET_PATH, { vol }, options)).name;
  }

  /** The volume XML. @see virStorageVolGetXMLDesc */
  async getXml(vol: StorageVolRef, options?: CallOptions): Promise<string> {
    return (await this.#call(STORAGE_VOL_GET_XML_DESC, { vol, flags: 0 }, options)).xml;
  }

  /** Create a volume from XML; flags = `VirStorageVolCreateFlags`. @see virStorageVolCreateXML */
  async create(pool: StoragePoolInput, xml: string, options: FlagsOptions = {}): Promise<StorageVolRef> {
    const ref = await resolvePool(this.#call, pool, options);
    return this.#inPool(
      ref.name,
      async () => (await this.#call(STORAGE_VOL_CREATE_XML, { pool: ref, xml, flags: options.flags ?? 0 }, options)).vol,
    );
  }

  /** Create a volume as a copy of `source` (clone). @see virStorageVolCreateXMLFrom */
  async createFrom(pool: StoragePoolInput, xml: string, source: StorageVolRef, options: FlagsOptions = {}): Promise<StorageVolRef> {
    const ref = await resolvePool(this.#call, pool, options);
    return this.#inPool(
      ref.name,
      async () =>
        (await this.#call(STORAGE_VOL_CREATE_XML_FROM, { pool: ref, xml, clonevol: source, flags: options.flags ?? 0 }, options)).vol,
    );
  }

  /** Delete a volume; flags = `VirStorageVolDeleteFlags`. @see virStorageVolDelete */
  async delete(vol: StorageVolRef, options: FlagsOptions = {}): Promise<void> {
    await this.#inPool(vol.pool, () => this.#call(STORAGE_VOL_DELETE, { vol, flags: options.flags ?? 0 }, options));
  }

  /** Overwrite the volume's data (destroys it): zeros, or `options.algorithm`. @see virStorageVolWipe, virStorageVolWipePattern */
  async wipe(vol: StorageVolRef, options?: WipeOptions): Promise<void> {
    await this.#inPool(vol.pool, wipeRequest(this.#call, vol, options));
  }

  /** Change the capacity (bytes); flags = `VirStorageVolResizeFlags`. @see virStorageVolResize */
  async resize(vol: StorageVolRef, capacity: bigint | number, options: FlagsOptions = {}): Promise<void> {
    const bytes = u64(capacity, 'capacity');
    await this.#inPool(vol.pool, () => this.#call(STORAGE_VOL_RESIZE, { vol, capacity: bytes, flags: options.flags ?? 0 }, options));
  }

  /**
   * Upload data into a volume over a libvirt stream, with back-pressure and
   * progress. Resolves once libvirt confirms everything was written. On
   * failure or abort the stream is aborted, so the daemon releases the volume.
   *
   * With `sparse`, holes travel as holes (`bytes` counts data only,
   * `holeBytes` the holes): a mostly-empty raw image stays small on the wire
   * and in the volume.
   *
   * @example
   * await conn.storage.volumes.upload(vol, createReadStream('disk.qcow2'), { onProgress: (n) => bar.update(n) });
   * @example
   * // like `virsh vol-upload --sparse`: all-zero 64 KiB blocks become holes
   * await conn.storage.volumes.upload(vol, createReadStream('disk.raw'), { sparse: true });
   * @throws {@link InvalidArgumentError} for a bad source, offset, length or holeBlockSize, or `sparse` with an offset or length
   * @see virStorageVolUpload, virStreamSparseSendAll
   */
  async upload(
    vol: StorageVolRef,
    source: UploadSource | SparseUploadSource,
    options: UploadOptions = {},
  ): Promise<{ bytes: number; holeBytes: number }> {
    const offset = u64(options.offset, 'offset');
    const length = u64(options.length, 'length');
    const sparse = options.sparse === true;
    const blockSize = options.holeBlockSize ?? DEFAULT_HOLE_BLOCK_SIZE;
    if (!isUploadSource(source))
      throw new InvalidArgumentError('source must be a Uint8Array or an (async) iterable of Uint8Array chunks', { path: 'source' });
    if (sparse && (offset !== 0n || length !== 0n))
      throw new InvalidArgumentError(
        'a sparse upload writes the whole volume: libvirt truncates a file volume at each hole, so it takes no offset or length',
        {
          path: offset !== 0n ? 'offset' : 'length',
        },
      );
    if (!Number.isSafeInteger(blockSize) || blockSize < 0)
      throw new InvalidArgumentError(`holeBlockSize must be a non-negative integer, got ${String(blockSize)}`, { path: 'holeBlockSize' });
    const stream = await this.#stream(STORAGE_VOL_UPLOAD, { vol, offset, length, flags: sparse ? 1 : 0 }, { ...options, sparse });
    const signal = options.signal === undefined ? {} : { signal: options.signal };
    try {
      const given: AsyncIterable<SparseSourceChunk> | Iterable<SparseSourceChunk> = source instanceof Uint8Array ? [source] : source;
      for await (const chunk of sparse ? withHoles(given, blockSize) : given) {
        if (sparse && !(chunk instanceof Uint8Array)) await stream.writeHole(chunk.hole, signal);
        else {
          const bytes: unknown = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          if (!(bytes instanceof Uint8Array))
            throw new InvalidArgumentError(`source yielded a ${typeof bytes} instead of a Uint8Array chunk (holes need sparse: true)`, {
              path: 'source',
            });
          await stream.write(bytes, signal);
        }
        options.onProgress?.(stream.bytesSent + stream.holeBytesSent);
      }
      await stream.finish(signal);
      return { bytes: stream.bytesSent, holeBytes: stream.holeBytesSent };
    } catch (error) {
      await stream.abort({ reason: error }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Download a volume as an async iterable of chunks. Iterating to the end
   * completes libvirt's finish handshake; leaving the loop early aborts.
   *
   * With `sparse`, the volume file's holes arrive as holes
   * (`stream.sparseChunks()` yields `{ hole: bytes }` for them).
   *
   * @example
   * for await (const chunk of await conn.storage.volumes.download(vol)) out.write(chunk);
   * @example
   * // like `virsh vol-download --sparse`
   * const stream = await conn.storage.volumes.download(vol, { sparse: true });
   * await writeSparseFile('/tmp/disk.raw', stream);
   * @throws {@link InvalidArgumentError} for a bad offset or length
   * @see virStorageVolDownload, virStreamSparseRecvAll
   */
  async download(vol: StorageVolRef, options: DownloadOptions = {}): Promise<RpcStream> {
    const offset = u64(options.offset, 'offset');
    const length = u64(options.length, 'length');
    const sparse = options.sparse === true;
    return this.#stream(STORAGE_VOL_DOWNLOAD, { vol, offset, length, flags: sparse ? 1 : 0 }, { ...options, sparse });
  }
}
