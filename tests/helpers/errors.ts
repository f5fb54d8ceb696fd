/** Assertions on the SDK's errors shared by unit and integration tests. */
import { expect } from 'vitest';
import { ErrorCode, InvalidArgumentError } from '../../src/errors/index.js';

/** Run `fn`, expect a spec refusal (`InvalidArgumentError`, `ERR_LIBVIRT_INVALID_SPEC`), return it. */
export function refusal(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe(ErrorCode.INVALID_SPEC);
    return error as InvalidArgumentError;
  }
  throw new Error('expected a refusal');
}

/** Await `promise`, expect it to reject, return the error. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/**
 * Run each call and expect it to reject with an `InvalidArgumentError` whose
 * `path` is the one given: the table of bad inputs a resource refuses before
 * anything is sent.
 */
export async function expectRefusedPaths(bad: readonly (readonly [() => Promise<unknown>, string])[]): Promise<void> {
  for (const [call, path] of bad) {
    const error: unknown = await call().catch((e: unknown) => e);
    expect(error, path).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).path, path).toBe(path);
  }
}
