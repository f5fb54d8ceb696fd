/**
 * Progress of a create or a disk upload, drawn on stderr only when it is a
 * terminal (and `--json` is off): the steps as lines, an upload as a bar
 * redrawn in place. Nothing is drawn into a pipe or a log file.
 *
 * @module
 */
import type { CreateProgress } from '../index.js';
import type { CliContext } from './command.js';
import { bytes } from './output.js';

const BAR = 30;

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
    const ratio = event.total > 0 ? Math.min(1, event.bytes / event.total) : 1;
    const filled = Math.round(ratio * BAR);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}`;
    process.stderr.write(
      `\r  ${event.volume} ${bar} ${(ratio * 100).toFixed(0).padStart(3)}% ${bytes(event.bytes)} / ${bytes(event.total)}`,
    );
    drawing = event.bytes < event.total;
    if (!drawing) process.stderr.write('\n');
  };
}
