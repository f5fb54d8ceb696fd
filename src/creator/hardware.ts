/**
 * The production fields, decided against the host: each is checked against
 * the domain capabilities libvirt reports (TPM backends, virtiofs, memfd,
 * host device types, Hyper-V) and turned into the typed model parts the
 * domain model is assembled from. Pure. Drivers without domain capabilities
 * (the test driver) get the same parts, unchecked.
 *
 * @module
 */
import { specError } from './errors.js';
import type { CheckedHardware } from './validate-hardware.js';
import type {
  DomainCapabilities,
  DomainCpu,
  DomainDevices,
  DomainCputune,
  DomainMemoryBacking,
  FilesystemDevice,
  GuestNumaCell,
  HostdevDevice,
  HypervFeatures,
  TpmDevice,
  WatchdogDevice,
} from '../xml/index.js';

/** The typed model parts of the production fields. */
export interface HardwarePlan {
  memoryBacking: DomainMemoryBacking | undefined;
  cputune: DomainCputune | undefined;
  numa: GuestNumaCell[] | undefined;
  tpm: TpmDevice | undefined;
  filesystems: FilesystemDevice[];
  hostdevs: HostdevDevice[];
  watchdog: WatchdogDevice | undefined;
  hyperv: HypervFeatures | undefined;
}

/**
 * The enlightenments virt-install gives Windows guests (virtinst/domain/features.py, libvirt's
 * formatdomain "hyperv" list), all of which QEMU 7.2 knows.
 */
export const WINDOWS_HYPERV: Readonly<HypervFeatures> = {
  relaxed: true,
  vapic: true,
  spinlocks: 8191,
  vpindex: true,
  runtime: true,
  synic: true,
  stimer: true,
  reset: true,
  frequencies: true,
  tlbflush: true,
  ipi: true,
};

function offered(values: string[] | undefined, value: string): boolean {
  return values === undefined || values.includes(value);
}

function tpmDevice(hw: CheckedHardware, q35: boolean, dc: DomainCapabilities | undefined): TpmDevice | undefined {
  if (hw.tpm === undefined) return undefined;
  const caps = dc?.devices['tpm'];
  const version = hw.tpm.version ?? '2.0';
  // virt-install: CRB for TPM 2.0 on q35 (what Windows 11 looks for), TIS otherwise.
  const model = hw.tpm.model ?? (version === '2.0' && q35 && offered(caps?.enums['model'], 'tpm-crb') ? 'tpm-crb' : 'tpm-tis');
  if (caps !== undefined) {
    if (!caps.supported || !offered(caps.enums['backendModel'], 'emulator'))
      throw specError('tpm', 'the host offers no emulated TPM (libvirt needs swtpm and swtpm_setup: Debian packages swtpm, swtpm-tools)');
    if (!offered(caps.enums['model'], model)) throw specError('tpm.model', `the host does not offer the ${model} TPM interface`);
    if (!offered(caps.enums['backendVersion'], version)) throw specError('tpm.version', `the host's swtpm does not offer TPM ${version}`);
  }
  return { model, backend: { type: 'emulator', version } };
}

function memoryBacking(hw: CheckedHardware, dc: DomainCapabilities | undefined): DomainMemoryBacking | undefined {
  const mb: DomainMemoryBacking = {};
  if (hw.hugepages === true) mb.hugepages = true;
  else if (hw.hugepages !== undefined) mb.hugepages = [{ size: hw.hugepages }];
  if (hw.lockedMemory) mb.locked = true;
  if (hw.sharedMemory) {
    // Huge pages are file-backed already: only the access mode is needed. Otherwise memfd, as virt-install does.
    if (hw.hugepages === undefined) {
      if (!offered(dc?.memoryBacking?.enums['sourceType'], 'memfd'))
        throw specError('memoryBacking.shared', 'the host does not offer memfd memory backing');
      mb.source = 'memfd';
    }
    mb.access = 'shared';
  }
  return Object.keys(mb).length === 0 ? undefined : mb;
}

function cputune(hw: CheckedHardware): DomainCputune | undefined {
  const pinning = hw.cpu?.pinning;
  if (pinning === undefined) return undefined;
  const tune: DomainCputune = {};
  if (pinning.vcpus !== undefined && pinning.vcpus.length > 0) tune.vcpupins = pinning.vcpus.map((cpuset, vcpu) => ({ vcpu, cpuset }));
  if (pinning.emulator !== undefined) tune.emulatorpin = pinning.emulator;
  return Object.keys(tune).length === 0 ? undefined : tune;
}

/**
 * Check the production fields against the host and build their model parts.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`) when the host does not offer one.
 */
export function planHardware(
  hw: CheckedHardware,
  machine: { q35: boolean; domainType: string },
  dc: DomainCapabilities | undefined,
): HardwarePlan {
  const devices = dc?.devices;
  const unresolved = hw.usbNodeDevices[0];
  if (unresolved !== undefined)
    throw specError(`hostdevs[${unresolved.index}].nodeDevice`, 'is a USB node device: only a create or VmCreator.buildXml can look it up');
  if (hw.filesystems.length > 0 && devices?.['filesystem'] !== undefined && !offered(devices['filesystem'].enums['driverType'], 'virtiofs'))
    throw specError('filesystems', 'the host does not offer virtiofs');
  hw.hostdevs.forEach((h, i) => {
    const caps = devices?.['hostdev'];
    // libvirt 9.0 lists usb, pci and scsi in subsysType, never mdev (virQEMUCapsFillDomainDeviceHostdevCaps).
    if (caps !== undefined && (!caps.supported || (h.type !== 'mdev' && !offered(caps.enums['subsysType'], h.type))))
      throw specError(`hostdevs[${i}]`, `the host does not offer ${h.type} passthrough`);
  });
  if (hw.hyperv && dc !== undefined && dc.features['hyperv']?.supported === false)
    throw specError('hyperv', 'the host does not offer Hyper-V enlightenments');
  const watchdog: WatchdogDevice | undefined =
    hw.watchdog === undefined
      ? undefined
      : // i6300esb everywhere: libvirt knows q35's built-in iTCO only from 9.1 (9.0 refuses the XML), and domain caps do not list models.
        { model: hw.watchdog.model ?? 'i6300esb', ...(hw.watchdog.action === undefined ? {} : { action: hw.watchdog.action }) };
  if (watchdog?.model === 'itco' && !machine.q35) throw specError('watchdog.model', 'itco is built into q35 machines only');
  return {
    memoryBacking: memoryBacking(hw, dc),
    cputune: cputune(hw),
    numa:
      hw.numa.length === 0
        ? undefined
        : hw.numa.map((c, id) => ({ id, cpus: c.cpus, memory: c.memory, ...(hw.sharedMemory ? { memAccess: 'shared' } : {}) })),
    tpm: tpmDevice(hw, machine.q35, dc),
    filesystems: hw.filesystems.map((fs) => ({
      type: 'mount',
      accessMode: 'passthrough',
      driver: { type: 'virtiofs' },
      source: { dir: fs.source },
      target: { dir: fs.tag },
    })),
    hostdevs: hw.hostdevs,
    watchdog,
    hyperv: hw.hyperv ? { ...WINDOWS_HYPERV } : undefined,
  };
}

/** Put the plan's devices (shares, TPM, host devices, watchdog) into `devices`. */
export function addHardwareDevices(devices: DomainDevices, hw: HardwarePlan): void {
  if (hw.filesystems.length > 0) devices.filesystems = hw.filesystems;
  if (hw.tpm !== undefined) devices.tpms = [hw.tpm];
  if (hw.hostdevs.length > 0) devices.hostdevs = hw.hostdevs;
  if (hw.watchdog !== undefined) devices.watchdogs = [hw.watchdog];
}

/** `<cpu>` with the guest NUMA cells (a NUMA topology needs a `<cpu>` element even with the default model). */
export function cpuWithNuma(cpu: DomainCpu | undefined, numa: HardwarePlan['numa']): { cpu?: DomainCpu } {
  if (numa === undefined) return cpu === undefined ? {} : { cpu };
  return { cpu: { ...(cpu ?? {}), numa } };
}
