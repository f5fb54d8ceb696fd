import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/libvirt.js';

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

const MODULES = ['creator', 'lifecycle', 'destroyer', 'state'].flatMap((m) => {
  try {
    return sources(join(ROOT, 'src', m));
  } catch {
    return [];
  }
});
const MANAGER = join(ROOT, 'src/manager.ts');

/** Source text without comments (TSDoc examples may show how users open connections). */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
}

// The import direction is enforced by dependency-cruiser (npm run layers); these
// checks cover what an import rule cannot see.
describe('architecture', () => {
  it('no module opens its own connection: they all use the one they are given', () => {
    const opening = /LibvirtConnection\.open\(|new LibvirtConnection\(|connectRpc\(|openRpcLink\(/;
    // The facade is the one place that opens it (LibvirtManager.connect).
    const offenders = MODULES
      .filter((file) => {
        try {
          return opening.test(code(file));
        } catch {
          return false;
        }
      })
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });

  it('the facade writes no XML and calls no procedure descriptors', () => {
    let text = '';
    try {
      text = code(MANAGER);
    } catch {
      return; // the facade does not exist yet
    }
    expect(text).not.toMatch(/<\/?(domain|disk|pool|volume|network)\b/);
    expect(text).not.toMatch(/\b[A-Z]+_[A-Z_]+(?=[,)])/); // REMOTE procedure constants such as DOMAIN_GET_STATE
    expect(text).not.toMatch(/\.call\(/);
  });
});
