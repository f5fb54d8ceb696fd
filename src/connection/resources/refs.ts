import { InvalidArgumentError } from '../../errors/index.js';
import {
  DOMAIN_LOOKUP_BY_NAME,
  DOMAIN_LOOKUP_BY_UUID,
  type DomainRef,
  NETWORK_LOOKUP_BY_NAME,
  NETWORK_LOOKUP_BY_UUID,
  type NetworkRef,
  STORAGE_POOL_LOOKUP_BY_NAME,
  STORAGE_POOL_LOOKUP_BY_UUID,
  type StoragePoolRef,
  isUuid,
} from '../../rpc/index.js';
import type { ResourceCall, ResourceOptions } from './types.js';

/** A domain named by name, UUID, or a reference returned by the SDK. */
export type DomainInput = string | DomainRef;
/** A network named by name, UUID, or reference. */
export type NetworkInput = string | NetworkRef;
/** A storage pool named by name, UUID, or reference. */
export type StoragePoolInput = string | StoragePoolRef;

/**
 * Check a name or UUID given by the caller, before anything is sent.
 * libvirt names are non-empty and contain no NUL; longer than 4 MiB cannot go on the wire.
 */
export function checkName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${path} must be a non-empty name or UUID`, { path });
  }
  if (value.includes('\0')) throw new InvalidArgumentError(`${path} must not contain NUL characters`, { path });
  if (value.length > 1024) throw new InvalidArgumentError(`${path} is longer than 1024 characters`, { path });
  return value;
}

function isRef(value: unknown): value is { name: string; uuid: string } {
  return typeof value === 'object' && value !== null && typeof (value as { uuid?: unknown }).uuid === 'string' && typeof (value as { name?: unknown }).name === 'string';
}

/**
 * Resolve a {@link DomainInput} to the reference libvirt needs (name, UUID and
 * id together — drivers resolve by UUID, so the SDK never fabricates one from
 * a name). A string that parses as a UUID is looked up by UUID, anything else
 * by name.
 */
export async function resolveDomain(call: ResourceCall, input: DomainInput, options?: ResourceOptions): Promise<DomainRef> {
  if (isRef(input)) return { name: input.name, uuid: input.uuid, id: (input as DomainRef).id ?? -1 };
  const key = checkName(input, 'domain');
  const { dom } = isUuid(key) ? await call(DOMAIN_LOOKUP_BY_UUID, { uuid: key }, options) : await call(DOMAIN_LOOKUP_BY_NAME, { name: key }, options);
  return dom;
}

/** Resolve a {@link NetworkInput}. */
export async function resolveNetwork(call: ResourceCall, input: NetworkInput, options?: ResourceOptions): Promise<NetworkRef> {
  if (isRef(input)) return { name: input.name, uuid: input.uuid };
  const key = checkName(input, 'network');
  const { net } = isUuid(key) ? await call(NETWORK_LOOKUP_BY_UUID, { uuid: key }, options) : await call(NETWORK_LOOKUP_BY_NAME, { name: key }, options);
  return net;
}

/** Resolve a {@link StoragePoolInput}. */
export async function resolvePool(call: ResourceCall, input: StoragePoolInput, options?: ResourceOptions): Promise<StoragePoolRef> {
  if (isRef(input)) return { name: input.name, uuid: input.uuid };
  const key = checkName(input, 'pool');
  const { pool } = isUuid(key)
    ? await call(STORAGE_POOL_LOOKUP_BY_UUID, { uuid: key }, options)
    : await call(STORAGE_POOL_LOOKUP_BY_NAME, { name: key }, options);
  return pool;
}
