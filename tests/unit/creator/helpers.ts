/**
 * Shared pieces of the creator unit tests: host facts from capabilities
 * captured on this machine's daemons (tests/fixtures/xml), and a fake
 * connection that keeps domains and volumes in memory and can fail any call.
 */
import { readFileSync } from 'node:fs';
import type { CreatorFacts, CreatorLifecycle, PoolFacts, VolumeFacts } from '../../../src/creator/internal.js';
import { volumeKey } from '../../../src/creator/internal.js';
import { AbortError, type LibvirtError, UnsupportedError, libvirtErrorFrom } from '../../../src/errors/index.js';
import type { LibvirtConnection } from '../../../src/connection/internal.js';
import { parseCapabilitiesXml, parseDomainCapabilitiesXml, parseDomainXml, parseStorageVolumeXml } from '../../../src/xml/index.js';
export { refusal, rejection } from '../../helpers/errors.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/xml/${name}`, import.meta.url), 'utf8');
}

export const QEMU_CAPS = parseCapabilitiesXml(fixture('qemu-capabilities.xml'));
export const QEMU_DOMCAPS_Q35 = parseDomainCapabilitiesXml(fixture('qemu-domcapabilities-q35.xml'));
export const QEMU_DOMCAPS_PC = parseDomainCapabilitiesXml(fixture('qemu-domcapabilities.xml'));
export const TEST_CAPS = parseCapabilitiesXml(fixture('test-capabilities.xml'));

export const POOL: PoolFacts = { name: 'default', path: '/var/lib/libvirt/images', available: 100n * 1024n ** 3n, active: true };
export const BASE: VolumeFacts = { pool: 'default', name: 'debian-12.qcow2', path: '/var/lib/libvirt/images/debian-12.qcow2', format: 'qcow2', capacity: 2n * 1024n ** 3n, allocation: 400n * 1024n ** 2n, ref: null };
export const ISO: VolumeFacts = { pool: 'isos', name: 'installer.iso', path: '/srv/isos/installer.iso', format: 'iso', capacity: 600n * 1024n ** 2n, allocation: 600n * 1024n ** 2n, ref: null };

/** Facts of this machine's QEMU driver (q35 domain capabilities) with a `default` pool holding a base image. */
export function qemuFacts(overrides: Partial<CreatorFacts> = {}): CreatorFacts {
  return {
    capabilities: QEMU_CAPS,
    domainCapabilities: QEMU_DOMCAPS_Q35,
    pools: { default: POOL, isos: { name: 'isos', path: '/srv/isos', available: 0n, active: true } },
    volumes: { [volumeKey({ pool: 'default', volume: BASE.name })]: BASE, [volumeKey(BASE.path)]: BASE, [volumeKey({ pool: 'isos', volume: ISO.name })]: ISO },
    uploads: {},
    ...overrides,
  };
}

/** Facts of the test driver: host capabilities only (it has no domain capabilities). */
export function testDriverFacts(): CreatorFacts {
  return { capabilities: TEST_CAPS, pools: { 'default-pool': { name: 'default-pool', path: '/default-pool', available: 100n * 1024n ** 3n, active: true } }, volumes: {}, uploads: {} };
}



/** A libvirt error as the daemon would report it. */
export function virError(code: number, message: string): LibvirtError {
  return libvirtErrorFrom({ code, domain: 0, message, level: 2, str1: null, str2: null, str3: null, int1: -1, int2: -1 });
}

/** What the fake daemon holds. */
export interface FakeState {
  domains: Map<string, { name: string; uuid: string; xml: string; active: boolean; autostart: boolean }>;
  volumes: Map<string, { pool: string; name: string; xml: string; data: number }>;
  calls: string[];
}

/**
 * A `LibvirtConnection` stand-in for the creator: the QEMU driver's capabilities, a `default` pool, domains
 * and volumes kept in memory. `fail(method)` makes the next call of a method throw; `hang(method)` makes it
 * wait until its signal aborts (a call in flight).
 */
export function fakeConnection(options: { upload?: boolean } = {}): {
  conn: LibvirtConnection;
  /** A lifecycle manager stand-in over the fake's start/destroy. */
  lifecycle: CreatorLifecycle;
  state: FakeState;
  fail(method: string, error?: unknown): void;
  hang(method: string, completeAnyway?: boolean): void;
} {
  const state: FakeState = { domains: new Map(), volumes: new Map(), calls: [] };
  const failures = new Map<string, unknown>();
  const hangs = new Map<string, boolean>();
  let nextId = 1;
  const NO_DOMAIN = 42;
  const NO_VOL = 50;
  const enter = async (method: string, signal?: AbortSignal): Promise<void> => {
    state.calls.push(method);
    const failure = failures.get(method);
    if (failure !== undefined) {
      failures.delete(method);
      throw failure;
    }
    if (hangs.has(method)) {
      const completeAnyway = hangs.get(method)!;
      hangs.delete(method);
      await new Promise<void>((_, reject) => {
        signal?.addEventListener('abort', () => reject(new AbortError(`${method} aborted`, { cause: signal.reason })), { once: true });
      }).catch((error: unknown) => {
        if (completeAnyway) throw Object.assign(error as object, { completeAnyway: true });
        throw error;
      });
    }
  };
  const domainByUuid = (uuid: string) => {
    const d = [...state.domains.values()].find((x) => x.uuid === uuid);
    if (d === undefined) throw virError(NO_DOMAIN, 'Domain not found');
    return d;
  };
  const volKey = (pool: string, name: string): string => `${pool}/${name}`;
  const createVol = async (pool: string, xml: string, o: { signal?: AbortSignal } = {}) => {
    const name = parseStorageVolumeXml(xml).name;
    try {
      await enter('volumes.create', o.signal);
    } catch (error) {
      // A call aborted in flight that libvirt completed anyway.
      if ((error as { completeAnyway?: boolean }).completeAnyway === true) state.volumes.set(volKey(pool, name), { pool, name, xml, data: 0 });
      throw error;
    }
    if (state.volumes.has(volKey(pool, name))) throw virError(90, 'volume exists');
    state.volumes.set(volKey(pool, name), { pool, name, xml, data: 0 });
    return { pool, name, key: `/var/lib/libvirt/images/${name}` };
  };
  const conn = {
    host: {
      getCapabilities: async () => (await enter('host.getCapabilities'), QEMU_CAPS),
      getDomainCapabilities: async () => (await enter('host.getDomainCapabilities'), QEMU_DOMCAPS_Q35),
    },
    storage: {
      pools: {
        lookup: async (name: string) => {
          await enter('pools.lookup');
          if (name !== 'default') throw virError(49, 'no pool');
          return { name, uuid: '00000000-0000-0000-0000-000000000001' };
        },
        getInfo: async () => (await enter('pools.getInfo'), { state: 'running', capacity: 10n ** 12n, allocation: 0n, available: 10n ** 11n }),
        getXml: async () => (await enter('pools.getXml'), "<pool type='dir'><name>default</name><target><path>/var/lib/libvirt/images</path></target></pool>"),
      },
      volumes: {
        lookup: async (pool: string, name: string) => {
          await enter('volumes.lookup');
          if (!state.volumes.has(volKey(pool, name))) throw virError(NO_VOL, 'no volume');
          return { pool, name, key: `/var/lib/libvirt/images/${name}` };
        },
        create: createVol,
        createFrom: createVol,
        delete: async (ref: { pool: string; name: string }) => {
          await enter('volumes.delete');
          if (!state.volumes.delete(volKey(ref.pool, ref.name))) throw virError(NO_VOL, 'no volume');
        },
        upload: async (ref: { pool: string; name: string }, data: Uint8Array, o: { signal?: AbortSignal; onProgress?: (n: number) => void } = {}) => {
          await enter('volumes.upload', o.signal);
          if (options.upload === false) throw new UnsupportedError('virStorageVolUpload is not supported');
          const vol = state.volumes.get(volKey(ref.pool, ref.name));
          if (vol === undefined) throw virError(NO_VOL, 'no volume');
          vol.data = data.length;
          o.onProgress?.(data.length);
          return { bytes: data.length };
        },
        getPath: async (ref: { name: string }) => (await enter('volumes.getPath'), `/var/lib/libvirt/images/${ref.name}`),
      },
    },
    networks: { lookup: async (name: string) => (await enter('networks.lookup'), { name, uuid: '00000000-0000-0000-0000-000000000002' }) },
    domains: {
      exists: async (nameOrUuid: string) => (await enter('domains.exists'), [...state.domains.values()].some((d) => d.name === nameOrUuid || d.uuid === nameOrUuid)),
      lookupByUuid: async (uuid: string) => (await enter('domains.lookupByUuid'), { name: domainByUuid(uuid).name, uuid, id: -1 }),
      setAutostart: async (ref: { uuid: string }, { enabled }: { enabled: boolean }) => {
        await enter('domains.setAutostart');
        domainByUuid(ref.uuid).autostart = enabled;
      },
      control: {
        define: async (xml: string, o: { signal?: AbortSignal } = {}) => {
          const model = parseDomainXml(xml);
          const record = { name: model.name, uuid: model.uuid!, xml, active: false, autostart: false };
          try {
            await enter('control.define', o.signal);
          } catch (error) {
            if ((error as { completeAnyway?: boolean }).completeAnyway === true) state.domains.set(record.name, record);
            throw error;
          }
          state.domains.set(record.name, record);
          return { name: model.name, uuid: model.uuid!, id: -1 };
        },
        undefine: async (ref: { uuid: string }) => {
          await enter('control.undefine');
          const d = domainByUuid(ref.uuid);
          state.domains.delete(d.name);
        },
        managedSaveRemove: async () => undefined,
        start: async (ref: { uuid: string; name: string }, o: { signal?: AbortSignal } = {}) => {
          await enter('control.start', o.signal);
          domainByUuid(ref.uuid).active = true;
          return { name: ref.name, uuid: ref.uuid, id: nextId++ };
        },
        forceOff: async (ref: { uuid: string }) => {
          await enter('control.forceOff');
          const d = domainByUuid(ref.uuid);
          if (!d.active) throw virError(55, 'domain is not running');
          d.active = false;
        },
        detachDevice: async () => {
          await enter('control.detachDevice');
        },
      },
    },
  };
  const lifecycle: CreatorLifecycle = {
    start: async (vm, o) => ({ domain: await conn.domains.control.start(vm, o) }),
    setAutostart: async (vm, o) => conn.domains.setAutostart(vm, o),
    forceOff: async (vm) => {
      try {
        await conn.domains.control.forceOff(vm);
        return { changed: true };
      } catch (error) {
        if ((error as { code?: unknown }).code === 55) return { changed: false };
        throw error;
      }
    },
  };
  return {
    conn: conn as unknown as LibvirtConnection,
    lifecycle,
    state,
    fail: (method, error = virError(1, `injected failure of ${method}`)) => failures.set(method, error),
    hang: (method, completeAnyway = false) => hangs.set(method, completeAnyway),
  };
}
