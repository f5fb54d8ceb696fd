#!/usr/bin/env node
// `npm run demo`: set up what a fresh clone needs, then run examples/demo.ts.
//
// On the test driver (default) that is npm ci + libvirtd; with
// LIBVIRT_URI=qemu:///system also the tiny test guest (cached).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';

function run(title, command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

if (process.env.LIBVIRT_MANAGER_SKIP_SETUP !== '1') {
  if (!existsSync(join(root, 'node_modules'))) run('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
  run('libvirtd set-up', 'bash', [join(root, 'scripts/setup-libvirt.sh')]);
  if (!uri.startsWith('test')) run('test guest', 'bash', [join(root, 'scripts/build-test-guest.sh')]);
}
run('demo', join(root, 'node_modules/.bin/tsx'), [join(root, 'examples/demo.ts')]);
