/**
 * The test guest's disk commands (scripts/test-guest/commands.sh, tests/helpers/guest-disk.ts) on a real TCG
 * guest with a qcow2 data disk: what the guest writes is on the virtual disk (seen from the host too), reads come
 * from the disk, and a pause/resume loses nothing. Other suites build on these helpers to prove what snapshots,
 * block jobs and backups do to a guest's data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { guestCommand, guestConsoleSend, guestDiskRead, guestDiskWrite, guestStartCounter, hostRead } from '../../helpers/guest-disk.js';
import { type RunningGuest, serialOffset, startTransientGuest, waitForSerialLine } from '../../helpers/guest.js';
import { QEMU_URI } from '../../helpers/libvirt.js';
import { type TempPool, type TempVolume, tempPool, tempVolume } from '../../helpers/pool.js';

let setup: LibvirtConnection | undefined;
let pool: TempPool | undefined;
let disk: TempVolume;
let running: RunningGuest | undefined;

beforeAll(async () => {
  setup = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
  pool = await tempPool(setup, 'gdisk');
  disk = await tempVolume(setup, pool, { prefix: 'gdisk-data' });
  running = await startTransientGuest('gdisk', { disks: [{ path: disk.path, format: 'qcow2', target: 'vdb' }] });
}, 120_000);

afterAll(async () => {
  await running?.stop();
  await pool?.remove();
  await setup?.close();
});

describe('disk commands on the test guest', () => {
  it('reads an unwritten disk as empty', async () => {
    const { conn, vm, logPath } = running!;
    expect(await guestDiskRead(conn, vm, logPath, 'vdb')).toBeNull();
  });

  it('writes a marker and reads it back; a second write replaces it; the host sees it in the image', async () => {
    const { conn, vm, logPath } = running!;
    await guestDiskWrite(conn, vm, logPath, 'vdb', 'marker-A');
    expect(await guestDiskRead(conn, vm, logPath, 'vdb')).toBe('marker-A');
    expect(hostRead(disk.path)).toContain('LVM_DATA1 marker-A');
    await guestDiskWrite(conn, vm, logPath, 'vdb', 'marker-B.2:x');
    expect(await guestDiskRead(conn, vm, logPath, 'vdb')).toBe('marker-B.2:x');
    expect(hostRead(disk.path)).toContain('LVM_DATA1 marker-B.2:x');
    // The guest's own name of the disk works too: it is its only virtio disk, so the guest calls it vda.
    expect(await guestDiskRead(conn, vm, logPath, 'vda')).toBe('marker-B.2:x');
  });

  it('keeps the data across pause and resume', async () => {
    const { conn, vm, logPath } = running!;
    await conn.domains.control.suspend(vm);
    expect((await conn.domains.getState(vm)).state).toBe('paused');
    await conn.domains.control.resume(vm);
    expect(await guestDiskRead(conn, vm, logPath, 'vdb')).toBe('marker-B.2:x');
  });

  it("reports the guest's refusals as errors: no such disk, unknown command", async () => {
    const { conn, vm, logPath } = running!;
    await expect(guestDiskRead(conn, vm, logPath, 'vdz')).rejects.toThrow(/error disk-read no disk vdz/);
    await expect(guestCommand(conn, vm, logPath, ['no-such-command'])).rejects.toThrow(/unknown command/);
    await expect(guestDiskWrite(conn, vm, logPath, 'vdb', 'two words')).rejects.toThrow(/bad text/);
  });

  it('still echoes other console lines', async () => {
    const { conn, vm, logPath, guest } = running!;
    const from = serialOffset(logPath);
    await guestConsoleSend(conn, vm, 'plain-line', () =>
      waitForSerialLine(logPath, `${guest.echoMarkerPrefix}plain-line`, 60_000, () => true, { from }),
    );
  });

  it('counts once a second after `count`', async () => {
    const { conn, vm, logPath, guest } = running!;
    const from = serialOffset(logPath);
    await guestStartCounter(conn, vm, logPath);
    const line = await waitForSerialLine(logPath, `${guest.countMarkerPrefix}3 `, 60_000, () => true, { from });
    expect(line).toMatch(/ uptime=\d+\.\d+$/);
  });
});
