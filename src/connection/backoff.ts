import { InvalidArgumentError } from '../errors/index.js';

/** How the connection reconnects after losing its link. */
export interface ReconnectPolicy {
  /** Reconnect automatically. @default true */
  enabled?: boolean;
  /** Delay before the first attempt, ms. @default 200 */
  initialDelay?: number;
  /** Upper bound of the delay between attempts, ms. @default 30000 */
  maxDelay?: number;
  /** Growth factor between attempts. @default 2 */
  factor?: number;
  /**
   * Random share of each delay (0–1) — "full jitter" spreads many clients
   * reconnecting to one restarted daemon. @default 0.5
   */
  jitter?: number;
  /** Attempts before giving up; `Infinity` never gives up. @default Infinity */
  maxAttempts?: number;
}

/** A validated {@link ReconnectPolicy}. */
export type ResolvedReconnectPolicy = Required<ReconnectPolicy>;

/** The default reconnect policy. */
export const DEFAULT_RECONNECT: ResolvedReconnectPolicy = Object.freeze({
  enabled: true,
  initialDelay: 200,
  maxDelay: 30_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
});

/**
 * Validate a reconnect policy (`false` disables reconnecting).
 * @throws InvalidArgumentError on a negative delay, a factor below 1, jitter outside 0–1, or attempts below 1.
 */
export function resolveReconnectPolicy(policy: ReconnectPolicy | boolean | undefined): ResolvedReconnectPolicy {
  if (policy === false) return { ...DEFAULT_RECONNECT, enabled: false };
  const p = { ...DEFAULT_RECONNECT, ...(policy === true || policy === undefined ? {} : policy) };
  const check = (ok: boolean, field: keyof ReconnectPolicy, rule: string): void => {
    if (!ok) throw new InvalidArgumentError(`reconnect.${field} ${rule}, got ${String(p[field])}`, { path: `reconnect.${field}` });
  };
  check(Number.isFinite(p.initialDelay) && p.initialDelay >= 0, 'initialDelay', 'must be a non-negative number of ms');
  check(Number.isFinite(p.maxDelay) && p.maxDelay >= p.initialDelay, 'maxDelay', 'must be a number of ms ≥ initialDelay');
  check(Number.isFinite(p.factor) && p.factor >= 1, 'factor', 'must be ≥ 1');
  check(p.jitter >= 0 && p.jitter <= 1, 'jitter', 'must be between 0 and 1');
  check(
    p.maxAttempts >= 1 && (Number.isInteger(p.maxAttempts) || p.maxAttempts === Number.POSITIVE_INFINITY),
    'maxAttempts',
    'must be a positive integer or Infinity',
  );
  return p;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): exponential growth
 * capped at `maxDelay`, minus a random share of up to `jitter`.
 */
export function backoffDelay(policy: ResolvedReconnectPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = policy.initialDelay * policy.factor ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelay, exponential);
  return Math.round(capped * (1 - policy.jitter * random()));
}

/** Sleep `ms`, resolving `false` early if `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
