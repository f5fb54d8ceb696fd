import { ERROR_KINDS, hasKind, kindsOf } from './brand.js';

/** Options accepted by every error constructor of this package. */
export interface LibvirtManagerErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by libvirt-manager.
 *
 * `code` is stable and safe to branch on: a string such as
 * `'ERR_LIBVIRT_TIMEOUT'` for errors raised by the SDK itself, or libvirt's own
 * numeric `virErrorNumber` for {@link LibvirtError} (errors reported by the daemon).
 * Never match on `message`: its wording may change.
 *
 * `instanceof` works across the ESM and CJS copies of the package.
 */
export class LibvirtManagerError extends Error {
  /** @internal */
  static readonly kind: string = 'LibvirtManagerError';

  /** Stable machine-readable code. */
  readonly code: string | number;

  /** @internal cross-copy brand, see `brand.ts` */
  declare readonly [ERROR_KINDS]: string[];

  constructor(code: string | number, message: string, options: LibvirtManagerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, ERROR_KINDS, {
      value: kindsOf(new.target as unknown as { kind?: string }),
      enumerable: false,
    });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, (this as unknown as { kind: string }).kind);
  }
}
