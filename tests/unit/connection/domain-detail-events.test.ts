import { describe, expect, it } from 'vitest';
import { LibvirtConnection, type LibvirtEvent } from '../../../src/connection/internal.js';
import {
  CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
  CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
  DOMAIN_EVENT_BLOCK_THRESHOLD,
  DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE,
  DOMAIN_EVENT_CALLBACK_CONTROL_ERROR,
  DOMAIN_EVENT_CALLBACK_DISK_CHANGE,
  DOMAIN_EVENT_CALLBACK_GRAPHICS,
  DOMAIN_EVENT_CALLBACK_IO_ERROR,
  DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON,
  DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION,
  DOMAIN_EVENT_CALLBACK_PMSUSPEND,
  DOMAIN_EVENT_CALLBACK_RTC_CHANGE,
  DOMAIN_EVENT_CALLBACK_TRAY_CHANGE,
  DOMAIN_EVENT_CALLBACK_TUNABLE,
  DOMAIN_EVENT_CALLBACK_WATCHDOG,
  DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE,
  DOMAIN_EVENT_MEMORY_FAILURE,
  DOMAIN_EVENT_NIC_MAC_CHANGE,
  type EventMessage,
} from '../../../src/rpc/index.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { fakeConnection } from '../../helpers/connection-fixtures.js';

// The domain events with a typed shape (src/connection/events/domain-event-details.ts), each sent on the wire by
// the fake daemon and read back through `events()`: names for libvirt's integers, the old libvirt names as aliases.

const dom = { name: 'web1', uuid: '5f1b1c1e-0000-4000-8000-000000000001', id: 3 };

const fx = fakeConnection();

/** A connection whose daemon gives each domain event id the callback id `eventID + 100`. */
async function connected(): Promise<{ daemon: FakeLibvirtDaemon; conn: LibvirtConnection }> {
  const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
  daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, ({ eventID }) => ({ ok: { callbackID: eventID + 100 } }));
  daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, () => ({ ok: undefined }));
  const conn = (fx.conn = await LibvirtConnection.connect(daemon.uri, { keepalive: false, reconnect: false }));
  return { daemon, conn };
}

/** Subscribe to `type`, have the daemon send `message` for event id `eventId`, and return what arrives. */
async function roundTrip<T>(type: string, eventId: number, message: EventMessage<T>, fields: object): Promise<LibvirtEvent> {
  const { daemon, conn } = await connected();
  const events = conn.events({ types: [type] });
  await events.ready;
  daemon.clients[0]!.sendEvent(message, { callbackID: eventId + 100, dom, ...fields } as T);
  const next = await events.next();
  await events.return();
  expect(next.done).toBe(false);
  return next.value as LibvirtEvent;
}

describe('typed domain events', () => {
  it.each([
    ['domain.rtc-change', 2, DOMAIN_EVENT_CALLBACK_RTC_CHANGE, { offset: -3600n }, { offset: -3600n }],
    ['domain.watchdog', 3, DOMAIN_EVENT_CALLBACK_WATCHDOG, { action: 6 }, { action: 'inject-nmi' }],
    [
      'domain.io-error',
      4,
      DOMAIN_EVENT_CALLBACK_IO_ERROR,
      { srcPath: '/var/lib/libvirt/images/web1.qcow2', devAlias: 'virtio-disk0', action: 1 },
      { srcPath: '/var/lib/libvirt/images/web1.qcow2', devAlias: 'virtio-disk0', action: 'pause' },
    ],
    [
      'domain.io-error-reason',
      6,
      DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON,
      { srcPath: '/img', devAlias: 'virtio-disk1', action: 2, reason: 'enospc' },
      { srcPath: '/img', devAlias: 'virtio-disk1', action: 'report', reason: 'enospc' },
    ],
    [
      'domain.graphics',
      5,
      DOMAIN_EVENT_CALLBACK_GRAPHICS,
      {
        phase: 2,
        local: { family: 0, node: '127.0.0.1', service: '5900' },
        remote: { family: 2, node: '/run/vnc.sock', service: '' },
        authScheme: 'vnc',
        subject: [{ type: 'saslUsername', name: 'ops' }],
      },
      {
        phase: 'disconnect',
        local: { family: 'ipv4', node: '127.0.0.1', service: '5900' },
        remote: { family: 'unix', node: '/run/vnc.sock', service: '' },
        authScheme: 'vnc',
        subject: [{ type: 'saslUsername', name: 'ops' }],
      },
    ],
    ['domain.control-error', 7, DOMAIN_EVENT_CALLBACK_CONTROL_ERROR, {}, {}],
    [
      'domain.disk-change',
      9,
      DOMAIN_EVENT_CALLBACK_DISK_CHANGE,
      { oldSrcPath: '/iso/a.iso', newSrcPath: null, devAlias: 'sata0-0-0', reason: 0 },
      { oldSrcPath: '/iso/a.iso', newSrcPath: null, devAlias: 'sata0-0-0', reason: 'missing-on-start' },
    ],
    [
      'domain.tray-change',
      10,
      DOMAIN_EVENT_CALLBACK_TRAY_CHANGE,
      { devAlias: 'sata0-0-0', reason: 1 },
      { devAlias: 'sata0-0-0', reason: 'close' },
    ],
    ['domain.pm-suspend', 12, DOMAIN_EVENT_CALLBACK_PMSUSPEND, { reason: 0 }, {}],
    ['domain.balloon-change', 13, DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE, { actual: 524288n }, { actualKiB: 524288n }],
    [
      'domain.tunable',
      17,
      DOMAIN_EVENT_CALLBACK_TUNABLE,
      { params: [{ field: 'cputune.vcpupin0', type: 'string', value: '0-1' }] },
      { params: { 'cputune.vcpupin0': '0-1' } },
    ],
    ['domain.migration-iteration', 20, DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION, { iteration: 3 }, { iteration: 3 }],
    [
      'domain.block-threshold',
      24,
      DOMAIN_EVENT_BLOCK_THRESHOLD,
      { dev: 'vda[1]', path: null, threshold: 1073741824n, excess: 4096n },
      { dev: 'vda[1]', path: null, threshold: 1073741824n, excess: 4096n },
    ],
    [
      'domain.memory-failure',
      25,
      DOMAIN_EVENT_MEMORY_FAILURE,
      { recipient: 1, action: 1, flags: 1 },
      { recipient: 'guest', action: 'inject', actionRequired: true, recursive: false },
    ],
    [
      'domain.memory-device-size-change',
      26,
      DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE,
      { alias: 'virtiomem0', size: 1048576n },
      { alias: 'virtiomem0', sizeKiB: 1048576n },
    ],
    [
      'domain.nic-mac-change',
      27,
      DOMAIN_EVENT_NIC_MAC_CHANGE,
      { alias: 'net0', oldMAC: '52:54:00:00:00:01', newMAC: '52:54:00:00:00:02' },
      { alias: 'net0', oldMac: '52:54:00:00:00:01', newMac: '52:54:00:00:00:02' },
    ],
  ] as const)('%s (event id %i) arrives with its named fields', async (type, eventId, message, wire, expected) => {
    const event = await roundTrip(type, eventId, message as EventMessage<unknown>, wire);
    expect(event).toEqual({ type, domain: dom, ...expected });
  });

  it("answers to libvirt's own name, as it did when it was a domain.other event", async () => {
    const event = await roundTrip('domain.io_error', 4, DOMAIN_EVENT_CALLBACK_IO_ERROR, {
      srcPath: '/img',
      devAlias: 'virtio-disk0',
      action: 0,
    });
    expect(event).toEqual({ type: 'domain.io-error', domain: dom, srcPath: '/img', devAlias: 'virtio-disk0', action: 'none' });
  });

  it('names an integer a newer libvirt added instead of dropping the event', async () => {
    const event = await roundTrip('domain.watchdog', 3, DOMAIN_EVENT_CALLBACK_WATCHDOG, { action: 42 });
    expect(event).toEqual({ type: 'domain.watchdog', domain: dom, action: 'unknown(42)' });
  });
});
