/**
 * A read stream (STORAGE_VOL_DOWNLOAD) on the in-process fake daemon whose
 * timing the test fixes: the test sends data when it likes, and decides when
 * (and whether) the daemon confirms the client's finish or abort.
 * Disposed when the test finishes.
 */
import { onTestFinished } from 'vitest';
import type { FakeClient } from '../../src/testing/index.js';
import type { MessageStatus } from '../../src/rpc/protocol/constants.js';
import type { RpcClient, RpcStream } from '../../src/rpc/index.js';
import { DOWNLOAD, fakePair, vol } from './fake.js';

/** What the fake daemon sends on the stream: a status and a payload (raw bytes or text). */
export type StreamSend = (status: MessageStatus, payload?: Buffer | string) => void;

/**
 * Open a download on a fake daemon. `onEnd` runs for every stream packet the
 * client sends (its finish is OK, its abort ERROR; data is CONTINUE), with
 * `send` for what the daemon sends from then on.
 */
export async function fakeDownload(
  onEnd: (status: number, send: StreamSend) => void,
  options: { sparse?: boolean } = {},
): Promise<{ client: RpcClient; stream: RpcStream<unknown>; send: StreamSend; sent: number[] }> {
  const pair = await fakePair();
  onTestFinished(pair.dispose);
  let peer: { c: FakeClient; serial: number } | undefined;
  const sent: number[] = [];
  const send: StreamSend = (status, payload = Buffer.alloc(0)) =>
    peer!.c.sendStream({ proc: DOWNLOAD.proc, serial: peer!.serial, status }, Buffer.from(payload));
  pair.daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
    peer = { c, serial: header.serial };
    return { ok: undefined };
  });
  pair.daemon.onStream((h) => {
    sent.push(h.status);
    onEnd(h.status, send);
  });
  const stream = await pair.client.openStream(DOWNLOAD, { vol, offset: 0n, length: 0n, flags: options.sparse === true ? 1 : 0 }, options);
  return { client: pair.client, stream, send, sent };
}

/** Resolves once `flag()` is true, checking once per turn of the event loop. */
export async function until(flag: () => boolean): Promise<void> {
  while (!flag()) await new Promise((resolve) => setImmediate(resolve));
}
