/**
 * Hostile and stuck daemons against the in-process fake daemon (issue 13,
 * items 4, 5 and 8a): leaving a stream while back-pressure holds the socket
 * paused, an abort the daemon never confirms, a PING flood from a daemon that
 * never reads, calls abandoned by the thousand, headers with the wrong
 * protocol version. The stream cases against the real libvirtd are in
 * tests/integration/connection/stream-abort.test.ts; a SCRAM server asking for
 * absurd work (item 8f) is in scram-iterations.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setMaxListeners } from 'node:events';
import type { Socket } from 'node:net';
import { AbortError, ConnectionClosedError, ProtocolError, TimeoutError } from '../../../src/errors/index.js';
import { MAX_ABANDONED_CALLS, type RpcClient } from '../../../src/rpc/client.js';
import { KEEPALIVE_BACKLOG_LIMIT } from '../../../src/rpc/keepalive.js';
import { KEEPALIVE_PROGRAM, MessageStatus, MessageType, REMOTE_PROGRAM } from '../../../src/rpc/protocol/constants.js';
import type { MessageHeader } from '../../../src/rpc/protocol/header.js';
import { encodePacket, encodeRawPacket } from '../../../src/rpc/protocol/packet.js';
import type { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { DOWNLOAD, LIB_VERSION, LIFECYCLE_EVENT, LOOKUP, fakePair, vol } from '../../helpers/fake.js';

let daemon: FakeLibvirtDaemon;
let client: RpcClient;
let socket: Socket;
let dispose: (() => Promise<void>) | undefined;

async function setup(options: Parameters<typeof fakePair>[0] = {}): Promise<void> {
  ({ daemon, client, socket, dispose } = await fakePair(options));
  daemon.handle(LIB_VERSION, () => ({ ok: { lib_ver: 9_000_000n } }));
}

afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

const dom = { name: 'vm', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', id: 3 };
const downloadArgs = { vol, offset: 0n, length: 0n, flags: 0 };

/** `promise`, or a failure naming `what` after a generous deadline (a hang is the bug, not slowness). */
async function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The next `close` of the client. */
function closed(): Promise<ConnectionClosedError> {
  return new Promise((resolve) => client.once('close', resolve));
}

/** A packet with an arbitrary header and raw payload. */
function raw(header: MessageHeader, payload: Buffer = Buffer.alloc(0)): Buffer {
  return encodeRawPacket(header, payload);
}

/**
 * A download whose daemon sends `chunks` × 256 KiB at once, then waits; the
 * client's stream pauses the socket past `highWaterMark`. Returns the stream
 * packets the client sent (statuses) and the serial.
 */
async function pausedDownload(options: { confirmAbort: boolean; chunks?: number }): Promise<{
  stream: Awaited<ReturnType<RpcClient['openStream']>>;
  fromClient: number[];
  serial: () => number;
}> {
  const fromClient: number[] = [];
  let serial = 0;
  daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
    serial = header.serial;
    setImmediate(() => {
      for (let i = 0; i < (options.chunks ?? 32); i++) {
        c.sendStream({ proc: DOWNLOAD.proc, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, Buffer.alloc(256 * 1024, i));
      }
    });
    return { ok: undefined };
  });
  daemon.onStream((h, _p, c) => {
    fromClient.push(h.status);
    if (options.confirmAbort) c.sendStream({ proc: DOWNLOAD.proc, serial: h.serial, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
  });
  const stream = await client.openStream(DOWNLOAD, downloadArgs, { highWaterMark: 512 * 1024 });
  // The consumer does not read: back-pressure pauses the socket.
  await expect.poll(() => socket.isPaused(), { timeout: 10_000 }).toBe(true);
  return { stream, fromClient, serial: () => serial };
}

describe('leaving a stream while back-pressure holds the socket paused (issue 13, item 4)', () => {
  it('break out of for-await: the abort is confirmed and the connection stays usable', async () => {
    await setup();
    const { stream, fromClient } = await pausedDownload({ confirmAbort: true });
    const leaving = (async () => {
      for await (const chunk of stream) {
        expect(chunk.length).toBe(256 * 1024);
        break;
      }
    })();
    await within(leaving, 'leaving the for-await loop');
    expect(stream.closed).toBe(true);
    expect(fromClient).toEqual([MessageStatus.VIR_NET_ERROR]);
    expect(socket.isPaused()).toBe(false);
    await expect(within(client.call(LIB_VERSION, undefined), 'a call after the abort')).resolves.toEqual({ lib_ver: 9_000_000n });
    expect(client.closed).toBe(false);
  });

  it('an abort the daemon never confirms is released after its deadline; late packets of that serial are dropped', async () => {
    await setup();
    const { stream, serial } = await pausedDownload({ confirmAbort: false });
    await within(stream.abort({ timeout: 200 }), 'abort with a 200 ms deadline');
    expect(stream.closed).toBe(true);
    expect(client.closed).toBe(false);
    // The daemon wakes up: more data and the confirmation arrive for a stream we no longer have.
    const c = daemon.clients[0]!;
    c.sendStream({ proc: DOWNLOAD.proc, serial: serial(), status: MessageStatus.VIR_NET_CONTINUE }, Buffer.alloc(1000));
    c.sendStream({ proc: DOWNLOAD.proc, serial: serial(), status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
    // Even one with a wrong version: it matches no stream, so it is dropped, as libvirt's client does.
    c.sendRaw(
      raw(
        {
          prog: REMOTE_PROGRAM,
          vers: 9,
          proc: DOWNLOAD.proc,
          type: MessageType.VIR_NET_STREAM,
          serial: serial(),
          status: MessageStatus.VIR_NET_CONTINUE,
        },
        Buffer.alloc(4),
      ),
    );
    await expect(within(client.call(LIB_VERSION, undefined), 'a call after the released abort')).resolves.toEqual({ lib_ver: 9_000_000n });
    expect(client.closed).toBe(false);
  });

  it('abort() refuses a timeout out of range', async () => {
    await setup();
    const { stream } = await pausedDownload({ confirmAbort: true, chunks: 4 });
    await expect(stream.abort({ timeout: -1 })).rejects.toMatchObject({ code: 'ERR_LIBVIRT_INVALID_ARGUMENT', path: 'timeout' });
    await within(stream.abort(), 'abort');
  });
});

describe('a daemon that floods keepalive PINGs and never reads (issue 13, item 5a)', () => {
  it('does not queue PONGs past the write-buffer cap, and the link still works once the daemon reads', async () => {
    let marker = 0;
    await setup({ onMessage: () => marker++ });
    const c = daemon.clients[0]!;
    c.stopReading();
    // 200,000 PINGs (5.6 MB): unbounded, that is 200,000 PONGs queued in our write buffer.
    for (let i = 0; i < 20; i++) c.ping(10_000);
    daemon.broadcast(LIFECYCLE_EVENT, { callbackID: 1, msg: { dom, event: 2, detail: 0 } });
    // The event comes after every PING: once it is seen, every PING was handled.
    await expect.poll(() => marker, { timeout: 15_000 }).toBe(1);
    expect(socket.writableLength).toBeLessThanOrEqual(KEEPALIVE_BACKLOG_LIMIT + 28);
    c.resumeReading();
    await expect(within(client.call(LIB_VERSION, undefined), 'a call once the daemon reads again')).resolves.toEqual({
      lib_ver: 9_000_000n,
    });
    expect(c.keepalive.pongs).toBeGreaterThan(0);
    expect(client.closed).toBe(false);
  });
});

describe('calls given up on (issue 13, item 5b)', () => {
  /** LOOKUP hangs until released; returns the release functions, one per call received. */
  function holdLookups(
    reply: (header: MessageHeader) => { ok: { dom: typeof dom } } | { raw: Buffer } = () => ({ ok: { dom } }),
  ): Array<() => void> {
    const releases: Array<() => void> = [];
    daemon.handle(LOOKUP, (_a, { header }) => new Promise((resolve) => releases.push(() => resolve(reply(header)))));
    return releases;
  }

  it('leave the pending table at once; their late replies are checked and dropped', async () => {
    await setup();
    const releases = holdLookups();
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    const n = 1000;
    const aborted = Array.from({ length: n }, () =>
      client.call(LOOKUP, { name: 'vm' }, { signal: controller.signal }).catch((e: unknown) => e),
    );
    const timedOut = Array.from({ length: n }, () => client.call(LOOKUP, { name: 'vm' }, { timeout: 50 }).catch((e: unknown) => e));
    await expect.poll(() => releases.length, { timeout: 10_000 }).toBe(2 * n);
    controller.abort();
    expect((await Promise.all(aborted)).every((e) => e instanceof AbortError)).toBe(true);
    expect((await Promise.all(timedOut)).every((e) => e instanceof TimeoutError)).toBe(true);
    expect(client.pendingCalls).toBe(0);
    expect(client.abandonedCalls).toBe(2 * n);
    for (const release of releases) release();
    await expect.poll(() => client.abandonedCalls, { timeout: 10_000 }).toBe(0);
    expect(client.closed).toBe(false);
    await expect(client.call(LIB_VERSION, undefined)).resolves.toEqual({ lib_ver: 9_000_000n });
  });

  it(`past ${MAX_ABANDONED_CALLS} unanswered, the link is declared broken with a ConnectionClosedError`, async () => {
    await setup();
    const releases = holdLookups();
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    const live = client.call(LOOKUP, { name: 'vm' }).catch((e: unknown) => e);
    const abandoned = Array.from({ length: MAX_ABANDONED_CALLS + 1 }, () =>
      client.call(LOOKUP, { name: 'vm' }, { signal: controller.signal }).catch((e: unknown) => e),
    );
    await expect.poll(() => releases.length, { timeout: 15_000 }).toBe(MAX_ABANDONED_CALLS + 2);
    const closing = closed();
    controller.abort();
    expect((await Promise.all(abandoned)).every((e) => e instanceof AbortError)).toBe(true);
    const error = await closing;
    expect(error.reason).toBe('unresponsive');
    expect(error.message).toMatch(/unanswered/);
    expect(await live).toBeInstanceOf(ConnectionClosedError);
    expect(client.pendingCalls).toBe(0);
    expect(client.abandonedCalls).toBe(0);
  });

  it('a late reply that does not match its abandoned call is still a protocol violation', async () => {
    await setup();
    const releases = holdLookups((h) => ({
      raw: raw({ ...h, vers: 2, type: MessageType.VIR_NET_REPLY, status: MessageStatus.VIR_NET_OK }),
    }));
    const call = client.call(LOOKUP, { name: 'vm' }, { timeout: 20 }).catch((e: unknown) => e);
    await expect.poll(() => releases.length).toBe(1);
    expect(await call).toBeInstanceOf(TimeoutError);
    const closing = closed();
    releases[0]!();
    const error = await closing;
    expect(error.reason).toBe('protocol');
    expect(error.cause).toBeInstanceOf(ProtocolError);
    expect((error.cause as Error).message).toMatch(/version 2/);
  });
});

describe('the protocol version field (issue 13, item 8a)', () => {
  it('a reply with the wrong version closes the connection (libvirt matches replies on program, version and serial)', async () => {
    await setup();
    daemon.handle(LIB_VERSION, (_a, { header }) => ({
      raw: raw({ ...header, vers: 2, type: MessageType.VIR_NET_REPLY, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(8)),
    }));
    const error = await client.call(LIB_VERSION, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).reason).toBe('protocol');
    expect((error as ConnectionClosedError).cause).toBeInstanceOf(ProtocolError);
    expect(((error as ConnectionClosedError).cause as Error).message).toMatch(/version 2, expected 1/);
  });

  it('an event with the wrong version closes the connection and is not delivered', async () => {
    const seen: number[] = [];
    await setup({ onMessage: (h) => seen.push(h.proc) });
    const closing = closed();
    daemon.clients[0]!.sendRaw(
      encodePacket(
        {
          prog: REMOTE_PROGRAM,
          vers: 2,
          proc: LIFECYCLE_EVENT.proc,
          type: MessageType.VIR_NET_MESSAGE,
          serial: 1,
          status: MessageStatus.VIR_NET_OK,
        },
        LIFECYCLE_EVENT.msg,
        { callbackID: 1, msg: { dom, event: 2, detail: 0 } },
        'event',
      ),
    );
    expect((await closing).reason).toBe('protocol');
    expect(seen).toEqual([]);
  });

  it('a keepalive PING with the wrong version is not answered: it closes the connection', async () => {
    await setup();
    const closing = closed();
    daemon.clients[0]!.sendRaw(
      raw({ prog: KEEPALIVE_PROGRAM, vers: 2, proc: 1, type: MessageType.VIR_NET_MESSAGE, serial: 0, status: MessageStatus.VIR_NET_OK }),
    );
    expect((await closing).reason).toBe('protocol');
    expect(daemon.clients[0]!.keepalive.pongs).toBe(0);
  });

  it('a stream packet with the wrong version for an open stream closes the connection (never data lost unnoticed)', async () => {
    await setup();
    daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
      setImmediate(() =>
        c.sendRaw(
          raw({ ...header, vers: 2, type: MessageType.VIR_NET_STREAM, status: MessageStatus.VIR_NET_CONTINUE }, Buffer.from('data')),
        ),
      );
      return { ok: undefined };
    });
    const stream = await client.openStream(DOWNLOAD, downloadArgs);
    const error = await stream.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).reason).toBe('protocol');
  });
});
