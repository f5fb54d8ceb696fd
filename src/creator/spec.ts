/**
 * The VM spec: a small, friendly description of a VM that {@link VmCreator}
 * turns into domain XML, storage volumes and a cloud-init seed.
 *
 * Everything not said is filled in from the host's capabilities, as
 * virt-install does (see `defaults.ts`). Sizes take bytes or strings with a
 * libvirt unit (`'2GiB'`, `'512MiB'`, `'10G'` = 10 GiB).
 *
 * @module
 */
import type { CloudConfigInput, CloudConfigUser } from './cloud-init/index.js';
import type {
  CpuSpec,
  FilesystemSpec,
  FirmwareSpec,
  GraphicsPasswordSecret,
  HostdevSpec,
  MemoryBackingSpec,
  NumaCellSpec,
  RngSpec,
  TpmSpec,
  VideoSpec,
  WatchdogSpec,
} from './spec-hardware.js';
import type { DomainModel, SizeInput, VolumeFormat } from '../xml/index.js';

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
  /** Bytes handed to the daemon so far. */
  bytes: number;
  /** Bytes to send in all. */
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

/** One NIC. Give exactly one of `network`, `bridge` or `user`. */
export interface NetworkSpec {
  /** A libvirt network by name (e.g. `'default'`); must exist. */
  network?: string;
  /** A host bridge by name (e.g. `'br0'`). */
  bridge?: string;
  /** User-mode networking (no host set-up, outbound only). */
  user?: boolean;
  /** MAC address. @default generated by libvirt (52:54:00:…) */
  mac?: string;
  /** NIC model. @default 'virtio' */
  model?: string;
  /** Per-device boot order (PXE). */
  bootOrder?: number;
  /** MTU in bytes. */
  mtu?: number;
  /**
   * A network filter (`<filterref>`) applied to the NIC's traffic, with its variables, e.g.
   * `{ filter: 'clean-traffic', parameters: { IP: '10.0.0.5' } }`. The filter must exist (`conn.nwfilters`).
   */
  filter?: { filter: string; parameters?: Record<string, string | string[]> };
}

/** What happens to the seed cdrom once the VM has booted. */
export type SeedDetachPolicy = 'never' | 'after-first-boot';

/**
 * cloud-init NoCloud data, written into an ISO labelled `cidata`, uploaded
 * into a pool (owned by the VM) and attached as a read-only cdrom.
 *
 * Give either `userData` (verbatim), or `config` and/or the shorthands
 * `user`, `sshAuthorizedKeys` and `hostname` (built with `buildCloudConfig`).
 * Content is secret: it never appears in logs or error messages.
 */
export interface CloudInitSpec {
  /** The user-data file verbatim (`#cloud-config…`, a `#!` script…). */
  userData?: string;
  /** A cloud-config built from typed options. */
  config?: CloudConfigInput;
  /** Shorthand for `config.user`. */
  user?: CloudConfigUser;
  /** Shorthand for `config.sshAuthorizedKeys` (the distribution's default user). */
  sshAuthorizedKeys?: string[];
  /** Host name: `config.hostname` and meta-data `local-hostname`. @default the VM name, when it is a valid host name */
  hostname?: string;
  /** The meta-data file: an object (`instance-id` filled in) or a string verbatim. */
  metaData?: string | Record<string, unknown>;
  /** The network-config file (version 1 or 2). */
  networkConfig?: string | Record<string, unknown>;
  /** The vendor-data file, verbatim. */
  vendorData?: string;
  /** meta-data `instance-id`. @default the domain's UUID */
  instanceId?: string;
  /** Pool for the seed volume. @default the pool of the first disk that names one */
  pool?: string;
  /** Bus of the seed cdrom. @default 'scsi' (virtio-scsi: Linux guests need no AHCI driver) */
  bus?: DiskBus;
  /** Target of the seed cdrom. @default next free name on its bus */
  target?: string;
  /**
   * `'after-first-boot'`: once the VM has been started by this create, the
   * seed cdrom is removed from the *persistent* definition
   * (`virDomainDetachDeviceFlags` with `VIR_DOMAIN_AFFECT_CONFIG`). The running
   * guest keeps the drive until it powers off, so cloud-init reads it on this
   * boot; the next cold boot no longer sees it. The seed volume stays (owned,
   * deleted with the VM). Needs `start: true`.
   * @default 'never'
   */
  detach?: SeedDetachPolicy;
}

/** A graphical console. */
export interface GraphicsSpec {
  type: 'vnc' | 'spice';
  /** Listen address. @default '127.0.0.1' */
  listen?: string;
  /** TCP port. @default chosen by libvirt */
  port?: number;
  /**
   * Password (never logged), or the libvirt secret that holds it (read at
   * create time; see {@link GraphicsPasswordSecret}). VNC passwords are at most
   * 8 characters (libvirt 9.0 refuses longer ones).
   */
  password?: string | GraphicsPasswordSecret;
}

/** How the VM boots. */
export interface VmBootSpec {
  /** BIOS boot order. @default `['hd']` when there is a disk, else `['cdrom']`/`['network']` */
  order?: ('hd' | 'cdrom' | 'network')[];
  /** Direct kernel boot: a kernel on the host. */
  kernel?: string;
  /** Initial ramdisk for direct kernel boot. */
  initrd?: string;
  /** Kernel command line for direct kernel boot. */
  cmdline?: string;
  /** Show the firmware boot menu. */
  menu?: boolean;
}

/** The serial console: a `pty` (for `virsh console` and console streams), optionally logged to a file. */
export interface SerialConsoleSpec {
  /** Absolute host path QEMU copies the console output to. */
  logFile?: string;
  /** Append to `logFile` instead of truncating it at each start. @default false */
  logAppend?: boolean;
}

/** Default devices that can be turned off. Each defaults to `true`. */
export interface DefaultDevicesSpec {
  /** The qemu-guest-agent virtio-serial channel. */
  guestAgent?: boolean;
  /** virtio-rng fed from the host's `/dev/urandom`. */
  rng?: boolean;
  /** virtio memory balloon (`false` writes `model='none'`). */
  memballoon?: boolean;
  /** USB tablet (only added with graphics). */
  tablet?: boolean;
}

/** Escape hatches applied after defaults, before the XML is written. */
export interface VmOverrides {
  /** Edit (or replace) the typed domain model. */
  model?: (model: DomainModel) => DomainModel | void;
  /** Extra raw elements inside `<devices>` (e.g. `'<sound model="ich9"/>'`); checked for well-formedness. Each counts as a device (see {@link VmSpec}). */
  devicesXml?: string[];
  /** Extra raw elements inside `<domain>` (e.g. `'<iothreads>2</iothreads>'`). */
  domainXml?: string[];
}

/**
 * A VM to create.
 *
 * Limits, checked before anything is sent (`InvalidArgumentError`,
 * `ERR_LIBVIRT_INVALID_SPEC`, with the path of the list):
 * - **at most 226 devices**: `disks`, `networks` and `overrides.devicesXml`
 *   together. That is what libvirt can place on a q35 machine (the default)
 *   with every default device on: each virtio disk and NIC is a PCIe device
 *   in a `pcie-root-port` of its own; `pcie-root` has 30 free slots of 8
 *   ports (240); libvirt keeps one free for hot-plug, the video card takes a
 *   whole slot (8), and the SDK's own devices 5 more (USB, virtio-scsi,
 *   virtio-serial, virtio-rng, balloon): 240 − 14 = 226, as measured on
 *   libvirt 9.0 / QEMU 7.2, where one more fails to define. SATA and
 *   virtio-scsi disks take less room, USB disks more (libvirt refuses past
 *   ~140 of them), IDE at most 4 (`hda`–`hdd`, `pc` machines only).
 * - `boot.order`: at most 4 entries (libvirt reads no more).
 * - `overrides.domainXml`: at most 1,048,576 elements (4 MiB of XML).
 * - every list of `cloudInit`: at most 4,194,304 entries (the 16 MiB seed).
 * - no list may be sparse (`disks[0]: is empty (sparse array)`).
 *
 * @example
 * const spec: VmSpec = {
 *   name: 'web-1',
 *   memory: '2GiB',
 *   vcpus: 2,
 *   disks: [{ kind: 'overlay', pool: 'default', base: { pool: 'default', volume: 'debian-12.qcow2' }, size: '20GiB' }],
 *   networks: [{ network: 'default' }],
 *   cloudInit: { user: { name: 'ops', sudo: true, sshAuthorizedKeys: [key] } },
 *   start: true,
 * };
 */
export interface VmSpec {
  /** Domain name: 1–63 characters of `A-Z a-z 0-9 . _ + -`, starting with a letter or digit. */
  name: string;
  /** UUID. @default a random one (chosen before anything is created) */
  uuid?: string;
  /** One-line title (any characters; escaped). */
  title?: string;
  /** Free-text description (any characters; escaped). */
  description?: string;
  /** Memory, e.g. `'2GiB'` or bytes; a whole number of KiB, at least 1 MiB. */
  memory: SizeInput;
  /** Number of virtual CPUs. @default 1 */
  vcpus?: number;
  /** Hypervisor type. @default `'kvm'` when the host offers it, else `'qemu'` (TCG); `'test'` on the test driver */
  virtType?: string;
  /** Guest architecture. @default the host's */
  arch?: string;
  /** Machine type. @default `'q35'` when offered, else the emulator's default */
  machine?: string;
  /** Firmware. `'uefi'` uses libvirt's firmware auto-selection (`<os firmware='efi'>`); see {@link FirmwareSpec}. @default 'bios' */
  firmware?: FirmwareSpec;
  /** With `firmware: 'uefi'`: require Secure Boot with enrolled keys (turns on SMM); same as `firmware: { type: 'uefi', secureBoot: true }`. @default false */
  secureBoot?: boolean;
  /** Guest CPU: mode/model, topology, features, pinning. @default host-passthrough under KVM, QEMU's default model under TCG */
  cpu?: CpuSpec;
  /** Guest NUMA nodes; their vCPUs and memory add up to the VM's. */
  numa?: NumaCellSpec[];
  /** Huge pages, shared or locked guest memory. */
  memoryBacking?: MemoryBackingSpec;
  /** An emulated TPM (swtpm): `true` for TPM 2.0. @default none */
  tpm?: boolean | TpmSpec;
  /** Host directories shared through virtiofs (each counts as a device, see above). */
  filesystems?: FilesystemSpec[];
  /** Host devices passed through (each counts as a device, see above). */
  hostdevs?: HostdevSpec[];
  /** A watchdog device. @default none */
  watchdog?: WatchdogSpec;
  /** Source of the default virtio-rng. */
  rng?: RngSpec;
  /** The video card (with graphics). */
  video?: VideoSpec;
  /** Hyper-V enlightenments (and the Hyper-V clock) for Windows guests. @default false */
  hyperv?: boolean;
  /** Guest clock: `'localtime'` for Windows. @default 'utc' */
  clockOffset?: 'utc' | 'localtime';
  /** Boot order and direct kernel boot. */
  boot?: VmBootSpec;
  /** Disks and cdroms, in order; with `networks` and `overrides.devicesXml` at most 226 devices (see above). */
  disks?: DiskSpec[];
  /** NICs, in order; with `disks` and `overrides.devicesXml` at most 226 devices (see above). */
  networks?: NetworkSpec[];
  /** A cloud-init NoCloud seed, attached as a read-only cdrom. */
  cloudInit?: CloudInitSpec;
  /** Graphics. @default 'none' (headless; serial console only) */
  graphics?: 'none' | 'vnc' | 'spice' | GraphicsSpec;
  /** The serial console, `false` for none. @default a pty console */
  serialConsole?: boolean | SerialConsoleSpec;
  /** Turn default devices off. */
  defaultDevices?: DefaultDevicesSpec;
  /** Start the VM with the host. @default false */
  autostart?: boolean;
  /** Start the VM once defined. @default false */
  start?: boolean;
  /** Raw escape hatches. */
  overrides?: VmOverrides;
}
