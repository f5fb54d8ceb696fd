/**
 * What a create needs to know from the host before it makes anything: host
 * and domain capabilities, the pools and volumes the spec names, local upload
 * files, networks, and whether the names it will use are free. Read-only
 * lookups; nothing is created here.
 *
 * @module
 */
import { open, stat } from 'node:fs/promises';
import { chooseGuest, chooseMachine, chooseVirtType, type HostFacts } from './defaults.js';
import { specError } from './errors.js';
import type { VolumeLocation } from './spec.js';
import { detectImageFormat, volumeKey, type PlannedVolume, type PoolFacts, type StorageFacts, type VolumeFacts } from './storage.js';
import { findPoolVolume } from '../destroyer/volume-delete.js';
import type { CheckedSpec } from './validate.js';
import { AlreadyExistsError, LibvirtError, UnsupportedError, VirErrorCode, libvirtCodeOf } from '../errors/index.js';
import type { CallOptions, LibvirtConnection, StorageVolRef } from '../connection/internal.js';
import { parseStoragePoolXml, parseStorageVolumeXml, type DomainCapabilities } from '../xml/index.js';

/** Everything a create plans from. Pass it to `buildVmXml` to preview without a connection. */
export interface CreatorFacts extends HostFacts, StorageFacts {}

/**
 * Domain capabilities for the spec's arch, type and machine. Drivers without
 * them (the test driver) give `undefined`. When the type was not given and
 * KVM is refused, TCG (`qemu`) is asked instead.
 */
async function domainCapabilities(
  connection: LibvirtConnection,
  checked: CheckedSpec,
  facts: Pick<HostFacts, 'capabilities'>,
  options: CallOptions,
): Promise<DomainCapabilities | undefined> {
  const spec = checked.spec;
  const guest = chooseGuest(facts.capabilities, spec.arch);
  const virtType = chooseVirtType(guest, spec.virtType);
  const tryTypes =
    spec.virtType === undefined && virtType === 'kvm' && guest.domains.some((d) => d.type === 'qemu') ? ['kvm', 'qemu'] : [virtType];
  for (const [i, type] of tryTypes.entries()) {
    const machine = chooseMachine(guest, type, spec.machine);
    try {
      return await connection.host.getDomainCapabilities({
        ...options,
        arch: guest.arch,
        virtType: type,
        ...(machine === undefined ? {} : { machine }),
      });
    } catch (error) {
      if (error instanceof UnsupportedError) return undefined;
      if (i === tryTypes.length - 1 || !(error instanceof LibvirtError)) throw error;
    }
  }
  return undefined;
}

async function poolFacts(connection: LibvirtConnection, name: string, path: string, options: CallOptions): Promise<PoolFacts> {
  let ref;
  try {
    ref = await connection.storage.pools.lookup(name, options);
  } catch (error) {
    if (libvirtCodeOf(error) === VirErrorCode.VIR_ERR_NO_STORAGE_POOL)
      throw specError(path, `no storage pool named ${JSON.stringify(name)}`, error);
    throw error;
  }
  const info = await connection.storage.pools.getInfo(ref, options);
  const xml = parseStoragePoolXml(await connection.storage.pools.getXml(ref, options));
  return {
    name: ref.name,
    ...(xml.target?.path === undefined ? {} : { path: xml.target.path }),
    available: info.available,
    active: info.state === 'running',
  };
}

async function volumeFacts(connection: LibvirtConnection, ref: StorageVolRef, options: CallOptions): Promise<VolumeFacts> {
  const [info, path, xml] = await Promise.all([
    connection.storage.volumes.getInfo(ref, options),
    connection.storage.volumes.getPath(ref, options),
    connection.storage.volumes.getXml(ref, options),
  ]);
  const format = parseStorageVolumeXml(xml).target?.format;
  return {
    pool: ref.pool,
    name: ref.name,
    path,
    ...(format === undefined ? {} : { format }),
    capacity: info.capacity,
    allocation: info.allocation,
    ref,
  };
}

/** A referenced volume's facts; `undefined` for a path that is no pool's volume (when `optional`). */
async function lookupVolume(
  connection: LibvirtConnection,
  location: VolumeLocation | string,
  path: string,
  optional: boolean,
  options: CallOptions,
): Promise<VolumeFacts | undefined> {
  try {
    const ref =
      typeof location === 'string'
        ? await connection.storage.volumes.lookupByPath(location, options)
        : await connection.storage.volumes.lookup(location.pool, location.volume, options);
    return await volumeFacts(connection, ref, options);
  } catch (error) {
    const code = libvirtCodeOf(error);
    if (code === VirErrorCode.VIR_ERR_NO_STORAGE_VOL && optional && typeof location === 'string') return undefined;
    if (code === VirErrorCode.VIR_ERR_NO_STORAGE_VOL)
      throw specError(
        path,
        typeof location === 'string'
          ? 'is not a volume of any active storage pool'
          : `no volume ${JSON.stringify(location.volume)} in pool ${JSON.stringify(location.pool)}`,
        error,
      );
    if (code === VirErrorCode.VIR_ERR_NO_STORAGE_POOL) throw specError(`${path}.pool`, 'no such storage pool', error);
    throw error;
  }
}

async function localImage(file: string, path: string): Promise<{ size: bigint; format: 'qcow2' | 'raw' }> {
  let info;
  try {
    info = await stat(file, { bigint: true });
  } catch (error) {
    throw specError(path, `cannot be read on this machine (${(error as { code?: string }).code ?? 'error'})`, error);
  }
  if (!info.isFile()) throw specError(path, 'is not a regular file on this machine');
  const size = info.size;
  if (size === 0n) throw specError(path, 'is an empty file');
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(4);
    await handle.read(header, 0, 4, 0);
    return { size, format: detectImageFormat(header) };
  } finally {
    await handle.close();
  }
}

/**
 * Refuse a domain whose name (or UUID) is taken.
 * @throws AlreadyExistsError
 */
export async function checkDomainFree(connection: LibvirtConnection, checked: CheckedSpec, options: CallOptions): Promise<void> {
  if (await connection.domains.exists(checked.name, options)) throw new AlreadyExistsError('domain', checked.name);
  if (checked.uuid !== undefined && (await connection.domains.exists(checked.uuid, options))) {
    throw new AlreadyExistsError('domain', checked.uuid, `a domain with UUID ${checked.uuid} already exists`);
  }
}

/**
 * Refuse volumes whose name is taken in their pool: the SDK never adopts or overwrites someone else's volume.
 * @throws AlreadyExistsError
 */
export async function checkVolumesFree(
  connection: LibvirtConnection,
  volumes: readonly PlannedVolume[],
  options: CallOptions,
): Promise<void> {
  for (const v of volumes) {
    if ((await findPoolVolume(connection, { pool: v.pool, name: v.name, owned: false }, options)) !== undefined) {
      throw new AlreadyExistsError(
        'volume',
        `${v.pool}/${v.name}`,
        `storage pool ${JSON.stringify(v.pool)} already has a volume named ${JSON.stringify(v.name)} (${v.specPath})`,
      );
    }
  }
}

/**
 * Look up everything the spec refers to. Read-only.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for unknown pools, volumes, networks and local files
 */
export async function gatherFacts(connection: LibvirtConnection, checked: CheckedSpec, options: CallOptions): Promise<CreatorFacts> {
  const capabilities = await connection.host.getCapabilities(options);
  const domainCaps = await domainCapabilities(connection, checked, { capabilities }, options);
  const facts: CreatorFacts = {
    capabilities,
    ...(domainCaps === undefined ? {} : { domainCapabilities: domainCaps }),
    pools: {},
    volumes: {},
    uploads: {},
  };

  const pools = new Map<string, string>();
  for (const d of checked.disks) if ('pool' in d.spec && typeof d.spec.pool === 'string') pools.set(d.spec.pool, `${d.path}.pool`);
  if (checked.seed?.pool !== undefined) pools.set(checked.seed.pool, 'cloudInit.pool');
  for (const [name, path] of pools) facts.pools[name] = await poolFacts(connection, name, path, options);

  for (const d of checked.disks) {
    const s = d.spec;
    const ref =
      s.kind === 'overlay'
        ? { loc: s.base, path: `${d.path}.base`, optional: true }
        : s.kind === 'clone'
          ? { loc: s.source, path: `${d.path}.source`, optional: false }
          : undefined;
    if (ref !== undefined) facts.volumes[volumeKey(ref.loc)] = await lookupVolume(connection, ref.loc, ref.path, ref.optional, options);
    if (s.kind === 'cdrom' && s.source !== undefined && typeof s.source !== 'string') {
      facts.volumes[volumeKey(s.source)] = await lookupVolume(connection, s.source, `${d.path}.source`, false, options);
    }
    if (s.kind === 'existing' && s.volume !== undefined)
      facts.volumes[volumeKey(s.volume)] = await lookupVolume(connection, s.volume, `${d.path}.volume`, false, options);
    if (s.kind === 'upload' && typeof s.source === 'string') facts.uploads[d.index] = await localImage(s.source, `${d.path}.source`);
  }

  for (const [i, nic] of checked.networks.entries()) {
    if (nic.network === undefined) continue;
    try {
      await connection.networks.lookup(nic.network, options);
    } catch (error) {
      if (libvirtCodeOf(error) === VirErrorCode.VIR_ERR_NO_NETWORK)
        throw specError(`networks[${i}].network`, `no network named ${JSON.stringify(nic.network)}`, error);
      throw error;
    }
  }
  return facts;
}
