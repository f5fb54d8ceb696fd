/**
 * What a create's storage plan knows of the host: the pools and volumes the
 * spec names and the local files it uploads (gathered by `facts.ts`, or
 * given to `buildVmXml` for a preview).
 *
 * @module
 */
import type { StorageVolRef } from '../connection/internal.js';

/** A storage pool as the plan needs it. */
export interface PoolFacts {
  /** Canonical pool name. */
  name: string;
  /** Target directory; a volume's path is `<path>/<name>` in directory-like pools. */
  path?: string;
  /** Bytes free. */
  available: bigint;
  active: boolean;
}

/** An existing volume the spec refers to (a base image, a clone source, an ISO). */
export interface VolumeFacts {
  pool: string;
  name: string;
  path: string;
  format?: string;
  capacity: bigint;
  allocation: bigint;
  /** `null` in pure previews. */
  ref: StorageVolRef | null;
}

/** A local file to upload. */
export interface LocalImageFacts {
  size: bigint;
  /** Detected from the file header. */
  format: 'qcow2' | 'raw';
}

/** What the storage plan needs to know about the host's storage. */
export interface StorageFacts {
  /** By the pool string as the spec writes it. */
  pools: Record<string, PoolFacts>;
  /** By `volumeKey(location)`; `undefined` = the path is not a volume of any pool. */
  volumes: Record<string, VolumeFacts | undefined>;
  /** Local upload sources, by disk index. */
  uploads: Record<number, LocalImageFacts>;
}
