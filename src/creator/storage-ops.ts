/**
 * The storage operations of a create, through the connection: make (or
 * clone) a planned volume, and stream data into it. (Finding and deleting a
 * volume are the destroyer's, used by the rollback too.)
 *
 * Volume-changing calls are serialised per pool by the connection itself
 * (`conn.storage.volumes`), so concurrent creates sharing a connection queue
 * instead of hitting libvirt's "pool has asynchronous jobs running".
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { CreateProgress } from './options.js';
import type { MadeVolume } from './plan.js';
import type { UploadProgress } from './spec.js';
import type { PlannedVolume } from './storage.js';
import { specError } from './errors.js';
import type { CompensationLog } from './transaction.js';
import type { CallOptions, LibvirtConnection, StorageVolRef, UploadSource } from '../connection/internal.js';
import { deleteVolumeRef, findPoolVolume } from '../destroyer/volume-delete.js';
import { UnsupportedError, VirErrorCode, isLibvirtCode } from '../errors/index.js';

/** `virStorageVolCreateFlags.VIR_STORAGE_VOL_CREATE_REFLINK`. */
const CREATE_REFLINK = 2;

/**
 * `true` for qemu-img's transient failure while it creates a LUKS volume: it
 * times its key derivation with the thread's CPU clock and gives up when a
 * round measured 0 ms ("Unable to get accurate CPU usage", QEMU's
 * crypto/pbkdf.c) — seen on a loaded 2-core machine in 2 of 4 runs. libvirt
 * removes the half-made volume, so the create can simply be made again.
 */
function luksTimingGlitch(error: unknown): boolean {
  return error instanceof Error && /Unable to get accurate CPU usage/.test(error.message);
}

/** Attempts at creating an encrypted volume that qemu-img failed with {@link luksTimingGlitch}. */
const LUKS_CREATE_ATTEMPTS = 3;

/** Create (or clone) a planned volume. @see virStorageVolCreateXML @see virStorageVolCreateXMLFrom */
export async function createVolume(connection: LibvirtConnection, v: PlannedVolume, options: CallOptions): Promise<StorageVolRef> {
  const volumes = connection.storage.volumes;
  if (v.cloneOf === undefined && v.encryption !== undefined) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await volumes.create(v.pool, v.xml, options);
      } catch (error) {
        if (attempt >= LUKS_CREATE_ATTEMPTS || !luksTimingGlitch(error) || options.signal?.aborted === true) throw error;
      }
    }
  }
  if (v.cloneOf === undefined) return volumes.create(v.pool, v.xml, options);
  if (v.cloneOf.source === null) throw new Error(`cannot clone into ${v.name}: the source volume was not looked up`);
  return volumes.createFrom(v.pool, v.xml, v.cloneOf.source, { ...options, flags: v.cloneOf.reflink ? CREATE_REFLINK : 0 });
}

/**
 * The chunks of `source`, checked to cover exactly `size` bytes: a stream
 * whose declared size is wrong, or a local file that changed while it was
 * read, fails the upload (and the rollback deletes the volume) instead of
 * leaving a volume of another size — libvirt would zero-pad a short plain
 * upload and end a short sparse one's file early. Too many bytes fail before
 * the excess is sent.
 */
async function* exactly(source: UploadSource, size: number, path: string): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of source instanceof Uint8Array ? [source] : source) {
    const bytes: unknown = chunk;
    if (!(bytes instanceof Uint8Array)) throw specError(path, `yielded a ${typeof bytes} instead of a Uint8Array chunk`);
    seen += bytes.byteLength;
    if (seen > size) throw specError(path, `yielded more than the ${size} bytes the volume was made for (changed while uploading?)`);
    yield bytes;
  }
  if (seen !== size) throw specError(path, `yielded ${seen} bytes, not the ${size} the volume was made for (changed while uploading?)`);
}

/**
 * Stream a planned volume's data into it, reporting progress over the whole
 * image (holes included). Sparse unless the plan says not: the upload covers
 * the whole volume from offset 0, so the file ends exactly where the image
 * ends (libvirt 9.0 truncates a file volume at a hole's end and extends it
 * with data; measured: a trailing hole still sizes the file to the image).
 * @see virStorageVolUpload
 */
export async function uploadVolume(
  connection: LibvirtConnection,
  ref: StorageVolRef,
  v: PlannedVolume,
  options: CallOptions & { onProgress?: (progress: UploadProgress) => void },
): Promise<void> {
  const upload = v.upload;
  if (upload === undefined) return;
  const total = Number(upload.size);
  const local = typeof upload.source === 'string';
  // 256 KiB reads: a multiple of the 64 KiB hole block, so every block is judged whole.
  const data = local ? createReadStream(upload.source as string, { highWaterMark: 256 * 1024 }) : (upload.source as UploadSource);
  try {
    await connection.storage.volumes.upload(ref, exactly(data, total, `${v.specPath}.source${local ? '' : '.data'}`), {
      ...options,
      // A sparse upload takes no length (the resource refuses it): `exactly` bounds it instead.
      ...(upload.sparse ? { sparse: true } : { length: upload.size }),
      onProgress: (bytes) => {
        upload.onProgress?.({ bytes, total });
        options.onProgress?.({ bytes, total });
      },
    });
  } finally {
    if (local) (data as { destroy(): void }).destroy();
  }
}

/**
 * Define the private secret a LUKS volume is opened with, and give it a
 * random passphrase (32 random bytes, base64: the value is never logged,
 * never returned, and only libvirt can read a private secret back). Undone by
 * undefining it; a define whose outcome is unknown is looked up by its UUID,
 * chosen in advance.
 */
async function makeSecret(
  connection: LibvirtConnection,
  log: CompensationLog,
  v: PlannedVolume,
  uuid: string,
  call: CallOptions,
  rb: CallOptions,
): Promise<void> {
  const undo = async (): Promise<'undone' | 'already-gone'> => {
    try {
      await connection.secrets.undefine(uuid, rb);
      return 'undone';
    } catch (error) {
      if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_SECRET)) return 'already-gone';
      throw error;
    }
  };
  await log.step(
    `secret:${v.specPath}`,
    `define secret ${uuid} (LUKS passphrase of ${v.pool}/${v.name})`,
    () =>
      connection.secrets.define(
        { uuid, ephemeral: false, private: true, description: `libvirt-manager: LUKS passphrase of ${v.pool}/${v.name}` },
        call,
      ),
    { undo, ifUncertain: undo },
  );
  // Its own step, undone by the define's undo: the secret goes, value and all.
  await log.step(`secret-value:${v.specPath}`, `set the value of secret ${uuid}`, async () => {
    const passphrase = Buffer.from(randomBytes(32).toString('base64'), 'ascii');
    try {
      await connection.secrets.setValue(uuid, passphrase, call);
    } finally {
      passphrase.fill(0);
    }
  });
}

/**
 * Make one planned volume (create or clone it, then upload its data) as
 * steps of `log`, each with its undo: a volume made is deleted on rollback;
 * one whose create call ended with an unknown outcome is looked up by name
 * and deleted if it is there. The one way a create and a disk attached later
 * make their storage.
 *
 * @returns the volume's real path and key
 * @throws whatever a step throws; `UnsupportedError` naming the disk when the driver cannot upload
 */
export async function makeVolume(
  connection: LibvirtConnection,
  log: CompensationLog,
  v: PlannedVolume,
  options: { call: CallOptions; rollback: CallOptions; onProgress?: ((event: CreateProgress) => void) | undefined },
): Promise<MadeVolume> {
  const { call, rollback: rb, onProgress } = options;
  if (v.encryption?.owned === true) await makeSecret(connection, log, v, v.encryption.secret, call, rb);
  const ref = await log.step(
    v.step,
    `create volume ${v.pool}/${v.name}${v.cloneOf === undefined ? '' : ' (clone)'}`,
    () => createVolume(connection, v, call),
    {
      undo: async (r) => ((await deleteVolumeRef(connection, r, rb)) ? 'undone' : 'already-gone'),
      ifUncertain: async () => {
        const found = await findPoolVolume(connection, { pool: v.pool, name: v.name, owned: true }, rb);
        return found !== undefined && (await deleteVolumeRef(connection, found, rb)) ? 'undone' : 'already-gone';
      },
    },
  );
  if (v.upload !== undefined) {
    const step = `upload:${v.specPath}`;
    await log.step(step, `upload ${v.upload.size} bytes into ${v.pool}/${v.name}`, async () => {
      try {
        await uploadVolume(connection, ref, v, {
          ...call,
          onProgress: (p) => onProgress?.({ type: 'upload', step, pool: v.pool, volume: v.name, ...p }),
        });
      } catch (error) {
        if (!(error instanceof UnsupportedError)) throw error;
        const what = v.role === 'cloud-init' ? 'the cloud-init seed' : `${v.specPath} (kind 'upload')`;
        throw new UnsupportedError(`${what} needs volume upload (virStorageVolUpload), which this libvirt driver does not support`, {
          cause: error,
          ...(error.remote === undefined ? {} : { remote: error.remote }),
        });
      }
    });
  }
  return { path: await connection.storage.volumes.getPath(ref, call), key: ref.key };
}
