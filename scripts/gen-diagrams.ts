/**
 * Regenerate the Mermaid diagrams in docs/ from the XState machine definitions.
 *
 *   tsx scripts/gen-diagrams.ts          rewrite the docs
 *   tsx scripts/gen-diagrams.ts --check  fail (exit 1) if a doc is out of date (CI)
 *
 * A diagram lives between `<!-- diagram:<name> -->` and `<!-- /diagram:<name> -->`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { connectionMachine } from '../src/connection/machine.js';
import type { DomainStateName } from '../src/connection/internal.js';
import { verdict } from '../src/runtime/index.js';
import { COMMAND_OPERATION, type VmCommand } from '../src/state/commands.js';
import { vmMachine } from '../src/state/vm-machine.js';
import { type EdgeLabel, machineToMermaid } from './lib/mermaid.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The VM machine's commands are guarded by the one state table: draw a
 * command edge only where the table lets it run, and mark the no-ops.
 */
const vmEdge: EdgeLabel = (state, event, transition) => {
  const guard = transition.guard as { type?: string; params?: { command?: VmCommand } } | undefined;
  const command = guard?.type === 'allowed' ? guard.params?.command : undefined;
  if (command === undefined) return event;
  const decision = verdict(COMMAND_OPERATION[command], state as DomainStateName);
  if (typeof decision === 'object') return 'refuse' in decision ? null : `${event} (no-op)`;
  return event;
};

/** Which machine goes into which doc, under which marker name. */
const DIAGRAMS: { doc: string; name: string; machine: AnyStateMachine; edge?: EdgeLabel }[] = [
  { doc: 'docs/connection.md', name: 'connection', machine: connectionMachine },
  { doc: 'docs/lifecycle.md', name: 'vm', machine: vmMachine, edge: vmEdge },
];

/**
 * Readable labels for XState's internal event names: an invoked actor's
 * `xstate.done.actor.<id>` / `xstate.error.actor.<id>` become `onDone` /
 * `onError` (the state names the effect), and the `xstate.after.*` duplicates
 * of `after <delay>` edges are dropped.
 */
function tidy(mermaid: string): string {
  const lines = mermaid
    .split('\n')
    .filter((line) => !/: xstate\.after\./.test(line))
    .map((line) => line.replace(/: xstate\.done\.actor\.\S+$/, ': onDone').replace(/: xstate\.error\.actor\.\S+$/, ': onError'));
  return mergeParallel(lines).join('\n');
}

/**
 * One edge per pair of states: the eight device commands all lead from an
 * observed state to `reconfiguring`, drawn as one edge listing them.
 */
function mergeParallel(lines: string[]): string[] {
  const out: string[] = [];
  const byEdge = new Map<string, number>();
  for (const line of lines) {
    const match = /^(\s*\S+ --> \S+): (.+)$/.exec(line);
    if (match === null) {
      out.push(line);
      continue;
    }
    const [, edge = '', label = ''] = match;
    const at = byEdge.get(edge);
    if (at === undefined) {
      byEdge.set(edge, out.length);
      out.push(line);
    } else out[at] = `${out[at]}, ${label}`;
  }
  return out;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const { doc, name, machine, edge } of DIAGRAMS) {
  const path = join(root, doc);
  const text = readFileSync(path, 'utf8');
  const start = `<!-- diagram:${name} -->`;
  const end = `<!-- /diagram:${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`${doc}: markers for diagram '${name}' are missing`);
  const block = `${start}\n\`\`\`mermaid\n${tidy(machineToMermaid(machine, edge))}\n\`\`\`\n${end}`;
  const next = text.slice(0, from) + block + text.slice(to + end.length);
  if (next === text) continue;
  stale++;
  if (check) console.error(`${doc}: diagram '${name}' is out of date; run npm run docs:diagrams`);
  else {
    writeFileSync(path, next);
    console.log(`${doc}: diagram '${name}' updated`);
  }
}
if (check && stale > 0) process.exit(1);
