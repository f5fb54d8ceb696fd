import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionClosedError, DomainNotFoundError, LibvirtConnection, type LibvirtEvent } from '../../../src/connection/internal.js';
import { createDialer, parseLibvirtUri } from '../../../src/rpc/index.js';
import { TEST_URI, testDomainXml, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';

let conn: LibvirtConnection;
const created: string[] = [];

beforeAll(async () => {
  conn = await LibvirtConnection.connect(TEST_URI);
});

afterAll(async () => {
  for (const name of created) {
    virshQuiet(TEST_URI, 'destroy', name);
    virshQuiet(TEST_URI, 'undefine', name);
  }
  await conn.close();
});

async function defineDomain(prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  created.push(name);
  await conn.domains.control.define(testDomainXml(name));
  return name;
}

describe('LibvirtConnection on the test driver', () => {
  it('opens, reports its state and handshake, and reads typed host facts', async () => {
    expect(conn.state).toBe('open');
    expect(conn.handshake).toEqual({ auth: 'none', keepalive: true });
    const version = await conn.host.getLibVersion();
    expect(version.major).toBeGreaterThanOrEqual(9);
    expect(await conn.host.getUri()).toBe('test:///default');
    expect(await conn.host.getType()).toBe('TEST');
    const node = await conn.host.getNodeInfo();
    expect(node).toMatchObject({ model: 'i686', cpus: 16, mhz: 1400, nodes: 2 });
    expect(node.memoryBytes).toBe(3 * 1024 * 1024 * 1024);
  });

  it('parses host capabilities, and domain capabilities on qemu:///system', async () => {
    const caps = await conn.host.getCapabilities();
    expect(caps.guests.length).toBeGreaterThan(0);
    await using qemu = await LibvirtConnection.connect('qemu:///system');
    const domcaps = await qemu.host.getDomainCapabilities({ virtType: 'qemu', arch: 'x86_64' });
    expect(domcaps.arch).toBe('x86_64');
    expect(domcaps.machine).toMatch(/pc|q35/);
  });

  it('reads domains: list, lookup by name/UUID/id, state and info with names', async () => {
    const test = await conn.domains.lookup('test');
    expect(test).toEqual({ name: 'test', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', id: 1 });
    expect(await conn.domains.lookup(test.uuid)).toEqual(test);
    expect(await conn.domains.lookupById(1)).toEqual(test);
    expect((await conn.domains.list()).map((d) => d.name)).toContain('test');
    // The test driver's default domain reports reason 0 (unknown).
    expect(await conn.domains.getState('test')).toMatchObject({ state: 'running', reason: 'unknown', stateCode: 1 });
    const info = await conn.domains.getInfo(test);
    expect(info.vcpus).toBe(2);
    expect(info.maxMemoryBytes).toBe(8 * 1024 * 1024 * 1024);
    expect(await conn.domains.getXml('test')).toContain('<name>test</name>');
    expect(await conn.domains.isActive(test)).toBe(true);
    const ifaces = await conn.domains.getInterfaceAddresses(test);
    expect(ifaces[0]?.hwaddr).toBe('aa:bb:cc:dd:ee:ff');
  });

  it('rejects a missing domain with DomainNotFoundError (code 42)', async () => {
    const error = await conn.domains.lookup(uniqueName('missing')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainNotFoundError);
    expect((error as DomainNotFoundError).code).toBe(42);
    expect(await conn.domains.exists(uniqueName('missing'))).toBe(false);
  });

  it('names the missing domain in the not-found error, whatever the driver says', async () => {
    // The test driver's own message is only "Domain not found" (QEMU's names it).
    const name = uniqueName('unnamed');
    const uuid = '6695eb01-f6a4-8304-79aa-97f2502e1930';
    for (const [lookup, key] of [
      [() => conn.domains.lookup(name), name],
      [() => conn.domains.lookupByName(name), name],
      [() => conn.domains.lookup(uuid), uuid],
      [() => conn.domains.lookupByUuid(uuid), uuid],
      [() => conn.domains.lookupById(987654), '987654'],
      [() => conn.domains.getState(name), name],
    ] as const) {
      const error = await lookup().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainNotFoundError);
      expect((error as DomainNotFoundError).code).toBe(42);
      expect((error as Error).message).toContain(`'${key}'`);
    }
  });

  it('reads storage pools and networks of the test driver', async () => {
    const pools = await conn.storage.pools.list();
    expect(pools.map((p) => p.name)).toContain('default-pool');
    expect((await conn.storage.pools.getInfo('default-pool')).state).toBe('running');
    const nets = await conn.networks.list();
    expect(nets.map((n) => n.name)).toContain('default');
    expect(await conn.networks.getBridgeName('default')).toBe('virbr0');
  });

  it('lists every domain with its state in one call', async () => {
    const states = await conn.domains.listStates();
    expect(states.find((s) => s.domain.name === 'test')).toMatchObject({ state: 'running', stateCode: 1 });
  });

  it('decodes all-domain stats typed parameters', async () => {
    const stats = await conn.host.getAllDomainStats({ groups: ['state'] });
    const test = stats.find((s) => s.domain.name === 'test');
    expect(test?.stats['state.state']).toBe(1);
  });

  it('creates, lists, reverts and deletes snapshots', async () => {
    const name = await defineDomain('snap');
    const snap = await conn.domains.snapshots.create(name, '<domainsnapshot><name>s1</name></domainsnapshot>');
    expect(snap.name).toBe('s1');
    expect((await conn.domains.snapshots.list(name)).map((s) => s.name)).toEqual(['s1']);
    expect((await conn.domains.snapshots.current(name))?.name).toBe('s1');
    await conn.domains.snapshots.revert(snap);
    await conn.domains.snapshots.delete(snap);
    expect(await conn.domains.snapshots.current(name)).toBeNull();
  });

  it('shares one socket between 20 concurrent connect() calls', async () => {
    let dials = 0;
    const real = createDialer(parseLibvirtUri(TEST_URI));
    const c = new LibvirtConnection(TEST_URI, {
      connect: (options) => {
        dials++;
        return real(options);
      },
    });
    await Promise.all(Array.from({ length: 20 }, () => c.connect()));
    expect(dials).toBe(1);
    expect(c.state).toBe('open');
    await c.close();
    expect(c.state).toBe('closed');
    await expect(c.host.getHostname()).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('resolves 1000 concurrent calls on one connection', async () => {
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? conn.domains.getState('test') : conn.host.getLibVersion())),
    );
    expect(results).toHaveLength(1000);
  });

  it('delivers every lifecycle event of 100 start/stop cycles, in order', async () => {
    const name = await defineDomain('cycles');
    const events = conn.events({ types: ['domain.lifecycle'], domain: name });
    await events.ready;
    for (let i = 0; i < 100; i++) {
      await conn.domains.control.start(name);
      await conn.domains.control.forceOff(name);
    }
    const seen: string[] = [];
    for await (const event of events) {
      if (event.type !== 'domain.lifecycle') continue;
      seen.push(`${event.event}/${event.detail}`);
      if (seen.length === 200) break;
    }
    expect(seen).toEqual(Array.from({ length: 100 }, () => ['started/booted', 'stopped/destroyed']).flat());
    expect(events.dropped).toBe(0);
  });

  it('a consumer that stops reading stalls neither calls nor other subscriptions', async () => {
    const name = await defineDomain('slow');
    const stalled = conn.events({ types: ['domain.lifecycle'], bufferSize: 4, overflow: 'drop-oldest' });
    const live = conn.events({ types: ['domain.lifecycle'], domain: name });
    await Promise.all([stalled.ready, live.ready]);
    for (let i = 0; i < 20; i++) {
      await conn.domains.control.start(name);
      await conn.domains.control.forceOff(name);
    }
    let count = 0;
    for await (const event of live) {
      if (event.type === 'domain.lifecycle') count++;
      if (count === 40) break;
    }
    expect(count).toBe(40);
    expect(stalled.buffered).toBe(4);
    expect(stalled.dropped).toBeGreaterThanOrEqual(36);
    await stalled.return();
  });

  it('deregisters on the daemon when the last subscriber leaves (events stop)', async () => {
    const name = await defineDomain('dereg');
    const controller = new AbortController();
    const sub = conn.events({ types: ['domain.reboot'], signal: controller.signal });
    await sub.ready;
    controller.abort();
    const next = await sub.next();
    expect(next.done).toBe(true);
    // The registration is gone; a new subscription still works.
    const again = conn.events({ types: ['domain.lifecycle'], domain: name });
    await again.ready;
    await conn.domains.control.start(name);
    const first = (await again.next()).value as LibvirtEvent;
    expect(first).toMatchObject({ type: 'domain.lifecycle', event: 'started' });
    await again.return();
    await conn.domains.control.forceOff(name);
  });

  it('an event iteration ends quietly (done) when its owner closes the connection', async () => {
    for (const end of ['close', 'destroy'] as const) {
      const own = await LibvirtConnection.connect(TEST_URI);
      const sub = own.events({ types: ['domain.lifecycle'] });
      await sub.ready;
      const seen: unknown[] = [];
      const loop = (async () => {
        for await (const event of sub) seen.push(event);
        return 'done';
      })();
      if (end === 'close') await own.close();
      else own.destroy();
      await expect(loop).resolves.toBe('done');
      expect(seen).toEqual([]);
    }
  });

  it('defines and undefines seen from virsh', async () => {
    const name = await defineDomain('virsh');
    expect(virsh(TEST_URI, 'domstate', name).trim()).toBe('shut off');
  });
});
