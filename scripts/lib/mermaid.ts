/**
 * Turn an XState v5 machine definition into a Mermaid `stateDiagram-v2`, so
 * the diagrams in docs/ are generated from the code and cannot drift.
 */
import type { AnyStateMachine } from 'xstate';

/** An event transition as XState keeps it (the guard is what `edge` may look at). */
export interface Transition {
  target?: readonly StateNodeLike[] | undefined;
  eventType: string;
  guard?: unknown;
}

/**
 * How an event edge is drawn: its label, or `null` to leave it out (a guarded
 * transition whose guard is false in that state).
 */
export type EdgeLabel = (state: string, event: string, transition: Transition) => string | null;

interface StateNodeLike {
  key: string;
  type: string;
  states: Record<string, StateNodeLike>;
  initial?: { target: readonly StateNodeLike[] } | undefined;
  on: Record<string, readonly Transition[]>;
  always?: readonly { target?: readonly StateNodeLike[] | undefined }[] | undefined;
  after: readonly { target?: readonly StateNodeLike[] | undefined; delay: string | number }[];
  invoke: readonly { src: unknown; id: string }[];
  path: readonly string[];
}

function id(node: StateNodeLike): string {
  return node.path.join('_') || 'root';
}

function label(node: StateNodeLike): string {
  return node.key;
}

function emit(node: StateNodeLike, lines: string[], indent: string, edge: EdgeLabel): void {
  const children = Object.values(node.states);
  if (children.length === 0) return;
  const initial = node.initial?.target[0];
  if (initial !== undefined) lines.push(`${indent}[*] --> ${id(initial)}`);
  for (const child of children) {
    if (Object.keys(child.states).length > 0) {
      lines.push(`${indent}state "${label(child)}" as ${id(child)} {`);
      emit(child, lines, `${indent}  `, edge);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${label(child)}" as ${id(child)}`);
    }
    for (const [event, transitions] of Object.entries(child.on)) {
      for (const t of transitions) {
        const text = edge(child.key, event, t);
        if (text === null) continue;
        for (const target of t.target ?? []) lines.push(`${indent}${id(child)} --> ${id(target)}: ${text}`);
      }
    }
    for (const t of child.after)
      for (const target of t.target ?? []) lines.push(`${indent}${id(child)} --> ${id(target)}: after ${String(t.delay)}`);
    for (const t of child.always ?? []) for (const target of t.target ?? []) lines.push(`${indent}${id(child)} --> ${id(target)}: always`);
    if (child.type === 'final') lines.push(`${indent}${id(child)} --> [*]`);
  }
}

/** Mermaid source for `machine`, without the surrounding code fence. */
export function machineToMermaid(machine: AnyStateMachine, edge: EdgeLabel = (_state, event) => event): string {
  const lines = ['stateDiagram-v2'];
  emit(machine.root as unknown as StateNodeLike, lines, '  ', edge);
  // Deduplicate identical edges (several guarded transitions to one target).
  return [...new Set(lines)].join('\n');
}
