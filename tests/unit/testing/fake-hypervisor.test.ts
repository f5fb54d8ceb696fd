/**
 * The fake daemon's failure injection and the fake hypervisor behind it, as
 * other unit tests rely on them: one-shot interceptors, the call log, events
 * only to registered clients and only with their callback ids, libvirt's
 * answers for wrong states and missing objects, transient domains, uploads
 * (and libvirtd's answer to a hole on an upload not opened sparse).
 */
import { describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/index.js';
import { ConnectionClosedError, DomainNotFoundError, LibvirtError, UnsupportedError } from '../../../src/errors/index.js';
import { DOMAIN_GET_STATE, STORAGE_VOL_UPLOAD } from '../../../src/rpc/protocol/index.js';
import { fakeHost } from '../../helpers/fake-host.js';

describe('FakeLibvirtDaemon.once and onCall', () => {
  it('interceptors run once each, in order, in front of the handler; next() runs the handler', async () => {
    const { conn, daemon, hv } = await fakeHost({ setup: (h) => h.addDomain({ name: 'vm0' }) });
    const seen: string[] = [];
    daemon.onCall(({ name }) => void (name === 'DOMAIN_GET_STATE' && seen.push(name)));
    daemon.once(DOMAIN_GET_STATE, () => ({ error: { code: 1, domain: 10, message: 'first' } }));
    daemon.once(DOMAIN_GET_STATE, async (_args, _context, next) => {
      hv.domain('vm0').state = 'paused';
      return next();
    });
    await expect(conn.domains.getState('vm0')).rejects.toMatchObject({ code: 1, libvirtMessage: 'first' });
    await expect(conn.domains.getState('vm0')).resolves.toMatchObject({ state: 'paused' });
    hv.domain('vm0').state = 'shutoff';
    await expect(conn.domains.getState('vm0')).resolves.toMatchObject({ state: 'shutoff' });
    expect(seen).toHaveLength(3); // intercepted calls are observed too
  });
});

describe('FakeHypervisor', () => {
  it('sends lifecycle events only to clients that registered, tagged with their callback id', async () => {
    const a = await fakeHost({ setup: (h) => h.addDomain({ name: 'vm0' }) });
    const other = await LibvirtConnection.connect(a.daemon.uri, { reconnect: false, keepalive: false });
    try {
      const events = a.conn.events({ types: ['domain.lifecycle'] });
      await events.ready;
      expect(a.hv.callbackCount()).toBe(1); // this client's; the other registered nothing
      await other.domains.control.start('vm0'); // started by a client that registered nothing
      const { value } = await events.next();
      expect(value).toMatchObject({ type: 'domain.lifecycle', domain: { name: 'vm0' }, event: 'started', detail: 'booted' });
      await events.return();
      await expect.poll(() => a.hv.callbackCount()).toBe(0);
    } finally {
      other.destroy();
    }
  });

  it('answers wrong states and missing objects as libvirt does', async () => {
    const { conn, hv } = await fakeHost({ setup: (h) => h.addDomain({ name: 'vm0', managedSave: true }) });
    await expect(conn.domains.control.suspend('vm0')).rejects.toMatchObject({ code: 55 });
    await expect(conn.domains.control.forceOff('vm0')).rejects.toMatchObject({ codeName: 'VIR_ERR_OPERATION_INVALID' });
    await expect(conn.domains.control.undefine('vm0')).rejects.toMatchObject({ code: 55 }); // a managed save image exists
    await expect(conn.domains.lookup('nope')).rejects.toBeInstanceOf(DomainNotFoundError);
    await expect(conn.storage.pools.lookup('nope')).rejects.toMatchObject({ codeName: 'VIR_ERR_NO_STORAGE_POOL' });
    await expect(conn.networks.lookup('nope')).rejects.toMatchObject({ codeName: 'VIR_ERR_NO_NETWORK' });
    await expect(conn.host.getDomainCapabilities()).rejects.toBeInstanceOf(UnsupportedError);
    hv.uploadSupported = false;
    hv.addPool('p');
    const vol = await conn.storage.volumes.create('p', "<volume><name>v.img</name><capacity unit='bytes'>4096</capacity></volume>");
    await expect(conn.storage.volumes.upload(vol, new Uint8Array(8))).rejects.toBeInstanceOf(UnsupportedError);
    await expect(
      conn.storage.volumes.create('p', "<volume><name>v.img</name><capacity unit='bytes'>1</capacity></volume>"),
    ).rejects.toMatchObject({
      codeName: 'VIR_ERR_STORAGE_VOL_EXIST',
    });
  });

  it('a transient domain is gone once it stops; an undefined running domain becomes transient', async () => {
    const { conn, hv } = await fakeHost({ setup: (h) => h.addDomain({ name: 'vm0' }) });
    await conn.domains.control.start('vm0');
    await conn.domains.control.undefine('vm0');
    expect(hv.domain('vm0')).toMatchObject({ state: 'running', persistent: false });
    expect(await conn.domains.isPersistent('vm0')).toBe(false);
    await conn.domains.control.forceOff('vm0');
    expect(hv.domains.has('vm0')).toBe(false);
    await expect(conn.domains.getState('vm0')).rejects.toBeInstanceOf(LibvirtError);
  });

  it('stores what an upload streams, and a volume under its pool path', async () => {
    const { conn, hv } = await fakeHost({ setup: (h) => h.addPool('p', '/srv/p') });
    const vol = await conn.storage.volumes.create('p', "<volume><name>a&amp;b.img</name><capacity unit='KiB'>4</capacity></volume>");
    expect(vol).toEqual({ pool: 'p', name: 'a&b.img', key: '/srv/p/a&b.img' });
    expect(await conn.storage.volumes.getInfo(vol)).toMatchObject({ capacity: 4096n });
    const data = Buffer.alloc(300_000, 7);
    await conn.storage.volumes.upload(vol, [data.subarray(0, 100), data.subarray(100)]);
    expect(hv.volumes.get('p/a&b.img')?.data.equals(data)).toBe(true);
  });

  it(
    'closes the connection on a hole in an upload not opened sparse, as libvirtd 9.0 does, keeping nothing',
    { timeout: 5_000 },
    async () => {
      const { conn, hv } = await fakeHost({ setup: (h) => h.addPool('p', '/srv/p') });
      const vol = await conn.storage.volumes.create('p', "<volume><name>v.img</name><capacity unit='KiB'>64</capacity></volume>");
      // Not sparse on the wire (flags 0) while the client lets a hole through: what a broken client sends.
      const stream = await conn.openStream(STORAGE_VOL_UPLOAD, { vol, offset: 0n, length: 0n, flags: 0 }, { sparse: true });
      await stream.write(Buffer.alloc(100, 1));
      await stream.writeHole(4096);
      // Before, the fake dropped the upload silently and this finish waited forever.
      await expect(stream.finish()).rejects.toBeInstanceOf(ConnectionClosedError);
      expect(hv.volumes.get('p/v.img')?.data.length).toBe(0);
    },
  );
});
