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
import { createReadStream } from 'node:fs';
import type { UploadProgress } from './spec.js';
import type { PlannedVolume } from './storage.js';
import type { CallOptions, LibvirtConnection, StorageVolRef } from '../connection/internal.js';

/** `virStorageVolCreateFlags.VIR_STORAGE_VOL_CREATE_REFLINK`. */
const CREATE_REFLINK = 2;

/** Create (or clone) a planned volume. @see virStorageVolCreateXML @see virStorageVolCreateXMLFrom */
export async function createVolume(connection: LibvirtConnection, v: PlannedVolume, options: CallOptions): Promise<StorageVolRef> {
  const volumes = connection.storage.volumes;
  if (v.cloneOf === undefined) return volumes.create(v.pool, v.xml, options);
  if (v.cloneOf.source === null) throw new Error(`cannot clone into ${v.name}: the source volume was not looked up`);
  return volumes.createFrom(v.pool, v.xml, v.cloneOf.source, { ...options, flags: v.cloneOf.reflink ? CREATE_REFLINK : 0 });
}

/** Stream a planned volume's data into it, reporting progress. @see virStorageVolUpload */
export async function uploadVolume(
  connection: LibvirtConnection,
  ref: StorageVolRef,
  v: PlannedVolume,
  options: CallOptions & { onProgress?: (progress: UploadProgress) => void },
): Promise<void> {
  const upload = v.upload;
  if (upload === undefined) return;
  const total = Number(upload.size);
  const data = typeof upload.source === 'string' ? createReadStream(upload.source, { highWaterMark: 256 * 1024 }) : upload.source;
  try {
    await connection.storage.volumes.upload(ref, data, {
      ...options,
      length: upload.size,
      onProgress: (bytes) => {
        upload.onProgress?.({ bytes, total });
        options.onProgress?.({ bytes, total });
      },
    });
  } finally {
    if (typeof upload.source === 'string') (data as { destroy(): void }).destroy();
  }
}
