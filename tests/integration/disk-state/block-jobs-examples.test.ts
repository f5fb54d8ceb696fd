/**
 * examples/blockcopy.ts and examples/blockcommit.ts run as a user runs them
 * (`tsx examples/…`) against a real TCG guest on qemu:///system: the test
 * driver has no block jobs. Run under `flock /tmp/lvm-qemu.lock`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { runExample } from '../../helpers/examples.js';
import { ensureTestGuest, guestDomainXml, logDir, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, tempPool, tempVolume } from '../../helpers/pool.js';

const name = uniqueName('bjex');
const logs = logDir('lvm-bjex-');
let conn: LibvirtConnection;
let source: TempPool;
let target: TempPool;

function example(file: string, args: string[]): Promise<string> {
  return runExample(file, args, QEMU_URI);
}

beforeAll(async () => {
  const guest = ensureTestGuest();
  conn = await LibvirtConnection.connect(QEMU_URI);
  source = await tempPool(conn, 'bjex-src');
  target = await tempPool(conn, 'bjex-dst');
  const data = await tempVolume(conn, source, { prefix: 'bjex-data' });
  await conn.domains.control.createTransient(
    guestDomainXml(guest, {
      name,
      logPath: logs.path(name),
      variant: 'noacpi',
      disks: [{ path: data.path, format: 'qcow2', target: 'vdb' }],
    }),
  );
  await waitForSerial(logs.path(name), guest.readyMarker, 90_000);
}, 180_000);

afterAll(async () => {
  virshQuiet(QEMU_URI, 'destroy', name);
  await target?.remove();
  await source?.remove();
  await conn?.close();
  logs.remove();
});

describe('block-job examples', () => {
  it('blockcopy moves the disk to the other pool and pivots; the old image, not the SDK’s, is kept', async () => {
    const out = await example('blockcopy.ts', [name, 'vdb', target.name]);
    expect(out).toMatch(/Block Copy: \[\d+ %\]/);
    expect(out).toContain(`Successfully pivoted ${name}/vdb to ${target.dir}/`);
    expect(out).toContain('kept (not-owned)');
  }, 180_000);

  it('blockcommit merges an external snapshot overlay back; blockcommit --pull pulls the chain up', async () => {
    const overlay = (file: string): Promise<unknown> =>
      conn.domains.snapshots.create(
        name,
        `<domainsnapshot><disks><disk name='vdb' snapshot='external'><source file='${file}'/></disk></disks></domainsnapshot>`,
        {
          flags: 16 | 4, // DISK_ONLY | NO_METADATA
        },
      );
    await overlay(`${target.dir}/lvm-bjex-ov1.qcow2`);
    expect(await example('blockcommit.ts', [name, 'vdb'])).toMatch(
      new RegExp(`Commit of ${name}/vdb pivoted; chain now: ${target.dir}/\\S+$`, 'm'),
    );
    await overlay(`${target.dir}/lvm-bjex-ov2.qcow2`);
    expect(await example('blockcommit.ts', [name, 'vdb', '--pull'])).toContain(
      `Pull of ${name}/vdb completed; chain now: ${target.dir}/lvm-bjex-ov2.qcow2`,
    );
  }, 180_000);
});
