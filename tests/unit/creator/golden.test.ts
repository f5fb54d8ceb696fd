/**
 * Golden domain XML for a set of specs (tests/fixtures/creator/golden-specs.ts),
 * built with facts captured on this machine's daemons.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildVmXml } from '../../../src/creator/internal.js';
import { normalizeXml, parseDomainXml, parseOwnership } from '../../../src/xml/index.js';
import { GOLDEN_CREATED_AT, GOLDEN_SPECS, GOLDEN_UUID } from '../../fixtures/creator/golden-specs.js';

const GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/creator/golden/', import.meta.url));
/** `UPDATE_GOLDEN=1 npx vitest run --project unit tests/unit/creator/golden.test.ts` rewrites the files; review the diff. */
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

describe('golden VM XML', () => {
  for (const [name, { spec, facts }] of Object.entries(GOLDEN_SPECS)) {
    describe(name, () => {
      const file = `${GOLDEN_DIR}${name}.xml`;
      const built = buildVmXml(spec, { facts: facts(), uuid: GOLDEN_UUID, createdAt: GOLDEN_CREATED_AT });

      it('builds XML equal to the golden file (normalised)', () => {
        if (UPDATE) writeFileSync(file, built);
        expect(existsSync(file), `missing ${file}: run with UPDATE_GOLDEN=1`).toBe(true);
        expect(normalizeXml(built)).toBe(normalizeXml(readFileSync(file, 'utf8')));
      });

      it('builds XML identical to the golden file, byte for byte', () => {
        expect(built).toBe(readFileSync(file, 'utf8'));
      });

      it('is deterministic', () => {
        expect(buildVmXml(spec, { facts: facts(), uuid: GOLDEN_UUID, createdAt: GOLDEN_CREATED_AT })).toBe(built);
      });

      it('records exactly the volumes the create would make as owned', () => {
        const owned = parseOwnership(built)!;
        const model = parseDomainXml(built);
        const ownedPaths = new Set(owned.volumes.map((v) => v.path));
        for (const disk of model.devices.disks ?? []) {
          const kind = spec.disks?.find((_, i) => model.devices.disks?.[i] === disk)?.kind;
          if (kind === 'existing' || kind === 'cdrom') expect(ownedPaths.has(disk.source?.file)).toBe(false);
        }
        const made =
          (spec.disks ?? []).filter((d) => d.kind !== 'existing' && d.kind !== 'cdrom').length + (spec.cloudInit === undefined ? 0 : 1);
        expect(owned.volumes).toHaveLength(made);
        expect(owned.createdAt).toBe(GOLDEN_CREATED_AT.toISOString());
      });
    });
  }

  it('never lists a base image or an existing disk as owned', () => {
    const xml = buildVmXml(GOLDEN_SPECS['cloud-server']!.spec, { facts: GOLDEN_SPECS['cloud-server']!.facts(), uuid: GOLDEN_UUID });
    const owned = parseOwnership(xml)!;
    expect(owned.volumes.map((v) => v.role)).toEqual(['overlay', 'disk', 'cloud-init']);
    expect(JSON.stringify(owned)).not.toContain('debian-12.qcow2"');
    expect(owned.volumes.some((v) => v.name === 'debian-12.qcow2')).toBe(false);
    expect(owned.cloudInit).toMatchObject({ pool: 'default', target: 'sda' });
  });
});
