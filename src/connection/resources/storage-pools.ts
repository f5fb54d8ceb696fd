import {
  CONNECT_LIST_ALL_STORAGE_POOLS,
  STORAGE_POOL_BUILD,
  STORAGE_POOL_CREATE,
  STORAGE_POOL_DEFINE_XML,
  STORAGE_POOL_DELETE,
  STORAGE_POOL_DESTROY,
  STORAGE_POOL_GET_AUTOSTART,
  STORAGE_POOL_GET_INFO,
  STORAGE_POOL_GET_XML_DESC,
  STORAGE_POOL_IS_ACTIVE,
  STORAGE_POOL_LOOKUP_BY_VOLUME,
  STORAGE_POOL_REFRESH,
  STORAGE_POOL_SET_AUTOSTART,
  STORAGE_POOL_UNDEFINE,
  type StoragePoolRef,
  type StorageVolRef,
  type CallOptions,
} from '../../rpc/index.js';
import { type StoragePoolCapabilities, parseStoragePoolCapabilitiesXml } from '../../xml/index.js';
import type { FlagsOptions } from './domain-control.js';
import {
  type FindPoolSourcesOptions,
  findPoolSources,
  getPoolCapabilitiesXml,
  isPoolPersistent,
  lookupPoolByTargetPath,
} from './storage-discovery.js';
import { type StoragePoolInput, checkObjectName, resolvePool } from './refs.js';
import { type AutostartOptions, type ResourceCall, checkAutostart, flag } from './types.js';

/** `virStoragePoolState`, lower-cased. */
export type StoragePoolStateName = 'inactive' | 'building' | 'running' | 'degraded' | 'inaccessible';

/** `virStoragePoolGetInfo`, sizes in bytes. */
export interface StoragePoolInfo {
  state: StoragePoolStateName;
  capacity: bigint;
  allocation: bigint;
  available: bigint;
}

const POOL_STATES: readonly StoragePoolStateName[] = ['inactive', 'building', 'running', 'degraded', 'inaccessible'];

/** Storage pools. */
export class StoragePoolResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /** Every pool; flags = `VirConnectListAllStoragePoolsFlags`. @see virConnectListAllStoragePools */
  async list(options: FlagsOptions = {}): Promise<StoragePoolRef[]> {
    return (await this.#call(CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: options.flags ?? 0 }, options)).pools;
  }

  /** Find a pool by name or UUID. @throws LibvirtError VIR_ERR_NO_STORAGE_POOL @see virStoragePoolLookupByName */
  async lookup(nameOrUuid: string, options?: CallOptions): Promise<StoragePoolRef> {
    return resolvePool(this.#call, checkObjectName(nameOrUuid, 'nameOrUuid'), options);
  }

  /** The pool holding a volume. @see virStoragePoolLookupByVolume */
  async lookupByVolume(vol: StorageVolRef, options?: CallOptions): Promise<StoragePoolRef> {
    return (await this.#call(STORAGE_POOL_LOOKUP_BY_VOLUME, { vol }, options)).pool;
  }

  /** State and sizes (bytes). @see virStoragePoolGetInfo */
  async getInfo(pool: StoragePoolInput, options?: CallOptions): Promise<StoragePoolInfo> {
    const ref = await resolvePool(this.#call, pool, options);
    const info = await this.#call(STORAGE_POOL_GET_INFO, { pool: ref }, options);
    return {
      state: POOL_STATES[info.state] ?? 'inaccessible',
      capacity: info.capacity,
      allocation: info.allocation,
      available: info.available,
    };
  }

  /** The pool XML. @see virStoragePoolGetXMLDesc */
  async getXml(pool: StoragePoolInput, options: CallOptions & { inactive?: boolean } = {}): Promise<string> {
    const ref = await resolvePool(this.#call, pool, options);
    return (await this.#call(STORAGE_POOL_GET_XML_DESC, { pool: ref, flags: options.inactive === true ? 1 : 0 }, options)).xml;
  }

  /** Define a persistent pool from XML. @see virStoragePoolDefineXML */
  async define(xml: string, options: FlagsOptions = {}): Promise<StoragePoolRef> {
    return (await this.#call(STORAGE_POOL_DEFINE_XML, { xml, flags: options.flags ?? 0 }, options)).pool;
  }

  /** Build the pool's storage (e.g. create its directory). @see virStoragePoolBuild */
  async build(pool: StoragePoolInput, options: FlagsOptions = {}): Promise<void> {
    await this.#call(STORAGE_POOL_BUILD, { pool: await resolvePool(this.#call, pool, options), flags: options.flags ?? 0 }, options);
  }

  /** Start (activate) a pool. @see virStoragePoolCreate */
  async start(pool: StoragePoolInput, options: FlagsOptions = {}): Promise<void> {
    await this.#call(STORAGE_POOL_CREATE, { pool: await resolvePool(this.#call, pool, options), flags: options.flags ?? 0 }, options);
  }

  /** Stop (deactivate) a pool; its data stays. @see virStoragePoolDestroy */
  async stop(pool: StoragePoolInput, options?: CallOptions): Promise<void> {
    await this.#call(STORAGE_POOL_DESTROY, { pool: await resolvePool(this.#call, pool, options) }, options);
  }

  /** Delete the pool's underlying storage (the pool must be inactive). @see virStoragePoolDelete */
  async deleteStorage(pool: StoragePoolInput, options: FlagsOptions = {}): Promise<void> {
    await this.#call(STORAGE_POOL_DELETE, { pool: await resolvePool(this.#call, pool, options), flags: options.flags ?? 0 }, options);
  }

  /** Remove an inactive pool's config. @see virStoragePoolUndefine */
  async undefine(pool: StoragePoolInput, options?: CallOptions): Promise<void> {
    await this.#call(STORAGE_POOL_UNDEFINE, { pool: await resolvePool(this.#call, pool, options) }, options);
  }

  /** Rescan the pool's volumes. @see virStoragePoolRefresh */
  async refresh(pool: StoragePoolInput, options?: CallOptions): Promise<void> {
    await this.#call(STORAGE_POOL_REFRESH, { pool: await resolvePool(this.#call, pool, options), flags: 0 }, options);
  }

  /** Whether the pool is active. @see virStoragePoolIsActive */
  async isActive(pool: StoragePoolInput, options?: CallOptions): Promise<boolean> {
    return flag((await this.#call(STORAGE_POOL_IS_ACTIVE, { pool: await resolvePool(this.#call, pool, options) }, options)).active);
  }

  /**
   * Whether the pool has a persistent definition (`false`: a transient pool, gone once stopped).
   * @example if (!(await conn.storage.pools.isPersistent('scratch'))) console.log('transient');
   * @throws `LibvirtError` `VIR_ERR_NO_STORAGE_POOL` when absent
   * @see virStoragePoolIsPersistent
   */
  async isPersistent(pool: StoragePoolInput, options?: CallOptions): Promise<boolean> {
    return isPoolPersistent(this.#call, pool, options);
  }

  /**
   * The pool whose target path is `path`, e.g. a dir pool's directory (`/var/lib/libvirt/images`).
   * @example const pool = await conn.storage.pools.lookupByTargetPath('/var/lib/libvirt/images');
   * @throws InvalidArgumentError for a relative or empty path (nothing is sent) · `LibvirtError`
   *   `VIR_ERR_NO_STORAGE_POOL` when no pool has it · `UnsupportedError` (the test driver)
   * @see virStoragePoolLookupByTargetPath
   */
  async lookupByTargetPath(path: string, options?: CallOptions): Promise<StoragePoolRef> {
    return lookupPoolByTargetPath(this.#call, path, options);
  }

  /**
   * What the storage driver supports, by pool type (`virsh pool-capabilities`), parsed.
   * @example const { pools } = await conn.storage.pools.getCapabilities(); pools.logical?.supported;
   * @throws `UnsupportedError` (the test driver)
   * @see virConnectGetStoragePoolCapabilities
   */
  async getCapabilities(options?: CallOptions): Promise<StoragePoolCapabilities> {
    return parseStoragePoolCapabilitiesXml(await getPoolCapabilitiesXml(this.#call, options));
  }

  /** The `<storagepoolCapabilities>` XML as the daemon sent it. @see virConnectGetStoragePoolCapabilities */
  async getCapabilitiesXml(options?: CallOptions): Promise<string> {
    return getPoolCapabilitiesXml(this.#call, options);
  }

  /**
   * The sources a pool type can use, as `<sources>` XML (`virsh find-storage-pool-sources`): volume groups
   * for `logical`, exports of `source`'s host for `netfs`, targets for `iscsi`. Probes the host (runs
   * `pvs`, `showmount`, `iscsiadm`…).
   * @example const xml = await conn.storage.pools.findSources('netfs', { source: "<source><host name='nas'/></source>" });
   * @throws InvalidArgumentError for a malformed type or source (nothing is sent) · `UnsupportedError` for a
   *   type without discovery (`dir`) · `LibvirtError` when the probe fails
   * @see virConnectFindStoragePoolSources
   */
  async findSources(type: string, options?: FindPoolSourcesOptions): Promise<string> {
    return findPoolSources(this.#call, type, options);
  }

  /** Whether the pool starts with the host. @see virStoragePoolGetAutostart */
  async getAutostart(pool: StoragePoolInput, options?: CallOptions): Promise<boolean> {
    return flag((await this.#call(STORAGE_POOL_GET_AUTOSTART, { pool: await resolvePool(this.#call, pool, options) }, options)).autostart);
  }

  /** Set whether the pool starts with the host. @see virStoragePoolSetAutostart */
  async setAutostart(pool: StoragePoolInput, options: AutostartOptions): Promise<void> {
    const { enabled, ...call } = checkAutostart(options);
    await this.#call(STORAGE_POOL_SET_AUTOSTART, { pool: await resolvePool(this.#call, pool, call), autostart: enabled ? 1 : 0 }, call);
  }
}
