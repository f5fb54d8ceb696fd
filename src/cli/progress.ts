/**
 * Progress of long work, drawn on stderr only when it is a terminal (and
 * `--json` is off): a create's steps as lines, an upload's or a migration's
 * bytes as a bar redrawn in place. Nothing is drawn into a pipe or a log file.
 *
 * @module
 */
import type { CreateProgress } from '../index.js';
import type { MigrationProgress } from '../migration/index.js';
import type { CliContext } from './command.js';
import { bytes } from './output.js';

const BAR = 30;

/** `label ████░░ 45% 10 MiB / 22 MiB suffix`, redrawn in place on stderr. */
function drawBar(label: string, done: number, total: number, suffix = ''): void {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * BAR);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}`;
  // Clear to the end of the line: a redraw may be shorter than the one before.
  process.stderr.write(`\r  ${label} ${bar} ${(ratio * 100).toFixed(0).padStart(3)}% ${bytes(done)} / ${bytes(total)}${suffix}\x1b[K`);
}

/** An `onProgress` callback for the SDK, or `undefined` when stderr is not a terminal. */
export function progressReporter(context: CliContext): ((event: CreateProgress) => void) | undefined {
  if (!context.interactive) return undefined;
  let drawing = false;
  return (event) => {
    if (event.type === 'step') {
      if (drawing) process.stderr.write('\n');
      drawing = false;
      context.note(`… ${event.description}`);
      return;
    }
    drawBar(event.volume, event.bytes, event.total);
    drawing = event.bytes < event.total;
    if (!drawing) process.stderr.write('\n');
  };
}

/** A migration's bar: `onProgress` for the SDK and `end` to finish the line; `undefined` when stderr is not a terminal. */
export function migrationProgressReporter(
  context: CliContext,
  vm: string,
): { onProgress: (p: MigrationProgress) => void; end: () => void } | undefined {
  if (!context.interactive) return undefined;
  let drawn = false;
  return {
    onProgress: (p) => {
      // Nothing counted yet (the job is setting up): no bar rather than a full one.
      if (p.dataTotal === 0) return;
      // dataTotal grows while the guest dirties memory: the bar may step back on a later pass.
      drawBar(vm, p.dataProcessed, p.dataTotal, p.memoryIteration > 1 ? `  memory pass ${p.memoryIteration}` : '');
      drawn = true;
    },
    end: () => {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}
