/**
 * Running the runnable examples (`examples/*.ts`) from tests, the way a user
 * would: `tsx examples/<file> …args` from the repository root, the URI in
 * `LIBVIRT_URI`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './libvirt.js';

const run = promisify(execFile);

/** The tsx the repository installs. */
export const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** Run `examples/<file>` with `args` against `uri`; its stdout. Rejects when it exits non-zero or runs over two minutes. */
export async function runExample(file: string, args: readonly string[], uri: string): Promise<string> {
  const { stdout } = await run(TSX, [join(ROOT, 'examples', file), ...args], {
    cwd: ROOT,
    env: { ...process.env, LIBVIRT_URI: uri },
    timeout: 120_000,
  });
  return stdout;
}
