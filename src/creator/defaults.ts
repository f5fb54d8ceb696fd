/**
 * Defaults from the host, as virt-install chooses them: the guest
 * architecture and hypervisor type the host offers, machine `q35` where
 * available, virtio disks/NICs/rng/balloon, a serial pty console, the
 * qemu-guest-agent channel, a USB tablet with graphics, and the usual x86
 * features and timers. Pure: host and domain capabilities in, decisions out.
 *
 * Domain capabilities are optional: drivers without them (the test driver)
 * get the same defaults, unchecked.
 *
 * @module
 */
import { specError } from './errors.js';
import { planHardware, type HardwarePlan } from './hardware.js';
import type { DiskBus } from './spec.js';
import type { CheckedSpec } from './validate.js';
import type {
  DomainCapabilities,
  DomainClock,
  DomainCpu,
  DomainFeatures,
  FirmwareFeature,
  GuestCapabilities,
  HostCapabilities,
  RngDevice,
} from '../xml/index.js';

/** What the host offers, as the defaults need it. */
export interface HostFacts {
  /** `virConnectGetCapabilities`, parsed. */
  capabilities: HostCapabilities;
  /** `virConnectGetDomainCapabilities` for the chosen arch, type and machine; absent when the driver has none. */
  domainCapabilities?: DomainCapabilities;
}

/** The decisions defaults make for one spec on one host. */
export interface Platform {
  /** `<domain type>`: `'kvm'`, `'qemu'`, `'test'`… */
  domainType: string;
  arch: string;
  /** Machine type; undefined = the emulator's default. */
  machine: string | undefined;
  emulator: string | undefined;
  /** The QEMU driver (kvm or qemu): x86 timers, vmport, virtio-scsi and friends apply. */
  qemu: boolean;
  diskBus: DiskBus;
  cdromBus: DiskBus;
  /** Buses the host offers (`undefined` = unknown, all allowed). */
  buses: readonly string[] | undefined;
  nicModel: string;
  firmware: { firmware?: 'efi'; firmwareFeatures?: FirmwareFeature[] };
  features: DomainFeatures;
  clock: DomainClock;
  cpu: DomainCpu | undefined;
  guestAgent: boolean;
  rng: RngDevice | undefined;
  memballoon: boolean;
  videoModel: string;
  videoHeads: number;
  tablet: boolean;
  /** The production fields' model parts (TPM, shares, memory backing, pinning, NUMA, host devices…). */
  hardware: HardwarePlan;
}

const X86 = new Set(['x86_64', 'i686']);

function enumHas(values: string[] | undefined, value: string): boolean {
  return values === undefined || values.includes(value);
}

/**
 * The guest entry (os type `hvm`) for `arch`, or the host's own architecture.
 * @throws InvalidArgumentError (path `arch`) when the host cannot run it.
 */
export function chooseGuest(caps: HostCapabilities, arch: string | undefined): GuestCapabilities {
  const hvm = caps.guests.filter((g) => g.osType === 'hvm');
  const wanted = arch ?? caps.host.cpu.arch;
  const guest = hvm.find((g) => g.arch === wanted) ?? (arch === undefined ? hvm[0] : undefined);
  if (guest === undefined) {
    throw specError(
      'arch',
      `the host cannot run ${JSON.stringify(wanted)} guests (it offers ${hvm.map((g) => g.arch).join(', ') || 'none'})`,
    );
  }
  return guest;
}

/**
 * The hypervisor type: the spec's (which the host must offer), else `'kvm'`
 * when offered, else the first the host lists (`'qemu'`, or `'test'`).
 * @throws InvalidArgumentError (path `virtType`)
 */
export function chooseVirtType(guest: GuestCapabilities, requested: string | undefined): string {
  const types = guest.domains.map((d) => d.type);
  if (requested !== undefined) {
    if (!types.includes(requested))
      throw specError('virtType', `the host offers ${types.join(', ') || 'no'} ${guest.arch} guests, not ${JSON.stringify(requested)}`);
    return requested;
  }
  const first = types.includes('kvm') ? 'kvm' : types[0];
  if (first === undefined) throw specError('virtType', `the host lists no hypervisor for ${guest.arch} guests`);
  return first;
}

/**
 * The machine: the spec's, else `'q35'` when the host offers it (virt-install's x86 choice), else the emulator's default.
 * A requested machine the host does not list is refused here, as a spec error on `machine`, before libvirt is asked
 * for its capabilities (which would answer with a bare internal error). A host that lists no machines is trusted.
 */
export function chooseMachine(guest: GuestCapabilities, virtType: string, requested: string | undefined): string | undefined {
  const machines = [...guest.machines, ...(guest.domains.find((d) => d.type === virtType)?.machines ?? [])];
  if (requested !== undefined) {
    const names = new Set(machines.flatMap((m) => (m.canonical === undefined ? [m.name] : [m.name, m.canonical])));
    if (names.size > 0 && !names.has(requested)) {
      // Aliases (`pc`, `q35`) and what they stand for first: the names most specs want.
      const aliases = machines.flatMap((m) => (m.canonical === undefined ? [] : [`${m.name} (${m.canonical})`]));
      const shown = [...new Set(aliases), ...[...names].filter((n) => !machines.some((m) => m.name === n && m.canonical !== undefined))];
      const list = shown.slice(0, 10).join(', ') + (shown.length > 10 ? `, and ${shown.length - 10} more` : '');
      throw specError('machine', `the host offers no ${JSON.stringify(requested)} machine for ${virtType} ${guest.arch} guests (${list})`);
    }
    return requested;
  }
  return machines.some((m) => m.name === 'q35' || m.name.startsWith('pc-q35-')) ? 'q35' : undefined;
}

/** `true` for q35 machines (no IDE bus). */
export function isQ35(machine: string | undefined): boolean {
  return machine !== undefined && (machine === 'q35' || machine.startsWith('pc-q35-'));
}

function cpuFor(checked: CheckedSpec, domainType: string, dc: DomainCapabilities | undefined): DomainCpu | undefined {
  const spec = checked.hardware.cpu;
  const mode = spec?.mode ?? (spec?.model !== undefined ? 'custom' : undefined);
  let cpu: DomainCpu | undefined;
  if (mode !== undefined) {
    if (dc !== undefined && dc.cpuModes[mode]?.supported === false)
      throw specError('cpu.mode', `the host does not offer CPU mode ${JSON.stringify(mode)}`);
    cpu = mode === 'custom' ? { mode: 'custom', match: 'exact', model: { name: spec!.model!, fallback: 'allow' } } : { mode };
  } else if (domainType === 'kvm') {
    // virt-install: the host CPU as is under KVM; QEMU's own default model under TCG.
    if (dc === undefined || dc.cpuModes['host-passthrough']?.supported !== false) cpu = { mode: 'host-passthrough' };
    else if (dc.cpuModes['host-model']?.supported !== false) cpu = { mode: 'host-model' };
  }
  const t = spec?.topology;
  const extra: Partial<DomainCpu> = {
    ...(t === undefined
      ? {}
      : { topology: { sockets: t.sockets, ...(t.dies === undefined ? {} : { dies: t.dies }), cores: t.cores, threads: t.threads } }),
    ...(spec?.features === undefined || spec.features.length === 0
      ? {}
      : { features: spec.features.map((f) => ({ name: f.name, policy: f.policy ?? 'require' })) }),
  };
  if (Object.keys(extra).length === 0) return cpu;
  return { ...(cpu ?? {}), ...extra };
}

function firmwareFor(checked: CheckedSpec, machine: string | undefined, dc: DomainCapabilities | undefined): Platform['firmware'] {
  const { firmware, secureBoot } = checked.hardware;
  if (firmware !== 'uefi') return {};
  if (dc !== undefined && !(dc.os.enums['firmware'] ?? []).includes('efi')) {
    throw specError('firmware', "the host offers no UEFI firmware (its domain capabilities list no 'efi' firmware)");
  }
  if (secureBoot === undefined) return { firmware: 'efi' };
  // Asked off explicitly: libvirt 9.0 would otherwise pick the secure-boot build (its descriptor has the highest priority).
  if (!secureBoot) return { firmware: 'efi', firmwareFeatures: [{ name: 'secure-boot', enabled: false }] };
  // Secure Boot firmware needs SMM, which QEMU only emulates on q35.
  if (machine !== undefined && !isQ35(machine)) throw specError('firmware.secureBoot', 'needs a q35 machine (SMM)');
  if (dc?.os.loader !== undefined && !(dc.os.loader.enums['secure'] ?? ['yes']).includes('yes'))
    throw specError('firmware.secureBoot', 'the host offers no Secure Boot firmware');
  return {
    firmware: 'efi',
    firmwareFeatures: [
      { name: 'secure-boot', enabled: true },
      { name: 'enrolled-keys', enabled: true },
    ],
  };
}

/**
 * Decide everything the spec leaves open from the host's capabilities.
 *
 * @example const platform = resolvePlatform(validateSpec(spec), { capabilities, domainCapabilities });
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) when the spec asks for something the host does not
 *   offer (arch, hypervisor type, UEFI, CPU mode, a disk bus, graphics type, too many vCPUs).
 * @see https://libvirt.org/formatdomaincaps.html
 */
export function resolvePlatform(checked: CheckedSpec, facts: HostFacts): Platform {
  const dc = facts.domainCapabilities;
  const spec = checked.spec;
  const guest = chooseGuest(facts.capabilities, spec.arch ?? dc?.arch);
  const domainType = chooseVirtType(guest, spec.virtType ?? dc?.domain);
  const machine = chooseMachine(guest, domainType, spec.machine);
  const qemu = domainType === 'kvm' || domainType === 'qemu';
  const x86 = X86.has(guest.arch);
  if (dc?.vcpuMax !== undefined && checked.vcpus > dc.vcpuMax)
    throw specError('vcpus', `the host allows at most ${dc.vcpuMax} vCPUs for this machine`);

  const buses = dc?.devices['disk']?.enums['bus'];
  const sataOrIde: DiskBus = isQ35(machine) ? 'sata' : 'ide';
  const diskBus: DiskBus = enumHas(buses, 'virtio') ? 'virtio' : sataOrIde;
  // The guest needs no AHCI driver for virtio-scsi (docs/test-environment.md); virt-install would pick SATA.
  const cdromBus: DiskBus = qemu && enumHas(buses, 'scsi') ? 'scsi' : sataOrIde;

  const graphics = checked.graphics;
  if (graphics !== undefined && !enumHas(dc?.devices['graphics']?.enums['type'], graphics.type)) {
    throw specError('graphics.type', `the host does not offer ${graphics.type} graphics`);
  }
  const defaults = spec.defaultDevices ?? {};
  const rngCaps = dc?.devices['rng'];
  const rngOk =
    rngCaps === undefined ||
    (rngCaps.supported && enumHas(rngCaps.enums['model'], 'virtio') && enumHas(rngCaps.enums['backendModel'], 'random'));
  const channelOk = enumHas(dc?.devices['channel']?.enums['type'], 'unix');

  const features: DomainFeatures = {};
  const acpiOffered = x86 || guest.features.some((f) => f.name === 'acpi');
  if (acpiOffered) features.acpi = true;
  if (x86) features.apic = true;
  if (x86 && qemu) features.vmport = false;
  if (checked.hardware.secureBoot === true) features.smm = true;
  const hardware = planHardware(checked.hardware, { q35: isQ35(machine), domainType }, dc);
  if (hardware.hyperv !== undefined) features.hyperv = hardware.hyperv;
  const offset = checked.hardware.clockOffset ?? 'utc';
  // Windows reads its time from the Hyper-V reference clock when the enlightenments are on (virt-install adds it).
  const hypervClock = hardware.hyperv === undefined ? [] : [{ name: 'hypervclock', present: true }];

  const clock: DomainClock =
    x86 && qemu
      ? {
          offset,
          timers: [
            { name: 'rtc', tickpolicy: 'catchup' },
            { name: 'pit', tickpolicy: 'delay' },
            { name: 'hpet', present: false },
            ...hypervClock,
          ],
        }
      : { offset };
  const videoModel = checked.hardware.video?.model ?? (enumHas(dc?.devices['video']?.enums['modelType'], 'virtio') ? 'virtio' : 'vga');
  if (
    checked.hardware.video?.model !== undefined &&
    videoModel !== 'none' &&
    !enumHas(dc?.devices['video']?.enums['modelType'], videoModel)
  )
    throw specError('video.model', `the host does not offer the ${videoModel} video model`);
  const rngPath = checked.hardware.rng?.source ?? '/dev/urandom';

  return {
    domainType,
    arch: guest.arch,
    machine,
    emulator: dc?.path,
    qemu,
    diskBus,
    cdromBus,
    buses,
    nicModel: 'virtio',
    firmware: firmwareFor(checked, machine, dc),
    features,
    clock,
    cpu: cpuFor(checked, domainType, dc),
    guestAgent: defaults.guestAgent !== false && channelOk,
    rng: defaults.rng !== false && rngOk ? { model: 'virtio', backend: { model: 'random', path: rngPath } } : undefined,
    memballoon: defaults.memballoon !== false,
    videoModel,
    videoHeads: checked.hardware.video?.heads ?? 1,
    tablet: defaults.tablet !== false,
    hardware,
  };
}
