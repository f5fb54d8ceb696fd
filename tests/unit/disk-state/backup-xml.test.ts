import { describe, expect, it } from 'vitest';
import {
  type BackupModel,
  buildBackupXml,
  buildCheckpointXml,
  normalizeXml,
  parseBackupXml,
  parseCheckpointXml,
} from '../../../src/xml/index.js';
import { refusal } from '../../helpers/errors.js';

describe('<domainbackup>', () => {
  const push: BackupModel = {
    mode: 'push',
    incremental: 'c1',
    disks: [
      { name: 'vdb', type: 'file', target: '/pool/web1-vdb.qcow2', format: 'qcow2' },
      { name: 'vda', backup: false },
    ],
  };

  it('builds a push backup: copied disks with target and driver, the others backup="no"', () => {
    expect(normalizeXml(buildBackupXml(push))).toBe(
      normalizeXml(`<domainbackup mode="push"><incremental>c1</incremental><disks>
        <disk name="vdb" backup="yes" type="file"><target file="/pool/web1-vdb.qcow2"/><driver type="qcow2"/></disk>
        <disk name="vda" backup="no"/></disks></domainbackup>`),
    );
  });

  it('parses what it builds, and what libvirt writes back (unknown content kept)', () => {
    expect(parseBackupXml(buildBackupXml(push))).toEqual({
      ...push,
      disks: [
        { ...push.disks[0], backup: true },
        { name: 'vda', backup: false },
      ],
    });
    const running = `<domainbackup mode='push'><disks>
      <disk name='vda' backup='yes' type='block' state='running'><driver type='raw'/><target dev='/dev/sdz'/></disk>
    </disks></domainbackup>`;
    expect(parseBackupXml(running)).toEqual({
      mode: 'push',
      disks: [{ name: 'vda', backup: true, type: 'block', target: '/dev/sdz', format: 'raw', extraAttributes: { state: 'running' } }],
    });
  });

  it('refuses a backup without disks, a disk without a name, a copied disk without a target', () => {
    expect(refusal(() => buildBackupXml({ disks: [] })).path).toBe('disks');
    expect(refusal(() => buildBackupXml({ disks: [{ name: '', target: '/x' }] })).path).toBe('disks[0].name');
    expect(refusal(() => buildBackupXml({ disks: [{ name: 'vda' }] })).path).toBe('disks[0].target');
  });
});

describe('<domaincheckpoint>', () => {
  it('builds a checkpoint with per-disk choices', () => {
    expect(
      normalizeXml(
        buildCheckpointXml({
          name: 'c2',
          description: 'nightly',
          disks: [
            { name: 'vdb', checkpoint: 'bitmap' },
            { name: 'vda', checkpoint: 'no' },
          ],
        }),
      ),
    ).toBe(
      normalizeXml(`<domaincheckpoint><name>c2</name><description>nightly</description><disks>
        <disk name="vdb" checkpoint="bitmap"/><disk name="vda" checkpoint="no"/></disks></domaincheckpoint>`),
    );
    expect(normalizeXml(buildCheckpointXml())).toBe(normalizeXml('<domaincheckpoint/>'));
  });

  it("parses libvirt 9.0's XML (virsh checkpoint-dumpxml --size --no-domain)", () => {
    // Captured from libvirt 9.0.0 / QEMU 7.2 after 128 KiB were written to vda since chk2.
    const xml = `<domaincheckpoint>
  <name>chk2</name>
  <parent>
    <name>chk1</name>
  </parent>
  <creationTime>1796662796</creationTime>
  <disks>
    <disk name='vda' checkpoint='bitmap' bitmap='chk2' size='131072'/>
  </disks>
</domaincheckpoint>`;
    expect(parseCheckpointXml(xml)).toEqual({
      name: 'chk2',
      parent: 'chk1',
      creationTime: 1796662796,
      disks: [{ name: 'vda', checkpoint: 'bitmap', bitmap: 'chk2', size: 131072n }],
    });
  });

  it('keeps the embedded <domain> raw, and refuses bad names', () => {
    const parsed = parseCheckpointXml('<domaincheckpoint><name>a</name><domain type="qemu"><name>web1</name></domain></domaincheckpoint>');
    expect(parsed.extraElements).toEqual([expect.stringContaining('<domain type="qemu">')]);
    expect(refusal(() => buildCheckpointXml({ name: 'a/b' })).path).toBe('name');
    expect(refusal(() => buildCheckpointXml({ disks: [{ name: '' }] })).path).toBe('disks[0].name');
  });
});
