/**
 * Regenerate docs/protocol-coverage.md: every REMOTE_PROGRAM procedure libvirt
 * defines, and what the SDK does with it.
 *
 *   tsx scripts/gen-protocol-coverage.ts          rewrite the doc
 *   tsx scripts/gen-protocol-coverage.ts --check  fail (exit 1) if the doc is out of date or a procedure is unaccounted for (CI)
 *
 * A procedure is *typed* when src/rpc/protocol has its descriptor and some
 * module outside the protocol layer uses it (a resource method, the handshake,
 * the event hub). Every other procedure must be listed in
 * scripts/lib/protocol-coverage.ts with the reason the SDK does not call it, so
 * "not there yet" is a decision written down, never an accident.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as protocol from '../src/rpc/protocol/index.js';
import { NOT_CALLED, REASON_TEXT } from './lib/protocol-coverage.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = 'docs/protocol-coverage.md';

interface Descriptor {
  proc: number;
  name: string;
  program: number;
  kind: 'call' | 'event';
}

/** Every procedure and event-message descriptor the protocol layer exports for REMOTE_PROGRAM. */
function descriptors(): Map<string, { exportName: string; d: Descriptor }> {
  const byName = new Map<string, { exportName: string; d: Descriptor }>();
  for (const [exportName, value] of Object.entries(protocol)) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as Partial<{ proc: number; name: string; program: number; args: unknown; msg: unknown }>;
    if (typeof v.proc !== 'number' || typeof v.name !== 'string' || v.program !== protocol.REMOTE_PROGRAM) continue;
    const kind = 'msg' in v ? 'event' : 'args' in v ? 'call' : undefined;
    if (kind === undefined) continue;
    byName.set(v.name, { exportName, d: { proc: v.proc, name: v.name, program: v.program, kind } });
  }
  return byName;
}

/** Source text without comments, so a descriptor named in a TSDoc line is not counted as used. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** Source files under src/ outside the protocol layer (where a descriptor counts as used). */
function userFiles(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        // The protocol layer defines descriptors; the fake daemon answers them: neither is a use.
        if (![join('src', 'rpc', 'protocol'), join('src', 'testing')].includes(relative(root, full))) walk(full);
      } else if (entry.name.endsWith('.ts')) out.push({ path: relative(root, full), text: withoutComments(readFileSync(full, 'utf8')) });
    }
  };
  walk(join(root, 'src'));
  return out;
}

/** Where a descriptor is used: the files (outside src/rpc/protocol) naming its export. */
function usersOf(exportName: string, files: { path: string; text: string }[], routed: Set<string>): string[] {
  const word = new RegExp(`\\b${exportName}\\b`);
  const users = files.filter((f) => word.test(f.text)).map((f) => f.path);
  // Event messages are routed by table (events.ts): the event hub uses them through that table.
  if (users.length === 0 && routed.has(exportName)) return ['src/connection/events (routed by event id)'];
  return users;
}

/** The event messages the event routing tables hand to the event hub. */
function routedEvents(): Set<string> {
  const names = new Set<string>();
  const tables = [
    protocol.DOMAIN_EVENT_BY_ID,
    protocol.NETWORK_EVENT_BY_ID,
    protocol.STORAGE_POOL_EVENT_BY_ID,
    protocol.NODE_DEVICE_EVENT_BY_ID,
    protocol.SECRET_EVENT_BY_ID,
  ];
  const exportOf = new Map<unknown, string>(Object.entries(protocol).map(([k, v]) => [v, k]));
  for (const table of tables) for (const d of table.values() as Iterable<{ name: string }>) names.add(exportOf.get(d) ?? d.name);
  names.add('CONNECT_EVENT_CONNECTION_CLOSED');
  return names;
}

interface Row {
  proc: number;
  name: string;
  status: string;
  where: string;
}

function build(): { doc: string; problems: string[] } {
  const problems: string[] = [];
  const known = descriptors();
  const files = userFiles();
  const routed = routedEvents();
  const rows: Row[] = [];
  const counts = new Map<string, number>();
  const count = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
  const allNames = new Set<string>();
  for (let proc = 1; proc <= protocol.REMOTE_PROC_MAX_KNOWN; proc++) {
    const name = protocol.remoteProcedureName(proc);
    allNames.add(name);
    const desc = known.get(name);
    const reason = NOT_CALLED[name];
    if (desc !== undefined && desc.d.proc !== proc) problems.push(`${name}: descriptor says ${desc.d.proc}, the names table ${proc}`);
    const users = desc === undefined ? [] : usersOf(desc.exportName, files, routed);
    if (desc !== undefined && users.length > 0) {
      if (reason !== undefined)
        problems.push(`${name} is used (${users.join(', ')}) but listed as not called: drop it from scripts/lib/protocol-coverage.ts`);
      const status = desc.d.kind === 'event' ? 'event, decoded' : 'typed';
      count(status);
      rows.push({ proc, name, status, where: users.map((u) => `\`${u.replace(/^src\//, '')}\``).join(', ') });
      continue;
    }
    if (reason === undefined) {
      problems.push(
        desc === undefined
          ? `${name} (${proc}) has no descriptor and no reason in scripts/lib/protocol-coverage.ts`
          : `${name} (${proc}) has a descriptor nothing outside src/rpc/protocol uses, and no reason in scripts/lib/protocol-coverage.ts`,
      );
      continue;
    }
    count(reason.why);
    rows.push({ proc, name, status: REASON_TEXT[reason.why], where: reason.note });
  }
  for (const name of Object.keys(NOT_CALLED))
    if (!allNames.has(name)) problems.push(`scripts/lib/protocol-coverage.ts lists ${name}, not a procedure name`);

  const total = protocol.REMOTE_PROC_MAX_KNOWN;
  const summary = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `| ${REASON_TEXT[key as keyof typeof REASON_TEXT] ?? key} | ${n} |`);
  const doc = [
    '# Protocol coverage',
    '',
    '<!-- generated by scripts/gen-protocol-coverage.ts: edit scripts/lib/protocol-coverage.ts and rerun it -->',
    '',
    `libvirt's remote protocol (\`REMOTE_PROGRAM\`) numbers its procedures 1–${total} (libvirt 11.x). This page lists`,
    'every one and what the SDK does with it. **typed**: a descriptor in `src/rpc/protocol` and a method that calls it',
    '(the files named). **event, decoded**: a message the daemon sends, decoded and delivered by `events()`. Every other',
    'row says why the SDK does not call it. `conn.call(DESCRIPTOR, args)` reaches any typed descriptor directly.',
    '',
    '| status | procedures |',
    '| --- | ---: |',
    ...summary,
    `| **total** | **${total}** |`,
    '',
    '| # | procedure | status | where / why |',
    '| ---: | --- | --- | --- |',
    ...rows.map((r) => `| ${r.proc} | \`${r.name}\` | ${r.status} | ${r.where} |`),
    '',
  ].join('\n');
  return { doc, problems };
}

const { doc, problems } = build();
const check = process.argv.includes('--check');
if (problems.length > 0) {
  for (const p of problems) console.error(`✖ ${p}`);
  process.exit(1);
}
const path = join(root, DOC);
if (check) {
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // missing: out of date
  }
  if (current !== doc) {
    console.error(`✖ ${DOC} is out of date: run tsx scripts/gen-protocol-coverage.ts`);
    process.exit(1);
  }
  console.log(`${DOC} is up to date`);
} else {
  writeFileSync(path, doc);
  console.log(`wrote ${DOC}`);
}
