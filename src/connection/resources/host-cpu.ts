import { InvalidArgumentError, LibvirtError } from '../../errors/index.js';
import {
  CALL_OPTION_KEYS,
  CONNECT_BASELINE_CPU,
  CONNECT_BASELINE_HYPERVISOR_CPU,
  CONNECT_COMPARE_CPU,
  CONNECT_COMPARE_HYPERVISOR_CPU,
  CONNECT_GET_CPU_MODEL_NAMES,
  REMOTE_CPU_BASELINE_MAX,
  VirCPUCompareResult,
  VirConnectBaselineCPUFlags,
  VirConnectCompareCPUFlags,
  type CallOptions,
} from '../../rpc/index.js';
import { checkOptions, checkXml } from './check-options.js';
import type { ResourceCall } from './types.js';

/** How a CPU definition compares with the host's (or the hypervisor's) CPU (`virCPUCompareResult`). */
export type CpuComparison = 'incompatible' | 'identical' | 'superset';

/** The answer of {@link HostCpuResource.compareWithHost} and {@link HostCpuResource.compareWithHypervisor}. */
export interface CpuCompareResult {
  /** `identical`: the host CPU is exactly the one described; `superset`: it has everything described and more; `incompatible`: a guest with this CPU cannot run here. */
  result: CpuComparison;
  /** For `incompatible`: libvirt's explanation (`VIR_ERR_CPU_INCOMPATIBLE`'s message, e.g. which features are missing). */
  reason?: string;
}

/** Which hypervisor the `…ForHypervisor` / `…WithHypervisor` calls ask about; each unset field is the daemon's default. */
export interface HypervisorSelector {
  /** Emulator binary, e.g. `/usr/bin/qemu-system-x86_64`. */
  emulator?: string;
  /** Guest architecture, e.g. `x86_64`. */
  arch?: string;
  /** Machine type, e.g. `q35`. */
  machine?: string;
  /** Virtualization type: `kvm` or `qemu` (TCG). */
  virtType?: string;
}

/** Options of {@link HostCpuResource.compareWithHost}. */
export interface CpuCompareOptions extends CallOptions {
  /** Check the CPU XML against libvirt's schema first (`VIR_CONNECT_COMPARE_CPU_VALIDATE_XML`). @default false */
  validate?: boolean;
}

/** Options of {@link HostCpuResource.compareWithHypervisor}. */
export interface HypervisorCpuCompareOptions extends CpuCompareOptions, HypervisorSelector {}

/** Options of {@link HostCpuResource.baseline}. */
export interface CpuBaselineOptions extends CallOptions {
  /** List every feature of the chosen model, not only those added to it (`VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES`). @default false */
  expandFeatures?: boolean;
  /** Leave out features that block migration (`VIR_CONNECT_BASELINE_CPU_MIGRATABLE`). @default false */
  migratable?: boolean;
}

/** Options of {@link HostCpuResource.baselineForHypervisor}. */
export interface HypervisorCpuBaselineOptions extends CpuBaselineOptions, HypervisorSelector {}

const CALL = CALL_OPTION_KEYS;
const SELECTOR = { emulator: true, arch: true, machine: true, virtType: true } as const;
const COMPARE = { ...CALL, validate: true } as const;
const BASELINE = { ...CALL, expandFeatures: true, migratable: true } as const;
const ARCH = /^[A-Za-z0-9_]+$/;
const RESULTS: Record<number, CpuComparison> = {
  [VirCPUCompareResult.VIR_CPU_COMPARE_INCOMPATIBLE]: 'incompatible',
  [VirCPUCompareResult.VIR_CPU_COMPARE_IDENTICAL]: 'identical',
  [VirCPUCompareResult.VIR_CPU_COMPARE_SUPERSET]: 'superset',
};

function checkCpus(cpus: unknown): string[] {
  if (!Array.isArray(cpus) || cpus.length === 0 || cpus.length > REMOTE_CPU_BASELINE_MAX)
    throw new InvalidArgumentError(`cpus must be an array of 1 to ${REMOTE_CPU_BASELINE_MAX} <cpu> XML documents`, { path: 'cpus' });
  return cpus.map((cpu, i) => checkXml(cpu, `cpus[${i}]`, 'cpu'));
}

/** The selector's four optional strings as the wire's `remote_string`s (null: the daemon's default). */
function selectorArgs(o: HypervisorSelector): {
  emulator: string | null;
  arch: string | null;
  machine: string | null;
  virttype: string | null;
} {
  const one = (key: keyof HypervisorSelector): string | null => {
    const value: unknown = o[key];
    if (value === undefined) return null;
    if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`${key} must be a non-empty string`, { path: key });
    return value;
  };
  return { emulator: one('emulator'), arch: one('arch'), machine: one('machine'), virttype: one('virtType') };
}

function baselineFlags(o: CpuBaselineOptions): number {
  const F = VirConnectBaselineCPUFlags;
  return (
    (o.expandFeatures === true ? F.VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES : 0) |
    (o.migratable === true ? F.VIR_CONNECT_BASELINE_CPU_MIGRATABLE : 0)
  );
}

/**
 * Compare with FAIL_INCOMPATIBLE set: libvirt then reports an incompatible CPU
 * as VIR_ERR_CPU_INCOMPATIBLE whose message says why, which a plain result 0 cannot.
 */
async function compare(send: (flags: number) => Promise<{ result: number }>, validate: boolean | undefined): Promise<CpuCompareResult> {
  const F = VirConnectCompareCPUFlags;
  const flags = F.VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE | (validate === true ? F.VIR_CONNECT_COMPARE_CPU_VALIDATE_XML : 0);
  try {
    const { result } = await send(flags);
    return { result: RESULTS[result] ?? 'incompatible' };
  } catch (error) {
    if (error instanceof LibvirtError && error.codeName === 'VIR_ERR_CPU_INCOMPATIBLE')
      return { result: 'incompatible', reason: error.libvirtMessage ?? error.message };
    throw error;
  }
}

/**
 * CPU models (`conn.host.cpu`): the model names a hypervisor knows, how a guest
 * CPU definition compares with this host, and the baseline CPU several hosts
 * can all run (to pick a CPU that migrates between them).
 *
 * @example
 * const { result, reason } = await conn.host.cpu.compareWithHypervisor(`<cpu mode='custom'><model>Skylake-Server</model></cpu>`);
 */
export class HostCpuResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * The CPU model names the hypervisor knows for an architecture (`virsh cpu-models x86_64`).
   * @example const models = await conn.host.cpu.listModels('x86_64'); // ['486', 'pentium', …, 'Skylake-Server', …]
   * @throws InvalidArgumentError for a malformed arch (nothing is sent) · `LibvirtError` `VIR_ERR_INVALID_ARG` for an unknown one
   * @see virConnectGetCPUModelNames
   */
  async listModels(arch: string, options?: CallOptions): Promise<string[]> {
    if (typeof arch !== 'string' || !ARCH.test(arch))
      throw new InvalidArgumentError('arch must be an architecture name such as "x86_64"', { path: 'arch' });
    const o = checkOptions(options, CALL);
    return (await this.#call(CONNECT_GET_CPU_MODEL_NAMES, { arch, need_results: 1, flags: 0 }, o)).models;
  }

  /**
   * Compare a `<cpu>` element (not a whole capabilities document: libvirt 9.0 answers `VIR_ERR_XML_ERROR`) with the host's CPU
   * (`virsh cpu-compare`). Prefer {@link HostCpuResource.compareWithHypervisor}: what QEMU/KVM can give a
   * guest is what matters for starting one.
   * @example const { result } = await conn.host.cpu.compareWithHost(`<cpu><arch>x86_64</arch><model>pentium</model></cpu>`);
   * @throws InvalidArgumentError for an empty XML or a bad option · `LibvirtError` (`VIR_ERR_XML_ERROR`…) ·
   *   `UnsupportedError` where the driver cannot compare (the test driver)
   * @see virConnectCompareCPU
   */
  async compareWithHost(cpu: string, options?: CpuCompareOptions): Promise<CpuCompareResult> {
    const xml = checkXml(cpu, 'cpu', 'cpu');
    const o = checkOptions(options, COMPARE, ['validate']);
    return compare((flags) => this.#call(CONNECT_COMPARE_CPU, { xml, flags }, o), o.validate);
  }

  /**
   * Compare a `<cpu>` definition with the CPU the hypervisor can provide on this host (`virsh
   * hypervisor-cpu-compare`): `incompatible` means a guest with it would not start here.
   * @example const { result, reason } = await conn.host.cpu.compareWithHypervisor(cpuXml, { virtType: 'kvm' });
   * @throws InvalidArgumentError for an empty XML or a bad option · `LibvirtError` · `UnsupportedError` (the test driver)
   * @see virConnectCompareHypervisorCPU
   */
  async compareWithHypervisor(cpu: string, options?: HypervisorCpuCompareOptions): Promise<CpuCompareResult> {
    const xmlCPU = checkXml(cpu, 'cpu', 'cpu');
    const o = checkOptions(options, { ...COMPARE, ...SELECTOR } as const, ['validate']);
    const selector = selectorArgs(o);
    return compare((flags) => this.#call(CONNECT_COMPARE_HYPERVISOR_CPU, { ...selector, xmlCPU, flags }, o), o.validate);
  }

  /**
   * The most capable `<cpu>` that every given host CPU can run (`virsh cpu-baseline`): pass each host's
   * `<cpu>` from its capabilities XML.
   * @example const cpu = await conn.host.cpu.baseline([hostA, hostB], { migratable: true });
   * @throws InvalidArgumentError for no CPUs, more than 256, an empty XML or a bad option · `LibvirtError`
   * @see virConnectBaselineCPU
   */
  async baseline(cpus: readonly string[], options?: CpuBaselineOptions): Promise<string> {
    const xmlCPUs = checkCpus(cpus);
    const o = checkOptions(options, BASELINE, ['expandFeatures', 'migratable']);
    return (await this.#call(CONNECT_BASELINE_CPU, { xmlCPUs, flags: baselineFlags(o) }, o)).cpu;
  }

  /**
   * Like {@link HostCpuResource.baseline}, limited to what the hypervisor can provide on this host
   * (`virsh hypervisor-cpu-baseline`).
   * @example const cpu = await conn.host.cpu.baselineForHypervisor([hostCpuXml], { virtType: 'kvm', expandFeatures: true });
   * @throws InvalidArgumentError as {@link HostCpuResource.baseline} · `LibvirtError` · `UnsupportedError` (the test driver)
   * @see virConnectBaselineHypervisorCPU
   */
  async baselineForHypervisor(cpus: readonly string[], options?: HypervisorCpuBaselineOptions): Promise<string> {
    const xmlCPUs = checkCpus(cpus);
    const o = checkOptions(options, { ...BASELINE, ...SELECTOR } as const, ['expandFeatures', 'migratable']);
    const selector = selectorArgs(o);
    return (await this.#call(CONNECT_BASELINE_HYPERVISOR_CPU, { ...selector, xmlCPUs, flags: baselineFlags(o) }, o)).cpu;
  }
}
