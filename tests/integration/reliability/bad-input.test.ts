/**
 * A bad-input corpus through every public entry point: the facade and the
 * creator (every spec field), the lifecycle, destroyer and registry options,
 * the connection's resources and events, URIs and TLS settings.
 *
 * Each bad value must give a clear typed error (class, code and `path`) with
 * NOTHING sent to libvirt. That is proven against `FakeLibvirtDaemon`, which
 * records every call it receives: after the case, one marker call
 * (CONNECT_GET_LIB_VERSION) goes out on the same socket, and the marker must
 * be the only call recorded since the case began (a socket delivers in order,
 * so anything the case had sent would show up before it).
 *
 * Values that are legitimately allowed (XML metacharacters in a title, a
 * volume name with emoji) must round-trip escaped instead: that part runs on
 * the real test driver.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainNotFoundError,
  ErrorCode,
  InvalidArgumentError,
  InvalidUriError,
  LibvirtConnection,
  LibvirtManager,
  LibvirtManagerError,
  TransportError,
  VmLifecycleManager,
  VmRegistry,
  type VmSpec,
} from '../../../src/index.js';
import { parseDomainXml, parseOwnership } from '../../../src/xml/index.js';
import {
  CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
  CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
  CONNECT_GET_ALL_DOMAIN_STATS,
  CONNECT_GET_LIB_VERSION,
  CONNECT_LIST_ALL_DOMAINS,
  CONNECT_NETWORK_EVENT_DEREGISTER_ANY,
  CONNECT_NETWORK_EVENT_REGISTER_ANY,
  CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY,
  CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY,
  DOMAIN_LOOKUP_BY_NAME,
  NETWORK_LOOKUP_BY_NAME,
  STORAGE_POOL_LOOKUP_BY_NAME,
} from '../../../src/rpc/protocol/index.js';
import { parseLibvirtUri, resolveTlsConnectOptions } from '../../../src/rpc/transport/index.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { TEST_URI, uniqueName } from '../../helpers/libvirt.js';
import { selfSigned, selfSignedServer } from '../../helpers/certs.js';
import { type TestTlsServer, startTlsServer } from '../../helpers/tls.js';
import {
  ALL_SIZES,
  ALL_WRONG,
  BASE,
  BIG,
  E400,
  META,
  SIZES,
  SIZE_FIELDS,
  SPEC_FIELDS,
  STRINGS,
  WRONG_TYPES,
} from '../../reliability/corpus.js';

// ---- the fake daemon ----------------------------------------------------------------------------

let daemon: FakeLibvirtDaemon;
let manager: LibvirtManager;

/** Every call the daemon received, in order, over all clients. */
function calls(): string[] {
  return daemon.clients.flatMap((c) => c.calls.map((h) => `${h.prog}:${h.proc}`));
}

const MARKER = `${CONNECT_GET_LIB_VERSION.program}:${CONNECT_GET_LIB_VERSION.proc}`;

/**
 * Run `action`, which must fail with a typed refusal, and prove it sent
 * nothing: the marker call that follows must be the only call recorded.
 */
async function refusal(action: () => unknown): Promise<InvalidArgumentError> {
  const before = calls().length;
  const clientsBefore = daemon.clients.length;
  let error: unknown;
  try {
    await action();
  } catch (e) {
    error = e;
  }
  await manager.connection.host.getLibVersion({ timeout: 5000 });
  expect(daemon.clients.length, 'no new connection').toBe(clientsBefore);
  expect(calls().slice(before), 'nothing but the marker reached the daemon').toEqual([MARKER]);
  expect(error, 'a typed error').toBeInstanceOf(LibvirtManagerError);
  expect(error).toBeInstanceOf(InvalidArgumentError);
  const typed = error as InvalidArgumentError;
  expect([ErrorCode.INVALID_ARGUMENT, ErrorCode.INVALID_SPEC, ErrorCode.INVALID_URI]).toContain(typed.code);
  // Never the raw value in the message (a 4 MiB string, or a password).
  expect(typed.message.length).toBeLessThan(500);
  return typed;
}

beforeAll(async () => {
  daemon = await FakeLibvirtDaemon.start();
  let id = 1;
  const callbackId = (): { ok: { callbackID: number } } => ({ ok: { callbackID: id++ } });
  daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, callbackId);
  daemon.handle(CONNECT_NETWORK_EVENT_REGISTER_ANY, callbackId);
  daemon.handle(CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, callbackId);
  for (const p of [
    CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
    CONNECT_NETWORK_EVENT_DEREGISTER_ANY,
    CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY,
  ]) {
    daemon.handle(p, () => ({ ok: undefined }));
  }
  daemon.handle(CONNECT_GET_ALL_DOMAIN_STATS, () => ({ ok: { retStats: [] } }));
  daemon.handle(CONNECT_LIST_ALL_DOMAINS, () => ({ ok: { domains: [], ret: 0 } }));
  daemon.handle(CONNECT_GET_LIB_VERSION, () => ({ ok: { lib_ver: 9_000_000n } }));
  // Valid names of things that do not exist: the SDK may look them up, and gets libvirt's "not found".
  daemon.handle(DOMAIN_LOOKUP_BY_NAME, () => ({ error: { code: 42, domain: 10, message: 'Domain not found' } }));
  daemon.handle(STORAGE_POOL_LOOKUP_BY_NAME, () => ({ error: { code: 49, domain: 18, message: 'Storage pool not found' } }));
  daemon.handle(NETWORK_LOOKUP_BY_NAME, () => ({ error: { code: 43, domain: 19, message: 'Network not found' } }));
  manager = await LibvirtManager.connect(daemon.uri, { reconnect: false, keepalive: false });
});

afterAll(async () => {
  await manager?.close();
  await daemon?.stop();
});

describe('createVm: every spec field, every bad value, nothing sent', () => {
  const cases = SPEC_FIELDS.flatMap((field) => [
    ...field.strings.map((label) => [`${field.path} = ${label}`, field, STRINGS[label]] as const),
    ...(field.wrong ?? ALL_WRONG).map((label) => [`${field.path} = ${label}`, field, WRONG_TYPES[label]] as const),
  ]);
  it.each(cases)('%s', async (_, field, value) => {
    const error = await refusal(() => manager.createVm(field.set(value)));
    expect(error.code).toBe(ErrorCode.INVALID_SPEC);
    expect(error.path).toBe(field.path);
  });

  const sizes = SIZE_FIELDS.flatMap((field) =>
    ALL_SIZES.filter((l) => !(field.allow ?? []).includes(l)).map((label) => [`${field.path} = ${label}`, field, SIZES[label]] as const),
  );
  it.each(sizes)('%s', async (_, field, value) => {
    const error = await refusal(() => manager.createVm(field.set(value)));
    expect(error.code).toBe(ErrorCode.INVALID_SPEC);
    expect(error.path).toBe(field.path);
  });

  it.each([
    ['a title with a line break', { ...BASE, title: 'one\ntwo' }, 'title'],
    [
      'upload data that is not bytes',
      { ...BASE, disks: [{ kind: 'upload', pool: 'default', source: { data: 42, size: 8 } }] },
      'disks[0].source.data',
    ],
    ['a spec that is not an object', 'web-1', 'spec'],
    ['a disk that is not an object', { ...BASE, disks: ['/srv/a.img'] }, 'disks[0]'],
    ['an unknown disk kind', { ...BASE, disks: [{ kind: 'magic' }] }, 'disks[0].kind'],
    ['a NIC with two sources', { ...BASE, networks: [{ network: 'default', user: true }] }, 'networks[0]'],
  ] as const)('%s', async (_, spec, path) => {
    const error = await refusal(() => manager.createVm(spec as unknown as VmSpec));
    expect(error.path).toBe(path);
  });

  it.each(ALL_SIZES.filter((l) => l !== '1.5').map((l) => [l, SIZES[l]] as const))('create option timeout = %s', async (_, timeout) => {
    expect((await refusal(() => manager.createVm(BASE, { timeout: timeout as number }))).path).toBe('timeout');
  });

  it('create options signal and onProgress of the wrong type', async () => {
    expect((await refusal(() => manager.createVm(BASE, { signal: 'stop' as never }))).path).toBe('signal');
    expect((await refusal(() => manager.createVm(BASE, { onProgress: 'log' as never }))).path).toBe('onProgress');
  });
});

// ---- VM commands: facade, registry, lifecycle, destroyer -------------------------------------------

/** Domain names and references that cannot name any domain. */
const BAD_VMS: [string, unknown][] = [
  ...(['nul', 'control', 'lone', 'big', 'empty', 'traversal', 'slash'] as const).map((l) => [l, STRINGS[l]] as [string, unknown]),
  ...ALL_WRONG.map((l) => [l, WRONG_TYPES[l]] as [string, unknown]),
  ['null', null],
  ['a reference without uuid', { name: 'web-1' }],
];

describe('VM commands refuse bad VMs and bad options before anything is sent', () => {
  const entryPoints: [string, (vm: unknown) => Promise<unknown>][] = [
    ['startVm', (vm) => manager.startVm(vm as string)],
    ['shutdownVm', (vm) => manager.shutdownVm(vm as string)],
    ['rebootVm', (vm) => manager.rebootVm(vm as string)],
    ['pauseVm', (vm) => manager.pauseVm(vm as string)],
    ['resumeVm', (vm) => manager.resumeVm(vm as string)],
    ['destroyVm', (vm) => manager.destroyVm(vm as string)],
    ['vms.send forceOff', (vm) => manager.vms.send(vm as string, 'forceOff')],
    ['vms.track', (vm) => manager.vms.track(vm as string)],
    ['lifecycle.start', (vm) => manager.lifecycle.start(vm as string)],
    ['lifecycle.shutdown', (vm) => manager.lifecycle.shutdown(vm as string)],
    ['lifecycle.waitForState', (vm) => manager.lifecycle.waitForState(vm as string, 'running')],
    ['lifecycle.waitForAgent', (vm) => manager.lifecycle.waitForAgent(vm as string)],
    ['destroyer.destroy', (vm) => manager.destroyer.destroy(vm as string)],
  ];
  const cases = entryPoints.flatMap(([entry, run]) => BAD_VMS.map(([label, vm]) => [`${entry}(${label})`, run, vm] as const));
  it.each(cases)('%s', async (_, run, vm) => {
    await refusal(() => run(vm));
  });

  it('a valid name that no domain has is looked up, and answered with DomainNotFoundError', async () => {
    for (const name of [META, '..', STRINGS.rtl, STRINGS.emoji]) {
      await expect(manager.startVm(name)).rejects.toBeInstanceOf(DomainNotFoundError);
    }
  });

  const UNKNOWN = 'no-such-vm'; // valid, not tracked: any lookup would show up at the daemon
  it.each([
    ['startVm timeout -1', () => manager.startVm(UNKNOWN, { timeout: -1 }), 'timeout'],
    ['startVm timeout 2**70', () => manager.startVm(UNKNOWN, { timeout: 2 ** 70 }), 'timeout'],
    ['startVm timeout NaN', () => manager.startVm(UNKNOWN, { timeout: Number.NaN }), 'timeout'],
    ["startVm paused 'yes'", () => manager.startVm(UNKNOWN, { paused: 'yes' as never }), 'paused'],
    ['startVm retries 21', () => manager.startVm(UNKNOWN, { retries: 21 }), 'retries'],
    ["startVm syncTime 'yes'", () => manager.startVm(UNKNOWN, { syncTime: 'yes' as never }), 'syncTime'],
    ['resumeVm syncTime 1', () => manager.resumeVm(UNKNOWN, { syncTime: 1 as never }), 'syncTime'],
    ["startVm signal 'stop'", () => manager.startVm(UNKNOWN, { signal: 'stop' as never }), 'signal'],
    ["startVm queue 'yes'", () => manager.startVm(UNKNOWN, { queue: 'yes' as never }), 'queue'],
    ["shutdownVm mode '<&>'", () => manager.shutdownVm(UNKNOWN, { mode: META as never }), 'mode'],
    ["shutdownVm onTimeout 'explode'", () => manager.shutdownVm(UNKNOWN, { onTimeout: 'explode' as never }), 'onTimeout'],
    ['shutdownVm resendEvery -1', () => manager.shutdownVm(UNKNOWN, { resendEvery: -1 }), 'resendEvery'],
    ['shutdownVm forceOffTimeout 1e400', () => manager.shutdownVm(UNKNOWN, { forceOffTimeout: E400 }), 'forceOffTimeout'],
    ["rebootVm fallback 'pray'", () => manager.rebootVm(UNKNOWN, { fallback: 'pray' as never }), 'fallback'],
    ["destroyVm storage '../'", () => manager.destroyVm(UNKNOWN, { storage: '../' as never }), 'storage'],
    ["destroyVm stop 'gently'", () => manager.destroyVm(UNKNOWN, { stop: 'gently' as never }), 'stop'],
    ['destroyVm shutdownTimeout -1', () => manager.destroyVm(UNKNOWN, { shutdownTimeout: -1 }), 'shutdownTimeout'],
    ['destroyVm timeout 2**70', () => manager.destroyVm(UNKNOWN, { timeout: 2 ** 70 }), 'timeout'],
    ['vms.send forceOff retries 21', () => manager.vms.send(UNKNOWN, 'forceOff', { retries: 21 }), 'retries'],
    ["vms.send managedSave startAs 'frozen'", () => manager.vms.send(UNKNOWN, 'managedSave', { startAs: 'frozen' as never }), 'startAs'],
    ["vms.send 'explode'", () => manager.vms.send(UNKNOWN, 'explode' as never), 'command'],
    ["vms.waitFor 'molten'", () => manager.vms.waitFor(UNKNOWN, 'molten' as never, { timeout: 10 }), undefined],
    ["lifecycle.shutdown mode 'agent '", () => manager.lifecycle.shutdown(UNKNOWN, { mode: 'agent ' as never }), 'mode'],
    ["lifecycle.waitForState 'molten'", () => manager.lifecycle.waitForState(UNKNOWN, 'molten' as never), undefined],
    [
      "lifecycle.waitForAddresses sources ['dhcp']",
      () => manager.lifecycle.waitForAddresses(UNKNOWN, { sources: ['dhcp' as never] }),
      'sources',
    ],
    ["lifecycle.waitForAddresses family 'ipx'", () => manager.lifecycle.waitForAddresses(UNKNOWN, { family: 'ipx' as never }), 'family'],
    ['lifecycle.waitForAddresses pollInterval 1', () => manager.lifecycle.waitForAddresses(UNKNOWN, { pollInterval: 1 }), 'pollInterval'],
    ['lifecycle.waitForAgent pollInterval 1', () => manager.lifecycle.waitForAgent(UNKNOWN, { pollInterval: 1 }), 'pollInterval'],
    [
      'lifecycle.setAutostart(vm, { enabled: "yes" })',
      () => manager.lifecycle.setAutostart(UNKNOWN, { enabled: 'yes' } as never),
      'enabled',
    ],
    ['lifecycle.setAutostart(vm, true)', () => manager.lifecycle.setAutostart(UNKNOWN, true as never), 'options'],
    ["destroyer.destroy storage 'everything'", () => manager.destroyer.destroy(UNKNOWN, { storage: 'everything' as never }), 'storage'],
    ['destroyer.finish(null)', () => manager.destroyer.finish(null as never), 'report'],
    ["destroyer.finish({ errors: 'x' })", () => manager.destroyer.finish({ errors: 'x', complete: false } as never), 'report'],
    [
      'destroyer.finish timeout -1',
      () => manager.destroyer.finish({ errors: [], complete: false, domain: { name: UNKNOWN, uuid: UNKNOWN } } as never, { timeout: -1 }),
      'timeout',
    ],
  ] as const)('%s', async (_, run, path) => {
    const error = await refusal(run);
    if (path !== undefined) expect(error.path).toBe(path);
  });

  it('module options are refused when the module is built (nothing to send yet)', () => {
    const conn = manager.connection;
    expect(() => new VmLifecycleManager(conn, { pollInterval: 1 })).toThrow(InvalidArgumentError);
    expect(() => new VmLifecycleManager(conn, { eventGrace: -1 })).toThrow(InvalidArgumentError);
    expect(() => new VmRegistry(conn, { resyncInterval: 2 ** 70 })).toThrow(InvalidArgumentError);
    expect(() => new VmRegistry(conn, { bufferSize: 2 ** 70 })).toThrow(InvalidArgumentError);
    expect(() => manager.vms.changes({ bufferSize: -1 })).toThrow(InvalidArgumentError);
    // getVm never throws, whatever it is given.
    for (const vm of [42, null, {}, BIG, META]) expect(manager.getVm(vm as string)).toBeUndefined();
  });
});

// ---- connection resources and events ----------------------------------------------------------------

describe('connection resources and events', () => {
  const conn = (): LibvirtConnection => manager.connection;
  const vol = { pool: 'default', name: 'v.img', key: '/var/lib/libvirt/images/v.img' };
  const NAMES_REFUSED: [string, unknown][] = [
    ...(['nul', 'control', 'lone', 'big', 'empty', 'traversal', 'slash'] as const).map((l) => [l, STRINGS[l]] as [string, unknown]),
    ...ALL_WRONG.map((l) => [l, WRONG_TYPES[l]] as [string, unknown]),
  ];
  const lookups: [string, (name: unknown) => Promise<unknown>][] = [
    ['domains.lookup', (n) => conn().domains.lookup(n as string)],
    ['domains.getState', (n) => conn().domains.getState(n as string)],
    ['domains.getXml', (n) => conn().domains.getXml(n as string)],
    ['storage.pools.lookup', (n) => conn().storage.pools.lookup(n as string)],
    ['networks.lookup', (n) => conn().networks.lookup(n as string)],
    ['storage.volumes.lookup (name)', (n) => conn().storage.volumes.lookup('default', n as string)],
    ['storage.volumes.lookup (pool)', (n) => conn().storage.volumes.lookup(n as string, 'v.img')],
    ['domains.openConsole', (n) => conn().domains.openConsole(n as string)],
    ['domains.screenshot', (n) => conn().domains.screenshot(n as string)],
    ['domains.setVcpus', (n) => conn().domains.setVcpus(n as string, 1)],
    ['domains.setMemory', (n) => conn().domains.setMemory(n as string, 1024 * 1024)],
    ['domains.getTime', (n) => conn().domains.getTime(n as string)],
    ['domains.setTime', (n) => conn().domains.setTime(n as string, 'rtc')],
    ['domains.openConsole (device)', (n) => conn().domains.openConsole('test', { device: n as string })],
  ];
  it.each(lookups.flatMap(([entry, run]) => NAMES_REFUSED.map(([label, name]) => [`${entry}(${label})`, run, name] as const)))(
    '%s',
    async (_, run, name) => {
      await refusal(() => run(name));
    },
  );

  it.each([
    ['a ".." segment', 'images/../../etc/shadow'],
    ['a leading "/"', '/etc/shadow'],
    ['"."', '.'],
  ])('a volume name with %s is refused, not looked up', async (_, name) => {
    expect((await refusal(() => conn().storage.volumes.lookup('default', name))).path).toBe('name');
  });

  const offsets = ALL_SIZES.map((l) => [l, SIZES[l]] as const);
  it.each(offsets)('volume upload/download offset and length, resize capacity = %s', async (_, value) => {
    expect((await refusal(() => conn().storage.volumes.upload(vol, new Uint8Array(4), { offset: value as number }))).path).toBe('offset');
    expect((await refusal(() => conn().storage.volumes.upload(vol, new Uint8Array(4), { length: value as number }))).path).toBe('length');
    expect((await refusal(() => conn().storage.volumes.download(vol, { offset: value as number }))).path).toBe('offset');
    expect((await refusal(() => conn().storage.volumes.resize(vol, value as number))).path).toBe('capacity');
  });

  it.each([
    ["force 'yes'", { force: 'yes' }, 'force'],
    ['safe 1', { safe: 1 }, 'safe'],
    ['highWaterMark 0', { highWaterMark: 0 }, 'highWaterMark'],
    ['highWaterMark 2**70', { highWaterMark: 2 ** 70 }, 'highWaterMark'],
    ['timeout -1', { timeout: -1 }, 'timeout'],
  ] as const)('domains.openConsole refuses %s', async (_, options, path) => {
    expect((await refusal(() => conn().domains.openConsole('test', options as never))).path).toBe(path);
  });

  it.each([
    ['screen -1', { screen: -1 }, 'screen'],
    ['screen 2**32', { screen: 2 ** 32 }, 'screen'],
    ['maxBytes 0', { maxBytes: 0 }, 'maxBytes'],
    ['timeout NaN', { timeout: Number.NaN }, 'timeout'],
  ] as const)('domains.screenshot refuses %s', async (_, options, path) => {
    expect((await refusal(() => conn().domains.screenshot('test', options as never))).path).toBe(path);
  });

  it.each([
    ['setVcpus count 0', () => conn().domains.setVcpus('test', 0), 'count'],
    ['setVcpus count 1.5', () => conn().domains.setVcpus('test', 1.5), 'count'],
    ["setVcpus live 'yes'", () => conn().domains.setVcpus('test', 1, { live: 'yes' as never }), 'live'],
    ['setMemory 1000 bytes (not whole KiB)', () => conn().domains.setMemory('test', 1000), 'bytes'],
    ['setMemory 2n**70n', () => conn().domains.setMemory('test', 2n ** 70n), 'bytes'],
    ["setMemory '1GiB'", () => conn().domains.setMemory('test', '1GiB' as never), 'bytes'],
    ['setTime Invalid Date', () => conn().domains.setTime('test', new Date(Number.NaN)), 'time'],
    ['setTime nseconds 1e9', () => conn().domains.setTime('test', { seconds: 0, nseconds: 1e9 }), 'time.nseconds'],
    ['setTime seconds -1', () => conn().domains.setTime('test', { seconds: -1 }), 'time.seconds'],
    ["setTime 'now'", () => conn().domains.setTime('test', 'now' as never), 'time'],
    ['getVcpus live and config', () => conn().domains.getVcpus('test', { live: true, config: true }), 'config'],
  ] as const)('%s', async (_, run, path) => {
    expect((await refusal(run)).path).toBe(path);
  });

  it('an upload source that is not bytes', async () => {
    for (const source of [42, 'a string', null, {}]) {
      expect((await refusal(() => conn().storage.volumes.upload(vol, source as never))).path).toBe('source');
    }
  });

  it.each([
    ['an unknown type', { types: ['domain.explode'] }, 'types'],
    ['a type that is not a string', { types: [42] }, 'types'],
    ['XML metacharacters as a type', { types: [META] }, 'types'],
    ['an empty list', { types: [] }, 'types'],
    ['a domain reference without uuid', { domain: { name: 'x' } }, 'domain'],
    ['an empty domain', { domain: '' }, 'domain'],
    ['bufferSize -1', { bufferSize: -1 }, 'bufferSize'],
    ['bufferSize 2**70', { bufferSize: 2 ** 70 }, 'bufferSize'],
    ['bufferSize NaN', { bufferSize: Number.NaN }, 'bufferSize'],
    ["overflow 'explode'", { overflow: 'explode' }, 'overflow'],
  ] as const)('events() refuses %s', async (_, options, path) => {
    expect((await refusal(() => manager.events(options as never))).path).toBe(path);
  });

  it.each(ALL_SIZES.map((l) => [l, SIZES[l]] as const).filter(([, v]) => !(typeof v === 'number' && v >= 0 && v < 2 ** 31)))(
    'a call timeout of %s',
    async (_, timeout) => {
      expect((await refusal(() => conn().host.getHostname({ timeout: timeout as number }))).path).toBe('timeout');
    },
  );
});

// ---- URIs and connection options --------------------------------------------------------------------

describe('URIs and connection options', () => {
  const socket = (): string => encodeURIComponent(daemon.socketPath);
  it.each([
    ['an empty string', () => ''],
    ['plain words', () => 'not a uri'],
    ['an unknown transport', () => `test+carrier-pigeon:///default?socket=${socket()}`],
    ['a host on a unix transport', () => `test+unix://evil.example/default?socket=${socket()}`],
    ['a URI over 64 KiB', () => `test+unix:///default?socket=${socket()}&x=${'x'.repeat(70_000)}`],
    ['a NUL byte', () => `test+unix:///default?socket=${socket()}%00`],
    ['a program to run without allowCommand (ext)', () => 'test+ext:///default?command=/bin/sh'],
    ['a program to run without allowCommand (ssh)', () => 'qemu+ssh://localhost/system?command=/bin/sh'],
    ['a number instead of a URI', () => 42 as unknown as string],
  ])('%s is refused before dialing', async (_, uri) => {
    const clients = daemon.clients.length;
    for (const open of [() => LibvirtConnection.connect(uri()), () => LibvirtManager.connect(uri())]) {
      const error = await open().then(
        (c) => (void c.close(), new Error('connected')),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect([ErrorCode.INVALID_URI, ErrorCode.INVALID_ARGUMENT]).toContain((error as InvalidArgumentError).code);
    }
    expect(daemon.clients.length).toBe(clients);
  });

  it('an invalid URI error names the URI without its password', async () => {
    const error = (await LibvirtConnection.connect('qemu+carrier://root:hunter2@host/system').catch((e: unknown) => e)) as InvalidUriError;
    expect(error).toBeInstanceOf(InvalidUriError);
    expect(`${error.uri} ${error.message}`).not.toContain('hunter2');
  });

  it.each([
    ['reconnect.factor 0.5', { reconnect: { factor: 0.5 } }],
    ['keepalive.interval -1', { keepalive: { interval: -1 } }],
    ['defaultTimeout NaN', { defaultTimeout: Number.NaN }],
    ['defaultTimeout 2**70', { defaultTimeout: 2 ** 70 }],
    ['connectTimeout 1e400', { connectTimeout: E400 }],
    ["whileReconnecting 'panic'", { whileReconnecting: 'panic' }],
    ['connectTimeout 2**70', { connectTimeout: 2 ** 70 }],
    ["signal 'stop'", { signal: 'stop' }],
    ['lifecycle.pollInterval 1', { lifecycle: { pollInterval: 1 } }],
    ['registry.resyncInterval -1', { registry: { resyncInterval: -1 } }],
  ])('LibvirtManager.connect refuses %s before dialing', async (_, options) => {
    const clients = daemon.clients.length;
    const error = await LibvirtManager.connect(daemon.uri, options as never).then(
      (m) => (void m.close(), new Error('connected')),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(daemon.clients.length).toBe(clients);
  });
});

// ---- TLS verifies the server unless asked not to ------------------------------------------------------

describe('qemu+tls verifies certificates unless no_verify=1 or rejectUnauthorized: false is given', () => {
  let dir: string;
  let tls: TestTlsServer;
  let port: number;
  const inline = { ca: '', cert: '', key: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lvm-badtls-'));
    // A self-signed server certificate that no CA the client knows has signed.
    selfSignedServer(dir);
    selfSigned(dir, 'ca', '/CN=some other CA');
    inline.ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    inline.cert = readFileSync(join(dir, 'ca.pem'), 'utf8');
    inline.key = readFileSync(join(dir, 'ca.key'), 'utf8');
    // TLS in front of the fake daemon: a connection that gets through the handshake reaches it.
    tls = await startTlsServer(dir, daemon.socketPath);
    port = tls.port;
  });

  afterAll(async () => {
    await tls.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the options libvirt-manager gives tls.connect verify by default', async () => {
    const parse = (q = ''): ReturnType<typeof parseLibvirtUri> => parseLibvirtUri(`qemu+tls://kvm1.example/system${q}`);
    expect((await resolveTlsConnectOptions(parse(), inline)).rejectUnauthorized).toBe(true);
    expect((await resolveTlsConnectOptions(parse('?no_verify=0'), inline)).rejectUnauthorized).toBe(true);
    expect((await resolveTlsConnectOptions(parse('?no_verify=1'), inline)).rejectUnauthorized).toBe(false);
    expect((await resolveTlsConnectOptions(parse(), { ...inline, rejectUnauthorized: false })).rejectUnauthorized).toBe(false);
    // An explicit option wins over the URI, both ways.
    expect((await resolveTlsConnectOptions(parse('?no_verify=1'), { ...inline, rejectUnauthorized: true })).rejectUnauthorized).toBe(true);
    expect((await resolveTlsConnectOptions(parse(), inline)).servername).toBe('kvm1.example');
  });

  it('a server whose certificate the CA did not sign is refused with a TransportError', async () => {
    const error = await LibvirtConnection.connect(`test+tls://127.0.0.1:${port}/default`, {
      tls: { ca: inline.ca },
      reconnect: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/certificate .* was rejected/);
  });

  it('no_verify=1 turns verification off: the same server is then reached', async () => {
    const conn = await LibvirtConnection.connect(`test+tls://127.0.0.1:${port}/default?no_verify=1`, {
      tls: { ca: inline.ca },
      reconnect: false,
      keepalive: false,
    });
    expect((await conn.host.getLibVersion()).text).toBe('9.0.0');
    await conn.close();
  });

  it('so does tls.rejectUnauthorized: false, given explicitly', async () => {
    const conn = await LibvirtConnection.connect(`test+tls://127.0.0.1:${port}/default`, {
      tls: { ca: inline.ca, rejectUnauthorized: false },
      reconnect: false,
      keepalive: false,
    });
    expect((await conn.host.getLibVersion()).text).toBe('9.0.0');
    await conn.close();
  });
});

// ---- legitimate values round-trip escaped (real test driver) ------------------------------------------

describe('legitimate values round-trip escaped through a real libvirtd (test driver)', () => {
  let real: LibvirtManager;
  beforeAll(async () => {
    real = await LibvirtManager.connect(TEST_URI);
  });
  afterAll(async () => {
    await real?.close();
  });

  it('metacharacters, RTL, emoji and CDATA ends in title, description, paths, volume names and a graphics password', async () => {
    const name = uniqueName('roundtrip');
    const title = `${META} ${STRINGS.rtl} ${STRINGS.emoji} ../../etc/passwd`;
    const description = `line one ${META}\nline two ]]> ${STRINGS.emoji}\t`;
    const volume = `${name}-${META.replace(/\//g, '')}${STRINGS.emoji}.img`;
    const path = `/srv/${META}${STRINGS.rtl}.img`;
    const password = `p${META}${STRINGS.emoji}`;
    const cmdline = `console=ttyS0 x="${META}"`;
    const { domain } = await real.createVm({
      name,
      memory: '64MiB',
      virtType: 'test',
      title,
      description,
      disks: [
        { kind: 'new', pool: 'default-pool', name: volume, size: '1MiB', format: 'raw' },
        { kind: 'existing', path },
      ],
      // SPICE: VNC passwords are at most 8 bytes (libvirt refuses longer ones; the SDK before sending).
      graphics: { type: 'spice', password },
      boot: { kernel: `/boot/${META}`, cmdline },
    });
    try {
      const xml = await real.connection.domains.getXml(domain, { secure: true });
      const model = parseDomainXml(xml);
      expect(model.title).toBe(title);
      expect(model.description).toBe(description);
      expect(model.os?.cmdline).toBe(cmdline);
      expect(model.os?.kernel).toBe(`/boot/${META}`);
      const sources = (model.devices?.disks ?? []).map((d) => d.source?.file);
      expect(sources).toContain(path);
      expect(sources.some((s) => s?.endsWith(volume))).toBe(true);
      expect(model.devices?.graphics?.[0]?.passwd).toBe(password);
      const owned = parseOwnership(xml);
      expect(owned?.volumes.map((v) => v.name)).toContain(volume);
      // And the volume exists under exactly that name.
      expect((await real.connection.storage.volumes.lookup('default-pool', volume)).name).toBe(volume);
    } finally {
      const report = await real.destroyVm(domain, { storage: 'owned', stop: 'force' });
      expect(report.complete).toBe(true);
    }
  });

  it('fields that each fit but together make the XML longer than 4 MiB: refused before anything is made', async () => {
    const name = uniqueName('toolong');
    const volumesBefore = (await real.connection.storage.volumes.list('default-pool')).length;
    const error = await real
      .createVm({
        name,
        memory: '64MiB',
        virtType: 'test',
        title: 'x'.repeat(2 * 1024 * 1024),
        description: 'y'.repeat(3 * 1024 * 1024),
        disks: [{ kind: 'new', pool: 'default-pool', size: '1MiB' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).path).toBe('spec');
    expect(await real.connection.domains.exists(name)).toBe(false);
    expect((await real.connection.storage.volumes.list('default-pool')).length).toBe(volumesBefore);
  });
});
