/**
 * A real TCG guest with two LUKS-encrypted data disks made from the spec: a
 * qcow2+LUKS one with a secret the SDK makes (owned), and a raw+LUKS one with
 * the caller's secret (not owned). QEMU decrypts: the guest writes and reads
 * a marker on each as a plain block device, and the host finds the marker
 * nowhere in the image files. Teardown removes both volumes and the owned
 * secret, and keeps the caller's. A create that fails after the secret was
 * made removes it.
 *
 * Run under `flock /tmp/lvm-qemu.lock` (one real guest at a time).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreateResult, LibvirtManager, getRollbackReport } from '../../../src/index.js';
import { parseDomainXml, parseOwnership } from '../../../src/xml/index.js';
import { guestDiskRead, guestDiskWrite } from '../../helpers/guest-disk.js';
import { ensureTestGuest, guestVmSpec, logDir, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';

let manager: LibvirtManager;
let pool: TempPool;
const logs = logDir('lvm-luks-');
const callerSecret = randomUUID();
const domains: string[] = [];
/** Secrets the SDK made in this file, removed by hand if a test failed before teardown did. */
const madeSecrets: string[] = [];

beforeAll(async () => {
  manager = await LibvirtManager.connect(QEMU_URI);
  pool = await tempPool(manager.connection, 'luks');
  // The caller's own secret: not the SDK's to delete.
  await manager.connection.secrets.define({ uuid: callerSecret, private: true, description: 'lvm test: caller secret' });
  await manager.connection.secrets.setValue(callerSecret, randomBytes(24).toString('base64'));
}, 60_000);

afterAll(async () => {
  for (const d of domains) {
    virshQuiet(QEMU_URI, 'destroy', d);
    virshQuiet(QEMU_URI, 'undefine', d);
  }
  virshQuiet(QEMU_URI, 'secret-undefine', callerSecret);
  for (const s of madeSecrets) virshQuiet(QEMU_URI, 'secret-undefine', s);
  await pool?.remove();
  await manager?.close();
  logs.remove();
});

const secretUuids = (): string[] =>
  virsh(QEMU_URI, 'secret-list')
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((u) => /^[0-9a-f-]{36}$/.test(u));

describe('LUKS-encrypted volumes from the spec', () => {
  let created: CreateResult;
  let name: string;
  let logPath: string;

  it('creates the volumes encrypted, the owned secret private, and the disks with <encryption>', async () => {
    const guest = ensureTestGuest();
    name = uniqueName('luks');
    logPath = logs.path(name);
    created = await manager.createVm(
      guestVmSpec(guest, name, 'noacpi', {
        disks: [
          { kind: 'new', pool: pool.name, size: '16MiB', serial: 'luksq', encryption: { format: 'luks' } },
          {
            kind: 'new',
            pool: pool.name,
            size: '16MiB',
            format: 'raw',
            serial: 'luksr',
            encryption: { format: 'luks', secret: callerSecret },
          },
        ],
        serialConsole: { logFile: logPath },
      }),
    );
    domains.push(name);
    const xml = parseDomainXml(await manager.connection.domains.getXml(name, { inactive: true }));
    const disks = xml.devices?.disks ?? [];
    const owned = parseOwnership(await manager.connection.domains.getXml(name, { inactive: true }))!;
    const made = owned.volumes.find((v) => v.name?.endsWith('.qcow2'))!;
    expect(made.secret).toMatch(/^[0-9a-f-]{36}$/);
    madeSecrets.push(made.secret!);
    expect(owned.volumes.find((v) => v.name?.endsWith('.img'))!.secret).toBeUndefined(); // the caller's: not owned
    // libvirt may add what it knows to the element (kept as extras); the format and secret are ours.
    expect(disks.map((d) => d.encryption)).toMatchObject([
      { format: 'luks', secret: made.secret },
      { format: 'luks', secret: callerSecret },
    ]);
    // The secret the SDK made is private: nobody reads the passphrase back through the API.
    await expect(manager.connection.secrets.getValue(made.secret!)).rejects.toMatchObject({ codeName: 'VIR_ERR_INVALID_SECRET' });
    for (const v of created.created.volumes) {
      const head = readFileSync(v.path).subarray(0, 6);
      // raw+LUKS starts with the LUKS header; qcow2+LUKS is a qcow2 file whose header says crypt_method 2 (LUKS).
      if (v.path.endsWith('.img')) expect(head.toString('latin1')).toBe('LUKS\xba\xbe');
      else expect(readFileSync(v.path).readUInt32BE(32)).toBe(2);
    }
  }, 120_000);

  it('the guest boots, writes and reads both disks as plain block devices; the host never sees the marker in clear', async () => {
    const guest = ensureTestGuest();
    await manager.startVm(name);
    await waitForSerial(logPath, guest.readyMarker, 90_000);
    const conn = manager.connection;
    const marker = `lvm-luks-${randomBytes(6).toString('hex')}`;
    for (const serial of ['luksq', 'luksr']) {
      // (A fresh raw+LUKS payload is sparse ciphertext: it reads as noise, not zeros. Only written data is checked.)
      await guestDiskWrite(conn, name, logPath, serial, `${marker}-${serial}`);
      expect(await guestDiskRead(conn, name, logPath, serial)).toBe(`${marker}-${serial}`);
    }
    for (const v of created.created.volumes) expect(readFileSync(v.path).includes(Buffer.from(marker))).toBe(false);
  }, 240_000);

  it('teardown deletes both volumes and the owned secret, and keeps the caller secret', async () => {
    const owned = parseOwnership(await manager.connection.domains.getXml(name, { inactive: true }))!;
    const ownedSecret = owned.volumes.find((v) => v.secret !== undefined)!.secret!;
    const report = await manager.destroyVm(name, { stop: 'force' });
    expect(report.complete).toBe(true);
    expect(report.secretsDeleted).toEqual([ownedSecret]);
    expect(report.volumesDeleted).toHaveLength(2);
    for (const v of created.created.volumes) expect(existsSync(v.path)).toBe(false);
    const left = secretUuids();
    expect(left).not.toContain(ownedSecret);
    expect(left).toContain(callerSecret);
  }, 120_000);

  it('a create that fails after making the secret removes it (and the volume)', async () => {
    const guest = ensureTestGuest();
    const before = secretUuids();
    const volumesBefore = virsh(QEMU_URI, 'vol-list', pool.name);
    const failing = uniqueName('luksfail');
    const error = await manager
      .createVm(
        guestVmSpec(guest, failing, 'noacpi', {
          disks: [{ kind: 'new', pool: pool.name, size: '16MiB', encryption: { format: 'luks' } }],
          // libvirt refuses this at define time: after the secret and the volume were made.
          overrides: { devicesXml: ["<watchdog model='no-such-model'/>"] },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const report = getRollbackReport(error);
    expect(report?.complete).toBe(true);
    expect(report?.undone.map((s) => s.step)).toEqual(expect.arrayContaining(['secret:disks[0]', 'volume:disks[0]']));
    expect(secretUuids().sort()).toEqual(before.sort());
    expect(virsh(QEMU_URI, 'vol-list', pool.name)).toBe(volumesBefore);
  }, 120_000);
});
