/**
 * Leaving a stream early while back-pressure holds the socket paused, against
 * the real libvirtd (issue 13, item 4): a volume download on qemu:///system
 * (the test driver has no STORAGE_VOL_DOWNLOAD) whose consumer stops reading
 * for a few seconds and then breaks out of its loop, and a console destroyed
 * while nobody read its output. Before the fix the abort waited for the
 * daemon's confirmation on a socket it had paused itself: forever without
 * keepalive, ~25 s with it (then the link was declared dead). The hostile
 * variants (a daemon that never confirms) are in tests/unit/rpc/hostile-daemon.test.ts.
 * Also: a download aborted mid-way by someone other than its reader (a signal
 * handler) ends the reader's loop with the AbortError, never as a clean end
 * (tests/unit/rpc/stream-abort.test.ts has the exact timings).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors/index.js';
import { LibvirtConnection, type StorageVolRef } from '../../../src/connection/internal.js';
import { type RunningGuest, startTransientGuest } from '../../helpers/guest.js';
import { QEMU_URI, sleep } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';

/** `promise`, or a failure naming `what` after a generous deadline (a hang is the bug, not slowness). */
async function within<T>(promise: Promise<T>, what: string, ms: number): Promise<T> {
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

/** Resolve once `check()` holds, polling; fail after `ms`. */
async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not reached after ${ms} ms`);
    await sleep(20);
  }
}

/** libvirt-manager's default stream high-water mark (RpcStreamOptions.highWaterMark). */
const DOWNLOAD_HIGH_WATER_MARK = 4 * 1024 * 1024;

describe('a volume download left early while the socket is paused (qemu:///system)', () => {
  /** Sets up and cleans up: always usable, whatever happens to `conn`. */
  let admin: LibvirtConnection;
  /** The connection under test. */
  let conn: LibvirtConnection;
  let pool: TempPool;
  let vol: StorageVolRef;

  beforeAll(async () => {
    admin = await LibvirtConnection.connect(QEMU_URI);
    pool = await tempPool(admin, 'abort');
    vol = await admin.storage.volumes.create(pool.name, `<volume><name>data.raw</name><capacity unit='MiB'>64</capacity></volume>`);
    // Keepalive off: without the fix nothing would ever end the wait.
    conn = await LibvirtConnection.connect(QEMU_URI, { keepalive: false, reconnect: false });
  });

  afterAll(async () => {
    // A hung abort (the bug) would hang close() too: destroy.
    conn?.destroy();
    await pool?.remove();
    await admin?.close();
  });

  it('break returns, the daemon released the volume, and the next call on the connection succeeds', async () => {
    const lost: unknown[] = [];
    conn.on('reconnecting', (event) => lost.push(event));
    const stream = await conn.storage.volumes.download(vol);
    const leaving = (async () => {
      for await (const chunk of stream) {
        expect(chunk.length).toBeGreaterThan(0);
        // Stop reading: the stream buffers past its high-water mark and pauses the socket.
        await until(() => stream.bytesReceived > DOWNLOAD_HIGH_WATER_MARK, 'back-pressure');
        await sleep(3_000);
        break;
      }
    })();
    await within(leaving, 'leaving the for-await loop', 60_000);
    expect(stream.closed).toBe(true);
    await expect(within(conn.host.getLibVersion(), 'a call after the abort', 30_000)).resolves.toMatchObject({ major: expect.any(Number) });
    // The daemon let go of the stream: a new download of the same volume reads to the end.
    let bytes = 0;
    for await (const chunk of await conn.storage.volumes.download(vol, { length: 1024 * 1024 })) bytes += chunk.length;
    expect(bytes).toBe(1024 * 1024);
    expect(conn.state).toBe('open');
    expect(lost).toEqual([]);
  });

  it('aborted mid-way from a signal handler: the reader gets the AbortError with the reason, never a clean end', async () => {
    const stream = await conn.storage.volumes.download(vol);
    const controller = new AbortController();
    let aborted: { at: number; confirmedMs: Promise<number> } | undefined;
    controller.signal.addEventListener('abort', () => {
      const start = performance.now();
      aborted = {
        at: stream.bytesReceived,
        confirmedMs: stream.abort({ reason: controller.signal.reason }).then(() => performance.now() - start),
      };
    });
    let read = 0;
    const outcome = await (async () => {
      for await (const chunk of stream) {
        read += chunk.length;
        if (read >= 1024 * 1024) controller.abort(new Error('operator cancelled'));
      }
      return 'complete';
    })().catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(AbortError);
    expect(((outcome as AbortError).cause as Error).message).toBe('operator cancelled');
    const confirmedMs = await within(aborted!.confirmedMs, 'the abort', 30_000);
    expect(read).toBeLessThan(64 * 1024 * 1024);
    expect(stream.closed).toBe(true);
    await expect(stream.finish()).rejects.toBeInstanceOf(AbortError);
    console.log(
      `download aborted after ${read} bytes read (${aborted!.at} received when aborted); ` +
        `libvirtd confirmed the abort in ${confirmedMs.toFixed(1)} ms`,
    );
    // The connection carries on: a new download of the same volume reads to its end.
    let bytes = 0;
    for await (const chunk of await conn.storage.volumes.download(vol, { length: 1024 * 1024 })) bytes += chunk.length;
    expect(bytes).toBe(1024 * 1024);
  });
});

describe('a console destroyed while nobody reads it (qemu:///system, real guest)', () => {
  let running: RunningGuest;

  beforeAll(async () => {
    running = await startTransientGuest('abort-console');
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('destroy() ends the console and the connection keeps working', async () => {
    const { conn, vm } = running;
    const highWaterMark = 1024;
    const console = await conn.domains.openConsole(vm, { device: 'serial0', highWaterMark });
    console.on('error', () => undefined);
    const ended = new Promise<void>((resolve) => console.once('close', () => resolve()));
    // Nobody reads the console: what the guest echoes piles up past the high-water mark and pauses the socket.
    for (let i = 0; i < 40; i++) console.write(`${'x'.repeat(100)}-${i}\n`);
    await until(() => console.bytesReceived > highWaterMark, 'guest output past the high-water mark');
    await sleep(3_000);
    console.destroy();
    await within(ended, 'the destroyed console closing', 15_000);
    await expect(within(conn.domains.getState(vm), 'a call after destroy()', 15_000)).resolves.toMatchObject({ state: 'running' });
    expect(conn.state).toBe('open');
  });
});
