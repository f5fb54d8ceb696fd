/**
 * Presets: ready-made specs for common guests, built from the same fields a
 * caller would write by hand (so every part can be changed afterwards).
 *
 * @module
 */
import { SpecIssues } from './issues.js';
import { checkSpecKeys } from './spec-keys.js';
import type { KnownKeys } from '../errors/index.js';
import type { CdromDiskSpec, DiskSpec, GraphicsSpec, NetworkSpec, VmSpec, VolumeLocation } from './spec.js';
import type { SizeInput } from '../xml/index.js';

/** Options of {@link windows11Spec}. */
export interface Windows11Options {
  /** Domain name. */
  name: string;
  /** The system disk (Windows 11 asks for at least 64 GiB), e.g. `{ kind: 'new', pool: 'default', size: '64GiB' }`. */
  disk: Exclude<DiskSpec, CdromDiskSpec>;
  /** Memory; Windows 11 asks for at least 4 GiB. @default '4GiB' */
  memory?: SizeInput;
  /** vCPUs; Windows 11 asks for at least 2. @default 2 */
  vcpus?: number;
  /**
   * `'sata'` (AHCI) disks and an `e1000e` NIC work with Windows' own drivers;
   * `'virtio'` is faster but the installer needs the virtio-win drivers
   * (give them as `driversMedia`).
   * @default 'sata'
   */
  bus?: 'virtio' | 'sata';
  /** The Windows installation ISO (host path or volume), attached as a SATA cdrom booted after the disk. */
  installMedia?: string | VolumeLocation;
  /** The virtio-win drivers ISO, attached as a second SATA cdrom. */
  driversMedia?: string | VolumeLocation;
  /** NICs. @default one NIC on libvirt's `default` network */
  networks?: NetworkSpec[];
  /** Graphics. @default VNC on 127.0.0.1 */
  graphics?: VmSpec['graphics'];
}

const WINDOWS11_KEYS = {
  name: true,
  disk: true,
  memory: true,
  vcpus: true,
  bus: true,
  installMedia: true,
  driversMedia: true,
  networks: true,
  graphics: true,
} as const satisfies KnownKeys<Windows11Options>;

/**
 * A spec for a Windows 11-ready VM: q35, UEFI with Secure Boot (Microsoft
 * keys enrolled), an emulated TPM 2.0 on the CRB interface, Hyper-V
 * enlightenments with the Hyper-V clock, the clock in local time, and SATA
 * or virtio storage per the caller. What Windows 11's setup checks (TPM 2.0,
 * Secure Boot, 2 CPUs, 4 GiB, 64 GiB) is met without registry bypasses.
 * Pass the result to `VmCreator.create`, after changing anything you like.
 *
 * @example
 * const spec = windows11Spec({
 *   name: 'win11', disk: { kind: 'new', pool: 'default', size: '64GiB' },
 *   installMedia: '/var/lib/libvirt/images/Win11_23H2_English_x64.iso',
 * });
 * await creator.create(spec);
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) when `bus` is neither `'sata'` nor `'virtio'`, or an option is unknown
 *   (`path` the option: `instalMedia: unknown field 'instalMedia' (did you mean 'installMedia'?)`); all of them at once
 *   (`issues`). The spec it returns is checked by `createVm`.
 * @see https://libvirt.org/formatdomain.html#hypervisor-features
 */
export function windows11Spec(options: Windows11Options): VmSpec {
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(options, WINDOWS11_KEYS, ''));
  const bus = options.bus ?? 'sata';
  issues.expect(bus === 'sata' || bus === 'virtio', 'bus', "must be 'sata' or 'virtio'");
  issues.throwIfAny();
  const cdroms: CdromDiskSpec[] = [options.installMedia, options.driversMedia]
    .filter((s): s is string | VolumeLocation => s !== undefined)
    .map((source) => ({ kind: 'cdrom', source, bus: 'sata' }));
  const graphics: VmSpec['graphics'] = options.graphics ?? ({ type: 'vnc', listen: '127.0.0.1' } satisfies GraphicsSpec);
  return {
    name: options.name,
    memory: options.memory ?? '4GiB',
    vcpus: options.vcpus ?? 2,
    machine: 'q35',
    firmware: { type: 'uefi', secureBoot: true },
    tpm: { model: 'tpm-crb', version: '2.0' },
    hyperv: true,
    clockOffset: 'localtime',
    disks: [{ ...options.disk, bus: options.disk.bus ?? bus }, ...cdroms],
    networks: (options.networks ?? [{ network: 'default' }]).map((n) => ({
      ...n,
      model: n.model ?? (bus === 'virtio' ? 'virtio' : 'e1000e'),
    })),
    graphics,
    // Windows has no in-box virtio-gpu driver; OVMF and Windows both drive a standard VGA card.
    video: { model: 'vga' },
    boot: { order: cdroms.length > 0 ? ['hd', 'cdrom'] : ['hd'] },
  };
}
