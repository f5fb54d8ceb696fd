/**
 * Shared pieces of the XML unit tests: captured fixtures (tests/fixtures/xml)
 * and the check that a builder or validator refused a spec.
 */
import { readFileSync } from 'node:fs';
export { refusal } from '../../helpers/errors.js';

/** The text of a fixture captured from a real daemon, by file name under tests/fixtures/xml. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/xml/${name}`, import.meta.url), 'utf8');
}
