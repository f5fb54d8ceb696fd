/**
 * What needs the QEMU guest agent, on a real TCG guest that runs one
 * (qemu-ga in the test guest's initramfs, started when the domain has the
 * agent's channel): addresses from the agent, the guest clock synced after a
 * resume, and a shutdown requested through the agent. The guest has no
 * network interface; the address the agent reports sits on its loopback, so
 * nothing is sent anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainRef, LibvirtConnection } from '../../../src/connection/internal.js';
import { UnsupportedError } from '../../../src/errors/index.js';
import { type VmLifecycleManager, agentChannelState } from '../../../src/lifecycle/internal.js';
import { type GuestManifest, guestDomainXml, logDir, openQemuLifecycle, removeDomains, waitForSerial } from '../../helpers/guest.js';
import { uniqueName } from '../../helpers/libvirt.js';

const BOOT_MS = 60_000;
const TEST_MS = 180_000;

let manifest: GuestManifest;
let conn: LibvirtConnection;
let lifecycle: VmLifecycleManager;
const logs = logDir('lvm-agent-');
const created: DomainRef[] = [];

/**
 * Wait for the guest's "qemu-ga started" marker. The guest prints it, or its failure marker, before its ready
 * marker; so either of those two first is a clear failure now rather than a silent wait to the deadline.
 */
function agentStarted(log: string): Promise<string> {
  return waitForSerial(log, manifest.agentMarker, BOOT_MS, { failOn: [manifest.agentFailedMarker, manifest.readyMarker] });
}

/** Define and start a guest with the agent's channel; resolves once qemu-ga runs in it. */
async function bootWithAgent(prefix: string, acpiFeature = true): Promise<{ ref: DomainRef; log: string }> {
  const name = uniqueName(`ag-${prefix}`);
  const log = logs.path(name);
  const ref = await conn.domains.control.define(guestDomainXml(manifest, { name, logPath: log, agent: true, acpiFeature }));
  created.push(ref);
  await lifecycle.start(ref);
  await agentStarted(log);
  return { ref, log };
}

beforeAll(async () => {
  ({ manifest, conn, lifecycle } = await openQemuLifecycle());
}, 600_000);

afterAll(async () => {
  await removeDomains(conn, created);
  await conn?.close();
  logs.remove();
});

describe('with a real guest agent', () => {
  it(
    'waitForAddresses from the agent; the clock set back in time is synced by resume({ syncTime }); shutdown through the agent',
    async () => {
      const { ref, log } = await bootWithAgent('all');

      // The agent connects a moment after qemu-ga starts: the wait is woken by its agent-lifecycle event.
      const agent = await lifecycle.waitForAgent(ref, { timeout: 60_000 });
      expect(agent.domain.name).toBe(ref.name);
      expect(agentChannelState(await conn.domains.getXml(ref))).toBe('connected');
      expect((await lifecycle.waitForAgent(ref)).elapsedMs).toBeLessThan(1000); // connected already: one read
      const found = await lifecycle.waitForAddresses(ref, { sources: ['agent'], timeout: 60_000 });
      expect(found).toMatchObject({ source: 'agent', addresses: [manifest.agentAddress] });
      expect(found.interfaces.map((i) => i.name)).toEqual(['lo']);

      // A guest clock that stood still (here: set back to 2001), then a pause and a resume with syncTime.
      await conn.domains.setTime(ref, new Date('2001-01-01T00:00:00Z'));
      expect((await conn.domains.getTime(ref)).date.getUTCFullYear()).toBe(2001);
      await lifecycle.pause(ref);
      const resumed = await lifecycle.resume(ref, { syncTime: true });
      expect(resumed).toMatchObject({ state: 'running', changed: true, timeSync: { synced: true } });
      expect(Math.abs((await conn.domains.getTime(ref)).date.getTime() - Date.now())).toBeLessThan(10_000);

      // 'agent' mode sends VIR_DOMAIN_SHUTDOWN_GUEST_AGENT; qemu-ga runs the guest's shutdown command.
      const stopped = await lifecycle.shutdown(ref, { mode: 'agent', timeout: 60_000, onTimeout: 'throw' });
      expect(stopped).toMatchObject({ state: 'shutoff', reason: 'shutdown', method: 'agent', escalated: false });
      await waitForSerial(log, manifest.poweroffMarker, 5_000);
    },
    TEST_MS,
  );

  it(
    "mode 'auto' on a domain without <acpi/> but with the agent's channel shuts down through the agent",
    async () => {
      const { ref } = await bootWithAgent('auto', false);
      await lifecycle.waitForAgent(ref, { timeout: 60_000 });
      const stopped = await lifecycle.shutdown(ref, { timeout: 60_000, onTimeout: 'throw' });
      expect(stopped).toMatchObject({ state: 'shutoff', method: 'agent', escalated: false });
    },
    TEST_MS,
  );

  it(
    'waitForAgent: a domain without the channel is UnsupportedError at once; one not running yet waits for it',
    async () => {
      const name = uniqueName('ag-none');
      const bare = await conn.domains.control.define(guestDomainXml(manifest, { name, logPath: logs.path(name) }));
      created.push(bare);
      await expect(lifecycle.waitForAgent(bare, { timeout: 60_000 })).rejects.toBeInstanceOf(UnsupportedError);

      const later = uniqueName('ag-later');
      const log = logs.path(later);
      const ref = await conn.domains.control.define(guestDomainXml(manifest, { name: later, logPath: log, agent: true }));
      created.push(ref);
      expect(agentChannelState(await conn.domains.getXml(ref))).toBe('disconnected');
      const waiting = lifecycle.waitForAgent(ref, { timeout: 90_000 });
      waiting.catch(() => undefined); // observed below; not an unhandled rejection if the guest fails first
      await lifecycle.start(ref);
      await agentStarted(log);
      await expect(waiting).resolves.toMatchObject({ domain: { name: later } });
    },
    TEST_MS,
  );
});
