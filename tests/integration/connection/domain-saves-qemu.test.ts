/**
 * Save images, dumps and single calls on ONE real QEMU guest (run under
 * `flock /tmp/lvm-qemu.lock`): an NMI the guest kernel reports on its
 * console, a core dump, a failed save that leaves no file, a save → restore
 * round trip after which the guest (not rebooted) still answers on its
 * console, and the managed save image's XML.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainRef, LibvirtConnection, LibvirtError } from '../../../src/connection/internal.js';
import { DOMAIN_CORE_DUMP_WITH_FORMAT } from '../../../src/rpc/index.js';
import { guestConsoleSend } from '../../helpers/guest-disk.js';
import {
  type GuestManifest,
  ensureTestGuest,
  guestDomainXml,
  logDir,
  removeDomains,
  serialCount,
  waitForSerial,
} from '../../helpers/guest.js';
import { QEMU_URI, uniqueName } from '../../helpers/libvirt.js';

describe('saves, dumps and single calls on a real QEMU guest', () => {
  let conn: LibvirtConnection;
  let guest: GuestManifest;
  let vm: DomainRef;
  let dir: string;
  let logPath: string;
  let removeLogs: () => void;
  const name = uniqueName('dsave');

  /** Type a line on the console and wait for the guest's echo of it: the guest runs and answers. */
  async function answers(word: string): Promise<void> {
    await guestConsoleSend(conn, vm, word, () => waitForSerial(logPath, `${guest.echoMarkerPrefix}${word}`, 60_000));
  }

  beforeAll(async () => {
    guest = ensureTestGuest();
    dir = mkdtempSync(join(tmpdir(), 'lvm-dsave-'));
    const logs = logDir('lvm-dsave-');
    removeLogs = logs.remove;
    logPath = logs.path(name);
    conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
    vm = await conn.domains.control.define(guestDomainXml(guest, { name, logPath, variant: 'noacpi' }));
    await conn.domains.control.start(vm);
    await waitForSerial(logPath, guest.readyMarker, 90_000);
  }, 120_000);
  afterAll(async () => {
    await removeDomains(conn, vm === undefined ? [] : [vm]);
    await conn?.close();
    rmSync(dir, { recursive: true, force: true });
    removeLogs?.();
  });

  it('an NMI reaches the guest kernel, which reports it on its console', async () => {
    await conn.domains.input.injectNmi(vm);
    await waitForSerial(logPath, 'NMI received for unknown reason', 30_000);
    // Keys go to the guest's PS/2 keyboard, which this guest does not read: QEMU takes them, nothing to observe.
    await conn.domains.input.sendKey(vm, ['shift']);
  }, 60_000);

  it('inspect, admin and jobs on QEMU', async () => {
    expect(Array.isArray(await conn.domains.inspect.getSecurityLabels(vm))).toBe(true);
    expect(Array.isArray(await conn.domains.inspect.getMessages(vm))).toBe(true);
    expect(await conn.domains.inspect.isUpdated(vm)).toBe(false);
    expect(await conn.domains.inspect.getLaunchSecurityInfo(vm)).toEqual({});
    expect((await conn.domains.inspect.peekMemory(vm, 0, 64)).length).toBe(64);
    await conn.domains.admin.startDirtyRateCalc(vm, 1);
    await conn.domains.guest.setAgentResponseTimeout(vm, 'default');
    // The daemon has virDomainAbortJobFlags (8.5+): with no job running, QEMU says so.
    await expect(conn.domains.jobs.abort(vm, { postcopy: true })).rejects.toMatchObject({ codeName: 'VIR_ERR_OPERATION_INVALID' });
  });

  it('core dump: a memory-only ELF and a kdump; a refused format leaves no file', async () => {
    const core = join(dir, 'guest.core');
    await conn.domains.saves.coreDump(vm, core, { memoryOnly: true });
    expect(readFileSync(core).subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect((await conn.domains.getState(vm)).state).toBe('running');
    const kdump = join(dir, 'guest.kdump');
    // QEMU's own answer to a kdump format without memoryOnly (the SDK refuses it earlier): checked before any file.
    await expect(conn.call(DOMAIN_CORE_DUMP_WITH_FORMAT, { dom: vm, to: kdump, dumpformat: 1, flags: 0 })).rejects.toMatchObject({
      codeName: 'VIR_ERR_OPERATION_UNSUPPORTED',
    });
    expect(existsSync(kdump)).toBe(false);
    await conn.domains.saves.coreDump(vm, kdump, { format: 'kdump-zlib', memoryOnly: true });
    expect(statSync(kdump).size).toBeGreaterThan(0);
  }, 120_000);

  it('a save QEMU refuses (an XML of another UUID) leaves no file and the guest running', async () => {
    const bad = join(dir, 'bad.save');
    const changed = guestDomainXml(guest, { name, logPath, variant: 'noacpi', vcpus: 2 });
    await expect(conn.domains.saves.save(vm, bad, { xml: changed })).rejects.toBeInstanceOf(LibvirtError);
    expect(existsSync(bad)).toBe(false);
    expect((await conn.domains.getState(vm)).state).toBe('running');
  });

  it('save → restore: the guest comes back where it was (no new boot) and answers on its console', async () => {
    const path = join(dir, 'guest.save');
    await answers('before-save');
    let t = Date.now();
    await conn.domains.saves.save(vm, path, { timeout: 120_000 });
    const saveMs = Date.now() - t;
    expect(await conn.domains.getState(vm)).toMatchObject({ state: 'shutoff', reason: 'saved' });
    expect(await conn.domains.saves.getImageXml(path)).toContain(`<name>${name}</name>`);
    t = Date.now();
    await conn.domains.saves.restore(path, { timeout: 120_000 });
    const restoreMs = Date.now() - t;
    expect(await conn.domains.getState(vm)).toMatchObject({ state: 'running', reason: 'restored' });
    console.log(`save ${saveMs} ms (${statSync(path).size} bytes), restore ${restoreMs} ms`);
    await answers('after-restore');
    // QEMU started afresh truncated the log (append='off'): no ready marker since, so the guest did not boot again.
    expect(serialCount(logPath, guest.readyMarker)).toBe(0);
    expect(existsSync(path)).toBe(true);
  }, 240_000);

  // defineManagedSaveXml(vm, null, …) used to send a NULL dxml: libvirtd 9.0 died of it (SIGSEGV). It sends the image's XML now.
  it('managed save image XML: read it, make it restore paused, start', async () => {
    await conn.domains.control.managedSave(vm, { timeout: 120_000 });
    expect(await conn.domains.saves.getManagedSaveXml(vm)).toContain(`<name>${name}</name>`);
    await conn.domains.saves.defineManagedSaveXml(vm, null, { startAs: 'paused' });
    await conn.domains.control.start(vm, { timeout: 120_000 });
    expect(await conn.domains.getState(vm)).toMatchObject({ state: 'paused' });
    await conn.domains.control.resume(vm);
    await answers('after-managed-restore');
  }, 240_000);
});
