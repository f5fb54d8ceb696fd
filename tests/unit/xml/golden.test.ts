import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildDomainXml, normalizeXml, parseDomainXml } from '../../../src/xml/index.js';
import { GOLDEN_DOMAINS } from '../../fixtures/xml/golden-models.js';

const GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/xml/golden/', import.meta.url));
/** `UPDATE_GOLDEN=1 npx vitest run --project unit tests/unit/xml/golden.test.ts` rewrites the files; review the diff. */
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

describe('golden domain XML', () => {
  for (const [name, model] of Object.entries(GOLDEN_DOMAINS)) {
    describe(name, () => {
      const file = `${GOLDEN_DIR}${name}.xml`;
      const built = buildDomainXml(model);

      it('builds XML equal to the golden file (normalised)', () => {
        if (UPDATE) writeFileSync(file, built);
        expect(existsSync(file), `missing ${file}: run with UPDATE_GOLDEN=1`).toBe(true);
        expect(normalizeXml(built)).toBe(normalizeXml(readFileSync(file, 'utf8')));
      });

      it('builds XML identical to the golden file, byte for byte (catches formatting drift)', () => {
        expect(built).toBe(readFileSync(file, 'utf8'));
      });

      it('parses back to the same model', () => {
        expect(parseDomainXml(built)).toEqual(model);
      });

      it('parses the golden file to the same model', () => {
        expect(parseDomainXml(readFileSync(file, 'utf8'))).toEqual(model);
      });

      it('is stable: build(parse(build(model))) === build(model)', () => {
        expect(buildDomainXml(parseDomainXml(built))).toBe(built);
      });
    });
  }
});
