#!/usr/bin/env node
// Build, `npm pack`, install the tarball into an empty directory, and use it
// from both `import` and `require` — every subpath, plus one real call to the
// test driver — exactly as a user's project would; then the `libvirt-manager` bin through npx.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'libvirt-manager-pack-'));
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  sh(join(root, 'node_modules/.bin/tsup'), [], root);
  sh('npm', ['pack', '--pack-destination', dir, '--silent'], root);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pack-check', version: '1.0.0', private: true }));
  sh('npm', ['install', '--no-audit', '--no-fund', '--silent', `./${tarball}`], dir);

  const subpaths = ['', '/connection', '/creator', '/lifecycle', '/destroyer', '/state', '/testing', '/protocol'];
  const esm = `
    ${subpaths.map((s, i) => `import * as m${i} from 'libvirt-manager${s}';`).join('\n')}
    const mods = [${subpaths.map((_, i) => `m${i}`).join(', ')}];
    if (mods.some((m) => Object.keys(m).length === 0)) throw new Error('an ESM subpath exports nothing');
    const { LibvirtManager, DomainNotFoundError } = m0;
    const manager = await LibvirtManager.connect('test+unix:///default');
    try { await manager.connection.domains.lookup('no-such-domain-pack-check'); } catch (e) { if (!(e instanceof DomainNotFoundError) || e.code !== 42) throw e; }
    console.log('esm ok:', manager.listVms().length, 'vm(s) tracked');
    await manager.close();
  `;
  const cjs = `
    const subpaths = ${JSON.stringify(subpaths)};
    for (const s of subpaths) if (Object.keys(require('libvirt-manager' + s)).length === 0) throw new Error('CJS subpath ' + s + ' exports nothing');
    const { LibvirtConnection, DomainNotFoundError } = require('libvirt-manager');
    (async () => {
      const conn = await LibvirtConnection.connect('test+unix:///default');
      try { await conn.domains.lookup('no-such-domain-pack-check'); } catch (e) { if (!(e instanceof DomainNotFoundError)) throw e; }
      console.log('cjs ok:', (await conn.host.getLibVersion()).text);
      await conn.close();
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  writeFileSync(join(dir, 'check.mjs'), esm);
  writeFileSync(join(dir, 'check.cjs'), cjs);
  process.stdout.write(sh('node', ['check.mjs'], dir));
  process.stdout.write(sh('node', ['check.cjs'], dir));
  // Types resolve for both module systems.
  writeFileSync(
    join(dir, 'types.mts'),
    `import { LibvirtManager, type VmSpec } from 'libvirt-manager';\nconst s: VmSpec = { name: 'x', memory: '1GiB' };\nvoid LibvirtManager; void s;\n`,
  );
  writeFileSync(join(dir, 'types.cts'), `import { VmCreator } from 'libvirt-manager/creator';\nvoid VmCreator;\n`);
  sh(
    join(root, 'node_modules/.bin/tsc'),
    [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--skipLibCheck',
      'false',
      '--types',
      'node',
      '--typeRoots',
      join(root, 'node_modules/@types'),
      'types.mts',
      'types.cts',
    ],
    dir,
  );
  console.log('types ok (ESM and CJS)');
  // The bin: `npx libvirt-manager` from the installed tarball, machine output parsed.
  const listed = JSON.parse(sh('npx', ['--no-install', 'libvirt-manager', 'list', '--json', '--uri', 'test+unix:///default'], dir));
  if (!Array.isArray(listed) || !listed.some((vm) => vm.name === 'test'))
    throw new Error(`bin: unexpected list output ${JSON.stringify(listed)}`);
  console.log('bin ok: npx libvirt-manager list --json saw', listed.length, 'vm(s)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
