import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortError, TimeoutError } from '../../../src/errors/index.js';
import { connectRpc } from '../../../src/rpc/index.js';
import { startDeadline } from '../../../src/rpc/deadline.js';

// A daemon that accepts and never answers: the handshake's first call hangs until the deadline or an abort.
const dir = mkdtempSync(join(tmpdir(), 'lvm-deadline-'));
const sockets: Socket[] = [];
let server: Server;
const path = join(dir, 'silent.sock');
const ready = new Promise<void>((resolve) => {
  server = createServer((s) => {
    s.on('error', () => undefined);
    sockets.push(s);
    s.resume();
  });
  server.listen(path, resolve);
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});
const uri = `test+unix:///default?socket=${path}`;

describe('the connect deadline', () => {
  it('reports the deadline as a TimeoutError and closes the socket', async () => {
    await ready;
    const error = await connectRpc(uri, { timeout: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    await expect.poll(() => sockets.at(-1)?.readableEnded === true || sockets.at(-1)?.destroyed === true).toBe(true);
  });

  it("reports the caller's abort during the handshake as an AbortError carrying the reason", async () => {
    await ready;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 50);
    const error = await connectRpc(uri, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toEqual(new Error('stop'));
  });

  it('leaves no timer behind once disposed, and does not keep the process alive meanwhile', () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const deadline = startDeadline(60_000, undefined, () => 'late');
    deadline.dispose();
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    expect(deadline.signal.aborted).toBe(false);
  });

  it("follows the caller's signal and says whether the deadline itself fired", async () => {
    const caller = new AbortController();
    const linked = startDeadline(60_000, caller.signal, () => 'late');
    caller.abort('mine');
    expect(linked.signal.reason).toBe('mine');
    expect(linked.expired).toBe(false);
    linked.dispose();
    const short = startDeadline(5, undefined, () => 'late');
    await new Promise((r) => setTimeout(r, 30));
    expect(short.signal.reason).toBe('late');
    expect(short.expired).toBe(true);
  });
});
