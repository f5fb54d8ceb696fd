/**
 * A tiny, independent ISO 9660 reader for tests: volume descriptors, path
 * tables, the root directory of the primary and Joliet trees, SUSP / Rock
 * Ridge entries. Written from ECMA-119 and SUSP, not from our writer, and
 * strict: it throws on any inconsistency (LE ≠ BE, a record crossing a
 * sector, an extent outside the volume).
 */
export const SECTOR = 2048;

export interface VolumeDescriptor {
  type: number;
  sector: number;
  raw: Buffer;
}

export interface DirRecord {
  /** Byte offset of the record in the image. */
  offset: number;
  length: number;
  extent: number;
  size: number;
  flags: number;
  date: Buffer;
  identifier: Buffer;
  systemUse: Buffer;
}

export interface SuspEntry {
  signature: string;
  version: number;
  data: Buffer;
}

export function both16(buf: Buffer, offset: number): number {
  const le = buf.readUInt16LE(offset);
  const be = buf.readUInt16BE(offset + 2);
  if (le !== be) throw new Error(`both-endian 16-bit mismatch at ${offset}: ${le} vs ${be}`);
  return le;
}

export function both32(buf: Buffer, offset: number): number {
  const le = buf.readUInt32LE(offset);
  const be = buf.readUInt32BE(offset + 4);
  if (le !== be) throw new Error(`both-endian 32-bit mismatch at ${offset}: ${le} vs ${be}`);
  return le;
}

export function sector(img: Buffer, n: number): Buffer {
  if ((n + 1) * SECTOR > img.length) throw new Error(`sector ${n} is outside the image`);
  return img.subarray(n * SECTOR, (n + 1) * SECTOR);
}

/** Volume descriptors from sector 16 up to and including the terminator (type 255). */
export function volumeDescriptors(img: Buffer): VolumeDescriptor[] {
  const out: VolumeDescriptor[] = [];
  for (let n = 16; ; n++) {
    const raw = sector(img, n);
    if (raw.toString('latin1', 1, 6) !== 'CD001' || raw[6] !== 1) throw new Error(`sector ${n} is not a volume descriptor`);
    out.push({ type: raw[0]!, sector: n, raw });
    if (raw[0] === 255) return out;
  }
}

export function parseRecord(buf: Buffer, offset: number, base = 0): DirRecord {
  const length = buf[offset]!;
  const idLen = buf[offset + 32]!;
  const suStart = offset + 33 + idLen + (idLen % 2 === 0 ? 1 : 0);
  if (suStart > offset + length) throw new Error(`record at ${base + offset} is shorter than its identifier`);
  if (both16(buf, offset + 28) !== 1) throw new Error('volume sequence number is not 1');
  return {
    offset: base + offset,
    length,
    extent: both32(buf, offset + 2),
    size: both32(buf, offset + 10),
    date: buf.subarray(offset + 18, offset + 25),
    flags: buf[offset + 25]!,
    identifier: buf.subarray(offset + 33, offset + 33 + idLen),
    systemUse: buf.subarray(suStart, offset + length),
  };
}

/** All records of a directory extent; a zero length byte means "rest of this sector is padding". */
export function readDirectory(img: Buffer, extent: number, size: number): DirRecord[] {
  if (size % SECTOR !== 0) throw new Error(`directory size ${size} is not a whole number of sectors`);
  const records: DirRecord[] = [];
  for (let s = 0; s < size / SECTOR; s++) {
    const buf = sector(img, extent + s);
    let off = 0;
    while (off < SECTOR && buf[off] !== 0) {
      const len = buf[off]!;
      if (off + len > SECTOR) throw new Error('directory record crosses a sector boundary');
      if (len % 2 !== 0) throw new Error('directory record length is odd');
      records.push(parseRecord(buf, off, (extent + s) * SECTOR));
      off += len;
    }
  }
  return records;
}

export function suspEntries(su: Buffer): SuspEntry[] {
  const out: SuspEntry[] = [];
  let off = 0;
  while (off + 4 <= su.length) {
    const len = su[off + 2]!;
    if (len < 4 || off + len > su.length) throw new Error(`bad SUSP entry length ${len}`);
    out.push({ signature: su.toString('latin1', off, off + 2), version: su[off + 3]!, data: su.subarray(off + 4, off + len) });
    off += len;
  }
  if (su.subarray(off).some((b) => b !== 0)) throw new Error('non-zero bytes after the last SUSP entry');
  return out;
}

export function fileData(img: Buffer, rec: DirRecord): Buffer {
  if (rec.size > 0 && rec.extent * SECTOR + rec.size > img.length) throw new Error('extent outside the image');
  return img.subarray(rec.extent * SECTOR, rec.extent * SECTOR + rec.size);
}

export interface ParsedIso {
  pvd: Buffer;
  svd: Buffer | undefined;
  volumeId: string;
  jolietVolumeId: string | undefined;
  primary: DirRecord[];
  joliet: DirRecord[] | undefined;
  /** Files by Rock Ridge NM name (undefined when the root has no SUSP SP entry). */
  rockRidge: Map<string, Buffer> | undefined;
  /** Files by Joliet name. */
  jolietFiles: Map<string, Buffer> | undefined;
  /** Files by level-1 identifier. */
  primaryFiles: Map<string, Buffer>;
}

function rootOf(img: Buffer, vd: Buffer): DirRecord[] {
  const root = parseRecord(vd, 156);
  if (root.length !== 34 || root.identifier.length !== 1 || root.identifier[0] !== 0) throw new Error('bad root record');
  const records = readDirectory(img, root.extent, root.size);
  const [self, parent] = records;
  if (self?.identifier[0] !== 0 || parent?.identifier[0] !== 1) throw new Error('root lacks "." and ".."');
  if (self.extent !== root.extent || parent.extent !== root.extent) throw new Error('"." / ".." do not point at the root');
  return records;
}

export function readIso(img: Buffer): ParsedIso {
  if (img.length % SECTOR !== 0) throw new Error('image is not a whole number of sectors');
  const vds = volumeDescriptors(img);
  const pvd = vds.find((v) => v.type === 1)?.raw;
  if (!pvd) throw new Error('no primary volume descriptor');
  const svd = vds.find((v) => v.type === 2 && v.raw.toString('latin1', 88, 91) === '%/E')?.raw;
  const primary = rootOf(img, pvd);
  const files = (records: DirRecord[], name: (r: DirRecord) => string): Map<string, Buffer> => {
    const map = new Map<string, Buffer>();
    for (const r of records.slice(2)) {
      if (r.flags !== 0) throw new Error('unexpected non-file record');
      map.set(name(r), fileData(img, r));
    }
    return map;
  };
  const hasSp = suspEntries(primary[0]!.systemUse)[0]?.signature === 'SP';
  const nm = (r: DirRecord): string => {
    const entry = suspEntries(r.systemUse).find((e) => e.signature === 'NM');
    if (!entry) throw new Error('file without NM entry');
    return entry.data.toString('latin1', 1);
  };
  const joliet = svd ? rootOf(img, svd) : undefined;
  const ucs2 = (b: Buffer): string => Buffer.from(b).swap16().toString('utf16le');
  return {
    pvd,
    svd,
    volumeId: pvd.toString('latin1', 40, 72).trimEnd(),
    jolietVolumeId: svd ? ucs2(svd.subarray(40, 72)).trimEnd() : undefined,
    primary,
    joliet,
    rockRidge: hasSp ? files(primary, nm) : undefined,
    jolietFiles: joliet ? files(joliet, (r) => ucs2(r.identifier)) : undefined,
    primaryFiles: files(primary, (r) => r.identifier.toString('latin1')),
  };
}
