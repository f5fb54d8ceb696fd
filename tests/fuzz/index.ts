/**
 * Every fuzz target, for `tests/unit/fuzz.test.ts` (few inputs each, part of
 * `npm test`) and `scripts/fuzz.ts` (≥ 1,000,000 inputs, `npm run fuzz`).
 *
 * Weights split a full run's inputs between targets by cost: cheap byte-level
 * targets (framer, XDR) take most of the million, the XML read-modify-write
 * and the 1 MB structural inputs far fewer (see docs/reliability.md).
 *
 * @module
 */
import { clientTargets } from './client.props.js';
import { framerTargets } from './framer.props.js';
import type { FuzzTarget, TargetReport } from './harness.js';
import { isoTargets } from './iso.props.js';
import { xdrTargets } from './xdr.props.js';
import { xmlTargets } from './xml.props.js';

export type { FuzzTarget, RunOptions, TargetReport } from './harness.js';
export { runTarget, setInputHook } from './harness.js';
export { clientCoverage } from './client.props.js';

export const ALL_TARGETS: readonly FuzzTarget[] = [...framerTargets, ...xdrTargets, ...clientTargets, ...xmlTargets, ...isoTargets];

/** Split `total` inputs between `targets` in proportion to their weights (each gets at least one). */
export function distributeRuns(total: number, targets: readonly FuzzTarget[]): Map<string, number> {
  const weight = targets.reduce((sum, t) => sum + t.weight, 0);
  const out = new Map<string, number>();
  let given = 0;
  targets.forEach((t, i) => {
    const runs = i === targets.length - 1 ? Math.max(1, total - given) : Math.max(1, Math.round((total * t.weight) / weight));
    out.set(t.name, runs);
    given += runs;
  });
  return out;
}

/** A target's fast-check seed, derived from the run's base seed and the target name (stable across runs and `--only`). */
export function targetSeed(baseSeed: number, name: string): number {
  let h = baseSeed | 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x9e3779b1) | 0;
  return (h ^ (h >>> 15)) | 0;
}

/** A failure as text: what failed, the (shrunk) input, the error, and how to replay it. */
export function formatFailure(report: TargetReport, baseSeed: number | undefined): string {
  const replay =
    baseSeed === undefined
      ? `seed ${report.seed}${report.path === null ? '' : `, path "${report.path}"`}`
      : `npx tsx scripts/fuzz.ts --only ${report.name} --seed ${baseSeed}${report.path === null ? '' : ` --path "${report.path}"`}`;
  return [
    `${report.name} failed after ${report.numRuns} inputs (fast-check seed ${report.seed})`,
    `  counterexample: ${report.counterexample ?? '(none)'}`,
    `  error: ${(report.error ?? '').split('\n').join('\n    ')}`,
    `  replay: ${replay}`,
  ].join('\n');
}
