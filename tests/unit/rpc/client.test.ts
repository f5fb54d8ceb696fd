import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECT_CLOSE } from '../../../src/rpc/protocol/procedures/connect.js';
import {
  AbortError,
  ConnectionClosedError,
  DomainNotFoundError,
  InvalidArgumentError,
  LibvirtError,
  ProtocolError,
  TimeoutError,
  UnsupportedError,
} from '../../../src/errors/index.js';
import type { RpcClient } from '../../../src/rpc/client.js';
import type { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { LIB_VERSION, LIFECYCLE_EVENT, LOOKUP, fakePair } from '../../helpers/fake.js';

let daemon: FakeLibvirtDaemon;
let client: RpcClient;
let dispose: (() => Promise<void>) | undefined;

async function setup(options: Parameters<typeof fakePair>[0] = {}, daemonOptions: object = {}): Promise<void> {
  ({ daemon, client, dispose } = await fakePair(options, daemonOptions));
}

afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

const dom = { name: 'vm', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', id: 3 };

describe('RpcClient against the fake daemon', () => {
  it("runs the handshake in libvirt's order, without the feature probes after the open, and calls a procedure", async () => {
    await setup();
    daemon.handle(LIB_VERSION, () => ({ ok: { lib_ver: 9_000_000n } }));
    await expect(client.call(LIB_VERSION, undefined)).resolves.toEqual({ lib_ver: 9_000_000n });
    expect(daemon.clients[0]!.calls.map((c) => c.proc)).toEqual([66, 1, 157]); // AUTH_LIST, CONNECT_OPEN (keepalive off here), the call
  });

  it('matches out-of-order replies by serial', async () => {
    await setup();
    daemon.handle(LOOKUP, async ({ name }) => {
      // Later calls answer first.
      await new Promise((r) => setTimeout(r, 50 - Number(name.slice(2)) * 10));
      return { ok: { dom: { ...dom, name } } };
    });
    const names = ['vm0', 'vm1', 'vm2', 'vm3', 'vm4'];
    const results = await Promise.all(names.map((name) => client.call(LOOKUP, { name })));
    expect(results.map((r) => r.dom.name)).toEqual(names);
  });

  it('pipelines many calls on one socket', async () => {
    await setup();
    let n = 0;
    daemon.handle(LIB_VERSION, () => ({ ok: { lib_ver: BigInt(++n) } }));
    const results = await Promise.all(Array.from({ length: 2000 }, () => client.call(LIB_VERSION, undefined)));
    expect(new Set(results.map((r) => r.lib_ver)).size).toBe(2000);
  });

  it('decodes a libvirt error with every field, as the most specific class', async () => {
    await setup();
    daemon.handle(LOOKUP, () => ({
      error: {
        code: 42,
        domain: 12,
        message: "Domain not found: no domain with matching name 'x'",
        str1: 'a',
        str2: 'b',
        str3: 'c',
        int1: 7,
        int2: -1,
        level: 2,
      },
    }));
    const error = await client.call(LOOKUP, { name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainNotFoundError);
    expect(error).toBeInstanceOf(LibvirtError);
    const e = error as LibvirtError;
    expect(e.code).toBe(42);
    expect(e.codeName).toBe('VIR_ERR_NO_DOMAIN');
    expect(e.domainName).toBe('VIR_FROM_TEST');
    expect(e.levelName).toBe('VIR_ERR_ERROR');
    expect([e.str1, e.str2, e.str3, e.int1, e.int2]).toEqual(['a', 'b', 'c', 7, -1]);
    expect(e.procedure).toEqual({ program: 0x20008086, proc: 23, name: 'DOMAIN_LOOKUP_BY_NAME' });
    expect(e.isNotFound).toBe(true);
    // int1 is an errno only for a failed system call (SYSTEM_ERROR).
    expect([e.errno, e.isTemporary]).toEqual([undefined, false]);
    // The stack points at this test, not at the socket reader.
    expect(e.stack).toContain('client.test.ts');
  });

  it('a failed system call in the daemon carries its errno; EAGAIN and EINTR are temporary', async () => {
    await setup();
    const cases: [number, boolean][] = [
      [11, true],
      [4, true],
      [13, false],
      [-1, false],
    ];
    for (const [errno, temporary] of cases) {
      daemon.handle(LOOKUP, () => ({
        error: {
          code: 38,
          domain: 10,
          message: 'failed to load cgroup BPF prog',
          str1: null,
          str2: null,
          str3: null,
          int1: errno,
          int2: -1,
          level: 2,
        },
      }));
      const e = (await client.call(LOOKUP, { name: 'x' }).catch((error: unknown) => error)) as LibvirtError;
      expect([e.codeName, e.errno, e.isTemporary]).toEqual(['VIR_ERR_SYSTEM_ERROR', errno > 0 ? errno : undefined, temporary]);
    }
  });

  it('maps an unknown procedure to UnsupportedError by code', async () => {
    await setup();
    const error = await client.call(LIB_VERSION, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).remote?.code).toBe(39);
  });

  it('never sends a call whose signal is already aborted', async () => {
    await setup();
    daemon.handle(LIB_VERSION, () => ({ ok: { lib_ver: 1n } }));
    const before = daemon.clients[0]!.calls.length;
    await expect(client.call(LIB_VERSION, undefined, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    await client.call(LIB_VERSION, undefined);
    expect(daemon.clients[0]!.calls.length).toBe(before + 1);
  });

  it('rejects on abort after sending and drops the late reply', async () => {
    await setup();
    let release: () => void = () => undefined;
    daemon.handle(LOOKUP, () => new Promise((resolve) => (release = () => resolve({ ok: { dom } }))));
    const controller = new AbortController();
    const pending = client.call(LOOKUP, { name: 'vm' }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    release();
    daemon.handle(LIB_VERSION, () => ({ ok: { lib_ver: 5n } }));
    await expect(client.call(LIB_VERSION, undefined)).resolves.toEqual({ lib_ver: 5n });
    expect(client.closed).toBe(false);
    expect(client.pendingCalls).toBe(0);
  });

  it('times out a call and keeps the connection usable', async () => {
    await setup();
    let release: () => void = () => undefined;
    daemon.handle(LOOKUP, () => new Promise((resolve) => (release = () => resolve({ ok: { dom } }))));
    const error = await client.call(LOOKUP, { name: 'vm' }, { timeout: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('ERR_LIBVIRT_TIMEOUT');
    release();
    daemon.handle(LIB_VERSION, () => ({ ok: { lib_ver: 6n } }));
    await expect(client.call(LIB_VERSION, undefined)).resolves.toEqual({ lib_ver: 6n });
  });

  it('refuses invalid arguments before sending anything', async () => {
    await setup();
    const before = daemon.clients[0]!.calls.length;
    await expect(client.call(LOOKUP, { name: 42 as unknown as string })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.call(LOOKUP, { name: 'x'.repeat(4 * 1024 * 1024 + 1) })).rejects.toThrow(/exceeds the maximum/);
    expect(daemon.clients[0]!.calls.length).toBe(before);
  });

  it.each([
    ['a length below 28', Buffer.from('00000004', 'hex')],
    ['an oversized length', Buffer.from('7fffffff', 'hex')],
    ['an invalid message type', Buffer.from('0000001c2000808600000001000000170000000900000009' + '00000000', 'hex')],
    ['a reply for an unknown serial', Buffer.from('0000001c20008086000000010000009d00000001' + '0000ffff' + '00000000', 'hex')],
  ])('fails closed on %s: pending calls reject with ConnectionClosedError', async (_name, garbage) => {
    await setup();
    daemon.handle(LOOKUP, () => ({ hang: true }));
    const pending = [client.call(LOOKUP, { name: 'a' }), client.call(LOOKUP, { name: 'b' })];
    await new Promise((r) => setTimeout(r, 20));
    daemon.clients[0]!.sendRaw(garbage);
    for (const p of pending) {
      const error = await p.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as ConnectionClosedError).reason).toBe('protocol');
      expect((error as ConnectionClosedError).cause).toBeInstanceOf(ProtocolError);
    }
    expect(client.closed).toBe(true);
    await expect(client.call(LIB_VERSION, undefined)).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('rejects every pending call when the socket is lost', async () => {
    await setup();
    daemon.handle(LOOKUP, () => ({ hang: true }));
    const closed = new Promise<ConnectionClosedError>((resolve) => client.once('close', resolve));
    const pending = Array.from({ length: 50 }, (_, i) => client.call(LOOKUP, { name: `vm${i}` }).catch((e: unknown) => e));
    await new Promise((r) => setTimeout(r, 20));
    daemon.dropClients();
    for (const error of await Promise.all(pending)) {
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as ConnectionClosedError).reason).toBe('eof');
    }
    expect((await closed).reason).toBe('eof');
  });

  it('answers the daemon keepalive PING with a PONG', async () => {
    await setup();
    daemon.clients[0]!.ping();
    await expect.poll(() => daemon.clients[0]!.keepalive.pongs).toBe(1);
  });

  it('declares the link dead after interval × count without traffic', async () => {
    await setup({ keepalive: false }, { answerPings: false });
    daemon.handle(LOOKUP, () => ({ hang: true }));
    const pending = client.call(LOOKUP, { name: 'vm' }).catch((e: unknown) => e);
    daemon.clients[0]!.freeze();
    client.startKeepalive({ interval: 20, count: 3 });
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).reason).toBe('keepalive');
  });

  it('keeps an idle link alive while the daemon answers pings', async () => {
    await setup();
    client.startKeepalive({ interval: 20, count: 2 });
    await new Promise((r) => setTimeout(r, 200));
    expect(client.closed).toBe(false);
    expect(daemon.clients[0]!.keepalive.pings).toBeGreaterThan(0);
  });

  it('routes event messages to the hook, by program and procedure', async () => {
    const seen: unknown[] = [];
    await setup({ onMessage: (header, payload) => seen.push([header.proc, header.serial, payload.length]) });
    daemon.broadcast(LIFECYCLE_EVENT, { callbackID: 1, msg: { dom, event: 2, detail: 0 } });
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toEqual([318, 1, expect.any(Number)]);
  });

  it('close() lets calls in flight finish, says CONNECT_CLOSE, then refuses new calls', async () => {
    await setup();
    daemon.handle(LOOKUP, async () => {
      await new Promise((r) => setTimeout(r, 30));
      return { ok: { dom } };
    });
    const inFlight = client.call(LOOKUP, { name: 'vm' });
    const closing = client.close();
    await expect(client.call(LIB_VERSION, undefined)).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(inFlight).resolves.toEqual({ dom });
    await closing;
    expect(daemon.clients[0]!.calls.at(-1)?.proc).toBe(2);
    expect(client.closeError?.reason).toBe('client');
    await client.close(); // idempotent
  });

  it('close() tears down at its deadline when CONNECT_CLOSE is never answered (timeout 0 included)', async () => {
    for (const timeout of [50, 0]) {
      await setup();
      daemon.handle(CONNECT_CLOSE, () => ({ hang: true }));
      const started = Date.now();
      await client.close({ timeout });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(client.closeError?.reason).toBe('client');
      await dispose?.();
      dispose = undefined;
    }
  });

  it("close() tears down at once when the caller's signal aborts, leaving no listener on it", async () => {
    await setup();
    daemon.handle(CONNECT_CLOSE, () => ({ hang: true }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await client.close({ signal: controller.signal, timeout: 60_000 });
    expect(client.closeError?.reason).toBe('client');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('destroy() rejects pending calls at once', async () => {
    await setup();
    daemon.handle(LOOKUP, () => ({ hang: true }));
    const pending = client.call(LOOKUP, { name: 'vm' });
    client.destroy();
    await expect(pending).rejects.toMatchObject({ reason: 'client' });
    client.destroy(); // idempotent
  });

  it('instanceof survives a second copy of the error classes', async () => {
    // A foreign copy: same kinds under the shared Symbol.for brand.
    const foreign = Object.assign(new Error('x'), { [Symbol.for('libvirt-manager.error.kinds')]: ['TimeoutError', 'LibvirtManagerError'] });
    expect(foreign).toBeInstanceOf(TimeoutError);
    expect(foreign).not.toBeInstanceOf(AbortError);
  });
});
