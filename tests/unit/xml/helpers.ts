/**
 * Shared pieces of the XML unit tests: captured fixtures (tests/fixtures/xml)
 * and the check that a builder or validator refused a spec.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ErrorCode, InvalidArgumentError } from '../../../src/errors/index.js';

/** The text of a fixture captured from a real daemon, by file name under tests/fixtures/xml. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/xml/${name}`, import.meta.url), 'utf8');
}

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
