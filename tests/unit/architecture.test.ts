import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/libvirt.js';

/**
 * Every .ts file under `dir`. A missing directory throws (ENOENT) and fails
 * the test: a check over files that moved away must not pass by checking nothing.
 */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

/**
 * The layers below the facade that must use the connection they are given:
 * the modules and the per-VM runtime they share.
 */
const MODULE_DIRS = ['creator', 'lifecycle', 'destroyer', 'devices', 'disk-state', 'agent', 'migration', 'state', 'runtime'] as const;
const MANAGER = join(ROOT, 'src/manager.ts');

/** Source text without comments (TSDoc examples may show how users open connections). */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** Every way the SDK has to open a link to a daemon. */
const OPENING = /LibvirtConnection\.connect\(|new LibvirtConnection\(|LibvirtManager\.connect\(|connectRpc\(|openRpcLink\(|createDialer\(/;

// The import direction is enforced by dependency-cruiser (npm run layers); these
// checks cover what an import rule cannot see.
describe('architecture', () => {
  it.each(MODULE_DIRS)('src/%s exists and holds TypeScript sources (the checks below read them)', (dir) => {
    expect(statSync(join(ROOT, 'src', dir)).isDirectory()).toBe(true);
    expect(sources(join(ROOT, 'src', dir)).length).toBeGreaterThan(0);
  });

  it('no module opens its own connection: they all use the one they are given', () => {
    const files = MODULE_DIRS.flatMap((dir) => sources(join(ROOT, 'src', dir)));
    expect(files.length).toBeGreaterThanOrEqual(MODULE_DIRS.length);
    // The facade is the one place that opens it (LibvirtManager.connect).
    const offenders = files.filter((file) => OPENING.test(code(file))).map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });

  it('the opening pattern recognises the way the facade opens its connection', () => {
    // Guards the pattern itself: if the SDK renames how connections open, this fails before the check above goes blind.
    expect(code(MANAGER)).toMatch(OPENING);
  });

  it('the facade writes no XML and calls no procedure descriptors', () => {
    const text = code(MANAGER); // throws (and fails) if the facade moved
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/<\/?(domain|disk|pool|volume|network)\b/);
    expect(text).not.toMatch(/\b[A-Z]+_[A-Z_]+(?=[,)])/); // REMOTE procedure constants such as DOMAIN_GET_STATE
    expect(text).not.toMatch(/\.call\(/);
  });
});
