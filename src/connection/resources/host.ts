import {
  CONNECT_GET_ALL_DOMAIN_STATS,
  CONNECT_GET_CAPABILITIES,
  CONNECT_GET_DOMAIN_CAPABILITIES,
  CONNECT_GET_HOSTNAME,
  CONNECT_GET_LIB_VERSION,
  CONNECT_GET_MAX_VCPUS,
  CONNECT_GET_SYSINFO,
  CONNECT_GET_TYPE,
  CONNECT_GET_URI,
  CONNECT_GET_VERSION,
  CONNECT_IS_SECURE,
  type DomainRef,
  NODE_GET_FREE_MEMORY,
  NODE_GET_INFO,
  type TypedParamRecordValue,
  typedParamsToRecord,
  type CallOptions,
} from '../../rpc/index.js';
import { type DomainCapabilities, type HostCapabilities, parseCapabilitiesXml, parseDomainCapabilitiesXml } from '../../xml/index.js';
import { HostCpuResource } from './host-cpu.js';
import { NativeConfigResource } from './host-native.js';
import { type ConnectionIdentity, setIdentity } from './identity.js';
import { NodeResource } from './node.js';
import { type ResourceCall, flag } from './types.js';

/** A libvirt-style version number, split. */
export interface Version {
  major: number;
  minor: number;
  micro: number;
  /** `major * 1_000_000 + minor * 1_000 + micro`, as libvirt encodes it. */
  number: number;
  /** `'9.0.0'`. */
  text: string;
}

/** `virNodeGetInfo`: memory in bytes. */
export interface NodeInfo {
  model: string;
  memoryBytes: number;
  cpus: number;
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

/** One domain's statistics from `virConnectGetAllDomainStats`, keyed like `'state.state'`, `'cpu.time'`. */
export interface DomainStats {
  domain: DomainRef;
  stats: Record<string, TypedParamRecordValue>;
}

/** Stat groups (`virDomainStatsTypes`). */
export type DomainStatsGroup =
  'state' | 'cpu-total' | 'balloon' | 'vcpu' | 'interface' | 'block' | 'perf' | 'iothread' | 'memory' | 'dirtyrate' | 'vm';

const STAT_BITS: Record<DomainStatsGroup, number> = {
  state: 1,
  'cpu-total': 2,
  balloon: 4,
  vcpu: 8,
  interface: 16,
  block: 32,
  perf: 64,
  iothread: 128,
  memory: 256,
  dirtyrate: 512,
  vm: 1024,
};

/** Split libvirt's `major * 1e6 + minor * 1e3 + micro` encoding. */
export function decodeVersion(value: bigint | number): Version {
  const n = Number(value);
  const major = Math.floor(n / 1_000_000);
  const minor = Math.floor((n % 1_000_000) / 1000);
  const micro = n % 1000;
  return { major, minor, micro, number: n, text: `${major}.${minor}.${micro}` };
}

/** Facts about the host and the daemon. */
export class HostResource {
  readonly #call: ResourceCall;
  /** CPU models: names, comparison with this host, baselines. @see virConnectCompareHypervisorCPU */
  readonly cpu: HostCpuResource;
  /** A domain XML as the hypervisor's own configuration (QEMU's command line) and back. @see virConnectDomainXMLToNative */
  readonly native: NativeConfigResource;

  /** The host machine as virsh's `node*` commands show it: CPU and memory statistics, NUMA cells, huge pages, KSM, security model, SEV. */
  readonly node: NodeResource;

  constructor(call: ResourceCall) {
    this.#call = call;
    this.node = new NodeResource(call);
    this.cpu = new HostCpuResource(call);
    this.native = new NativeConfigResource(call);
  }

  /**
   * Replace the identity this connection's calls are checked against (what virtproxyd does for the
   * clients it forwards). It takes effect for the following calls, for access control (polkit, ACL
   * drivers) only: a read-only connection stays read-only. libvirt checks it as `connect:write`; a daemon
   * without an access driver (libvirt 9.0 here) accepts it from any client, even on the read-only socket.
   * @example await conn.host.setIdentity({ userName: 'alice', unixUserId: 1000, processId: 4242 });
   * @throws InvalidArgumentError for an unknown field or a bad value (nothing is sent) · `LibvirtError`
   * @see virConnectSetIdentity
   */
  async setIdentity(identity: ConnectionIdentity, options?: CallOptions): Promise<void> {
    await setIdentity(this.#call, identity, options);
  }

  /** The daemon's libvirt version. @see virConnectGetLibVersion */
  async getLibVersion(options?: CallOptions): Promise<Version> {
    return decodeVersion((await this.#call(CONNECT_GET_LIB_VERSION, undefined, options)).lib_ver);
  }

  /** The hypervisor's version (QEMU's, for qemu:///). @see virConnectGetVersion */
  async getHypervisorVersion(options?: CallOptions): Promise<Version> {
    return decodeVersion((await this.#call(CONNECT_GET_VERSION, undefined, options)).hv_ver);
  }

  /** Driver type, e.g. `'QEMU'`, `'TEST'`. @see virConnectGetType */
  async getType(options?: CallOptions): Promise<string> {
    return (await this.#call(CONNECT_GET_TYPE, undefined, options)).type;
  }

  /** The host's name. @see virConnectGetHostname */
  async getHostname(options?: CallOptions): Promise<string> {
    return (await this.#call(CONNECT_GET_HOSTNAME, undefined, options)).hostname;
  }

  /** The canonical URI the daemon opened, e.g. `'qemu:///system'`. @see virConnectGetURI */
  async getUri(options?: CallOptions): Promise<string> {
    return (await this.#call(CONNECT_GET_URI, undefined, options)).uri;
  }

  /** Whether the connection is encrypted or local. @see virConnectIsSecure */
  async isSecure(options?: CallOptions): Promise<boolean> {
    return flag((await this.#call(CONNECT_IS_SECURE, undefined, options)).secure);
  }

  /** Most vCPUs one guest of `type` may have. @see virConnectGetMaxVcpus */
  async getMaxVcpus(type: string | null = null, options?: CallOptions): Promise<number> {
    return (await this.#call(CONNECT_GET_MAX_VCPUS, { type }, options)).max_vcpus;
  }

  /** Host CPU and memory. @see virNodeGetInfo */
  async getNodeInfo(options?: CallOptions): Promise<NodeInfo> {
    const i = await this.#call(NODE_GET_INFO, undefined, options);
    return {
      model: i.model,
      memoryBytes: Number(i.memory) * 1024,
      cpus: i.cpus,
      mhz: i.mhz,
      nodes: i.nodes,
      sockets: i.sockets,
      cores: i.cores,
      threads: i.threads,
    };
  }

  /** Free host memory in bytes. @see virNodeGetFreeMemory */
  async getFreeMemory(options?: CallOptions): Promise<bigint> {
    return (await this.#call(NODE_GET_FREE_MEMORY, undefined, options)).freeMem;
  }

  /** The SMBIOS sysinfo XML. @see virConnectGetSysinfo */
  async getSysinfoXml(options?: CallOptions): Promise<string> {
    return (await this.#call(CONNECT_GET_SYSINFO, { flags: 0 }, options)).sysinfo;
  }

  /** The capabilities XML. @see virConnectGetCapabilities */
  async getCapabilitiesXml(options?: CallOptions): Promise<string> {
    return (await this.#call(CONNECT_GET_CAPABILITIES, undefined, options)).capabilities;
  }

  /** Host and guest capabilities, parsed. @see virConnectGetCapabilities */
  async getCapabilities(options?: CallOptions): Promise<HostCapabilities> {
    return parseCapabilitiesXml(await this.getCapabilitiesXml(options));
  }

  /** The domain capabilities XML for an emulator/arch/machine/virt type. @see virConnectGetDomainCapabilities */
  async getDomainCapabilitiesXml(
    options: CallOptions & { emulator?: string; arch?: string; machine?: string; virtType?: string } = {},
  ): Promise<string> {
    const args = {
      emulatorbin: options.emulator ?? null,
      arch: options.arch ?? null,
      machine: options.machine ?? null,
      virttype: options.virtType ?? null,
      flags: 0,
    };
    return (await this.#call(CONNECT_GET_DOMAIN_CAPABILITIES, args, options)).capabilities;
  }

  /**
   * What a guest of the given kind can use (machine types, firmware, devices), parsed.
   * @example const caps = await conn.host.getDomainCapabilities({ virtType: 'qemu', arch: 'x86_64' });
   * @see virConnectGetDomainCapabilities
   */
  async getDomainCapabilities(
    options: CallOptions & { emulator?: string; arch?: string; machine?: string; virtType?: string } = {},
  ): Promise<DomainCapabilities> {
    return parseDomainCapabilitiesXml(await this.getDomainCapabilitiesXml(options));
  }

  /**
   * Statistics of many domains in one call, with typed parameters decoded.
   * @example const stats = await conn.host.getAllDomainStats({ groups: ['state', 'cpu-total'] });
   * @see virConnectGetAllDomainStats
   */
  async getAllDomainStats(
    options: CallOptions & { groups?: readonly DomainStatsGroup[]; domains?: readonly DomainRef[]; flags?: number } = {},
  ): Promise<DomainStats[]> {
    let stats = 0;
    for (const group of options.groups ?? []) stats |= STAT_BITS[group] ?? 0;
    const { retStats } = await this.#call(
      CONNECT_GET_ALL_DOMAIN_STATS,
      { doms: [...(options.domains ?? [])], stats, flags: options.flags ?? 0 },
      options,
    );
    return retStats.map((r) => ({ domain: r.dom, stats: typedParamsToRecord(r.params) }));
  }
}
