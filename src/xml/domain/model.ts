import type { Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import type { DomainDevices } from '../devices/devices.js';
import type { Ownership } from '../metadata/ownership.js';
import type { DomainClock } from './clock.js';
import type { DomainCpu } from './cpu.js';
import type { DomainFeatures } from './features.js';
import type { DomainOs } from './os.js';
import type { DomainCputune, DomainMemoryBacking } from './tuning.js';

/** `<vcpu>`: how many virtual CPUs. */
export interface DomainVcpu {
  /** Maximum number of vCPUs. */
  count: number;
  /** vCPUs online at boot (≤ `count`); the rest can be hot-plugged. */
  current?: number;
  placement?: Open<'static' | 'auto'>;
  /** Host CPUs the vCPUs may run on, e.g. `'0-3,^2'`. */
  cpuset?: string;
}

/**
 * `<metadata>`: the SDK's own ownership record, typed, and every other
 * application's namespaced elements kept verbatim.
 *
 * @see https://libvirt.org/formatdomain.html#general-metadata
 */
export interface DomainMetadata extends Extensible {
  ownership?: Ownership;
}

/** What the domain does on a guest power-off or reboot. */
export type LifecycleAction = Open<'destroy' | 'restart' | 'preserve' | 'rename-restart'>;
/** What the domain does when the guest crashes. */
export type CrashAction = Open<LifecycleAction | 'coredump-destroy' | 'coredump-restart'>;

/**
 * A libvirt domain definition (`<domain>`), typed for the parts the SDK uses,
 * with everything else kept verbatim (`extraAttributes` / `extraElements` at
 * each level) so that a read-modify-write changes only what was modified.
 *
 * Sizes are bytes (`bigint`). Memory is written as `unit='KiB'`, libvirt's
 * own unit, so it must be a whole number of KiB.
 *
 * @see https://libvirt.org/formatdomain.html
 */
export interface DomainModel extends Extensible {
  /** Hypervisor driver: `'kvm'` (hardware acceleration), `'qemu'` (TCG emulation), `'test'` (libvirt's test driver)… */
  type: Open<'qemu' | 'kvm' | 'test' | 'xen' | 'lxc' | 'vmware' | 'hyperv' | 'bhyve' | 'ch'>;
  /** Id of a running domain; reported by libvirt, ignored when defining. */
  id?: number;
  name: string;
  /** libvirt generates one when omitted. Written in canonical lower-case form. */
  uuid?: string;
  /** One-line title (no line breaks). */
  title?: string;
  description?: string;
  metadata?: DomainMetadata;
  /** Maximum memory in bytes (`<memory>`); a whole number of KiB. */
  memory: bigint;
  /** Memory at boot in bytes (`<currentMemory>`); ≤ `memory`. */
  currentMemory?: bigint;
  /** `<memory dumpCore>`: include guest memory in QEMU core dumps. */
  memoryDumpCore?: boolean;
  /** `<memoryBacking>`: huge pages, shared or locked memory. */
  memoryBacking?: DomainMemoryBacking;
  vcpu?: DomainVcpu;
  /** `<cputune>`: vCPU and emulator pinning. */
  cputune?: DomainCputune;
  os: DomainOs;
  features?: DomainFeatures;
  cpu?: DomainCpu;
  clock?: DomainClock;
  onPoweroff?: LifecycleAction;
  onReboot?: LifecycleAction;
  onCrash?: CrashAction;
  devices: DomainDevices;
}

/** Options of `buildDomainXml`. */
export interface BuildDomainOptions {
  /**
   * Rule for `name`: `'sdk'` (strict, for domains the SDK creates) or
   * `'libvirt'` (libvirt's own, for rewriting domains created elsewhere).
   * @default 'sdk'
   */
  nameRule?: 'sdk' | 'libvirt';
}
