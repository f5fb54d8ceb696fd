// Annotated-hex rendering for scripts/capture-fixtures.mjs: walks a packet's XDR payload with a
// small field spec and prints one hex line (4-byte groups) per field, with a comment naming it.

const TYPE_NAMES = ['CALL', 'REPLY', 'MESSAGE', 'STREAM', 'CALL_WITH_FDS', 'REPLY_WITH_FDS', 'STREAM_HOLE'];
const STATUS_NAMES = ['OK', 'ERROR', 'CONTINUE'];

/** The six header fields after the length word. */
export function decodeHeader(p) {
  return {
    prog: p.readUInt32BE(4),
    vers: p.readUInt32BE(8),
    proc: p.readInt32BE(12),
    type: p.readInt32BE(16),
    serial: p.readUInt32BE(20),
    status: p.readInt32BE(24),
  };
}

export class Walker {
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
    this.lines = [];
  }
  words(n) {
    const out = [];
    for (let i = 0; i < n; i += 4) out.push(this.buf.subarray(this.pos + i, this.pos + i + 4).toString('hex'));
    this.pos += n;
    return out;
  }
  emit(n, comment) {
    const words = this.words(n);
    for (let i = 0; i < words.length; i += 8) {
      this.lines.push({ hex: words.slice(i, i + 8).join(' '), comment: i === 0 ? comment : `${comment} (cont.)` });
    }
  }
  int(name) {
    const v = this.buf.readInt32BE(this.pos);
    this.emit(4, `${name}: ${v}`);
    return v;
  }
  uint(name) {
    const v = this.buf.readUInt32BE(this.pos);
    this.emit(4, `${name}: ${v}`);
    return v;
  }
  uhyper(name) {
    const v = this.buf.readBigUInt64BE(this.pos);
    this.emit(8, `${name}: ${v}`);
    return v;
  }
  hyper(name) {
    const v = this.buf.readBigInt64BE(this.pos);
    this.emit(8, `${name}: ${v}`);
    return v;
  }
  double(name) {
    const v = this.buf.readDoubleBE(this.pos);
    this.emit(8, `${name}: ${v}`);
    return v;
  }
  string(name) {
    const len = this.buf.readUInt32BE(this.pos);
    const s = this.buf.toString('utf8', this.pos + 4, this.pos + 4 + len);
    const shown = s.length > 48 ? `${s.slice(0, 45)}…` : s;
    this.emit(4 + len + ((4 - (len % 4)) % 4), `${name}: len ${len} ${JSON.stringify(shown)}`);
    return s;
  }
  uuid(name) {
    const hex = this.buf.subarray(this.pos, this.pos + 16).toString('hex');
    const text = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    this.emit(16, `${name}: uuid ${text} (16 raw bytes)`);
    return text;
  }
  optional(name, inner) {
    const present = this.buf.readUInt32BE(this.pos);
    this.emit(4, `${name}: ${present ? 'present' : 'NULL'}`);
    return present ? inner(name) : null;
  }
  optString(name) {
    return this.optional(name, (n) => this.string(n));
  }
  dom(name) {
    return { name: this.string(`${name}.name`), uuid: this.uuid(`${name}.uuid`), id: this.int(`${name}.id`) };
  }
  charArray(name, n) {
    const bytes = [];
    for (let i = 0; i < n; i++) bytes.push(this.buf.readInt32BE(this.pos + i * 4) & 0xff);
    const nul = bytes.indexOf(0);
    const text = Buffer.from(bytes.slice(0, nul === -1 ? n : nul)).toString('utf8');
    this.emit(n * 4, `${name}: char[${n}] = ${n * 4} bytes, ${JSON.stringify(text)} NUL-padded, 1 char per 4-byte word`);
  }
  array(name, inner) {
    const n = this.uint(`${name}: count`);
    for (let i = 0; i < n; i++) inner(`${name}[${i}]`);
  }
  typedParam(name) {
    const field = this.string(`${name}.field`);
    const type = this.int(
      `${name}.type (${['', 'INT', 'UINT', 'LLONG', 'ULLONG', 'DOUBLE', 'BOOLEAN', 'STRING'][this.buf.readInt32BE(this.pos)] ?? '?'})`,
    );
    const arm = [null, 'int', 'uint', 'hyper', 'uhyper', 'double', 'int', 'string'][type];
    return { field, value: this[arm](`${name}.value (${field})`) };
  }
  remoteError() {
    this.int('code');
    this.int('domain');
    this.optString('message');
    this.int('level');
    this.optional('dom', (n) => this.dom(n));
    this.optString('str1');
    this.optString('str2');
    this.optString('str3');
    this.int('int1');
    this.int('int2');
    this.optional('net', (n) => ({ name: this.string(`${n}.name`), uuid: this.uuid(`${n}.uuid`) }));
  }
}

const PROC_NAMES = {
  1: 'CONNECT_OPEN',
  2: 'CONNECT_CLOSE',
  6: 'NODE_GET_INFO',
  16: 'DOMAIN_GET_INFO',
  23: 'DOMAIN_LOOKUP_BY_NAME',
  66: 'AUTH_LIST',
  157: 'CONNECT_GET_LIB_VERSION',
  212: 'DOMAIN_GET_STATE',
  231: 'DOMAIN_UNDEFINE_FLAGS',
  273: 'CONNECT_LIST_ALL_DOMAINS',
  316: 'CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY',
  317: 'CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY',
  318: 'DOMAIN_EVENT_CALLBACK_LIFECYCLE',
  344: 'CONNECT_GET_ALL_DOMAIN_STATS',
  350: 'DOMAIN_DEFINE_XML_FLAGS',
};

/** Annotated lines of a whole packet: length word, header, then the payload walked by `spec`. */
function annotate(bytes, spec) {
  const h = decodeHeader(bytes);
  const lines = [
    { hex: bytes.subarray(0, 4).toString('hex'), comment: `length ${bytes.length} (includes itself)` },
    {
      hex: [4, 8, 12, 16, 20, 24].map((o) => bytes.subarray(o, o + 4).toString('hex')).join(' '),
      comment: `prog, vers 1, proc ${h.proc} ${PROC_NAMES[h.proc] ?? ''}, ${TYPE_NAMES[h.type]}, serial ${h.serial}, ${STATUS_NAMES[h.status]}`,
    },
  ];
  const w = new Walker(bytes.subarray(28));
  if (spec) spec(w);
  if (w.pos !== w.buf.length) throw new Error(`annotation of proc ${h.proc} left ${w.buf.length - w.pos} bytes`);
  return [...lines, ...w.lines];
}

export function tsHex(name, doc, bytes, spec) {
  const lines = annotate(bytes, spec);
  const width = Math.max(...lines.map((l) => l.hex.length)) + 4;
  const body = lines.map((l) => `  ${`'${l.hex}',`.padEnd(width)}// ${l.comment}`).join('\n');
  return `/** ${doc} */\nexport const ${name} = hex(\n${body}\n);\n`;
}
