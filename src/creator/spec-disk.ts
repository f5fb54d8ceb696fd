/**
 * The disks of a {@link VmSpec}: new volumes, overlays, clones, uploads,
 * existing volumes or paths, and cdroms. Sizes take bytes or strings with a
 * libvirt unit (`'2GiB'`, `'512MiB'`, `'10G'` = 10 GiB).
 *
 * @module
 */
import type { SizeInput, VolumeFormat } from '../xml/index.js';

/** Bus a disk or cdrom is attached to. `'scsi'` means a virtio-scsi controller. */
export type DiskBus = 'virtio' | 'scsi' | 'sata' | 'ide' | 'usb';

/** A volume in a storage pool. */
export interface VolumeLocation {
  /** Pool name (or UUID). */
  pool: string;
  /** Volume name in the pool. */
  volume: string;
}

/** What every disk kind accepts. */
export interface DiskCommonSpec {
  /**
   * Bus. @default `'virtio'` for disks (when the host offers it), `'scsi'` (virtio-scsi) for cdroms
   */
  bus?: DiskBus;
  /** Device name libvirt shows (`'vda'`, `'sdb'`); allocated in order per bus when omitted. Not necessarily the guest's name. */
  target?: string;
  /** Per-device boot order (1 = first). Do not combine with {@link VmBootSpec.order}. */
  bootOrder?: number;
  /** Serial number shown to the guest (`/dev/disk/by-id`). */
  serial?: string;
  /** QEMU cache mode. @default libvirt's default */
  cache?: 'default' | 'none' | 'writethrough' | 'writeback' | 'directsync' | 'unsafe';
  /** Pass guest discards (TRIM) to the image. @default 'unmap' for volumes this create makes, unset otherwise */
  discard?: 'unmap' | 'ignore';
  /** Attach read-only. @default false */
  readonly?: boolean;
}

/** Options of disks that become a new volume in a pool (owned by the VM: deleted with it). */
export interface OwnedVolumeSpec {
  /** Pool to create the volume in. Must exist and be active. */
  pool: string;
  /**
   * Volume name. Refused if it already exists in the pool (never adopted or overwritten).
   * @default `<vm>-disk<index>.<format>` (e.g. `web-1-disk0.qcow2`)
   */
  name?: string;
}

/**
 * Encryption of a new volume: LUKS (raw+LUKS or qcow2 with LUKS encryption),
 * opened by QEMU with a libvirt secret's passphrase; the guest sees a plain disk.
 */
export interface DiskEncryptionSpec {
  format: 'luks';
  /**
   * UUID of an existing secret holding the passphrase (not owned: kept on teardown).
   * @default a new private secret with a random passphrase (never logged), owned by the VM and undefined with the volume
   */
  secret?: string;
}

/** A new, empty volume. */
export interface NewDiskSpec extends DiskCommonSpec, OwnedVolumeSpec {
  kind: 'new';
  /** Create the volume encrypted. @default not encrypted */
  encryption?: DiskEncryptionSpec;
  /** Virtual size, e.g. `'20GiB'`. */
  size: SizeInput;
  /** Image format. @default 'qcow2' */
  format?: VolumeFormat;
  /** Allocate every byte now instead of thin provisioning (counts against the free-space check). @default false */
  preallocate?: boolean;
}

/** A new qcow2 overlay (copy-on-write) on a base image, which stays untouched and is not owned. */
export interface OverlayDiskSpec extends DiskCommonSpec, OwnedVolumeSpec {
  kind: 'overlay';
  /** The base image: a volume, or a host path. */
  base: VolumeLocation | string;
  /**
   * Format of the base image. @default the base volume's format as its pool reports it; required for a
   *   path that is not a volume of an active pool
   */
  baseFormat?: VolumeFormat;
  /** Virtual size of the overlay (≥ the base's). @default the base's virtual size; required for a path outside any pool */
  size?: SizeInput;
}

/** A full copy of an existing volume (`virStorageVolCreateXMLFrom`). */
export interface CloneDiskSpec extends DiskCommonSpec, OwnedVolumeSpec {
  kind: 'clone';
  /** The volume to copy (a volume, or the path of a pool volume). */
  source: VolumeLocation | string;
  /** Format of the copy. @default the source's format */
  format?: VolumeFormat;
  /** Virtual size of the copy (≥ the source's). @default the source's */
  size?: SizeInput;
  /** Ask for a copy-on-write clone (reflink) where the file system supports it. @default false */
  reflink?: boolean;
}

/** Data streamed from this process into a new volume (`virStorageVolUpload`). */
export interface UploadStreamSource {
  /** The bytes: a buffer, or a (async) iterable of chunks such as a `Readable`. */
  data: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Exact number of bytes `data` yields. */
  size: number | bigint;
}

/** Upload progress of one volume. */
export interface UploadProgress {
  /** Bytes of the image covered so far: data handed to the daemon plus holes skipped (a sparse upload's holes count). */
  bytes: number;
  /** Bytes of the image in all (its whole size, holes included). */
  total: number;
}

/** A new volume filled with an image from this machine (a local file or a stream). */
export interface UploadDiskSpec extends DiskCommonSpec, OwnedVolumeSpec {
  kind: 'upload';
  /** A path on *this* machine (not the libvirt host), or a stream with its size. */
  source: string | UploadStreamSource;
  /**
   * Format of the image. @default detected from a local file's header (`qcow2` or `raw`); `'raw'` for streams
   */
  format?: VolumeFormat;
  /** Called as chunks are sent. */
  onProgress?: (progress: UploadProgress) => void;
  /**
   * Send the image as a sparse stream (`VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM`,
   * what `virsh vol-upload --sparse` does): every all-zero 64 KiB block
   * travels as a hole instead of zeros, and stays a hole in the volume's file.
   * A mostly-empty raw image then crosses the wire and lands in the pool at
   * the size of its data; the volume still reads exactly as the image (same
   * size, same bytes). Zeros are found by content (Node cannot ask the file
   * system for a file's holes), so allocated zeros become holes too.
   *
   * `false` writes every byte: the volume's file is then fully allocated,
   * which is the reason to turn it off — space taken now instead of when the
   * guest writes (no overcommitted pool filling up later), or a file system
   * where holes are slow. A block-device volume gets zeros written either way.
   * @default true
   */
  sparse?: boolean;
}

/**
 * A disk image that already exists: a file on the host, or a volume of a
 * pool. Not owned (never deleted by the SDK). Give exactly one of `path` and
 * `volume`.
 */
export interface ExistingDiskSpec extends DiskCommonSpec {
  kind: 'existing';
  /** Absolute path on the libvirt host. */
  path?: string;
  /** A volume of an active pool (attached by its path). */
  volume?: VolumeLocation;
  /** Image format; libvirt does not probe formats. @default the volume's format; 'raw' for a path */
  format?: VolumeFormat;
  /** Let other VMs use the image at the same time. @default false */
  shareable?: boolean;
}

/** A CD-ROM drive with an ISO (or empty); not owned. Always read-only. */
export interface CdromDiskSpec extends Omit<DiskCommonSpec, 'readonly' | 'discard'> {
  kind: 'cdrom';
  /** The ISO: a host path or a volume. Omit for an empty drive. */
  source?: string | VolumeLocation;
}

/** One disk of a VM, by kind. Volumes made by `new`, `overlay`, `clone` and `upload` are owned by the VM. */
export type DiskSpec = NewDiskSpec | OverlayDiskSpec | CloneDiskSpec | UploadDiskSpec | ExistingDiskSpec | CdromDiskSpec;
