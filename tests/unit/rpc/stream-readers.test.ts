import { afterEach, describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors/index.js';
import { MessageStatus } from '../../../src/rpc/protocol/constants.js';
import type { RpcStream } from '../../../src/rpc/stream.js';
import { DOWNLOAD, fakePair, vol } from '../../helpers/fake.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

/** A download stream and a function that sends it one data packet. */
async function download(): Promise<{ stream: RpcStream; send: (data: Buffer) => void }> {
  const pair = await fakePair();
  dispose = pair.dispose;
  let serial = 0;
  pair.daemon.handle(DOWNLOAD, (_a, { header }) => {
    serial = header.serial;
    return { ok: undefined };
  });
  const stream = await pair.client.openStream(DOWNLOAD, { vol, offset: 0n, length: 0n, flags: 0 });
  const send = (data: Buffer): void =>
    pair.daemon.clients[0]!.sendStream({ proc: 209, serial, status: MessageStatus.VIR_NET_CONTINUE }, data);
  return { stream, send };
}

describe('reads waiting at the same time on one stream', () => {
  it('each get a chunk: the first is not left pending forever', async () => {
    const { stream, send } = await download();
    const first = stream.read();
    const second = stream.read();
    send(Buffer.from('a'));
    send(Buffer.from('b'));
    const got = await Promise.all(
      [first, second].map((read) => Promise.race([read, new Promise((r) => setTimeout(() => r('pending'), 1000))])),
    );
    expect(got.map(String).sort()).toEqual(['a', 'b']);
  });

  it("one reader's abort does not strand the other", async () => {
    const { stream, send } = await download();
    const controller = new AbortController();
    const aborted = stream.read({ signal: controller.signal });
    const other = stream.read();
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    send(Buffer.from('x'));
    const got = await Promise.race([other, new Promise((r) => setTimeout(() => r('pending'), 1000))]);
    expect(String(got)).toBe('x');
  });
});
