/**
 * examples/backup-begin.ts against a real guest (the test driver has no backups): a full backup with a
 * checkpoint, then an incremental one since it. Run alone: `flock /tmp/lvm-qemu.lock npx vitest run <this file>`.
 */
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { runExample } from '../../helpers/examples.js';
import { ensureTestGuest, guestDomainXml, logDir, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';
import { tempPool, tempVolume } from '../../helpers/pool.js';

it('backup-begin: a full backup with a checkpoint, then an incremental one (virsh backup-begin)', async () => {
  const guest = ensureTestGuest();
  const logs = logDir('lvm-example-backup-');
  const name = uniqueName('exbk');
  await using conn = await LibvirtConnection.connect(QEMU_URI);
  const pool = await tempPool(conn, 'exbk');
  try {
    const disk = await tempVolume(conn, pool, { prefix: 'exbk-disk' });
    // qcow2 v3, for the checkpoint's bitmap (libvirt 9.0 makes v2 volumes).
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', 'compat=1.1', disk.path, '16M']);
    await conn.domains.control.createTransient(
      guestDomainXml(guest, {
        name,
        logPath: logs.path(name),
        variant: 'noacpi',
        disks: [{ path: disk.path, format: 'qcow2', target: 'vdb' }],
      }),
    );
    await waitForSerial(logs.path(name), guest.readyMarker, 120_000);
    const example = (...args: string[]): Promise<string> => runExample('backup-begin.ts', args, QEMU_URI);
    const full = await example(name, pool.name, '--checkpoint', 'k1');
    expect(full).toContain(`Backup (full) of ${name} completed`);
    expect(full).toMatch(new RegExp(`vdb → ${pool.name}/${name}-vdb-\\S+\\.qcow2 \\(qcow2, 16777216 bytes\\)`));
    expect(full).toContain('checkpoint k1 created');
    const inc = await example(name, pool.name, '--incremental', 'k1', '--checkpoint', 'k2');
    expect(inc).toContain(`Backup (incremental since k1) of ${name} completed`);
    expect(inc).toContain(`Checkpoints of ${name}: k1, k2`);
  } finally {
    virshQuiet(QEMU_URI, 'destroy', name);
    await pool.remove();
    logs.remove();
  }
}, 180_000);
