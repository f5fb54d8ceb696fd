/**
 * The fleet over three test hosts (scripts/test-hosts.sh): one view, one event stream; one host's daemon is killed
 * and restarted while the others keep serving, and its VMs come back into the view. Shut-off persistent domains
 * only: no guest boots here.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/index.js';
import { type FleetEvent, LibvirtFleet } from '../../../src/fleet/index.js';
import { HOSTS_BASE, hostUri, startHosts } from '../migration/helpers.js';

const HOSTS = { h2: hostUri(2), h3: hostUri(3), h4: hostUri(4) };
const names: Record<string, string> = {};
let fleet: LibvirtFleet;

function domainXml(name: string): string {
  return `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>`;
}

async function onHost(uri: string, body: (conn: LibvirtConnection) => Promise<void>): Promise<void> {
  const conn = await LibvirtConnection.connect(uri);
  try {
    await body(conn);
  } finally {
    await conn.close();
  }
}

beforeAll(async () => {
  startHosts(3);
  for (const [host, uri] of Object.entries(HOSTS)) {
    names[host] = `lvm-fleet-${host}-${Date.now().toString(36)}`;
    await onHost(uri, async (c) => void (await c.domains.control.define(domainXml(names[host]!))));
  }
  fleet = await LibvirtFleet.open(HOSTS, { manager: { reconnect: { initialDelay: 200, maxDelay: 1000 } } });
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  startHosts(3);
  for (const [host, uri] of Object.entries(HOSTS))
    await onHost(uri, async (c) => void (await c.domains.control.undefine(names[host]!).catch(() => undefined))).catch(() => undefined);
});

describe('LibvirtFleet over three test hosts', () => {
  it('one view: every VM with its host', () => {
    expect(fleet.hosts().map((h) => h.status)).toEqual(['up', 'up', 'up']);
    for (const host of Object.keys(HOSTS)) {
      const vm = fleet.listVms().find((v) => v.domain.name === names[host]);
      expect(vm?.host).toBe(host);
      expect(vm?.state).toBe('shutoff');
      expect(fleet.whereIs(names[host]!)).toEqual([host]);
    }
  });

  it('a host killed and restarted: marked down, the others keep serving, its VMs come back', async () => {
    const controller = new AbortController();
    const events: FleetEvent[] = [];
    const reading = (async () => {
      for await (const e of fleet.events({ signal: controller.signal })) events.push(e);
    })();
    const pid = Number(readFileSync(`${HOSTS_BASE}/testhost3/libvirtd.pid`, 'utf8'));
    process.kill(pid, 'SIGKILL');
    await vi.waitFor(() => expect(fleet.hosts().find((h) => h.name === 'h3')?.status).toBe('down'), { timeout: 30_000, interval: 100 });
    // The others serve meanwhile: a define on h2 reaches the fleet's view.
    const extra = `lvm-fleet-extra-${Date.now().toString(36)}`;
    await fleet.host('h2').connection.domains.control.define(domainXml(extra));
    try {
      await vi.waitFor(() => expect(fleet.whereIs(extra)).toEqual(['h2']), { timeout: 10_000, interval: 100 });
      expect((await fleet.host('h4').connection.domains.getState(names['h4']!)).state).toBe('shutoff');
    } finally {
      await fleet.host('h2').connection.domains.control.undefine(extra);
    }
    const restartedAt = Date.now();
    startHosts(3);
    await vi.waitFor(() => expect(fleet.hosts().find((h) => h.name === 'h3')?.status).toBe('up'), { timeout: 60_000, interval: 100 });
    console.log(`h3 up again ${Date.now() - restartedAt} ms after its daemon was restarted`);
    await vi.waitFor(() => expect(fleet.whereIs(names['h3']!)).toEqual(['h3']), { timeout: 30_000, interval: 100 });
    controller.abort();
    await reading;
    const hostEvents = events.filter((e) => e.type === 'host' && e.host === 'h3').map((e) => (e as { status: string }).status);
    expect(hostEvents[0]).toBe('down');
    expect(hostEvents.at(-1)).toBe('up');
    expect(events.some((e) => e.type === 'vm' && e.host === 'h2' && e.change.current.domain.name === extra)).toBe(true);
  }, 180_000);
});
