import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import { buildSnapshotXml, normalizeXml, parseSnapshotXml } from '../../../src/xml/index.js';

describe('snapshot XML', () => {
  it('builds an external snapshot with memory, a disk left out and an internal one', () => {
    const xml = buildSnapshotXml({
      name: 's1',
      description: 'before <upgrade>',
      memory: { snapshot: 'external', file: '/p/vm.s1.mem' },
      disks: [
        { name: 'vda', snapshot: 'external', file: '/p/vm-vda.s1.qcow2' },
        { name: 'vdb', snapshot: 'no' },
      ],
    });
    expect(normalizeXml(xml)).toBe(
      normalizeXml(`<domainsnapshot><name>s1</name><description>before &lt;upgrade&gt;</description>
        <memory snapshot='external' file='/p/vm.s1.mem'/>
        <disks><disk name='vda' snapshot='external' type='file'><driver type='qcow2'/><source file='/p/vm-vda.s1.qcow2'/></disk>
        <disk name='vdb' snapshot='no'/></disks></domainsnapshot>`),
    );
    expect(
      normalizeXml(buildSnapshotXml({ name: 'i', memory: { snapshot: 'internal' }, disks: [{ name: 'vda', snapshot: 'internal' }] })),
    ).toBe(
      normalizeXml(
        `<domainsnapshot><name>i</name><memory snapshot='internal'/><disks><disk name='vda' snapshot='internal'/></disks></domainsnapshot>`,
      ),
    );
  });

  it('refuses an external memory without a file and unknown modes', () => {
    expect(() => buildSnapshotXml({ memory: { snapshot: 'external' } })).toThrow(InvalidArgumentError);
    expect(() => buildSnapshotXml({ disks: [{ name: 'vda', snapshot: 'manual' as never }] })).toThrow(InvalidArgumentError);
  });

  it('parses what libvirt 9.0 returned for an external snapshot (captured, <domain> trimmed)', () => {
    const parsed = parseSnapshotXml(`<domainsnapshot>
  <name>e2</name>
  <state>running</state>
  <parent>
    <name>e1</name>
  </parent>
  <creationTime>1796662794</creationTime>
  <memory snapshot='external' file='/tmp/lvm-snapexp/pool/b.e2.mem'/>
  <disks>
    <disk name='vda' snapshot='external' type='file'>
      <driver type='qcow2'/>
      <source file='/tmp/lvm-snapexp/pool/b.e2.qcow2'/>
    </disk>
    <disk name='vdb' snapshot='no'/>
  </disks>
  <domain type='qemu'><name>lvm-snapexp-b</name></domain>
</domainsnapshot>`);
    expect(parsed).toEqual({
      name: 'e2',
      state: 'running',
      parent: 'e1',
      creationTime: 1796662794,
      memory: { snapshot: 'external', file: '/tmp/lvm-snapexp/pool/b.e2.mem' },
      disks: [
        { name: 'vda', snapshot: 'external', file: '/tmp/lvm-snapexp/pool/b.e2.qcow2', type: 'file', format: 'qcow2' },
        { name: 'vdb', snapshot: 'no' },
      ],
    });
  });
});
