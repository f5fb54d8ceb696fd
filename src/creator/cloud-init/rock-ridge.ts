/**
 * System Use Sharing Protocol (SUSP, IEEE P1281) and Rock Ridge Interchange
 * Protocol (RRIP 1.09, IEEE P1282 draft, "RRIP_1991A") entries for the primary
 * directory tree. They let Linux show the exact POSIX names (`user-data`,
 * `meta-data`) instead of the 8.3 level-1 identifiers (`USER_DAT.;1`).
 *
 * Every SUSP entry starts with a 2-letter signature, a length byte (whole
 * entry) and a version byte (1).
 *
 * @module
 */
import { recordDate, writeBoth32 } from './iso9660-encoding.js';

/** RRIP 1.09 `RR` flag bits: which Rock Ridge entries a record carries. */
const RR_PX = 0x01;
const RR_NM = 0x08;
const RR_TF = 0x80;

/** POSIX file modes written in `PX`: read-only media, so no write bits. */
const MODE_DIR = 0o040555;
const MODE_FILE = 0o100444;

/** The ER entry's texts for RRIP 1.09, as given by the RRIP specification. */
const ER_ID = 'RRIP_1991A';
const ER_DESCRIPTOR = 'THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS';
const ER_SOURCE =
  'PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION.';

function entry(signature: string, body: Buffer): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.write(signature, 0, 'latin1');
  out[2] = out.length;
  out[3] = 1; // entry version
  body.copy(out, 4);
  return out;
}

/** SUSP `SP`: marks SUSP use; must be the first entry of the root's "." record. */
function spEntry(): Buffer {
  return entry('SP', Buffer.from([0xbe, 0xef, 0])); // check bytes, LEN_SKP = 0
}

/** RRIP 1.09 `RR`: which RRIP entries follow (dropped in RRIP 1.12; harmless, kept for old readers). */
function rrEntry(flags: number): Buffer {
  return entry('RR', Buffer.from([flags]));
}

/** RRIP `PX` (1.09 form, 36 bytes): mode, links, uid, gid as both-endian 32-bit values. */
function pxEntry(mode: number, links: number): Buffer {
  const body = Buffer.alloc(32);
  writeBoth32(body, 0, mode);
  writeBoth32(body, 8, links);
  writeBoth32(body, 16, 0); // uid root
  writeBoth32(body, 24, 0); // gid root
  return entry('PX', body);
}

/** RRIP `TF`: modify, access and attribute-change times, 7-byte short form. */
function tfEntry(date: Date): Buffer {
  const stamp = recordDate(date);
  return entry('TF', Buffer.concat([Buffer.from([0x0e]), stamp, stamp, stamp]));
}

/** RRIP `NM`: the alternate (POSIX) name, flags 0 = complete name in this entry. */
function nmEntry(name: string): Buffer {
  return entry('NM', Buffer.concat([Buffer.from([0]), Buffer.from(name, 'latin1')]));
}

/** SUSP `CE`: continuation area at `extent`, byte `offset`, `length` bytes. */
function ceEntry(extent: number, offset: number, length: number): Buffer {
  const body = Buffer.alloc(24);
  writeBoth32(body, 0, extent);
  writeBoth32(body, 8, offset);
  writeBoth32(body, 16, length);
  return entry('CE', body);
}

/**
 * SUSP `ER`: names the extension in use (RRIP_1991A). At 237 bytes it cannot
 * share the root's "." record with the other entries (a record is at most 255
 * bytes), so it lives in a continuation area pointed to by `CE`.
 */
export function erEntry(): Buffer {
  const id = Buffer.from(ER_ID, 'latin1');
  const des = Buffer.from(ER_DESCRIPTOR, 'latin1');
  const src = Buffer.from(ER_SOURCE, 'latin1');
  const head = Buffer.from([id.length, des.length, src.length, 1]); // LEN_ID, LEN_DES, LEN_SRC, EXT_VER
  return entry('ER', Buffer.concat([head, id, des, src]));
}

/** System Use field of the root's "." record: SP first, then RR/PX/TF and a CE to the ER entry. */
export function rootSelfSystemUse(date: Date, continuationExtent: number): Buffer {
  return Buffer.concat([
    spEntry(),
    rrEntry(RR_PX | RR_TF),
    pxEntry(MODE_DIR, 2),
    tfEntry(date),
    ceEntry(continuationExtent, 0, erEntry().length),
  ]);
}

/** System Use field of the root's ".." record (the root is its own parent). */
export function rootParentSystemUse(date: Date): Buffer {
  return Buffer.concat([rrEntry(RR_PX | RR_TF), pxEntry(MODE_DIR, 2), tfEntry(date)]);
}

/** System Use field of a regular file's record: its exact name, mode 0444 and times. */
export function fileSystemUse(name: string, date: Date): Buffer {
  return Buffer.concat([rrEntry(RR_PX | RR_NM | RR_TF), nmEntry(name), pxEntry(MODE_FILE, 1), tfEntry(date)]);
}
