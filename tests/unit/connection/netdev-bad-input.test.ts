import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection } from '../../../src/connection/internal.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';

// Bad input to the network, node-device, filter-binding and snapshot-tree calls is refused before anything is
// sent: the fake daemon sees no call at all (the handshake aside). References are given as objects so that no
// lookup would be needed either.

const UUID = '72fc642e-3b1c-4b3c-84a9-d8660b3e21ef';
const NET = { name: 'lvm-net', uuid: UUID };
const PORT = { net: NET, uuid: UUID };
const SNAP = { name: 's1', dom: { name: 'lvm-vm', uuid: UUID, id: -1 } };

let daemon: FakeLibvirtDaemon;
let conn: LibvirtConnection;
/** Procedure numbers of every call the daemon received after the handshake, handled or not. */
let handshakeCalls = 0;
const sent = (): number[] => daemon.clients.flatMap((c) => c.calls.map((h) => h.proc)).slice(handshakeCalls);
beforeAll(async () => {
  daemon = await FakeLibvirtDaemon.start();
  conn = await LibvirtConnection.connect(daemon.uri, { reconnect: false, keepalive: false });
  handshakeCalls = daemon.clients.flatMap((c) => c.calls).length;
});
afterAll(async () => {
  conn.destroy();
  await daemon.stop();
});

describe('refused before anything is sent', () => {
  const cases: [string, () => Promise<unknown>][] = [
    ['update: unknown command', () => conn.networks.update(NET, { command: 'append', section: 'dns-host', xml: '<host/>' } as never)],
    [
      'update: two fragments',
      () =>
        conn.networks.update(NET, {
          command: 'delete',
          section: 'dns-host',
          xml: '<host/>',
          dnsHost: { ip: '10.0.0.1', hostnames: ['a'] },
        }),
    ],
    [
      'update: misspelled option',
      () => conn.networks.update(NET, { command: 'delete', section: 'portgroup', xml: '<portgroup/>' }, { confg: true } as never),
    ],
    [
      'update: unknown change key',
      () => conn.networks.update(NET, { command: 'delete', section: 'portgroup', xml: '<x/>', index: 1 } as never),
    ],
    ['isPersistent: unknown option', () => conn.networks.isPersistent(NET, { inactive: true } as never)],
    ['createTransient: validate not boolean', () => conn.networks.createTransient('<network/>', { validate: 1 } as never)],
    ['getMetadata: live and config', () => conn.networks.getMetadata(NET, 'title', { live: true, config: true })],
    ['setMetadata: element without key', () => conn.networks.setMetadata(NET, { uri: 'https://example.org' }, '<x/>')],
    ['getMetadata: bad kind', () => conn.networks.getMetadata(NET, 'name' as never)],
    ['ports.lookup: bad UUID', () => conn.networks.ports.lookup(NET, 'nope')],
    ['ports.setParameters: unknown name', () => conn.networks.ports.setParameters(PORT, { 'inbound.avg': 1 } as never)],
    ['ports.setParameters: over 32 bits', () => conn.networks.ports.setParameters(PORT, { 'outbound.peak': 2 ** 32 })],
    ['ports.create: bad MAC', () => conn.networks.ports.create(NET, { owner: { name: 'x', uuid: UUID }, mac: '52:54' })],
    ['ports.delete: not a reference', () => conn.networks.ports.delete({ uuid: UUID } as never)],
    ['nodeDevices.createTransient: empty XML', () => conn.nodeDevices.createTransient('')],
    ['nodeDevices.lookupScsiHostByWwn: short WWN', () => conn.nodeDevices.lookupScsiHostByWwn('12', '2000000012341234')],
    ['nodeDevices.setAutostart: no enabled', () => conn.nodeDevices.setAutostart('scsi_host1', {} as never)],
    ['nodeDevices.update: misspelled option', () => conn.nodeDevices.update('scsi_host1', '<device/>', { lve: true } as never)],
    ['nodeDevices.isActive: empty name', () => conn.nodeDevices.isActive('')],
    [
      'nwfilters.createBinding: bad port device',
      () =>
        conn.nwfilters.createBinding({
          owner: { name: 'x', uuid: UUID },
          portdev: 'a b',
          mac: '52:54:00:00:00:01',
          filterref: { filter: 'f' },
        }),
    ],
    ['nwfilters.deleteBinding: not a reference', () => conn.nwfilters.deleteBinding({ portdev: 'vnet0' } as never)],
    ['nwfilters.define: misspelled option', () => conn.nwfilters.define('<filter/>', { validat: true } as never)],
    ['snapshots.listChildren: misspelled option', () => conn.domains.snapshots.listChildren(SNAP, { descendant: true } as never)],
    ['snapshots.isCurrent: not a reference', () => conn.domains.snapshots.isCurrent({ name: 's1' } as never)],
    // A domain and a snapshot name where the reference goes: the error names the reference, not the options.
    ['snapshots.isCurrent: a name', () => conn.domains.snapshots.isCurrent('lvm-vm' as never, 's1' as never)],
    ['snapshots.hasMetadata: a name', () => conn.domains.snapshots.hasMetadata('lvm-vm' as never, 's1' as never)],
    ['snapshots.listChildren: a name', () => conn.domains.snapshots.listChildren('lvm-vm' as never, 's1' as never)],
    ['snapshots.delete: a name', () => conn.domains.snapshots.delete('s1' as never)],
    ['snapshots.revert: a name', () => conn.domains.snapshots.revert('s1' as never)],
    ['snapshots.getXml: a name', () => conn.domains.snapshots.getXml('s1' as never)],
    ['migration.setMaxSpeed: a fraction', () => conn.domains.migration.setMaxSpeed({ name: 'lvm-vm', uuid: UUID, id: -1 }, 1.5)],
    ['migration.setMaxDowntime: negative', () => conn.domains.migration.setMaxDowntime({ name: 'lvm-vm', uuid: UUID, id: -1 }, -1n)],
  ];
  for (const [label, call] of cases) {
    it(label, async () => {
      await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(sent()).toEqual([]);
    });
  }
});

it('control: a good call does reach the daemon', async () => {
  await conn.networks.isPersistent(NET).catch(() => undefined); // no handler: "unknown procedure"
  expect(sent()).toEqual([153]); // NETWORK_IS_PERSISTENT
});

it("a snapshot given by name is refused as 'snapshot', not as a bad options bag", async () => {
  await expect(conn.domains.snapshots.isCurrent('lvm-vm' as never, 's1' as never)).rejects.toMatchObject({ path: 'snapshot' });
  await expect(conn.domains.snapshots.delete('s1' as never)).rejects.toThrow(/snapshot must be a snapshot reference/);
});

it('a misspelled event type gets a hint and where the known types are', () => {
  expect(() => conn.events({ types: ['domain.io_eror'] })).toThrow(/did you mean 'domain.io-error'\?\): see EVENT_TYPES/);
});
