/**
 * A minimal ISO 9660 (ECMA-119) image writer for a flat set of small files in
 * the root directory, with Joliet and Rock Ridge names, such as a cloud-init
 * NoCloud seed. Pure: no file system access; the image is returned as a Buffer.
 *
 * Image layout (2048-byte sectors):
 *
 * | sector        | content                                                    |
 * |---------------|------------------------------------------------------------|
 * | 0–15          | System Area (zeros)                                        |
 * | 16            | Primary Volume Descriptor                                  |
 * | 17            | Joliet Supplementary Volume Descriptor (when `joliet`)     |
 * | next          | Volume Descriptor Set Terminator                           |
 * | next 2 (+2)   | L- and M-path tables (primary, then Joliet)                |
 * | next n        | primary root directory (8.3 names + Rock Ridge entries)    |
 * | next m        | Joliet root directory (UCS-2 names)                        |
 * | next 1        | SUSP continuation area holding the Rock Ridge `ER` entry   |
 * | rest          | file data, each file starting on a sector boundary         |
 *
 * Both directory trees point at the same file extents.
 *
 * @module
 */
import { ErrorCode, InvalidArgumentError } from '../../errors/index.js';
import {
  SECTOR_SIZE,
  directoryRecord,
  packDirectory,
  recordDate,
  rootPathTable,
  sectorsFor,
  ucs2be,
  unspecifiedVolumeDate,
  volumeDate,
  writeBoth16,
  writeBoth32,
  writePaddedAscii,
  writePaddedUcs2,
} from './iso9660-encoding.js';
import { compareIdentifiers, level1Identifiers } from './iso9660-names.js';
import { erEntry, fileSystemUse, rootParentSystemUse, rootSelfSystemUse } from './rock-ridge.js';

/** One file of the image's root directory. */
export interface IsoFile {
  /** Exact file name, 1–64 characters of `[A-Za-z0-9._-]`, not `.` or `..`. */
  name: string;
  /** Content; a string is encoded as UTF-8. */
  data: Buffer | string;
}

/** Input of {@link buildIso9660}. */
export interface BuildIso9660Options {
  /**
   * Volume identifier, the label `blkid` reports: 1–32 characters of
   * `[A-Za-z0-9_-]`, written as given. Strict ISO 9660 d-characters are
   * upper-case only; lower case is kept anyway (as `genisoimage -volid cidata`
   * does) because cloud-init looks for `LABEL=cidata` or `LABEL=CIDATA` and
   * blkid compares labels exactly. The Joliet descriptor holds the first 16
   * characters (blkid merges the rest from the primary one).
   */
  volumeId: string;
  /** Files of the root directory, in any order (the image does not depend on it). */
  files: readonly IsoFile[];
  /**
   * Timestamp of every volume, directory and file date. blkid derives the
   * volume `UUID` from it, so by default every image has the UUID
   * `1980-01-01-00-00-00-00`. Pass a fixed value to keep the output
   * reproducible; `new Date()` makes every build differ.
   * @default 1980-01-01T00:00:00Z (fixed, so equal inputs give equal bytes)
   */
  date?: Date;
  /** Write a Joliet supplementary volume descriptor and directory. @default true */
  joliet?: boolean;
  /** Write Rock Ridge (RRIP 1.09) entries in the primary directory. @default true */
  rockRidge?: boolean;
}

/** Limits enforced by {@link buildIso9660}. */
export const ISO9660_LIMITS = {
  /** Maximum number of files. */
  maxFiles: 64,
  /** Maximum length of a file name. */
  maxNameLength: 64,
  /** Maximum total size of all file contents, in bytes (16 MiB). */
  maxTotalBytes: 16 * 1024 * 1024,
  /** Maximum length of the volume identifier (the PVD field is 32 bytes). */
  maxVolumeIdLength: 32,
} as const;

const DEFAULT_DATE_MS = Date.UTC(1980, 0, 1);
const NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;
const VOLUME_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;
const APPLICATION_ID = 'LIBVIRT-MANAGER';
/** Joliet level 3 escape sequence "%/E" (UCS-2 level 3), SVD bytes 88–90. */
const JOLIET_ESCAPE = Buffer.from('%/E', 'latin1');

interface PreparedFile {
  name: string;
  data: Buffer;
  /** ISO 9660 level-1 identifier, e.g. `USER_DAT.;1`. */
  level1: string;
  extent: number;
}

function invalid(message: string, path: string): InvalidArgumentError {
  return new InvalidArgumentError(message, { path, code: ErrorCode.INVALID_SPEC });
}

function validate(options: BuildIso9660Options): { files: { name: string; data: Buffer }[]; date: Date } {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object', '');
  if (typeof options.volumeId !== 'string' || !VOLUME_ID_RE.test(options.volumeId)) {
    throw invalid('volumeId must be 1-32 characters of [A-Za-z0-9_-]', 'volumeId');
  }
  for (const flag of ['joliet', 'rockRidge'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw invalid(`${flag} must be a boolean`, flag);
  }
  const date = options.date ?? new Date(DEFAULT_DATE_MS);
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw invalid('date must be a valid Date', 'date');
  // The directory record stores years since 1900 in one byte.
  if (date.getUTCFullYear() < 1900 || date.getUTCFullYear() > 2155) throw invalid('date must be within 1900-2155', 'date');
  if (!Array.isArray(options.files)) throw invalid('files must be an array', 'files');
  if (options.files.length > ISO9660_LIMITS.maxFiles) {
    throw invalid(`at most ${ISO9660_LIMITS.maxFiles} files are supported, got ${options.files.length}`, 'files');
  }
  const seen = new Set<string>();
  let total = 0;
  // Array.from, not map: a hole in a sparse array must be checked (and refused) like any bad entry.
  const files = Array.from(options.files, (file, i) => {
    const name: unknown = file?.name;
    if (typeof name !== 'string' || !NAME_RE.test(name) || name === '.' || name === '..') {
      throw invalid('file name must be 1-64 characters of [A-Za-z0-9._-] and not "." or ".."', `files[${i}].name`);
    }
    if (seen.has(name)) throw invalid(`duplicate file name "${name}"`, `files[${i}].name`);
    seen.add(name);
    const raw: unknown = file.data;
    let data: Buffer;
    if (typeof raw === 'string') data = Buffer.from(raw, 'utf8');
    else if (raw instanceof Uint8Array) data = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    else throw invalid('file data must be a Buffer or a string', `files[${i}].data`);
    total += data.length;
    return { name, data };
  });
  if (total > ISO9660_LIMITS.maxTotalBytes) {
    throw invalid(`files total ${total} bytes, more than the ${ISO9660_LIMITS.maxTotalBytes}-byte limit`, 'files');
  }
  return { files, date };
}

interface DirectoryPlan {
  root: number;
  rootSize: number;
  continuation: number;
}

function primaryRecords(files: readonly PreparedFile[], plan: DirectoryPlan, date: Date, rock: boolean): Buffer[] {
  const stamp = recordDate(date);
  const self = { extent: plan.root, size: plan.rootSize, date: stamp, directory: true };
  const sorted = [...files].sort((a, b) => compareIdentifiers(a.level1, b.level1));
  return [
    directoryRecord({ ...self, identifier: Buffer.from([0]), ...(rock && { systemUse: rootSelfSystemUse(date, plan.continuation) }) }),
    directoryRecord({ ...self, identifier: Buffer.from([1]), ...(rock && { systemUse: rootParentSystemUse(date) }) }),
    ...sorted.map((f) =>
      directoryRecord({
        extent: f.extent,
        size: f.data.length,
        date: stamp,
        directory: false,
        identifier: Buffer.from(f.level1, 'latin1'),
        ...(rock && { systemUse: fileSystemUse(f.name, date) }),
      }),
    ),
  ];
}

function jolietRecords(files: readonly PreparedFile[], plan: DirectoryPlan, date: Date): Buffer[] {
  const stamp = recordDate(date);
  const self = { extent: plan.root, size: plan.rootSize, date: stamp, directory: true };
  // Joliet names are written without the ";1" version suffix, as genisoimage does.
  const sorted = [...files].sort((a, b) => compareIdentifiers(a.name, b.name));
  return [
    directoryRecord({ ...self, identifier: Buffer.from([0]) }),
    directoryRecord({ ...self, identifier: Buffer.from([1]) }),
    ...sorted.map((f) =>
      directoryRecord({ extent: f.extent, size: f.data.length, date: stamp, directory: false, identifier: ucs2be(f.name) }),
    ),
  ];
}

interface DescriptorFields {
  joliet: boolean;
  volumeId: string;
  volumeSectors: number;
  pathTableL: number;
  pathTableM: number;
  rootRecord: Buffer;
  date: Date;
}

/** A Primary (type 1) or Joliet Supplementary (type 2) Volume Descriptor, ECMA-119 8.4 / 8.5. */
function volumeDescriptor(f: DescriptorFields): Buffer {
  const vd = Buffer.alloc(SECTOR_SIZE);
  const text = f.joliet ? writePaddedUcs2 : writePaddedAscii;
  vd[0] = f.joliet ? 2 : 1; // volume descriptor type
  vd.write('CD001', 1, 'latin1'); // standard identifier
  vd[6] = 1; // version
  text(vd, 8, 32, ''); // system identifier
  text(vd, 40, 32, f.volumeId); // volume identifier (Joliet: first 16 characters)
  writeBoth32(vd, 80, f.volumeSectors); // volume space size
  if (f.joliet) JOLIET_ESCAPE.copy(vd, 88); // escape sequences
  writeBoth16(vd, 120, 1); // volume set size
  writeBoth16(vd, 124, 1); // volume sequence number
  writeBoth16(vd, 128, SECTOR_SIZE); // logical block size
  writeBoth32(vd, 132, 10); // path table size: the root entry only
  vd.writeUInt32LE(f.pathTableL, 140); // type L path table (optional L table at 144 stays 0)
  vd.writeUInt32BE(f.pathTableM, 148); // type M path table (optional M table at 152 stays 0)
  f.rootRecord.copy(vd, 156); // 34-byte root directory record
  text(vd, 190, 128, ''); // volume set identifier
  text(vd, 318, 128, ''); // publisher identifier
  text(vd, 446, 128, ''); // data preparer identifier
  text(vd, 574, 128, APPLICATION_ID); // application identifier
  text(vd, 702, 37, ''); // copyright file identifier
  text(vd, 739, 37, ''); // abstract file identifier
  text(vd, 776, 37, ''); // bibliographic file identifier
  volumeDate(f.date).copy(vd, 813); // creation
  volumeDate(f.date).copy(vd, 830); // modification
  unspecifiedVolumeDate().copy(vd, 847); // expiration
  unspecifiedVolumeDate().copy(vd, 864); // effective
  vd[881] = 1; // file structure version
  return vd;
}

/**
 * Build an ISO 9660 image holding `files` in its root directory.
 *
 * The primary directory uses level-1 "8.3" identifiers with Rock Ridge `NM`
 * entries carrying the exact names; the Joliet directory carries them as
 * UCS-2. Linux mounts either way show `user-data`, `meta-data`, … exactly.
 * The output depends only on the set of files (not their order: they are
 * sorted by name) and the date, so a hash of it can name the image.
 *
 * @example
 * ```ts
 * const iso = buildIso9660({
 *   volumeId: 'cidata',
 *   files: [{ name: 'meta-data', data: '{"instance-id": "iid-1"}\n' }, { name: 'user-data', data: '#cloud-config\n{}\n' }],
 * });
 * ```
 * @throws {InvalidArgumentError} code `ERR_LIBVIRT_INVALID_SPEC` with `path` naming the bad field: a bad
 *   volume id, more than 64 files, a bad or duplicate name, data that is not a Buffer or string, more than
 *   16 MiB of data, or an invalid date.
 * @see https://ecma-international.org/publications-and-standards/standards/ecma-119/
 */
export function buildIso9660(options: BuildIso9660Options): Buffer {
  const { files: input, date } = validate(options);
  const joliet = options.joliet ?? true;
  const rock = options.rockRidge ?? true;
  const sortedInput = [...input].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const ids = level1Identifiers(sortedInput.map((f) => f.name));
  const files: PreparedFile[] = sortedInput.map((f, i) => ({ ...f, level1: ids[i]!, extent: 0 }));

  // Record lengths do not depend on extents, so size the directories with a dummy plan first.
  const dummy: DirectoryPlan = { root: 0, rootSize: 0, continuation: 0 };
  const primarySectors = sectorsFor(packDirectory(primaryRecords(files, dummy, date, rock)).length);
  const jolietSectors = joliet ? sectorsFor(packDirectory(jolietRecords(files, dummy, date)).length) : 0;

  let next = 16;
  const pvdSector = next++;
  const svdSector = joliet ? next++ : -1;
  const terminatorSector = next++;
  const pathTables = { priL: next++, priM: next++, jolL: joliet ? next++ : -1, jolM: joliet ? next++ : -1 };
  const primary: DirectoryPlan = { root: next, rootSize: primarySectors * SECTOR_SIZE, continuation: 0 };
  next += primarySectors;
  const jolietPlan: DirectoryPlan = { root: next, rootSize: jolietSectors * SECTOR_SIZE, continuation: 0 };
  next += jolietSectors;
  if (rock) primary.continuation = next++;
  for (const f of files) {
    f.extent = next; // an empty file points at the next free sector and occupies none
    next += sectorsFor(f.data.length);
  }
  const totalSectors = next;

  const image = Buffer.alloc(totalSectors * SECTOR_SIZE);
  const at = (sector: number): number => sector * SECTOR_SIZE;
  const rootRecord = (plan: DirectoryPlan): Buffer =>
    directoryRecord({ extent: plan.root, size: plan.rootSize, date: recordDate(date), directory: true, identifier: Buffer.from([0]) });
  const common = { volumeId: options.volumeId, volumeSectors: totalSectors, date };
  volumeDescriptor({
    ...common,
    joliet: false,
    pathTableL: pathTables.priL,
    pathTableM: pathTables.priM,
    rootRecord: rootRecord(primary),
  }).copy(image, at(pvdSector));
  if (joliet) {
    volumeDescriptor({
      ...common,
      joliet: true,
      pathTableL: pathTables.jolL,
      pathTableM: pathTables.jolM,
      rootRecord: rootRecord(jolietPlan),
    }).copy(image, at(svdSector));
  }
  // Volume Descriptor Set Terminator (ECMA-119 8.3): type 255, "CD001", version 1.
  image[at(terminatorSector)] = 0xff;
  image.write('CD001', at(terminatorSector) + 1, 'latin1');
  image[at(terminatorSector) + 6] = 1;

  rootPathTable(primary.root, false).copy(image, at(pathTables.priL));
  rootPathTable(primary.root, true).copy(image, at(pathTables.priM));
  packDirectory(primaryRecords(files, primary, date, rock)).copy(image, at(primary.root));
  if (joliet) {
    rootPathTable(jolietPlan.root, false).copy(image, at(pathTables.jolL));
    rootPathTable(jolietPlan.root, true).copy(image, at(pathTables.jolM));
    packDirectory(jolietRecords(files, jolietPlan, date)).copy(image, at(jolietPlan.root));
  }
  if (rock) erEntry().copy(image, at(primary.continuation));
  for (const f of files) f.data.copy(image, at(f.extent));
  return image;
}
