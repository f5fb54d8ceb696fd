#!/usr/bin/env node
// Capture byte fixtures from a real libvirtd (test driver) for the codec tests.
//
//   node scripts/capture-fixtures.mjs [--socket /run/libvirt/libvirt-sock] [--out tests/fixtures/wire/captured.ts]
//
// Plain Node on purpose: it encodes every CALL by hand (independently of our TypeScript codec,
// so the tests compare two implementations), sends it over the UNIX socket, records the raw
// REPLY/MESSAGE packets, and writes them as annotated hex (one 4-byte group per word, a comment
// per field) into a TS module. It opens `test:///default`, defines and undefines a throwaway
// domain `fixture-capture-<time>` to provoke lifecycle events, and always undefines it again.
// Run it by hand when the fixtures need refreshing; tests never run it.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { Walker, decodeHeader, tsHex } from './lib/wire-annotate.mjs';

const { values: opts } = parseArgs({
  options: {
    socket: { type: 'string', default: '/run/libvirt/libvirt-sock' },
    out: { type: 'string', default: 'tests/fixtures/wire/captured.ts' },
  },
});

const PROGRAM = 0x20008086;
const CALL = 0;
const MESSAGE = 2;

// ---- hand-written XDR encoding for the calls ----
const u32 = (v) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
const i32 = (v) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const str = (s) => {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([u32(bytes.length), bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)]);
};
const domRef = (d) => Buffer.concat([str(d.name), d.uuidBytes, i32(d.id)]);

function packet(proc, serial, payload = Buffer.alloc(0), type = CALL) {
  const header = Buffer.concat([u32(PROGRAM), u32(1), i32(proc), i32(type), u32(serial), i32(0)]);
  return Buffer.concat([u32(28 + payload.length), header, payload]);
}

// ---- socket with a tiny framer ----
const sock = net.connect(opts.socket);
await new Promise((resolve, reject) => {
  sock.once('connect', resolve);
  sock.once('error', reject);
});
let pending = Buffer.alloc(0);
const inbox = [];
const waiters = [];
sock.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const len = pending.readUInt32BE(0);
    if (pending.length < len) break;
    inbox.push(Buffer.from(pending.subarray(0, len)));
    pending = pending.subarray(len);
  }
  for (const w of [...waiters]) w();
});

/** Wait for the first packet matching `pred`, removing it from the inbox. */
function take(pred, what, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const i = inbox.findIndex((p) => pred(decodeHeader(p)));
      if (i === -1) return;
      const [p] = inbox.splice(i, 1);
      waiters.splice(waiters.indexOf(check), 1);
      clearTimeout(timer);
      resolve(p);
    };
    const timer = setTimeout(() => {
      waiters.splice(waiters.indexOf(check), 1);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    waiters.push(check);
    check();
  });
}

let serial = 0;
async function call(proc, payload) {
  const s = ++serial;
  const bytes = packet(proc, s, payload);
  sock.write(bytes);
  const reply = await take((h) => h.type === 1 && h.serial === s, `reply to proc ${proc}`);
  return { call: bytes, reply, status: decodeHeader(reply).status };
}

// ---- the capture session ----
const stamp = `${Date.now()}`;
const throwaway = `fixture-capture-${stamp}`;
const out = [];
const facts = {};
let definedDom = null;
try {
  const authList = await call(66);
  out.push(tsHex('AUTH_LIST_CALL', 'AUTH_LIST call (serial 1, no payload).', authList.call));
  out.push(
    tsHex('AUTH_LIST_REPLY', 'AUTH_LIST reply: one auth type (root on the local socket gets NONE).', authList.reply, (w) =>
      w.array('types', (n) => w.int(n)),
    ),
  );

  const open = await call(1, Buffer.concat([u32(1), str('test:///default'), u32(0)]));
  out.push(
    tsHex('CONNECT_OPEN_CALL', 'CONNECT_OPEN { name: present "test:///default", flags: 0 }.', open.call, (w) => {
      w.optString('name');
      w.uint('flags');
    }),
  );
  out.push(tsHex('CONNECT_OPEN_REPLY', 'CONNECT_OPEN reply: empty payload.', open.reply));

  const libVersion = await call(157);
  out.push(tsHex('CONNECT_GET_LIB_VERSION_CALL', 'CONNECT_GET_LIB_VERSION call.', libVersion.call));
  out.push(
    tsHex('CONNECT_GET_LIB_VERSION_REPLY', 'CONNECT_GET_LIB_VERSION reply: unsigned hyper lib_ver.', libVersion.reply, (w) => {
      facts.libVersion = w.uhyper('lib_ver');
    }),
  );

  const lookup = await call(23, str('test'));
  out.push(tsHex('DOMAIN_LOOKUP_BY_NAME_CALL', 'DOMAIN_LOOKUP_BY_NAME { name: "test" }.', lookup.call, (w) => w.string('name')));
  let testDom;
  out.push(
    tsHex(
      'DOMAIN_LOOKUP_BY_NAME_REPLY',
      'DOMAIN_LOOKUP_BY_NAME reply: remote_nonnull_domain of the default "test" domain.',
      lookup.reply,
      (w) => {
        testDom = w.dom('dom');
      },
    ),
  );
  testDom.uuidBytes = Buffer.from(testDom.uuid.replace(/-/g, ''), 'hex');

  const state = await call(212, Buffer.concat([domRef(testDom), u32(0)]));
  out.push(
    tsHex('DOMAIN_GET_STATE_CALL', 'DOMAIN_GET_STATE { dom: test, flags: 0 }.', state.call, (w) => {
      w.dom('dom');
      w.uint('flags');
    }),
  );
  out.push(
    tsHex(
      'DOMAIN_GET_STATE_REPLY',
      'DOMAIN_GET_STATE reply: { int state; int reason } (virDomainState, per-state reason).',
      state.reply,
      (w) => {
        w.int('state');
        w.int('reason');
      },
    ),
  );

  const info = await call(16, domRef(testDom));
  out.push(tsHex('DOMAIN_GET_INFO_CALL', 'DOMAIN_GET_INFO { dom: test }.', info.call, (w) => w.dom('dom')));
  out.push(
    tsHex(
      'DOMAIN_GET_INFO_REPLY',
      'DOMAIN_GET_INFO reply: `unsigned char state` and `unsigned short nrVirtCpu` are 4 bytes each.',
      info.reply,
      (w) => {
        w.uint('state (unsigned char, widened to 4 bytes)');
        w.uhyper('maxMem (KiB)');
        w.uhyper('memory (KiB)');
        w.uint('nrVirtCpu (unsigned short, widened to 4 bytes)');
        facts.cpuTime = w.uhyper('cpuTime (ns)');
      },
    ),
  );

  const nodeInfo = await call(6);
  out.push(tsHex('NODE_GET_INFO_CALL', 'NODE_GET_INFO call.', nodeInfo.call));
  out.push(
    tsHex('NODE_GET_INFO_REPLY', 'NODE_GET_INFO reply: `char model[32]` takes 128 bytes.', nodeInfo.reply, (w) => {
      w.charArray('model', 32);
      w.uhyper('memory (KiB)');
      for (const f of ['cpus', 'mhz', 'nodes', 'sockets', 'cores', 'threads']) w.int(f);
    }),
  );

  const listAll = await call(273, Buffer.concat([i32(1), u32(0)]));
  out.push(
    tsHex('CONNECT_LIST_ALL_DOMAINS_CALL', 'CONNECT_LIST_ALL_DOMAINS { need_results: 1, flags: 0 }.', listAll.call, (w) => {
      w.int('need_results');
      w.uint('flags');
    }),
  );
  out.push(
    tsHex(
      'CONNECT_LIST_ALL_DOMAINS_REPLY',
      'CONNECT_LIST_ALL_DOMAINS reply: domains<> then unsigned int ret (count).',
      listAll.reply,
      (w) => {
        w.array('domains', (n) => w.dom(n));
        w.uint('ret');
      },
    ),
  );

  const stats = await call(344, Buffer.concat([u32(0), u32(0), u32(0)]));
  out.push(
    tsHex('CONNECT_GET_ALL_DOMAIN_STATS_CALL', 'CONNECT_GET_ALL_DOMAIN_STATS { doms: [], stats: 0, flags: 0 }.', stats.call, (w) => {
      w.array('doms', (n) => w.dom(n));
      w.uint('stats');
      w.uint('flags');
    }),
  );
  out.push(
    tsHex(
      'CONNECT_GET_ALL_DOMAIN_STATS_REPLY',
      'CONNECT_GET_ALL_DOMAIN_STATS reply: records of { dom, typed params }.',
      stats.reply,
      (w) => {
        w.array('retStats', (n) => {
          w.dom(`${n}.dom`);
          w.array(`${n}.params`, (p) => w.typedParam(p));
        });
      },
    ),
  );

  const missing = `fixture-capture-missing-${stamp}`;
  const noDomain = await call(23, str(missing));
  out.push(tsHex('DOMAIN_LOOKUP_MISSING_CALL', `DOMAIN_LOOKUP_BY_NAME { name: "${missing}" }.`, noDomain.call, (w) => w.string('name')));
  out.push(
    tsHex('DOMAIN_LOOKUP_MISSING_REPLY', 'Error reply (status ERROR): remote_error for VIR_ERR_NO_DOMAIN (42).', noDomain.reply, (w) =>
      w.remoteError(),
    ),
  );

  const register = await call(316, Buffer.concat([i32(0), u32(0)]));
  out.push(
    tsHex('EVENT_REGISTER_LIFECYCLE_CALL', 'CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY { eventID: 0, dom: NULL }.', register.call, (w) => {
      w.int('eventID');
      w.optional('dom', (n) => w.dom(n));
    }),
  );
  let callbackID;
  out.push(
    tsHex('EVENT_REGISTER_LIFECYCLE_REPLY', 'CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY reply: callbackID.', register.reply, (w) => {
      callbackID = w.int('callbackID');
    }),
  );

  const uuid = randomUUID();
  const xml = `<domain type='test'><name>${throwaway}</name><uuid>${uuid}</uuid><memory>1024</memory><os><type>hvm</type></os></domain>`;
  const define = await call(350, Buffer.concat([str(xml), u32(0)]));
  if (define.status !== 0) throw new Error('DOMAIN_DEFINE_XML_FLAGS failed');
  out.push(
    tsHex(
      'DOMAIN_DEFINE_XML_FLAGS_CALL',
      `DOMAIN_DEFINE_XML_FLAGS { xml: <domain type='test'> ${throwaway}, flags: 0 }.`,
      define.call,
      (w) => {
        w.string('xml');
        w.uint('flags');
      },
    ),
  );
  const dw = new Walker(define.reply.subarray(28));
  definedDom = dw.dom('dom');
  definedDom.uuidBytes = Buffer.from(uuid.replace(/-/g, ''), 'hex');
  out.push(
    tsHex('DOMAIN_DEFINE_XML_FLAGS_REPLY', `DOMAIN_DEFINE_XML_FLAGS reply: the new inactive domain (id -1).`, define.reply, (w) =>
      w.dom('dom'),
    ),
  );

  const isEvent = (h) => h.type === MESSAGE && h.proc === 318;
  const defined = await take(isEvent, 'DEFINED event');
  const lifecycleSpec = (w) => {
    w.int('callbackID');
    w.dom('msg.dom');
    w.int('msg.event');
    w.int('msg.detail');
  };
  out.push(
    tsHex(
      'EVENT_LIFECYCLE_DEFINED',
      `Event MESSAGE 318 (serial 1): { callbackID ${callbackID}, msg: { dom, event DEFINED (0), detail ADDED (0) } }.`,
      defined,
      lifecycleSpec,
    ),
  );

  const undefine = await call(231, Buffer.concat([domRef(definedDom), u32(0)]));
  if (undefine.status !== 0) throw new Error('DOMAIN_UNDEFINE_FLAGS failed');
  out.push(
    tsHex('DOMAIN_UNDEFINE_FLAGS_CALL', `DOMAIN_UNDEFINE_FLAGS { dom: ${throwaway}, flags: 0 }.`, undefine.call, (w) => {
      w.dom('dom');
      w.uint('flags');
    }),
  );
  out.push(tsHex('DOMAIN_UNDEFINE_FLAGS_REPLY', 'DOMAIN_UNDEFINE_FLAGS reply: empty payload.', undefine.reply));
  definedDom = null;
  const undefined_ = await take(isEvent, 'UNDEFINED event');
  out.push(
    tsHex(
      'EVENT_LIFECYCLE_UNDEFINED',
      'Event MESSAGE 318: { callbackID, msg: { dom, event UNDEFINED (1), detail REMOVED (0) } }.',
      undefined_,
      lifecycleSpec,
    ),
  );

  await call(317, i32(callbackID));
  await call(2);
} finally {
  if (definedDom !== null) {
    // Something failed after the define: do not leave the throwaway domain behind.
    await call(231, Buffer.concat([domRef(definedDom), u32(0)])).catch(() => {});
  }
  sock.destroy();
}

const v = Number(facts.libVersion ?? 0n);
const version = `${Math.floor(v / 1e6)}.${Math.floor(v / 1e3) % 1e3}.${v % 1e3}`;
const header = `/**
 * Byte fixtures captured from a real libvirtd ${version} (test:///default over
 * /run/libvirt/libvirt-sock) by scripts/capture-fixtures.mjs on ${new Date().toISOString().slice(0, 10)}.
 * Generated file: re-run the script to refresh it, do not edit by hand. Calls were encoded by the
 * script (not by our codec); replies and events are the daemon's raw bytes.
 */
import { hex } from './hex.js';

/** The throwaway domain the capture defined and undefined. */
export const CAPTURE_THROWAWAY_DOMAIN = '${throwaway}';
`;
writeFileSync(opts.out, `${header}\n${out.join('\n')}`);
console.log(`wrote ${out.length} fixtures to ${opts.out}`);
