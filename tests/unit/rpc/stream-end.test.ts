/**
 * How a stream the client ends itself treats data in flight, with the timing
 * fixed by the fake daemon: data packets queued before the client's finish or
 * abort, sent between it and the daemon's confirmation, and after that. The
 * rule (libvirt's order on one socket): a finish delivers every byte the
 * daemon sent before its confirmation; an abort discards them, and readers
 * are told so (stream-abort.test.ts has the rest of what an abort means).
 */
import { describe, expect, it } from 'vitest';
import { AbortError, LibvirtError } from '../../../src/errors/index.js';
import { MessageStatus } from '../../../src/rpc/protocol/constants.js';
import { encodePacket } from '../../../src/rpc/protocol/packet.js';
import { remoteError } from '../../../src/rpc/protocol/remote-error.js';
import type { RpcStream } from '../../../src/rpc/index.js';
import { fakeDownload as open, until } from '../../helpers/fake-stream.js';

const { VIR_NET_OK: OK, VIR_NET_ERROR: ERROR, VIR_NET_CONTINUE: CONTINUE } = MessageStatus;

/** Read until the end, as text. */
async function readAll(stream: RpcStream<unknown>): Promise<string> {
  let text = '';
  for (let chunk = await stream.read(); chunk !== null; chunk = await stream.read()) text += chunk.toString();
  return text;
}

describe('RpcStream.finish: data in flight is delivered', () => {
  it('a reader waiting when finish() is called gets every packet sent before the confirmation, in order, then the end', async () => {
    const { stream } = await open((status, send) => {
      if (status !== OK) return;
      // One packet per turn of the client's event loop, so the reader runs between them.
      void (async () => {
        for (const line of ['one\n', 'two\n', 'three\n']) {
          send(CONTINUE, line);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        send(OK);
        send(CONTINUE, 'after the confirmation\n'); // never happens with libvirt; dropped all the same
      })();
    });
    const reading = readAll(stream);
    await new Promise((resolve) => setImmediate(resolve));
    await stream.finish();
    expect(await reading).toBe('one\ntwo\nthree\n');
    expect(stream.closed).toBe(true);
    expect(stream.bytesReceived).toBe('one\ntwo\nthree\n'.length);
  });

  it('data queued unread before the finish and data sent after it both come out, in order', async () => {
    let finishing = false;
    const { stream, send } = await open((status, s) => {
      finishing = status === OK;
      if (finishing) {
        s(CONTINUE, 'late\n');
        s(OK);
      }
    });
    send(CONTINUE, 'early\n');
    await until(() => stream.bytesReceived > 0);
    await stream.finish();
    expect(finishing).toBe(true);
    expect(await readAll(stream)).toBe('early\nlate\n');
  });

  it('a read while the confirmation is outstanding waits for it instead of ending early', async () => {
    let confirm: (() => void) | undefined;
    const { stream } = await open((status, send) => {
      if (status !== OK) return;
      send(CONTINUE, 'a');
      confirm = () => {
        send(CONTINUE, 'b');
        send(OK);
      };
    });
    const finished = stream.finish();
    expect((await stream.read())?.toString()).toBe('a');
    let settled = false;
    const next = stream.read().finally(() => (settled = true));
    await until(() => confirm !== undefined);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    confirm!();
    expect((await next)?.toString()).toBe('b');
    expect(await stream.read()).toBeNull();
    await finished;
  });

  it('after end of data, a finish does not make read() wait for the confirmation', async () => {
    const { stream, send } = await open(() => undefined); // the daemon never confirms
    send(CONTINUE, 'all');
    send(CONTINUE); // EOF
    expect((await stream.read())?.toString()).toBe('all');
    void stream.finish().catch(() => undefined);
    expect(await stream.read()).toBeNull();
  });

  it('data received before a daemon error after the finish is delivered, then the error', async () => {
    const { stream } = await open((status, send) => {
      if (status !== OK) return;
      send(CONTINUE, 'last words\n');
      send(
        ERROR,
        encodePacket(
          { prog: 0, vers: 1, proc: 0, type: 3, serial: 0, status: 1 },
          remoteError,
          {
            code: 1,
            domain: 38,
            message: 'stream broke',
            level: 2,
            dom: null,
            str1: null,
            str2: null,
            str3: null,
            int1: 0,
            int2: 0,
            net: null,
          },
          'e',
        ).subarray(28),
      );
    });
    const failed = stream.finish().catch((e: unknown) => e);
    expect((await stream.read())?.toString()).toBe('last words\n');
    await expect(stream.read()).rejects.toBeInstanceOf(LibvirtError);
    expect(await failed).toBeInstanceOf(LibvirtError);
  });
});

describe('RpcStream.abort: data in flight is discarded', () => {
  it('drops data queued unread and data sent before the confirmation: reads reject, before and after it', async () => {
    let confirm: (() => void) | undefined;
    const { stream, send } = await open((status, s) => {
      if (status !== ERROR) return;
      s(CONTINUE, 'discarded\n');
      confirm = () => s(OK);
    });
    send(CONTINUE, 'queued, unread\n');
    await until(() => stream.bytesReceived > 0);
    const aborted = stream.abort();
    await expect(stream.read()).rejects.toBeInstanceOf(AbortError);
    await until(() => confirm !== undefined);
    confirm!();
    await aborted;
    await expect(stream.read()).rejects.toBeInstanceOf(AbortError);
    expect(stream.closed).toBe(true);
    expect(stream.bytesReceived).toBe('queued, unread\n'.length);
  });

  it('a reader waiting for data gets the abort at once, without waiting for the confirmation', async () => {
    const { stream } = await open(() => undefined); // the daemon never confirms
    const waiting = stream.read();
    void stream.abort({ timeout: 0 }).catch(() => undefined);
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
  });
});
