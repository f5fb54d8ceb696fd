#!/usr/bin/env node
// Run a benchmark on the code as we ship it: compile bench/<name>.ts and the sources it imports with tsup (the
// compiler that makes dist/, same target and options), then run the result with plain node.
//
//   node scripts/bench-run.mjs bench/rpc.ts [args...]      (what `npm run bench:*` does)
//
// Why not tsx: tsx compiles with esbuild's keepNames, which wraps every named function and class in a __name()
// call, and runs through module hooks and source-map support; on this project that costs our client measurable CPU
// per call and per connection (docs/performance.md). Users run dist/, so that is what the figures must describe.
//
// The output goes to node_modules/.cache/ (so the bundle resolves the project's dependencies like dist/ does)
// and is removed afterwards; the bench finds the repository through LIBVIRT_MANAGER_BENCH_ROOT.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (entry === undefined) {
  console.error('usage: node scripts/bench-run.mjs bench/<name>.ts [args...]');
  process.exit(2);
}
const cache = join(root, 'node_modules/.cache');
mkdirSync(cache, { recursive: true });
const outDir = mkdtempSync(join(cache, 'libvirt-manager-bench-'));
const name = basename(entry).replace(/\.ts$/, '');
let code = 1;
try {
  await build({
    config: false,
    entry: { [name]: resolve(root, entry) },
    outDir,
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    target: 'node20',
    platform: 'node',
    splitting: false,
    sourcemap: false,
    dts: false,
    treeshake: true,
    silent: true,
  });
  code = await new Promise((done) => {
    const child = spawn(process.execPath, [join(outDir, `${name}.mjs`), ...args], {
      stdio: 'inherit',
      env: { ...process.env, LIBVIRT_MANAGER_BENCH_ROOT: root },
    });
    // Ctrl-C reaches the child through the terminal's process group; wait for it to finish its clean-up.
    process.on('SIGINT', () => undefined);
    child.on('close', (status, signal) => done(status ?? (signal === null ? 1 : 128 + 2)));
  });
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
process.exit(code);
