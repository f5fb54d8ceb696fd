/**
 * Shared by the transport integration tests: prove a stream reaches libvirtd
 * by sending the smallest real call (AUTH_LIST) and reading the reply header,
 * without depending on the RPC client.
 */
import type { Duplex } from 'node:stream';

/** REMOTE_PROC_AUTH_LIST (66), serial 1, no payload: 28 bytes. */
export const AUTH_LIST_CALL = Buffer.from(
  [
    '0000001c', // length, including itself
    '20008086', // program REMOTE_PROGRAM
    '00000001', // version 1
    '00000042', // procedure 66 = AUTH_LIST
    '00000000', // type CALL
    '00000001', // serial 1
    '00000000', // status OK
  ].join(''),
  'hex',
);

/** The header of a reply packet. */
export interface ReplyHeader {
  length: number;
  program: number;
  version: number;
  procedure: number;
  type: number;
  serial: number;
  status: number;
}

/** Write AUTH_LIST and read one whole reply packet; rejects on error, EOF or after `timeoutMs`. */
export function authListRoundTrip(stream: Duplex, timeoutMs = 10_000): Promise<ReplyHeader> {
  return new Promise<ReplyHeader>((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const finish = (err: Error | undefined): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', finish);
      stream.pause();
      if (err !== undefined) {
        reject(err);
        return;
      }
      resolve({
        length: buffer.readUInt32BE(0),
        program: buffer.readUInt32BE(4),
        version: buffer.readUInt32BE(8),
        procedure: buffer.readInt32BE(12),
        type: buffer.readInt32BE(16),
        serial: buffer.readUInt32BE(20),
        status: buffer.readInt32BE(24),
      });
    };
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length >= 28 && buffer.length >= buffer.readUInt32BE(0)) finish(undefined);
    };
    const onEnd = (): void => finish(new Error(`stream ended after ${buffer.length} bytes`));
    const timer = setTimeout(() => finish(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', finish);
    stream.write(AUTH_LIST_CALL);
  });
}

/** What every successful AUTH_LIST reply looks like. */
export const AUTH_LIST_REPLY = {
  program: 0x20008086,
  version: 1,
  procedure: 66,
  type: 1, // REPLY
  serial: 1,
  status: 0, // OK
} as const;
