/**
 * Field encoders of ECMA-119 (ISO 9660): both-endian integers, the two date
 * formats, padded identifier strings and directory records. Pure byte
 * helpers; the image layout lives in `iso9660.ts`.
 *
 * @see https://ecma-international.org/publications-and-standards/standards/ecma-119/
 * @module
 */

/** Logical sector (and logical block) size used throughout the image. */
export const SECTOR_SIZE = 2048;

/** Length of a directory record before its file identifier (ECMA-119 9.1). */
export const DIR_RECORD_BASE = 33;

/** ECMA-119 7.2.3: a 16-bit value stored little-endian then big-endian (4 bytes). */
export function writeBoth16(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt16LE(value, offset);
  buf.writeUInt16BE(value, offset + 2);
}

/** ECMA-119 7.3.3: a 32-bit value stored little-endian then big-endian (8 bytes). */
export function writeBoth32(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value, offset);
  buf.writeUInt32BE(value, offset + 4);
}

/** Number of sectors needed for `bytes` bytes. */
export function sectorsFor(bytes: number): number {
  return Math.ceil(bytes / SECTOR_SIZE);
}

/**
 * ECMA-119 8.4.26.1: the 17-byte volume date, `YYYYMMDDHHMMSScc` in ASCII
 * digits followed by the offset from GMT in 15-minute units (we write UTC, 0).
 */
export function volumeDate(date: Date): Buffer {
  const out = Buffer.alloc(17);
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  const text =
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2) +
    pad(Math.floor(date.getUTCMilliseconds() / 10), 2);
  out.write(text, 0, 'latin1');
  out[16] = 0; // GMT offset
  return out;
}

/** ECMA-119 8.4.26.1: "date not specified" is sixteen '0' digits and a zero offset. */
export function unspecifiedVolumeDate(): Buffer {
  const out = Buffer.alloc(17, 0x30);
  out[16] = 0;
  return out;
}

/**
 * ECMA-119 9.1.5: the 7-byte recording date of a directory record: years
 * since 1900, month, day, hour, minute, second, GMT offset (0 = UTC).
 * Also the "short form" timestamp of Rock Ridge `TF` entries.
 */
export function recordDate(date: Date): Buffer {
  return Buffer.from([
    date.getUTCFullYear() - 1900,
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    0,
  ]);
}

/** Write `text` as single-byte characters into `buf`, padded with spaces to `length`. */
export function writePaddedAscii(buf: Buffer, offset: number, length: number, text: string): void {
  buf.fill(0x20, offset, offset + length);
  buf.write(text.slice(0, length), offset, 'latin1');
}

/**
 * Joliet: a UCS-2 big-endian string padded with U+0020 to `length` bytes. An
 * odd trailing byte (the 37-byte file-identifier fields) is left zero.
 */
export function writePaddedUcs2(buf: Buffer, offset: number, length: number, text: string): void {
  const chars = Math.floor(length / 2);
  for (let i = 0; i < chars; i++) {
    buf.writeUInt16BE(i < text.length ? text.charCodeAt(i) : 0x20, offset + 2 * i);
  }
}

/** UCS-2 big-endian bytes of `text` (our names are ASCII, so UCS-2 = UTF-16). */
export function ucs2be(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) out.writeUInt16BE(text.charCodeAt(i), 2 * i);
  return out;
}

/** What a directory record describes. */
export interface DirRecordFields {
  /** First sector of the extent. */
  extent: number;
  /** Data length in bytes (a whole number of sectors for directories). */
  size: number;
  /** Recording date (7-byte form). */
  date: Buffer;
  /** `true` for a directory (file flag bit 1). */
  directory: boolean;
  /** File identifier bytes: `0x00` for ".", `0x01` for "..". */
  identifier: Buffer;
  /** System Use field (SUSP / Rock Ridge entries), possibly empty. */
  systemUse?: Buffer;
}

/**
 * Encode one directory record (ECMA-119 9.1). A padding byte follows an
 * identifier of even length so the System Use field starts on an even offset,
 * and the whole record is padded to an even length.
 */
export function directoryRecord(fields: DirRecordFields): Buffer {
  const idLen = fields.identifier.length;
  const head = DIR_RECORD_BASE + idLen + (idLen % 2 === 0 ? 1 : 0);
  const su = fields.systemUse ?? Buffer.alloc(0);
  const total = head + su.length + ((head + su.length) % 2);
  if (total > 255) throw new RangeError(`directory record of ${total} bytes exceeds 255`);
  const rec = Buffer.alloc(total);
  rec[0] = total; // length of directory record
  rec[1] = 0; // extended attribute record length
  writeBoth32(rec, 2, fields.extent);
  writeBoth32(rec, 10, fields.size);
  fields.date.copy(rec, 18);
  rec[25] = fields.directory ? 0x02 : 0x00; // file flags
  rec[26] = 0; // file unit size (not interleaved)
  rec[27] = 0; // interleave gap size
  writeBoth16(rec, 28, 1); // volume sequence number
  rec[32] = idLen;
  fields.identifier.copy(rec, DIR_RECORD_BASE);
  su.copy(rec, head);
  return rec;
}

/**
 * Pack directory records into whole sectors: a record never crosses a sector
 * boundary (ECMA-119 6.8.1.1); the rest of a sector is zero-filled.
 */
export function packDirectory(records: readonly Buffer[]): Buffer {
  const sectors: Buffer[] = [];
  let current = Buffer.alloc(SECTOR_SIZE);
  let used = 0;
  for (const rec of records) {
    if (used + rec.length > SECTOR_SIZE) {
      sectors.push(current);
      current = Buffer.alloc(SECTOR_SIZE);
      used = 0;
    }
    rec.copy(current, used);
    used += rec.length;
  }
  sectors.push(current);
  return Buffer.concat(sectors);
}

/**
 * A path table holding only the root directory (ECMA-119 9.4): identifier
 * length 1, no extended attributes, the root's extent, parent number 1,
 * identifier 0x00 and one padding byte. `bigEndian` selects the M-table form.
 */
export function rootPathTable(rootExtent: number, bigEndian: boolean): Buffer {
  const table = Buffer.alloc(10);
  table[0] = 1; // length of directory identifier
  table[1] = 0; // extended attribute record length
  if (bigEndian) {
    table.writeUInt32BE(rootExtent, 2);
    table.writeUInt16BE(1, 6);
  } else {
    table.writeUInt32LE(rootExtent, 2);
    table.writeUInt16LE(1, 6);
  }
  table[8] = 0; // root identifier
  return table;
}
