/**
 * Teardown of VMs that cannot act on a shutdown request: paused, crashed-like
 * and pmsuspended states. A user-paused VM is resumed and shut down
 * gracefully; other paused reasons are forced off. Test driver for the API,
 * a real TCG guest for what the guest itself sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { VmDestroyer, stopPlan } from '../../../src/destroyer/internal.js';
import { VmLifecycleManager } from '../../../src/lifecycle/internal.js';
import { type GuestManifest, ensureTestGuest, guestDomainXml, logDir, serialCount, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, TEST_URI, testDomainXml, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';

describe('stopPlan', () => {
  it('resumes only a VM the user paused; forces every state in which the guest cannot shut down', () => {
    expect(stopPlan('graceful', { state: 'running', reason: 'booted' })).toBe('graceful');
    expect(stopPlan('graceful', { state: 'shutdown', reason: 'user' })).toBe('graceful');
    expect(stopPlan('graceful', { state: 'paused', reason: 'user' })).toBe('resume-then-graceful');
    for (const reason of ['ioerror', 'watchdog', 'starting-up', 'save', 'dump', 'migration', 'unknown', 'api-error']) {
      expect(stopPlan('graceful', { state: 'paused', reason }), reason).toBe('force');
    }
    expect(stopPlan('graceful', { state: 'crashed', reason: 'panicked' })).toBe('force');
    expect(stopPlan('graceful', { state: 'pmsuspended', reason: 'unknown' })).toBe('force');
    expect(stopPlan('force', { state: 'paused', reason: 'user' })).toBe('force');
    expect(stopPlan('graceful', { state: 'shutoff', reason: 'destroyed' })).toBe('none');
  });
});

describe('VmDestroyer on paused VMs (test driver)', () => {
  let conn: LibvirtConnection;
  let destroyer: VmDestroyer;
  const names: string[] = [];

  beforeAll(async () => {
    conn = await LibvirtConnection.connect(TEST_URI);
    destroyer = new VmDestroyer(conn, new VmLifecycleManager(conn));
  });

  afterAll(async () => {
    for (const name of names) {
      virshQuiet(TEST_URI, 'destroy', name);
      virshQuiet(TEST_URI, 'undefine', name);
    }
    await conn.close();
  });

  it('a paused VM is resumed, shut down gracefully and undefined (it returned complete: false before)', async () => {
    const name = uniqueName('paused');
    names.push(name);
    const domain = await conn.domains.control.define(testDomainXml(name));
    await conn.domains.control.start(domain);
    await conn.domains.control.suspend(domain);
    const report = await destroyer.destroy(domain, { storage: 'none' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({
      complete: true,
      stopped: 'graceful',
      undefined: true,
      stateBefore: { state: 'paused', reason: 'user' },
    });
    expect(await conn.domains.exists(name)).toBe(false);
  });

  it('with stop: force a paused VM is forced off', async () => {
    const name = uniqueName('paused-force');
    names.push(name);
    const domain = await conn.domains.control.define(testDomainXml(name));
    await conn.domains.control.start(domain);
    await conn.domains.control.suspend(domain);
    const report = await destroyer.destroy(domain, { storage: 'none', stop: 'force' });
    expect(report).toMatchObject({ complete: true, stopped: 'forced', undefined: true, stateBefore: { state: 'paused' } });
  });
});

describe('VmDestroyer on paused real guests (qemu:///system)', () => {
  let manifest: GuestManifest;
  let conn: LibvirtConnection;
  let destroyer: VmDestroyer;
  const logs = logDir('lvm-destroy-stop-');
  const names: string[] = [];

  beforeAll(async () => {
    manifest = ensureTestGuest();
    conn = await LibvirtConnection.connect(QEMU_URI);
    destroyer = new VmDestroyer(conn, new VmLifecycleManager(conn));
  }, 300_000);

  afterAll(async () => {
    for (const name of names) {
      virshQuiet(QEMU_URI, 'destroy', name);
      virshQuiet(QEMU_URI, 'undefine', name);
    }
    logs.remove();
    await conn.close();
  });

  it('a guest the user paused is resumed and powers itself off on ACPI: the guest saw the power button', async () => {
    const name = uniqueName('paused-guest');
    names.push(name);
    const log = logs.path(name);
    const domain = await conn.domains.control.define(guestDomainXml(manifest, { name, logPath: log }));
    await conn.domains.control.start(domain);
    await waitForSerial(log, manifest.readyMarker, 120_000);
    await conn.domains.control.suspend(domain);
    expect(virsh(QEMU_URI, 'domstate', name, '--reason').trim()).toBe('paused (user)');
    const report = await destroyer.destroy(domain, { storage: 'none', shutdownTimeout: 120_000 });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({
      complete: true,
      stopped: 'graceful',
      undefined: true,
      stateBefore: { state: 'paused', reason: 'user' },
    });
    expect(serialCount(log, manifest.poweroffMarker)).toBe(1);
  }, 300_000);
});
