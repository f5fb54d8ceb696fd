/**
 * The few bytes of a qcow2 header the SDK reads (pure: no I/O). Used by the
 * creator to tell an uploaded image's format and by teardown to follow
 * backing chains of files outside the storage pools.
 *
 * @module
 */

/** qcow2 images start with `QFI\xfb`. */
const QCOW2_MAGIC = 0x514649fb;

/** Bytes of the header {@link qcow2Backing} needs: magic, version (u32), backing file offset (u64), its size (u32), big-endian. */
export const QCOW2_HEADER_BYTES = 20;

/** `true` when `header` starts like a qcow2 image; anything else is taken as raw. */
export function isQcow2(header: Uint8Array): boolean {
  return header.length >= 4 && Buffer.from(header.buffer, header.byteOffset, 4).readUInt32BE(0) === QCOW2_MAGIC;
}

/**
 * Where a qcow2 header says its backing file name is: `null` when it is not
 * qcow2, names no backing file, or points past `maxOffset` or beyond
 * `maxName` bytes (QEMU's own limit is 1023).
 */
export function qcow2Backing(header: Uint8Array, maxOffset = 64 * 1024, maxName = 1023): { offset: number; size: number } | null {
  if (header.length < QCOW2_HEADER_BYTES || !isQcow2(header)) return null;
  const view = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  const offset = view.readBigUInt64BE(8);
  const size = view.readUInt32BE(16);
  if (offset === 0n || size === 0 || size > maxName || offset > BigInt(maxOffset)) return null;
  return { offset: Number(offset), size };
}
