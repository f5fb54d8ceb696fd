import { DomainNotFoundError, InvalidArgumentError } from '../../errors/index.js';
import {
  DOMAIN_LOOKUP_BY_ID,
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
  uuidKey,
} from '../../rpc/index.js';
import type { ResourceCall } from './types.js';
import type { CallOptions } from '../../rpc/index.js';

/** A domain named by name, UUID, or a reference returned by the SDK. */
export type DomainInput = string | DomainRef;
/** A network named by name, UUID, or reference. */
export type NetworkInput = string | NetworkRef;
/** A storage pool named by name, UUID, or reference. */
export type StoragePoolInput = string | StoragePoolRef;

/**
 * Characters XML 1.0 cannot carry: C0 controls other than tab and line
 * breaks, U+FFFE/U+FFFF and unpaired surrogates. libvirt defines every object
 * from XML, so no name, path or key can contain one.
 */
const NOT_IN_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Check a name or UUID given by the caller, before anything is sent.
 * libvirt names are non-empty, hold no character XML cannot carry (NUL and
 * other controls, unpaired surrogates: no object can have one), and are at
 * most 1024 characters here (the wire takes 4 MiB; no real name comes close).
 */
export function checkName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${path} must be a non-empty name or UUID`, { path });
  }
  if (value.length > 1024) throw new InvalidArgumentError(`${path} is longer than 1024 characters`, { path });
  if (NOT_IN_XML.test(value))
    throw new InvalidArgumentError(`${path} must not contain NUL, control characters or unpaired surrogates`, { path });
  return value;
}

/**
 * Check a storage volume name before a lookup: {@link checkName}, and no path
 * traversal. Some pool types allow `/` inside a volume name, so `/` itself is
 * allowed, but not a leading one, nor a `.` or `..` segment: no volume is named
 * that way, and `../x` is an attempt to step out of the pool.
 */
export function checkVolumeName(value: unknown, path: string): string {
  const name = checkName(value, path);
  if (name.startsWith('/') || name.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new InvalidArgumentError(`${path} must be a volume name, not a path ("/" at the start, "." or ".." segments)`, { path });
  }
  return name;
}

/**
 * Check a domain, network or storage pool name (or UUID) before a lookup:
 * {@link checkName}, and no `/` — libvirt refuses it in these names, so such a
 * lookup could never match (and `../x` is a path traversal attempt, not a name).
 * Volume names are not checked this way: some pool types allow `/` in them.
 */
export function checkObjectName(value: unknown, path: string): string {
  const name = checkName(value, path);
  if (name.includes('/'))
    throw new InvalidArgumentError(`${path} must not contain "/" (libvirt refuses it in domain, network and pool names)`, { path });
  return name;
}

function isRef(value: unknown): value is { name: string; uuid: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { uuid?: unknown }).uuid === 'string' &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

/**
 * Resolve a {@link DomainInput} to the reference libvirt needs (name, UUID and
 * id together — drivers resolve by UUID, so the SDK never fabricates one from
 * a name). A string that parses as a UUID is looked up by UUID, anything else
 * by name.
 */
export async function resolveDomain(call: ResourceCall, input: DomainInput, options?: CallOptions): Promise<DomainRef> {
  if (isRef(input)) return { name: input.name, uuid: input.uuid, id: (input as DomainRef).id ?? -1 };
  const key = checkObjectName(input, 'domain');
  return isUuid(key) ? lookupDomainBy(call, 'uuid', key, options) : lookupDomainBy(call, 'name', key, options);
}

/**
 * One domain lookup (by name, UUID or id) whose not-found error always names
 * what was looked for. QEMU's driver says "no domain with matching name
 * 'web1'"; others (the test driver) say only "Domain not found", which leaves a
 * log line that cannot tell which VM was missing.
 * @throws {@link DomainNotFoundError} naming `key`
 */
export async function lookupDomainBy(
  call: ResourceCall,
  by: 'name' | 'uuid' | 'id',
  key: string | number,
  options?: CallOptions,
): Promise<DomainRef> {
  try {
    const { dom } =
      by === 'name'
        ? await call(DOMAIN_LOOKUP_BY_NAME, { name: key as string }, options)
        : by === 'uuid'
          ? await call(DOMAIN_LOOKUP_BY_UUID, { uuid: key as string }, options)
          : await call(DOMAIN_LOOKUP_BY_ID, { id: key as number }, options);
    return dom;
  } catch (error) {
    throw namingDomain(error, by, key);
  }
}

/** `error`, or — for a not-found error that does not name the domain — the same error with a message that does. */
function namingDomain(error: unknown, by: 'name' | 'uuid' | 'id', key: string | number): unknown {
  if (!(error instanceof DomainNotFoundError) || error.message.includes(String(key))) return error;
  const message = `Domain not found: no domain with matching ${by} '${String(key)}'`;
  return new DomainNotFoundError({ ...error.remote, message }, error.procedure, { cause: error });
}

/**
 * A predicate: is this reference the domain `domain` names (a name, a UUID in
 * any spelling, or a reference, compared by UUID)? Checked before anything is
 * sent: the one way the SDK matches VMs in events and state changes.
 * @example const mine = domainMatcher('web1'); mine(event.domain)
 * @throws {@link InvalidArgumentError} for an empty name or a reference without a UUID
 */
export function domainMatcher(domain: DomainInput, path = 'domain'): (ref: DomainRef) => boolean {
  if (typeof domain === 'object' && domain !== null) {
    if (typeof domain.uuid !== 'string')
      throw new InvalidArgumentError(`${path} must be a name, a UUID or a domain reference { name, uuid }`, { path });
    const key = uuidKey(domain.uuid);
    return (ref) => uuidKey(ref.uuid) === key;
  }
  if (typeof domain !== 'string' || domain.length === 0) {
    throw new InvalidArgumentError(`${path} must be a name, a UUID or a domain reference { name, uuid }`, { path });
  }
  if (isUuid(domain)) {
    const key = uuidKey(domain);
    return (ref) => uuidKey(ref.uuid) === key;
  }
  return (ref) => ref.name === domain;
}

/** Resolve a {@link NetworkInput}. */
export async function resolveNetwork(call: ResourceCall, input: NetworkInput, options?: CallOptions): Promise<NetworkRef> {
  if (isRef(input)) return { name: input.name, uuid: input.uuid };
  const key = checkObjectName(input, 'network');
  const { net } = isUuid(key)
    ? await call(NETWORK_LOOKUP_BY_UUID, { uuid: key }, options)
    : await call(NETWORK_LOOKUP_BY_NAME, { name: key }, options);
  return net;
}

/** Resolve a {@link StoragePoolInput}. */
export async function resolvePool(call: ResourceCall, input: StoragePoolInput, options?: CallOptions): Promise<StoragePoolRef> {
  if (isRef(input)) return { name: input.name, uuid: input.uuid };
  const key = checkObjectName(input, 'pool');
  const { pool } = isUuid(key)
    ? await call(STORAGE_POOL_LOOKUP_BY_UUID, { uuid: key }, options)
    : await call(STORAGE_POOL_LOOKUP_BY_NAME, { name: key }, options);
  return pool;
}
