/**
 * `virDomainModificationImpact` from named booleans: the one place the
 * connection's resources turn `{ live, config, current }` into libvirt's
 * flags and refuse combinations libvirt would refuse.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { flagBits } from './check-options.js';

/** `VIR_DOMAIN_AFFECT_LIVE`. */
export const AFFECT_LIVE = 1;
/** `VIR_DOMAIN_AFFECT_CONFIG`. */
export const AFFECT_CONFIG = 2;

/**
 * Which definition a change or a reading concerns. None of them, or
 * `current`: libvirt's "current" — the running domain when it runs, else its
 * persistent config. `live` and `config` together (changes only): both.
 */
export interface ModificationImpact {
  /** The running domain (`VIR_DOMAIN_AFFECT_LIVE`). */
  live?: boolean;
  /** The persistent config, used from the next start (`VIR_DOMAIN_AFFECT_CONFIG`). */
  config?: boolean;
  /** Explicitly libvirt's "current" (`VIR_DOMAIN_AFFECT_CURRENT`, 0); not with `live` or `config`. */
  current?: boolean;
}

/**
 * The `live`/`config`/`current` bits of `options`, checked before anything
 * is sent: booleans, `current` alone, and for a reading not both `live` and `config`.
 * @throws {@link InvalidArgumentError} naming the option
 */
export function impactFlags(options: ModificationImpact, mode: 'read' | 'change'): number {
  const flags = flagBits(options, { live: AFFECT_LIVE, config: AFFECT_CONFIG, current: 0 });
  if (options.current === true && flags !== 0)
    throw new InvalidArgumentError('current cannot be combined with live or config', { path: 'current' });
  if (mode === 'read' && flags === (AFFECT_LIVE | AFFECT_CONFIG))
    throw new InvalidArgumentError('live and config cannot both be read at once', { path: 'config' });
  return flags;
}
