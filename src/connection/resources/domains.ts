import { DomainNotFoundError } from '../../errors/index.js';
import {
  DOMAIN_GET_AUTOSTART,
  DOMAIN_GET_HOSTNAME,
  DOMAIN_GET_XML_DESC,
  DOMAIN_HAS_MANAGED_SAVE_IMAGE,
  DOMAIN_IS_ACTIVE,
  DOMAIN_IS_PERSISTENT,
  DOMAIN_SET_AUTOSTART,
  type DomainRef,
  type CallOptions,
} from '../../rpc/index.js';
import { BlockJobResource } from './block-jobs.js';
import { type ConsoleOptions, type DomainConsole, openConsole } from './console.js';
import { type ChannelOptions, openChannel } from './channel.js';
import { DomainAgentResource } from './domain-agent.js';
import { DomainControl } from './domain-control.js';
import {
  type AddressSource,
  type BlockInfo,
  type DomainInfo,
  type DomainInterfaceAddresses,
  type DomainState,
  getBlockInfo,
  getInfo,
  getInterfaceAddresses,
  getState,
} from './domain-facts.js';
import { type DomainListFilter, type DomainStateEntry, listDomainStates, listDomains } from './domain-list.js';
import { type MemoryOptions, type VcpuOptions, getVcpus, setMemory, setVcpus } from './domain-sizing.js';
import { type GuestTime, type GuestTimeInput, getTime, setTime } from './domain-time.js';
import { type Screenshot, type ScreenshotOptions, takeScreenshot } from './screenshot.js';
import { type DomainInput, checkObjectName, lookupDomainBy, resolveDomain } from './refs.js';
import { SnapshotResource } from './snapshots.js';
import { CheckpointResource } from './checkpoints.js';
import { DomainJobResource } from './domain-jobs.js';
import { DomainStatsResource } from './domain-stats.js';
import { DomainMigrationResource } from './domain-migration.js';
import { DomainTuningResource } from './domain-tuning.js';
import { DomainAdminResource } from './domain-admin.js';
import { DomainGuestResource } from './domain-guest-ops.js';
import { DomainInputResource } from './domain-input.js';
import { DomainInspectResource } from './domain-inspect.js';
import { DomainSaveResource } from './domain-saves.js';
import { type AutostartOptions, type ResourceCall, type ResourceStream, checkAutostart, flag } from './types.js';

// The shapes live with the calls that read them; exported here too, where they always were.
export type { AddressSource, BlockInfo, DomainInfo, DomainInterfaceAddresses, DomainState, DomainStateName } from './domain-facts.js';
export type { DomainListFilter, DomainStateEntry } from './domain-list.js';

/**
 * Domains: listing, lookups, state and facts, plus `snapshots` and the
 * low-level `control` requests. Methods take a domain by name, UUID or
 * reference and return references (`{ name, uuid, id }`).
 */
export class DomainResource {
  readonly #call: ResourceCall;
  readonly #stream: ResourceStream;
  /** Snapshots of a domain. */
  readonly snapshots: SnapshotResource;
  /**
   * Low-level requests (define, start, shutdown, destroy…): each sends one
   * libvirt call and returns when libvirt accepted it. Use `VmLifecycleManager`
   * and `VmDestroyer` for operations confirmed by events.
   */
  readonly control: DomainControl;
  /** The guest agent: raw agent JSON and libvirt's agent wrappers (one call each). Use `AgentManager` for the typed API. */
  readonly agent: DomainAgentResource;
  /** The domain's asynchronous job (backup, migration…): statistics, abort, backup start. */
  readonly jobs: DomainJobResource;
  /** Checkpoints of a domain (for incremental backups). */
  readonly checkpoints: CheckpointResource;
  /** Block jobs (copy, commit, pull): one call each. Use `BlockJobManager` for confirmed jobs with progress. */
  readonly blockJobs: BlockJobResource;
  /** The raw migration steps (`MigrationManager` in libvirt-manager/migration orders and confirms them). */
  readonly migration: DomainMigrationResource;
  /** Tunables (scheduler, blkio, memory, NUMA, perf, per-disk I/O, per-interface bandwidth) and vCPU/emulator/IOThread pinning. */
  readonly tuning: DomainTuningResource;
  /** Save images (save to a file, restore from it, their XML, the managed save image's XML) and core dumps. */
  readonly saves: DomainSaveResource;
  /** Input to a running guest: keys, NMI, signals to container processes. */
  readonly input: DomainInputResource;
  /** Guest-agent requests: fstrim, SSH keys, PM suspend, the agent's response timeout. */
  readonly guest: DomainGuestResource;
  /** Read-only looks: security labels, messages, config-changed flag, launch security, memory and disk peeks. */
  readonly inspect: DomainInspectResource;
  /** Rename, block write threshold, dirty-rate measurement, graphics reload, autostart-once. */
  readonly admin: DomainAdminResource;
  /** Statistics (block, interface, memory, CPU, disk errors, control channel) and the guest agent's filesystems and vCPUs. */
  readonly stats: DomainStatsResource;

  constructor(call: ResourceCall, stream: ResourceStream) {
    this.#call = call;
    this.#stream = stream;
    this.snapshots = new SnapshotResource(call);
    this.control = new DomainControl(call);
    this.agent = new DomainAgentResource(call);
    this.jobs = new DomainJobResource(call);
    this.migration = new DomainMigrationResource(call);
    this.checkpoints = new CheckpointResource(call);
    this.blockJobs = new BlockJobResource(call);
    this.tuning = new DomainTuningResource(call);
    this.saves = new DomainSaveResource(call);
    this.input = new DomainInputResource(call);
    this.guest = new DomainGuestResource(call);
    this.inspect = new DomainInspectResource(call);
    this.admin = new DomainAdminResource(call);
    this.stats = new DomainStatsResource(call);
  }

  /**
   * Every domain, optionally filtered.
   * @example const running = await conn.domains.list({ filter: { states: ['running'] } });
   * @see virConnectListAllDomains
   */
  async list(options: CallOptions & { filter?: DomainListFilter } = {}): Promise<DomainRef[]> {
    return listDomains(this.#call, options);
  }

  /**
   * Every domain with its state and reason, in ONE call
   * (`virConnectGetAllDomainStats` with the `state` group) instead of one
   * DOMAIN_GET_STATE per domain.
   * @throws {@link UnsupportedError} when the driver has no all-domain stats
   * @see virConnectGetAllDomainStats
   */
  async listStates(options: CallOptions = {}): Promise<DomainStateEntry[]> {
    return listDomainStates(this.#call, options);
  }

  /**
   * Find a domain by name or UUID.
   * @throws {@link DomainNotFoundError} when it does not exist
   * @see virDomainLookupByName
   */
  async lookup(nameOrUuid: string, options?: CallOptions): Promise<DomainRef> {
    return resolveDomain(this.#call, checkObjectName(nameOrUuid, 'nameOrUuid'), options);
  }

  /** Find a domain by name. @throws {@link DomainNotFoundError} naming it @see virDomainLookupByName */
  async lookupByName(name: string, options?: CallOptions): Promise<DomainRef> {
    return lookupDomainBy(this.#call, 'name', checkObjectName(name, 'name'), options);
  }

  /** Find a domain by UUID. @throws {@link DomainNotFoundError} naming it @see virDomainLookupByUUIDString */
  async lookupByUuid(uuid: string, options?: CallOptions): Promise<DomainRef> {
    return lookupDomainBy(this.#call, 'uuid', uuid, options);
  }

  /** Find a running domain by its numeric id. @throws {@link DomainNotFoundError} naming it @see virDomainLookupByID */
  async lookupById(id: number, options?: CallOptions): Promise<DomainRef> {
    return lookupDomainBy(this.#call, 'id', id, options);
  }

  /**
   * `true` if a domain with this name or UUID exists; `false` on NO_DOMAIN.
   */
  async exists(nameOrUuid: string, options?: CallOptions): Promise<boolean> {
    try {
      await this.lookup(nameOrUuid, options);
      return true;
    } catch (error) {
      if (error instanceof DomainNotFoundError) return false;
      throw error;
    }
  }

  /**
   * The domain XML. `inactive` returns the persistent config (what the next
   * boot uses); `secure` includes secrets such as graphics passwords.
   * @see virDomainGetXMLDesc
   */
  async getXml(domain: DomainInput, options: CallOptions & { inactive?: boolean; secure?: boolean } = {}): Promise<string> {
    const dom = await resolveDomain(this.#call, domain, options);
    const flags = (options.secure === true ? 1 : 0) | (options.inactive === true ? 2 : 0);
    return (await this.#call(DOMAIN_GET_XML_DESC, { dom, flags }, options)).xml;
  }

  /**
   * State and reason, by name.
   * @example const { state, reason } = await conn.domains.getState('web1'); // 'shutoff', 'destroyed'
   * @see virDomainGetState
   */
  async getState(domain: DomainInput, options?: CallOptions): Promise<DomainState> {
    return getState(this.#call, domain, options);
  }

  /**
   * A disk's sizes in bytes (`disk`: its target, e.g. `'vda'`, or source path):
   * `capacity` as the guest sees it, `allocation` and `physical` on the host.
   * @see virDomainGetBlockInfo
   */
  async getBlockInfo(domain: DomainInput, disk: string, options?: CallOptions): Promise<BlockInfo> {
    return getBlockInfo(this.#call, domain, disk, options);
  }

  /** Memory, vCPUs and CPU time. @see virDomainGetInfo */
  async getInfo(domain: DomainInput, options?: CallOptions): Promise<DomainInfo> {
    return getInfo(this.#call, domain, options);
  }

  /** Whether the domain starts with the host. @see virDomainGetAutostart */
  async getAutostart(domain: DomainInput, options?: CallOptions): Promise<boolean> {
    const dom = await resolveDomain(this.#call, domain, options);
    return flag((await this.#call(DOMAIN_GET_AUTOSTART, { dom }, options)).autostart);
  }

  /** Set whether the domain starts with the host. @see virDomainSetAutostart */
  async setAutostart(domain: DomainInput, options: AutostartOptions): Promise<void> {
    const { enabled, ...call } = checkAutostart(options);
    const dom = await resolveDomain(this.#call, domain, call);
    await this.#call(DOMAIN_SET_AUTOSTART, { dom, autostart: enabled ? 1 : 0 }, call);
  }

  /** Whether a managed save image exists. @see virDomainHasManagedSaveImage */
  async hasManagedSave(domain: DomainInput, options?: CallOptions): Promise<boolean> {
    const dom = await resolveDomain(this.#call, domain, options);
    return flag((await this.#call(DOMAIN_HAS_MANAGED_SAVE_IMAGE, { dom, flags: 0 }, options)).result);
  }

  /** Whether the domain is running (or paused). @see virDomainIsActive */
  async isActive(domain: DomainInput, options?: CallOptions): Promise<boolean> {
    const dom = await resolveDomain(this.#call, domain, options);
    return flag((await this.#call(DOMAIN_IS_ACTIVE, { dom }, options)).active);
  }

  /** Whether the domain has a persistent config (`false` for transient domains). @see virDomainIsPersistent */
  async isPersistent(domain: DomainInput, options?: CallOptions): Promise<boolean> {
    const dom = await resolveDomain(this.#call, domain, options);
    return flag((await this.#call(DOMAIN_IS_PERSISTENT, { dom }, options)).persistent);
  }

  /**
   * Open the domain's text console (a serial or virtio console), readable and
   * writable at once, as a Node `Duplex`. The domain must be running.
   *
   * @example
   * const console = await conn.domains.openConsole('web1');
   * console.on('error', onError);
   * process.stdin.pipe(console).pipe(process.stdout);
   * @throws {@link InvalidArgumentError} on bad options (nothing is sent)
   * @throws {@link DomainNotFoundError}; `LibvirtError` `VIR_ERR_OPERATION_INVALID` when it is not running,
   *   `VIR_ERR_OPERATION_FAILED` ("Active console session exists") when another client holds the console (pass
   *   `force` to take it); {@link UnsupportedError} when the driver has no consoles (the test driver)
   * @see virDomainOpenConsole
   */
  openConsole(domain: DomainInput, options: ConsoleOptions = {}): Promise<DomainConsole> {
    return openConsole(this.#call, this.#stream, domain, options);
  }

  /**
   * Open a guest channel (a `<channel>` device: an application's virtio-serial port; not the guest agent's, which
   * libvirt itself holds) by its target name or alias (`null`: the first), as the same two-way `Duplex` as
   * {@link DomainResource.openConsole} — ending and aborting it work the same. The domain must be running (or paused).
   *
   * @example
   * const port = await conn.domains.openChannel('web1', 'org.example.telemetry.0');
   * port.on('data', (bytes) => handle(bytes));
   * port.write(JSON.stringify({ hello: 1 }) + '\n');
   * @throws {@link InvalidArgumentError} for a bad name or option (nothing is sent)
   * @throws `LibvirtError` `VIR_ERR_OPERATION_FAILED` ("Active channel stream exists") when another client holds
   *   it (pass `force` to take it), `VIR_ERR_INTERNAL_ERROR` ("cannot find channel") for an unknown name;
   *   {@link UnsupportedError} when the driver has no channels (the test driver)
   * @see virDomainOpenChannel
   */
  openChannel(domain: DomainInput, name: string | null, options?: ChannelOptions): Promise<DomainConsole> {
    return openChannel(this.#call, this.#stream, domain, name, options);
  }

  /**
   * Set the number of vCPUs (`virsh setvcpus`): live, in the config, or both;
   * with `maximum`, the most the domain can have (config only).
   * @example await conn.domains.setVcpus('web1', 4, { config: true, maximum: true }); await conn.domains.setVcpus('web1', 4, { config: true });
   * @throws {@link InvalidArgumentError} (nothing is sent); `LibvirtError` e.g. over the maximum, or a live change the hypervisor cannot make
   * @see virDomainSetVcpusFlags
   */
  setVcpus(domain: DomainInput, count: number, options: VcpuOptions = {}): Promise<void> {
    return setVcpus(this.#call, domain, count, options);
  }

  /**
   * The number of vCPUs (`virsh vcpucount`): of the running domain, its
   * config, or (with `maximum`) the most it can have.
   * @see virDomainGetVcpusFlags
   */
  getVcpus(domain: DomainInput, options: VcpuOptions = {}): Promise<number> {
    return getVcpus(this.#call, domain, options);
  }

  /**
   * Set the memory, in bytes (`virsh setmem`; with `maximum`, `setmaxmem`).
   * Live changes need a balloon device in the guest.
   * @example await conn.domains.setMemory('web1', 2 * 1024 ** 3, { config: true });
   * @throws {@link InvalidArgumentError} (not a whole number of KiB; nothing is sent); `LibvirtError` from libvirt
   * @see virDomainSetMemoryFlags
   */
  setMemory(domain: DomainInput, bytes: number | bigint, options: MemoryOptions = {}): Promise<void> {
    return setMemory(this.#call, domain, bytes, options);
  }

  /**
   * The guest's clock (`virsh domtime`). QEMU asks the guest agent, so the
   * domain must run one; the test driver keeps a value per running domain.
   * @example const { date } = await conn.domains.getTime('web1');
   * @throws {@link DomainNotFoundError}; `LibvirtError` `VIR_ERR_OPERATION_INVALID` when it is not running,
   *   `VIR_ERR_ARGUMENT_UNSUPPORTED` when no guest agent is configured, `VIR_ERR_AGENT_UNRESPONSIVE` when it does not answer
   * @see virDomainGetTime
   */
  getTime(domain: DomainInput, options: CallOptions = {}): Promise<GuestTime> {
    return getTime(this.#call, domain, options);
  }

  /**
   * Set the guest's clock (`virsh domtime --time`, `--now`, `--sync`): to a
   * `Date`, to `{ seconds, nseconds }`, or `'rtc'` to have the guest re-read
   * its hardware clock. QEMU needs the guest agent. Useful after a resume or a
   * restore, when the guest's clock stood still (`VmLifecycleManager.resume`
   * does it with `syncTime: true`).
   * @example await conn.domains.setTime('web1', new Date());
   * @throws {@link InvalidArgumentError} (nothing is sent); the errors of {@link DomainResource.getTime}
   * @see virDomainSetTime
   */
  setTime(domain: DomainInput, time: GuestTimeInput, options: CallOptions = {}): Promise<void> {
    return setTime(this.#call, domain, time, options);
  }

  /**
   * A screenshot of the domain's display (`virsh screenshot`): QEMU answers
   * with a PPM image (`image/x-portable-pixmap`). The domain must be running
   * and have a video device; `timeout`/`signal` bound the whole transfer.
   *
   * @example
   * const { mime, data } = await conn.domains.screenshot('web1', { timeout: 10_000 });
   * @throws {@link InvalidArgumentError} on bad options (nothing is sent)
   * @throws `LibvirtError` (`VIR_ERR_OPERATION_INVALID` when it is not running; the hypervisor's error without a
   *   display); {@link ProtocolError} over `maxBytes`; {@link TimeoutError} / {@link AbortError}
   * @see virDomainScreenshot
   */
  screenshot(domain: DomainInput, options: ScreenshotOptions = {}): Promise<Screenshot> {
    return takeScreenshot(this.#call, this.#stream, domain, options);
  }

  /** The guest's hostname (needs the guest agent or a lease source). @see virDomainGetHostname */
  async getHostname(domain: DomainInput, options?: CallOptions): Promise<string> {
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_GET_HOSTNAME, { dom, flags: 0 }, options)).hostname;
  }

  /**
   * Guest interface addresses from DHCP leases, the guest agent, or the ARP table.
   * @see virDomainInterfaceAddresses
   */
  async getInterfaceAddresses(
    domain: DomainInput,
    options: CallOptions & { source?: AddressSource } = {},
  ): Promise<DomainInterfaceAddresses[]> {
    return getInterfaceAddresses(this.#call, domain, options);
  }
}
