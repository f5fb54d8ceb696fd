/**
 * The registry with a real QEMU guest (the tiny TCG test guest): a graceful
 * shutdown through the registry ends in `shutoff`, and the changes stream
 * shows every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainRef, LibvirtConnection } from '../../../src/connection/internal.js';
import { type VmChange, VmRegistry } from '../../../src/state/internal.js';
import { type GuestManifest, ensureTestGuest, guestDomainXml, logDir, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, uniqueName } from '../../helpers/libvirt.js';
import { SHUTOFF_ALLOWED } from '../../helpers/allowed.js';

let manifest: GuestManifest;
let conn: LibvirtConnection;
let registry: VmRegistry;
const logs = logDir('lvm-state-');
const created: DomainRef[] = [];

beforeAll(async () => {
  manifest = ensureTestGuest();
  conn = await LibvirtConnection.connect(QEMU_URI);
  registry = new VmRegistry(conn, { resyncInterval: 0 });
  await registry.start();
}, 600_000);

afterAll(async () => {
  registry?.stop();
  for (const ref of created) {
    await conn.domains.control.forceOff(ref).catch(() => undefined);
    await conn.domains.control.undefine(ref).catch(() => undefined);
  }
  await conn?.close();
  logs.remove();
}, 120_000);

describe('registry with a real guest', () => {
  it('start, ACPI shutdown and teardown through the registry; every step is a change', async () => {
    const name = uniqueName('st-qemu');
    const log = logs.path(name);
    const ref = await conn.domains.control.define(guestDomainXml(manifest, { name, logPath: log }));
    created.push(ref);
    await registry.waitFor(name, 'shutoff', { timeout: 1000 });
    const changes: VmChange[] = [];
    const controller = new AbortController();
    const collecting = (async () => {
      for await (const change of registry.changes({ vm: ref, signal: controller.signal })) changes.push(change);
    })();

    expect(await registry.send(name, 'start')).toMatchObject({ state: 'running', confirmedBy: 'event' });
    await waitForSerial(log, manifest.readyMarker, 60_000);
    const t0 = Date.now();
    const result = await registry.send(name, 'shutdown', { timeout: 60_000 });
    expect(result).toMatchObject({ state: 'shutoff', reason: 'shutdown', escalated: false, method: 'acpi' });
    expect(registry.get(name)).toMatchObject({
      state: 'shutoff',
      reason: 'shutdown',
      inFlight: null,
      allowed: SHUTOFF_ALLOWED,
    });
    console.log(`registry shutdown of a ready guest: ${Date.now() - t0} ms`);

    const report = await registry.send(name, 'destroy', { storage: 'none' });
    expect(report).toMatchObject({ undefined: true, complete: true });
    controller.abort();
    await collecting;
    expect(changes.map((c) => c.current.state)).toEqual(['starting', 'running', 'shuttingDown', 'shutoff', 'destroying', 'gone']);
    created.length = 0;
  }, 240_000);
});
