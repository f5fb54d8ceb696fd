/**
 * Cross-copy `instanceof` support.
 *
 * The package ships ESM and CJS builds, and an application can end up with
 * both loaded (or two versions side by side). A plain `instanceof` would then
 * fail for an error thrown by "the other copy". Every error therefore carries
 * the list of its class kinds under a `Symbol.for` key, which is shared by all
 * copies in one process, and each class answers `instanceof` by looking for its
 * own kind in that list.
 */
export const ERROR_KINDS: unique symbol = Symbol.for('libvirt-manager.error.kinds') as never;

/** A constructor that declares which kind it is. */
interface KindedConstructor {
  readonly kind?: string;
}

/** Collect `kind` from a constructor and every parent constructor. */
export function kindsOf(ctor: KindedConstructor | null): string[] {
  const kinds: string[] = [];
  let current: unknown = ctor;
  while (typeof current === 'function') {
    const kind = Object.prototype.hasOwnProperty.call(current, 'kind') ? (current as KindedConstructor).kind : undefined;
    if (kind !== undefined) kinds.push(kind);
    current = Object.getPrototypeOf(current);
  }
  return kinds;
}

/** `true` when `value` was built by a class of kind `kind` from any copy of the package. */
export function hasKind(value: unknown, kind: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const kinds = (value as { [ERROR_KINDS]?: unknown })[ERROR_KINDS];
  return Array.isArray(kinds) && kinds.includes(kind);
}
