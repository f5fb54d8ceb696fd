/**
 * XDR (RFC 4506) encoding as libvirt's rpcgen uses it: big-endian, 4-byte
 * aligned, `hyper` as `bigint`, `char`/`short` widened to 4 bytes.
 * No I/O here: this layer never imports `node:net`.
 *
 * @module rpc/xdr
 */
export { XdrWriter } from './writer.js';
export { XdrReader } from './reader.js';
export * from './codec.js';
