#!/usr/bin/env node
// `npm test`: everything a fresh clone needs, then every check CI runs.
//
// 1. `npm ci` when node_modules is missing (a fresh clone);
// 2. scripts/setup-libvirt.sh (packages, libvirtd, loopback TCP listener);
// 3. scripts/build-test-guest.sh (tiny real guest for QEMU tests, cached);
// 4. typecheck, lint (ESLint and shellcheck), layer check, diagram, API-doc
//    and API-report checks, unit and integration tests (examples and the demo
//    included), and the packed tarball used from import and require.
//
// Pass vitest arguments after `--`, e.g. `npm test -- tests/unit/rpc`.
// Set LIBVIRT_MANAGER_SKIP_SETUP=1 to skip steps 1–3 on a prepared machine.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitestArgs = process.argv.slice(2);

function run(title, command, args, options = {}) {
  const started = Date.now();
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${title} (${seconds} s)`);
}

if (process.env.LIBVIRT_MANAGER_SKIP_SETUP !== '1') {
  if (!existsSync(join(root, 'node_modules'))) run('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
  run('libvirtd set-up', 'bash', [join(root, 'scripts/setup-libvirt.sh')]);
  if (existsSync(join(root, 'scripts/build-test-guest.sh'))) {
    run('test guest', 'bash', [join(root, 'scripts/build-test-guest.sh')]);
  }
}

const bin = (name) => join(root, 'node_modules/.bin', name);

/** scripts/*.sh and the test guest's scripts (busybox sh: each says `# shellcheck shell=sh`). */
function shellScripts() {
  if (spawnSync('shellcheck', ['--version']).error) {
    console.error('✖ shellcheck is not installed: run scripts/setup-libvirt.sh (or apt-get install shellcheck)');
    process.exit(1);
  }
  return ['scripts', 'scripts/test-guest'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.sh'))
      .sort()
      .map((f) => join(dir, f)),
  );
}
if (vitestArgs.length === 0) {
  run('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  run('lint', bin('eslint'), ['.']);
  run('formatted (prettier --check; npm run format fixes it)', bin('prettier'), ['--check', '.']);
  run('shell scripts lint clean', 'shellcheck', shellScripts());
  run('layer check', bin('depcruise'), ['src', '--config', '.dependency-cruiser.cjs']);
  run('diagrams up to date', bin('tsx'), ['scripts/gen-diagrams.ts', '--check']);
  run('protocol coverage up to date', bin('tsx'), ['scripts/gen-protocol-coverage.ts', '--check']);
  run('API docs build without warnings', bin('typedoc'), ['--emit', 'none']);
  // api/*.api.md lists every exported name and signature: a public API change must come with its report.
  run('API report up to date', bin('tsx'), ['scripts/api-report.ts', '--check']);
}
run('tests', bin('vitest'), ['run', ...vitestArgs]);
if (vitestArgs.length === 0) run('packed tarball works from import and require', 'node', ['scripts/pack-check.mjs']);
