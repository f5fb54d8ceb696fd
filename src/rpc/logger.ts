/**
 * A logger the SDK can write to: any object with `debug`/`info`/`warn`/`error`
 * methods (pino, bunyan, console…). Every method is optional. Calls follow the
 * pino/bunyan convention `logger.info(fields, message)`; `console` prints both.
 * The SDK never passes secrets (passwords, keys, cloud-init user-data) to it.
 */
export interface Logger {
  debug?(fields: Record<string, unknown>, message: string): void;
  info?(fields: Record<string, unknown>, message: string): void;
  warn?(fields: Record<string, unknown>, message: string): void;
  error?(fields: Record<string, unknown>, message: string): void;
}

/**
 * Call a logger method without letting the logger break the caller: a
 * throwing logger must not take a connection down.
 */
export function log(logger: Logger | undefined, level: keyof Logger, message: string, fields: Record<string, unknown> = {}): void {
  const fn = logger?.[level];
  if (typeof fn !== 'function') return;
  try {
    fn.call(logger, fields, message);
  } catch {
    // A logger failure is not the connection's failure.
  }
}
