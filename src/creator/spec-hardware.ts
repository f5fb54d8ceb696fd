/**
 * The VmSpec fields of production VMs: firmware, TPM, virtiofs shares,
 * memory backing, CPU topology and pinning, guest NUMA, host devices,
 * watchdog, rng, video and Hyper-V. Each is validated before anything is
 * sent, and checked against the host's domain capabilities where libvirt
 * reports them (docs/vm-spec.md maps each to its XML and virt-install option).
 *
 * @module
 */
import type { SecretUsage, SizeInput } from '../xml/index.js';

/**
 * Firmware. `'uefi'` asks libvirt to pick OVMF from the QEMU firmware
 * descriptors (`<os firmware='efi'>`); libvirt copies the descriptor's
 * variable-store template into `/var/lib/libvirt/qemu/nvram/<name>_VARS.fd`
 * at first start, and teardown removes it (`VIR_DOMAIN_UNDEFINE_NVRAM`).
 * `{ type: 'uefi', secureBoot: true }` asks for Secure Boot with Microsoft's
 * keys enrolled (and turns on SMM, which it needs); `secureBoot: false` asks
 * for a build without it. Without `secureBoot`, libvirt chooses: libvirt 9.0
 * with Debian's `ovmf` picks the Secure Boot build with keys enrolled (its
 * firmware descriptor has the highest priority).
 */
export type FirmwareSpec = 'bios' | 'uefi' | { type: 'uefi'; secureBoot?: boolean };

/**
 * An emulated TPM (swtpm; the host needs `swtpm` and `swtpm_setup`). Its
 * state lives in `/var/lib/libvirt/swtpm/<uuid>/` and is removed on teardown
 * (`VIR_DOMAIN_UNDEFINE_TPM`).
 */
export interface TpmSpec {
  /** @default 'tpm-crb' for TPM 2.0 on q35 (what Windows 11 expects), else 'tpm-tis' */
  model?: 'tpm-crb' | 'tpm-tis';
  /** @default '2.0' */
  version?: '2.0' | '1.2';
}

/**
 * A host directory shared with the guest through virtiofs (virtiofsd). The
 * guest mounts it with `mount -t virtiofs <tag> /mnt`. virtiofs needs shared
 * guest memory: the SDK adds `<memoryBacking><source type='memfd'/><access
 * mode='shared'/>` unless the spec's `memoryBacking` already says how.
 */
export interface FilesystemSpec {
  /** Absolute directory on the libvirt host. */
  source: string;
  /** Mount tag the guest uses (1–36 characters of `A-Z a-z 0-9 _ . -`). */
  tag: string;
}

/** How guest RAM is backed on the host. */
export interface MemoryBackingSpec {
  /** Huge pages: `true` for the host's default size, or a page size (`'2MiB'`, `'1GiB'`). The host must have them reserved. */
  hugepages?: boolean | SizeInput;
  /** Share guest RAM with other processes (memfd, `access mode='shared'`): vhost-user, virtiofs. @default false (true with filesystems) */
  shared?: boolean;
  /** Lock guest RAM in host memory (never swapped). @default false */
  locked?: boolean;
}

/** CPU topology. `sockets × dies × cores × threads` must equal `vcpus`. */
export interface CpuTopologySpec {
  sockets: number;
  /** @default 1 */
  dies?: number;
  cores: number;
  threads: number;
}

/** A guest CPU feature to require or disable. */
export interface CpuFeatureSpec {
  name: string;
  /** @default 'require' */
  policy?: 'force' | 'require' | 'optional' | 'disable' | 'forbid';
}

/**
 * The guest CPU. Without `mode`, the default stays (host-passthrough under
 * KVM, QEMU's model under TCG) and only topology/features/pinning apply.
 */
export interface CpuSpec {
  mode?: 'host-passthrough' | 'host-model' | 'maximum' | 'custom';
  /** Named model (with `mode: 'custom'`, required), e.g. `'Skylake-Client'`, `'qemu64'`. */
  model?: string;
  topology?: CpuTopologySpec;
  features?: CpuFeatureSpec[];
  /**
   * Pin vCPU `i` to the host CPUs `vcpus[i]` (`'2'`, `'4-5'`, `'0-3,^2'`), and QEMU's own
   * threads to `emulator` (`<cputune>`).
   */
  pinning?: { vcpus?: string[]; emulator?: string };
}

/** A guest NUMA node: which vCPUs and how much memory. Cells' memory adds up to the VM's. */
export interface NumaCellSpec {
  /** vCPUs of the node, e.g. `'0-1'`. */
  cpus: string;
  memory: SizeInput;
}

/**
 * A host device passed through to the guest (VFIO). Give exactly one of
 * `nodeDevice`, `pci`, `usb` and `mdev`.
 */
export interface HostdevSpec {
  /**
   * A node device name as `virsh nodedev-list` prints it: `pci_0000_00_1f_2`
   * or `mdev_<uuid with _>` (the address is in the name), or a USB device
   * (`usb_1_3`, `virsh nodedev-list --cap usb_device`), which the create looks
   * up through the connection, as virt-install does: the device's vendor and
   * product, plus its bus and device number when another USB device of the host
   * has the same ids. A name that is no node device, or no USB device, is refused
   * before anything is made.
   */
  nodeDevice?: string;
  /** PCI address `DDDD:BB:SS.F`, e.g. `'0000:01:00.0'`. */
  pci?: string;
  /** USB device by vendor and product id (`'0x046d'`). */
  usb?: { vendor: string; product: string };
  /** A mediated device (vGPU) by UUID. */
  mdev?: string;
  /** Let libvirt detach the device from its host driver at start and give it back at stop. @default true (PCI, USB) */
  managed?: boolean;
}

/** A watchdog that acts when the guest stops petting it. */
export interface WatchdogSpec {
  /** `'itco'` (built into q35) needs libvirt ≥ 9.1: 9.0 refuses it. @default 'i6300esb' (a PCI card; any machine) */
  model?: 'itco' | 'i6300esb' | 'ib700';
  /** @default 'reset' */
  action?: 'reset' | 'shutdown' | 'poweroff' | 'pause' | 'none' | 'dump' | 'inject-nmi';
}

/** The virtio-rng device's host source (replaces `defaultDevices.rng`). */
export interface RngSpec {
  /** Host entropy source. @default '/dev/urandom' */
  source?: '/dev/urandom' | '/dev/random' | '/dev/hwrng';
}

/** The video card (with graphics). */
export interface VideoSpec {
  /** @default 'virtio' where offered, else 'vga' */
  model?: 'virtio' | 'vga' | 'qxl' | 'bochs' | 'ramfb' | 'cirrus' | 'none';
  /** Number of heads (monitors). @default 1 */
  heads?: number;
}

/**
 * A graphics password kept in a libvirt secret (`conn.secrets`): the create
 * reads its value (UTF-8 text) and writes it into the domain XML's `passwd`
 * attribute, because libvirt has no secret reference for graphics (libvirt
 * 9.0's domain schema has only `passwd`). libvirt shows `passwd` only with
 * `VIR_DOMAIN_XML_SECURE`; changing the secret later does not change the VM's
 * password. The value never appears in the SDK's logs or errors.
 *
 * @example
 * const ref = await conn.secrets.define({ usage: { type: 'tls', id: 'vnc-web-1' } });
 * await conn.secrets.setValue(ref, 'S3cr3t!x'); // VNC: at most 8 bytes
 * await creator.create({ name: 'web-1', memory: '1GiB', graphics: { type: 'vnc', password: { secret: ref.uuid } } });
 * @see virSecretGetValue
 */
export interface GraphicsPasswordSecret {
  /** The secret's UUID, or its usage (`{ type: 'tls', id: 'vnc-console' }`, `virSecretLookupByUsage`). */
  secret: string | SecretUsage;
}
