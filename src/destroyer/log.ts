import type { Logger } from '../connection/index.js';

/** Call a logger method, never letting a logger failure break teardown. */
export function log(logger: Logger | undefined, level: keyof Logger, message: string, fields: Record<string, unknown>): void {
  try {
    logger?.[level]?.(fields, message);
  } catch {
    // A logger failure is not a teardown failure.
  }
}
