/**
 * Production VmSpec fields on real TCG guests (run under
 * `flock /tmp/lvm-qemu.lock`): a UEFI guest with Secure Boot and an
 * emulated TPM 2.0 boots the tiny test guest by direct kernel boot to its
 * ready marker, its kernel finds the TPM (IMA takes tpm0; a guest without a
 * TPM logs "No TPM chip found"), and teardown removes the NVRAM file and the
 * swtpm state libvirt made for it, and nothing else. A virtiofs share starts
 * (libvirt runs virtiofsd on memfd-backed shared guest memory, under TCG too);
 * the guest mounts it and reads what the host wrote, and the host reads what
 * the guest wrote (console commands fs-read/fs-write).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { VmCreator, type VmSpec } from '../../../src/creator/internal.js';
import { VmDestroyer } from '../../../src/destroyer/internal.js';
import { VmLifecycleManager } from '../../../src/lifecycle/internal.js';
import { parseDomainXml } from '../../../src/xml/index.js';
import { type GuestManifest, ensureTestGuest, guestVmSpec, logDir, waitForSerial } from '../../helpers/guest.js';
import { guestCommand } from '../../helpers/guest-disk.js';
import { QEMU_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';

let conn: LibvirtConnection;
let guest: GuestManifest;
let destroyer: VmDestroyer;
let logs: ReturnType<typeof logDir>;
const names: string[] = [];

/** Kernel messages at info level on the console: IMA says there whether it found a TPM. */
const cmdline = (g: GuestManifest): string => `${g.cmdline.replace(/\bquiet\b/, '')} loglevel=7`;

async function boot(prefix: string, extra: Partial<VmSpec>): Promise<{ name: string; log: string; uuid: string; logPath: string }> {
  const name = uniqueName(prefix);
  names.push(name);
  const logPath = logs.path(name);
  const spec = guestVmSpec(guest, name, 'acpi', {
    serialConsole: { logFile: logPath },
    boot: { kernel: guest.kernel, initrd: guest.initrdAcpi, cmdline: cmdline(guest) },
    start: true,
    ...extra,
  });
  const result = await new VmCreator(conn).create(spec);
  // UEFI under TCG: OVMF with SMM takes ~30 s before the kernel starts on this machine.
  const log = await waitForSerial(logPath, guest.readyMarker, 240_000);
  const uuid = parseDomainXml(await conn.domains.getXml(result.domain)).uuid!;
  return { name, log, uuid, logPath };
}

beforeAll(async () => {
  guest = ensureTestGuest();
  conn = await LibvirtConnection.connect(QEMU_URI);
  destroyer = new VmDestroyer(conn, new VmLifecycleManager(conn));
  logs = logDir('lvm-prodspec-');
}, 300_000);

afterAll(async () => {
  for (const name of names) {
    virshQuiet(QEMU_URI, 'destroy', name);
    virshQuiet(QEMU_URI, 'undefine', '--nvram', '--tpm', name);
  }
  await conn?.close();
  logs?.remove();
});

describe('UEFI + Secure Boot + TPM 2.0', () => {
  it('boots to the marker, the kernel finds the TPM, and teardown removes NVRAM and TPM state only', async () => {
    const { name, log, uuid } = await boot('prodspec-uefi', { firmware: { type: 'uefi', secureBoot: true }, tpm: true });
    expect(log).toContain('EFI stub: UEFI Secure Boot is enabled');
    expect(log).toContain('ima: Allocated hash algorithm');
    expect(log).not.toContain('No TPM chip found');

    const live = parseDomainXml(await conn.domains.getXml(name));
    const nvram = live.os.nvram?.path;
    expect(nvram).toBe(`/var/lib/libvirt/qemu/nvram/${name}_VARS.fd`);
    expect(live.os.loader?.path).toBe('/usr/share/OVMF/OVMF_CODE_4M.ms.fd');
    const tpmState = `/var/lib/libvirt/swtpm/${uuid}`;
    expect(existsSync(nvram!)).toBe(true);
    expect(existsSync(tpmState)).toBe(true);

    const report = await destroyer.destroy(name, { stop: 'force' });
    expect(report).toMatchObject({ complete: true, undefined: true });
    expect(existsSync(nvram!)).toBe(false);
    expect(existsSync(tpmState)).toBe(false);
    // What libvirt copied from is untouched.
    for (const file of ['/usr/share/OVMF/OVMF_CODE_4M.ms.fd', '/usr/share/OVMF/OVMF_VARS_4M.ms.fd', guest.kernel, guest.initrdAcpi])
      expect(existsSync(file)).toBe(true);
  }, 400_000);

  it('a guest without a TPM logs that IMA found none (the control for the check above)', async () => {
    const { name, log } = await boot('prodspec-notpm', {});
    expect(log).toContain('No TPM chip found');
    await destroyer.destroy(name, { stop: 'force' });
  }, 300_000);
});

describe('virtiofs', () => {
  it('the guest mounts the share: it reads a file the host wrote, and the host reads what the guest wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvm-prodspec-share-'));
    try {
      writeFileSync(join(dir, 'hello.txt'), 'from-the-host\nsecond line\n');
      const { name, logPath } = await boot('prodspec-fs', { filesystems: [{ source: dir, tag: 'share' }] });
      const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
      expect(ps.split('\n').some((line) => line.includes('virtiofsd') && line.includes(dir))).toBe(true);
      const live = parseDomainXml(await conn.domains.getXml(name));
      expect(live.memoryBacking).toEqual({ source: 'memfd', access: 'shared' });

      // Host → guest: the guest mounts `-t virtiofs share` and answers with the file's first line.
      const read = await guestCommand(conn, name, logPath, ['fs-read', 'share', 'hello.txt'], { timeoutMs: 120_000 });
      expect(read.fields.data).toBe('from-the-host');
      // A change on the host is seen by the mounted share.
      writeFileSync(join(dir, 'hello.txt'), 'changed-on-the-host\n');
      expect((await guestCommand(conn, name, logPath, ['fs-read', 'share', 'hello.txt'])).fields.data).toBe('changed-on-the-host');
      // Guest → host: the file is on the host directory when the guest answers (it syncs first).
      await guestCommand(conn, name, logPath, ['fs-write', 'share', 'from-guest.txt', 'written-by-the-guest']);
      expect(readFileSync(join(dir, 'from-guest.txt'), 'utf8')).toBe('written-by-the-guest\n');
      // A tag the domain does not have fails to mount in the guest.
      await expect(guestCommand(conn, name, logPath, ['fs-read', 'nosuchtag', 'hello.txt'])).rejects.toThrow(/error fs-read mount/);

      await destroyer.destroy(name, { stop: 'force' });
      // Teardown leaves the shared directory and its files alone.
      expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('changed-on-the-host\n');
      expect(readFileSync(join(dir, 'from-guest.txt'), 'utf8')).toBe('written-by-the-guest\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000);
});
