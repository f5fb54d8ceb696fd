import {
  DOMAIN_MIGRATE_BEGIN3_PARAMS,
  DOMAIN_MIGRATE_CONFIRM3_PARAMS,
  DOMAIN_MIGRATE_FINISH3_PARAMS,
  DOMAIN_MIGRATE_GET_MAX_DOWNTIME,
  DOMAIN_MIGRATE_GET_MAX_SPEED,
  DOMAIN_MIGRATE_PERFORM3_PARAMS,
  DOMAIN_MIGRATE_PREPARE3_PARAMS,
  DOMAIN_MIGRATE_SET_MAX_DOWNTIME,
  DOMAIN_MIGRATE_SET_MAX_SPEED,
  DOMAIN_MIGRATE_START_POST_COPY,
  type CallOptions,
  type DomainRef,
  type TypedParam,
} from '../../rpc/index.js';
import { InvalidArgumentError } from '../../errors/index.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';

const EMPTY = Buffer.alloc(0);

/** `VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY`: the bandwidth of the post-copy phase. */
const MAX_SPEED_POSTCOPY = 1;

/** A whole, non-negative number that fits libvirt's unsigned 64-bit field, refused before anything is sent. */
function unsigned64(value: unknown, path: string): bigint {
  const n = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (n === undefined || n < 0n || n >= 2n ** 64n)
    throw new InvalidArgumentError(`${path} must be a whole number from 0 (number or bigint)`, { path });
  return n;
}

/** `postCopy` as the flag bit, refused unless a boolean. */
function postCopyFlag(value: unknown): number {
  if (value !== undefined && typeof value !== 'boolean') throw new InvalidArgumentError('postCopy must be a boolean', { path: 'postCopy' });
  return value === true ? MAX_SPEED_POSTCOPY : 0;
}

/** What Begin returns: the cookie for Prepare and the XML to start on the destination. */
export interface MigrationBegin {
  cookie: Buffer;
  xml: string;
}

/**
 * A domain's migration calls, one per wire step (`virDomainMigrate*3Params`).
 * They are the raw protocol: `MigrationManager` (libvirt-manager/migration)
 * orders them, watches the job and confirms the result on both hosts.
 * Flags are `virDomainMigrateFlags`, params `VIR_MIGRATE_PARAM_*`.
 */
export class DomainMigrationResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * Peer-to-peer migration: the source daemon connects to `destUri` itself and
   * runs the whole migration; resolves when it is over (`virsh migrate --p2p`).
   * The source daemon, not this client, must be able to reach `destUri`.
   * @example await conn.domains.migration.performToUri('web1', 'qemu+tcp://host2/system', [], 1 | 2);
   * @throws `LibvirtError` (destination unreachable, same host, cancelled by abort…)
   * @see virDomainMigrateToURI3
   */
  async performToUri(domain: DomainInput, destUri: string, params: TypedParam[], flags: number, options: CallOptions = {}): Promise<void> {
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_MIGRATE_PERFORM3_PARAMS, { dom, dconnuri: destUri, params, cookie_in: EMPTY, flags }, options);
  }

  /**
   * Managed step 1, on the source: start the outgoing job.
   * @throws `LibvirtError` (another job runs, unsafe migration…)
   * @see virDomainMigrateBegin3Params
   */
  async begin(domain: DomainInput, params: TypedParam[], flags: number, options: CallOptions = {}): Promise<MigrationBegin> {
    const dom = await resolveDomain(this.#call, domain, options);
    const ret = await this.#call(DOMAIN_MIGRATE_BEGIN3_PARAMS, { dom, params, flags }, options);
    return { cookie: ret.cookie_out, xml: ret.xml };
  }

  /**
   * Managed step 2, on the destination: start the incoming QEMU.
   * @throws `LibvirtError` (no matching storage for copy-storage, same host…)
   * @see virDomainMigratePrepare3Params
   */
  async prepare(
    params: TypedParam[],
    cookie: Buffer,
    flags: number,
    options: CallOptions = {},
  ): Promise<{ cookie: Buffer; uri: string | null }> {
    const ret = await this.#call(DOMAIN_MIGRATE_PREPARE3_PARAMS, { params, cookie_in: cookie, flags }, options);
    return { cookie: ret.cookie_out, uri: ret.uri_out };
  }

  /**
   * Managed step 3, on the source: the transfer; resolves when the data is across (source paused).
   * @throws `LibvirtError` (cancelled by abort, destination gone…)
   * @see virDomainMigratePerform3Params
   */
  async perform(domain: DomainInput, params: TypedParam[], cookie: Buffer, flags: number, options: CallOptions = {}): Promise<Buffer> {
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_MIGRATE_PERFORM3_PARAMS, { dom, dconnuri: null, params, cookie_in: cookie, flags }, options))
      .cookie_out;
  }

  /**
   * Managed step 4, on the destination: resume the incoming domain, or kill it when `cancelled`.
   * @throws `LibvirtError`
   * @see virDomainMigrateFinish3Params
   */
  async finish(
    params: TypedParam[],
    cookie: Buffer,
    flags: number,
    cancelled: boolean,
    options: CallOptions = {},
  ): Promise<{ domain: DomainRef; cookie: Buffer }> {
    const ret = await this.#call(
      DOMAIN_MIGRATE_FINISH3_PARAMS,
      { params, cookie_in: cookie, flags, cancelled: cancelled ? 1 : 0 },
      options,
    );
    return { domain: ret.dom, cookie: ret.cookie_out };
  }

  /**
   * Managed step 5, on the source: kill the source domain, or resume it when `cancelled`.
   * @throws `LibvirtError`
   * @see virDomainMigrateConfirm3Params
   */
  async confirm(
    domain: DomainInput,
    params: TypedParam[],
    cookie: Buffer,
    flags: number,
    cancelled: boolean,
    options: CallOptions = {},
  ): Promise<void> {
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_MIGRATE_CONFIRM3_PARAMS, { dom, params, cookie_in: cookie, flags, cancelled: cancelled ? 1 : 0 }, options);
  }

  /**
   * Set the migration bandwidth in MiB/s (`virsh migrate-setspeed`), before or during a migration.
   * @throws InvalidArgumentError for a bandwidth that is not a whole number from 0 (nothing sent) · `LibvirtError`
   * @see virDomainMigrateSetMaxSpeed
   */
  async setMaxSpeed(domain: DomainInput, mibPerSecond: number | bigint, options: CallOptions & { postCopy?: boolean } = {}): Promise<void> {
    const bandwidth = unsigned64(mibPerSecond, 'mibPerSecond');
    const flags = postCopyFlag(options.postCopy);
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_MIGRATE_SET_MAX_SPEED, { dom, bandwidth, flags }, options);
  }

  /**
   * The migration bandwidth in MiB/s (`virsh migrate-getspeed`); with `postCopy`, the post-copy phase's.
   * @example await conn.domains.migration.getMaxSpeed('web1') // 8796093022207n: libvirt's "unlimited" for QEMU
   * @throws InvalidArgumentError for a bad option (nothing sent) · `LibvirtError`
   * @see virDomainMigrateGetMaxSpeed
   */
  async getMaxSpeed(domain: DomainInput, options: CallOptions & { postCopy?: boolean } = {}): Promise<bigint> {
    const flags = postCopyFlag(options.postCopy);
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_MIGRATE_GET_MAX_SPEED, { dom, flags }, options)).bandwidth;
  }

  /**
   * Set the tolerable downtime in ms at switchover (`virsh migrate-setmaxdowntime`).
   * @throws InvalidArgumentError for a downtime that is not a whole number from 0 (nothing sent) · `LibvirtError`
   * @see virDomainMigrateSetMaxDowntime
   */
  async setMaxDowntime(domain: DomainInput, ms: number | bigint, options: CallOptions = {}): Promise<void> {
    const downtime = unsigned64(ms, 'ms');
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_MIGRATE_SET_MAX_DOWNTIME, { dom, downtime, flags: 0 }, options);
  }

  /**
   * The tolerable downtime in ms at switchover as the hypervisor has it (`virsh migrate-getmaxdowntime`).
   * QEMU answers for a running domain only.
   * @example await conn.domains.migration.getMaxDowntime('web1') // 300n: QEMU's default
   * @throws `LibvirtError` (`VIR_ERR_OPERATION_INVALID` when the domain is not running)
   * @see virDomainMigrateGetMaxDowntime
   */
  async getMaxDowntime(domain: DomainInput, options: CallOptions = {}): Promise<bigint> {
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_MIGRATE_GET_MAX_DOWNTIME, { dom, flags: 0 }, options)).downtime;
  }

  /**
   * Switch a migration started with POSTCOPY to post-copy (`virsh migrate-postcopy`).
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when no post-copy-enabled migration runs
   * @see virDomainMigrateStartPostCopy
   */
  async startPostCopy(domain: DomainInput, options: CallOptions = {}): Promise<void> {
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_MIGRATE_START_POST_COPY, { dom, flags: 0 }, options);
  }
}
