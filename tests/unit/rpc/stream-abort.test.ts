/**
 * An aborted stream never passes for a complete one, on the fake daemon with
 * the timing fixed by the test: after `abort()` a reader (waiting, or reading
 * later, plain or sparse, by hand or by `for await`) gets an `AbortError`
 * carrying the abort's reason, never the `null` of a clean end; and `finish()`
 * resolves only when the daemon confirmed that finish — not when an abort's
 * deadline released the stream, nor on the daemon's confirmation of an abort.
 * A consumer that leaves its own `for await` early still sees nothing.
 */
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors/index.js';
import { MessageStatus } from '../../../src/rpc/protocol/constants.js';
import { fakeDownload, until } from '../../helpers/fake-stream.js';

const { VIR_NET_OK: OK, VIR_NET_ERROR: ERROR, VIR_NET_CONTINUE: CONTINUE } = MessageStatus;

/** The settled outcome of `promise`, without unhandled rejections while the test goes on. */
function outcome(promise: Promise<unknown>): Promise<{ value: unknown } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe('reading after an abort', () => {
  it('a pending read and every later read reject with an AbortError whose cause is the reason', async () => {
    const { stream, send } = await fakeDownload((status, s) => status === ERROR && s(OK));
    send(CONTINUE, 'first');
    expect((await stream.read())?.toString()).toBe('first');
    const pending = outcome(stream.read());
    const reason = new Error('the disk filled up');
    await stream.abort({ reason });
    const result = await pending;
    expect(result).toEqual({ error: expect.any(AbortError) });
    const error = (result as { error: AbortError }).error;
    expect(error.code).toBe('ERR_LIBVIRT_ABORTED');
    expect(error.cause).toBe(reason);
    await expect(stream.read()).rejects.toBe(error);
    await expect(stream.readSparse()).rejects.toBe(error);
    await expect(stream.write(Buffer.from('x'))).rejects.toBe(error);
  });

  it('an abort after the end of data arrived, before the finish, still rejects: the unread data was discarded', async () => {
    const { stream, send } = await fakeDownload((status, s) => status === ERROR && s(OK));
    send(CONTINUE, 'unread');
    send(CONTINUE); // EOF
    await until(() => stream.bytesReceived > 0);
    await stream.abort();
    await expect(stream.read()).rejects.toBeInstanceOf(AbortError);
  });

  it('a for-await loop ends with the AbortError when someone else aborts (a signal handler), not as if complete', async () => {
    const { stream, send } = await fakeDownload((status, s) => status === ERROR && s(OK));
    const controller = new AbortController();
    controller.signal.addEventListener('abort', () => void stream.abort({ reason: controller.signal.reason }), { once: true });
    send(CONTINUE, 'part one');
    const received: string[] = [];
    const loop = outcome(
      (async () => {
        for await (const chunk of stream) {
          received.push(chunk.toString());
          controller.abort(new Error('user pressed ^C'));
        }
      })(),
    );
    const result = await loop;
    expect(received).toEqual(['part one']);
    expect(result).toEqual({ error: expect.any(AbortError) });
    expect(((result as { error: AbortError }).error.cause as Error).message).toBe('user pressed ^C');
  });

  it('sparseChunks() ends with the AbortError too', async () => {
    const { stream, send } = await fakeDownload((status, s) => status === ERROR && s(OK), { sparse: true });
    send(CONTINUE, 'data');
    const loop = outcome(
      (async () => {
        for await (const chunk of stream.sparseChunks()) {
          expect(Buffer.isBuffer(chunk)).toBe(true);
          await stream.abort();
        }
      })(),
    );
    expect(await loop).toEqual({ error: expect.any(AbortError) });
  });

  it('leaving a for-await loop early aborts the stream quietly for that consumer', async () => {
    const { stream, send, sent } = await fakeDownload((status, s) => status === ERROR && s(OK));
    send(CONTINUE, 'enough');
    for await (const chunk of stream) {
      expect(chunk.toString()).toBe('enough');
      break;
    }
    expect(sent).toEqual([ERROR]);
    expect(stream.closed).toBe(true);
  });

  it('a stream that finished cleanly still reads null after a late abort (which does nothing)', async () => {
    const { stream, send, sent } = await fakeDownload((status, s) => status === OK && s(OK));
    send(CONTINUE, 'all');
    send(CONTINUE); // EOF
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk.toString());
    await stream.abort();
    expect(chunks).toEqual(['all']);
    expect(await stream.read()).toBeNull();
    await expect(stream.finish()).resolves.toBeUndefined();
    expect(sent).toEqual([OK]);
  });
});

describe('finish() resolves only on the daemon confirming that finish', () => {
  it('a finish waiting when an abort is released at its deadline (the daemon never confirms) rejects', async () => {
    const { stream } = await fakeDownload(() => undefined); // the daemon never answers
    const finishing = outcome(stream.finish());
    const reason = new Error('gave up');
    await stream.abort({ timeout: 50, reason });
    expect(stream.closed).toBe(true);
    const result = await finishing;
    expect(result).toEqual({ error: expect.any(AbortError) });
    expect((result as { error: AbortError }).error.cause).toBe(reason);
    await expect(stream.finish()).rejects.toBeInstanceOf(AbortError);
  });

  it('a finish asked for after an abort rejects, even though the daemon confirms the abort with OK', async () => {
    let confirm: (() => void) | undefined;
    const { stream, sent } = await fakeDownload((status, s) => {
      if (status === ERROR) confirm = () => s(OK);
    });
    const aborting = stream.abort();
    const finishing = outcome(stream.finish());
    await until(() => confirm !== undefined);
    confirm!();
    await aborting;
    expect(await finishing).toEqual({ error: expect.any(AbortError) });
    // Only the abort went out; the finish was never sent, so nothing can have confirmed it.
    expect(sent).toEqual([ERROR]);
    await expect(stream.finish()).rejects.toBeInstanceOf(AbortError);
  });

  it('a finish the daemon confirms resolves even when an abort came while it waited; the reader still sees the abort', async () => {
    let confirm: (() => void) | undefined;
    const { stream, sent } = await fakeDownload((status, s) => {
      if (status === OK) confirm = () => s(OK);
    });
    const finishing = outcome(stream.finish());
    await until(() => confirm !== undefined);
    const aborting = stream.abort();
    const reading = outcome(stream.read());
    confirm!();
    await aborting;
    expect(await finishing).toEqual({ value: undefined });
    expect(await reading).toEqual({ error: expect.any(AbortError) });
    // The finish had gone out: the abort sent nothing more.
    expect(sent).toEqual([OK]);
    // Confirmed stays confirmed: finish() is idempotent.
    await expect(stream.finish()).resolves.toBeUndefined();
  });

  it('a second finish() while the first waits, after an abort raced it, settles with the daemon confirming the finish sent', async () => {
    let confirm: (() => void) | undefined;
    const { stream, sent } = await fakeDownload((status, s) => {
      if (status === OK) confirm = () => s(OK);
    });
    const first = outcome(stream.finish());
    await until(() => confirm !== undefined);
    const aborting = stream.abort();
    const second = outcome(stream.finish());
    confirm!();
    await aborting;
    expect(await first).toEqual({ value: undefined });
    expect(await second).toEqual({ value: undefined });
    expect(sent).toEqual([OK]);
  });

  it('a finish whose signal is already aborted sends nothing, so an abort() after it goes out', async () => {
    const { stream, sent } = await fakeDownload((status, s) => status === ERROR && s(OK));
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    controller.abort(reason);
    const result = await outcome(stream.finish({ signal: controller.signal }));
    expect(result).toEqual({ error: expect.any(AbortError) });
    expect((result as { error: AbortError }).error.cause).toBe(reason);
    expect(stream.closed).toBe(false);
    await stream.abort({ reason });
    // The daemon saw the abort only (packets arrive in order, and the abort is confirmed): no finish to commit.
    expect(sent).toEqual([ERROR]);
    await expect(stream.finish()).rejects.toBeInstanceOf(AbortError);
  });

  it('a finish whose own signal fires rejects with that AbortError and leaves the stream finishing', async () => {
    const { stream, send } = await fakeDownload(() => undefined);
    const controller = new AbortController();
    const finishing = outcome(stream.finish({ signal: controller.signal }));
    controller.abort();
    expect(await finishing).toEqual({ error: expect.any(AbortError) });
    expect(stream.closed).toBe(false);
    send(OK);
    await until(() => stream.closed);
    await expect(stream.finish()).resolves.toBeUndefined();
  });
});
