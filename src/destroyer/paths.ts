/**
 * Lexical path forms, for comparing the paths domains use: libvirt compares
 * paths as given (its own lookup collapses repeated slashes, but keeps a
 * leading `//` and every `.` and `..`), so `/var/lib//x.qcow2`,
 * `/var/lib/./x.qcow2` and `/var/lib/x.qcow2` name one file it would not
 * match. Symlinks are resolved elsewhere (`local-host.ts`), where the SDK can
 * see the daemon's filesystem.
 *
 * @module
 */

/**
 * `path` with repeated slashes, `.` segments and a trailing slash removed.
 * `..` is kept: `a/link/../b` is not `a/b` when `link` is a symlink.
 * @example normalizePath('//var/lib/./libvirt//images/') // '/var/lib/libvirt/images'
 */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  const joined = segments.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/**
 * `path` normalized, with each `..` also taking away the segment before it —
 * what the path means when no segment is a symlink. Used as one more name
 * for a file (a match on it keeps a volume: the safe direction), never alone.
 * @example withoutDotDot('/var/lib/libvirt/../libvirt/x.qcow2') // '/var/lib/libvirt/x.qcow2'
 */
export function withoutDotDot(path: string): string {
  const normalized = normalizePath(path);
  const absolute = normalized.startsWith('/');
  const out: string[] = [];
  for (const segment of normalized.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(segment);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined === '' ? '.' : joined;
}

/** The directory part of an absolute path (`/a/b/c` → `/a/b`). */
export function parentOf(path: string): string {
  const normalized = normalizePath(path);
  const cut = normalized.lastIndexOf('/');
  return cut <= 0 ? '/' : normalized.slice(0, cut);
}

/** `target` read from inside `base`'s directory (a relative qcow2 backing file name is relative to its overlay). */
export function resolveFrom(baseFile: string, target: string): string {
  return target.startsWith('/') ? normalizePath(target) : normalizePath(`${parentOf(baseFile)}/${target}`);
}
