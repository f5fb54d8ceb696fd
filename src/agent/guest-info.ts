/**
 * `virDomainGetGuestInfo` as typed data: libvirt's flat typed parameters
 * (`user.count`, `user.0.name`, `os.kernel-release`, `fs.0.disk.0.alias`…)
 * regrouped into objects. Parsed defensively: unknown keys are ignored and
 * every field may be missing (the agent answers what it can).
 *
 * @module
 */
import { InvalidArgumentError } from '../errors/index.js';

type Params = Readonly<Record<string, string | number | bigint | boolean>>;

/** What to ask for; omitted or empty = everything this libvirt asks the agent for. */
export type GuestInfoType = 'users' | 'os' | 'timezone' | 'hostname' | 'filesystems' | 'disks' | 'interfaces';

/** `virDomainGuestInfoTypes` bits. */
const TYPE_BITS: Readonly<Record<GuestInfoType, number>> = {
  users: 1,
  os: 2,
  timezone: 4,
  hostname: 8,
  filesystems: 16,
  disks: 32,
  interfaces: 64,
};

/** The guest's operating system, as `/etc/os-release` and `uname` say (Linux). */
export interface GuestOsInfo {
  id?: string;
  name?: string;
  prettyName?: string;
  version?: string;
  versionId?: string;
  kernelRelease?: string;
  kernelVersion?: string;
  machine?: string;
  variant?: string;
  variantId?: string;
}

/** A user logged in to the guest. */
export interface GuestUser {
  name: string;
  /** Windows domain. */
  domain?: string;
  loginTime?: Date;
}

/** A mounted filesystem of the guest. */
export interface GuestFilesystem {
  mountpoint: string;
  name?: string;
  type?: string;
  totalBytes?: number;
  usedBytes?: number;
  /** The host-side disks it lives on: libvirt's target (`vda`), serial, guest device. */
  disks: { alias?: string; serial?: string; device?: string }[];
}

/** A disk as the guest sees it. */
export interface GuestDisk {
  name: string;
  partition?: boolean;
  dependencies: string[];
  serial?: string;
  /** libvirt's target name (`vda`). */
  alias?: string;
  guestAlias?: string;
}

/** A network interface of the guest. */
export interface GuestInterface {
  name: string;
  hwaddr?: string;
  addresses: { type: 'ipv4' | 'ipv6' | string; address: string; prefix?: number }[];
}

/** What the guest agent reports (`virsh guestinfo`). */
export interface GuestInfo {
  os?: GuestOsInfo;
  hostname?: string;
  timezone?: { name?: string; offsetSeconds?: number };
  users?: GuestUser[];
  filesystems?: GuestFilesystem[];
  disks?: GuestDisk[];
  interfaces?: GuestInterface[];
  /** libvirt's flat parameters, as received (for keys this SDK does not know yet). */
  raw: Params;
}

/** The `types` bitmask for `types` (0 = all). @throws {@link InvalidArgumentError} */
export function guestInfoTypes(types: readonly GuestInfoType[] | undefined): number {
  if (types === undefined) return 0;
  if (!Array.isArray(types)) throw new InvalidArgumentError('types must be an array', { path: 'types' });
  let bits = 0;
  for (const t of types) {
    const bit = TYPE_BITS[t as GuestInfoType] as number | undefined;
    if (bit === undefined)
      throw new InvalidArgumentError(`unknown guest info type ${JSON.stringify(t)}; one of ${Object.keys(TYPE_BITS).join(', ')}`, {
        path: 'types',
      });
    bits |= bit;
  }
  return bits;
}

const str = (p: Params, key: string): string | undefined => (typeof p[key] === 'string' ? p[key] : undefined);
const num = (p: Params, key: string): number | undefined => (typeof p[key] === 'number' ? p[key] : undefined);
const bool = (p: Params, key: string): boolean | undefined => (typeof p[key] === 'boolean' ? p[key] : undefined);

/** Only the keys that have a value. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `prefix.count` entries, each built by `item(i)`; entries it returns `undefined` for are skipped. */
function list<T>(p: Params, prefix: string, item: (key: string) => T | undefined): T[] | undefined {
  const count = num(p, `${prefix}.count`);
  if (count === undefined) return undefined;
  const out: T[] = [];
  for (let i = 0; i < Math.min(count, 4096); i++) {
    const v = item(`${prefix}.${i}`);
    if (v !== undefined) out.push(v);
  }
  return out;
}

const OS_KEYS: readonly [keyof GuestOsInfo, string][] = [
  ['id', 'id'],
  ['name', 'name'],
  ['prettyName', 'pretty-name'],
  ['version', 'version'],
  ['versionId', 'version-id'],
  ['kernelRelease', 'kernel-release'],
  ['kernelVersion', 'kernel-version'],
  ['machine', 'machine'],
  ['variant', 'variant'],
  ['variantId', 'variant-id'],
];

/** Group libvirt's flat guest-info parameters. */
export function parseGuestInfo(p: Params): GuestInfo {
  const info: GuestInfo = { raw: p };
  const os = defined(Object.fromEntries(OS_KEYS.map(([k, key]) => [k, str(p, `os.${key}`)])) as GuestOsInfo);
  if (Object.keys(os).length > 0) info.os = os;
  const hostname = str(p, 'hostname');
  if (hostname !== undefined) info.hostname = hostname;
  if (str(p, 'timezone.name') !== undefined || num(p, 'timezone.offset') !== undefined) {
    info.timezone = defined({ name: str(p, 'timezone.name'), offsetSeconds: num(p, 'timezone.offset') });
  }
  const users = list(p, 'user', (k) => {
    const name = str(p, `${k}.name`);
    const login = num(p, `${k}.login-time`);
    return name === undefined
      ? undefined
      : defined({ name, domain: str(p, `${k}.domain`), loginTime: login === undefined ? undefined : new Date(login) });
  });
  if (users !== undefined) info.users = users;
  const filesystems = list(p, 'fs', (k) => {
    const mountpoint = str(p, `${k}.mountpoint`);
    if (mountpoint === undefined) return undefined;
    const disks =
      list(p, `${k}.disk`, (d) => defined({ alias: str(p, `${d}.alias`), serial: str(p, `${d}.serial`), device: str(p, `${d}.device`) })) ??
      [];
    return defined({
      mountpoint,
      name: str(p, `${k}.name`),
      type: str(p, `${k}.fstype`),
      totalBytes: num(p, `${k}.total-bytes`),
      usedBytes: num(p, `${k}.used-bytes`),
      disks,
    });
  });
  if (filesystems !== undefined) info.filesystems = filesystems;
  const disks = list(p, 'disk', (k) => {
    const name = str(p, `${k}.name`);
    if (name === undefined) return undefined;
    const dependencies = (list(p, `${k}.dependency`, (d) => str(p, `${d}.name`)) ?? []).filter((d): d is string => d !== undefined);
    return defined({
      name,
      partition: bool(p, `${k}.partition`),
      dependencies,
      serial: str(p, `${k}.serial`),
      alias: str(p, `${k}.alias`),
      guestAlias: str(p, `${k}.guest_alias`),
    });
  });
  if (disks !== undefined) info.disks = disks;
  const interfaces = list(p, 'if', (k) => {
    const name = str(p, `${k}.name`);
    if (name === undefined) return undefined;
    const addresses =
      list(p, `${k}.addr`, (a) => {
        const address = str(p, `${a}.addr`);
        return address === undefined
          ? undefined
          : defined({ type: str(p, `${a}.type`) ?? 'unknown', address, prefix: num(p, `${a}.prefix`) });
      }) ?? [];
    return defined({ name, hwaddr: str(p, `${k}.hwaddr`), addresses });
  });
  if (interfaces !== undefined) info.interfaces = interfaces;
  return info;
}
