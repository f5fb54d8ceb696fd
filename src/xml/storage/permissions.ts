import { compact, withExtras, type ElementReader, type Extensible } from '../core/reader.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';

/**
 * `<permissions>` of a pool directory or a volume file. Applied by libvirt when
 * it creates the directory or file.
 */
export interface StoragePermissions extends Extensible {
  /** Octal mode as text, e.g. `'0755'`. */
  mode?: string;
  /** Numeric uid (`-1`: unchanged). */
  owner?: number;
  /** Numeric gid (`-1`: unchanged). */
  group?: number;
  /** SELinux label. */
  label?: string;
}

/** @internal */
export function writePermissions(w: ElementWriter, perms: StoragePermissions | undefined, path: string): void {
  if (perms === undefined) return;
  if (perms.mode !== undefined && !/^[0-7]{3,4}$/.test(perms.mode))
    throw invalidSpec(`${path}.mode`, 'must be an octal mode such as "0755"');
  for (const key of ['owner', 'group'] as const) {
    const id = perms[key];
    if (id !== undefined && (!Number.isSafeInteger(id) || id < -1 || id > 0xffffffff))
      throw invalidSpec(`${path}.${key}`, 'must be a numeric id or -1');
  }
  const p = w.child('permissions', {}, path);
  p.textChild('mode', perms.mode).textChild('owner', perms.owner).textChild('group', perms.group).textChild('label', perms.label);
  p.extras(perms);
}

/** @internal */
export function readPermissions(r: ElementReader): StoragePermissions | undefined {
  const p = r.child('permissions');
  if (p === undefined) return undefined;
  const id = (name: string): number | undefined => {
    const el = p.child(name);
    return el === undefined ? undefined : el.toInt(el.text().trim(), name);
  };
  return withExtras(
    compact({ mode: p.childText('mode')?.trim(), owner: id('owner'), group: id('group'), label: p.childText('label') }),
    p.extras(),
  );
}
