/**
 * Day-2 changes through the SDK on real TCG guests (q35 with spare PCIe root
 * ports): every change is confirmed by libvirt, and the guest says on its
 * serial console that it saw it (scripts/test-guest/devices.sh prints a line
 * per block device, NIC, MemTotal and online-CPU change). Guests that ignore
 * the first unplug request, or every one, prove the re-send and the typed
 * timeout that leaves the VM consistent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainRef, type LibvirtConnection } from '../../../src/connection/internal.js';
import { DeviceDetachError, LibvirtManager } from '../../../src/index.js';
import { parseDomainXml } from '../../../src/xml/index.js';
import {
  type GuestManifest,
  type GuestXmlOptions,
  GUEST_CDROM_TARGET,
  ensureTestGuest,
  guestDomainXml,
  logDir,
  parseMarkerLine,
  serialOffset,
  waitForSerial,
  waitForSerialLine,
} from '../../helpers/guest.js';
import { QEMU_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';

/** Bounds for what a busy 2-core machine running TCG guests needs; each wait ends as soon as its marker or event comes. */
const BOOT = 120_000;
const SEEN = 60_000;

/** `promise`, or a failure naming what did not come within `ms`. */
function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

let manifest: GuestManifest;
let manager: LibvirtManager;
let conn: LibvirtConnection;
let pool: TempPool;
let network: string;
const logs = logDir('lvm-devices-');
const domains = new Set<string>();

beforeAll(async () => {
  manifest = ensureTestGuest();
  manager = await LibvirtManager.connect(QEMU_URI);
  conn = manager.connection;
  pool = await tempPool(conn, 'devices');
  // An isolated network (no <forward>, no addresses): a NIC to plug into, nothing routed anywhere.
  network = uniqueName('devnet');
  await conn.networks.createTransient(`<network><name>${network}</name></network>`);
}, 300_000);

afterAll(async () => {
  for (const name of domains) {
    virshQuiet(QEMU_URI, 'destroy', name);
    virshQuiet(QEMU_URI, 'undefine', name, '--nvram');
  }
  await conn.networks.stop(network).catch(() => undefined);
  await pool.remove();
  logs.remove();
  await manager.close();
});

interface Guest {
  domain: DomainRef;
  log: string;
}

/** Define a persistent test guest (so live and config both exist), start it, wait for its ready marker. */
async function bootGuest(prefix: string, options: Partial<GuestXmlOptions> = {}): Promise<Guest> {
  const name = uniqueName(prefix);
  domains.add(name);
  const log = logs.path(name);
  const domain = await conn.domains.control.define(
    guestDomainXml(manifest, { variant: 'acpi', hotplugPorts: 4, ...options, name, logPath: log }),
  );
  await manager.startVm(domain);
  await waitForSerial(log, manifest.readyMarker, BOOT);
  return { domain, log };
}

/** A raw volume in the temp pool (not made by the SDK for any VM: never deleted by it). */
async function foreignVolume(name: string, bytes: bigint): Promise<string> {
  const vol = await conn.storage.volumes.create(
    pool.name,
    `<volume><name>${name}</name><capacity unit='bytes'>${bytes}</capacity><target><format type='raw'/></target></volume>`,
  );
  return conn.storage.volumes.getPath(vol);
}

async function inPool(name: string): Promise<boolean> {
  return (await conn.storage.volumes.list(pool.name)).some((v) => v.name === name);
}

async function definitions(domain: DomainRef) {
  const [live, config] = await Promise.all([conn.domains.getXml(domain), conn.domains.getXml(domain, { inactive: true })]);
  return { live: parseDomainXml(live), config: parseDomainXml(config) };
}

const targets = (m: ReturnType<typeof parseDomainXml>): string[] => (m.devices?.disks ?? []).map((d) => d.target.dev);

/** The next line the guest prints with this marker after `from`. */
function seen(guest: Guest, prefix: string, words: string, from: number): Promise<string> {
  return waitForSerialLine(guest.log, `${prefix}${words}`, SEEN, () => true, { from });
}

describe('one guest, every kind of change', () => {
  let guest: Guest;

  beforeAll(async () => {
    guest = await bootGuest('dev-all', { vcpus: 1, maxVcpus: 2, balloon: true, cdrom: {} });
  }, BOOT + 30_000);

  it('attachDisk (a new volume): confirmed by DEVICE_ADDED; the guest sees the disk; the volume is owned', async () => {
    const from = serialOffset(guest.log);
    const result = await manager.attachDisk(guest.domain, { kind: 'new', pool: pool.name, size: '32MiB', format: 'raw' });
    expect(result).toMatchObject({ change: 'attachDisk', target: 'vda', bus: 'virtio', live: true, config: true, confirmedBy: 'event' });
    expect(result.volume).toMatchObject({ pool: pool.name, name: `${guest.domain.name}-vda.img` });
    const line = parseMarkerLine(await seen(guest, manifest.blockMarkerPrefix, 'add vda', from));
    expect(line.fields['size']).toBe(String((32 * 1024 * 1024) / 512));
    const { live, config } = await definitions(guest.domain);
    expect(targets(live)).toContain('vda');
    expect(targets(config)).toContain('vda');
    expect(config.metadata?.ownership?.volumes.map((v) => v.name)).toContain(`${guest.domain.name}-vda.img`);
  });

  it('resizeDisk live: the guest sees the new size (virsh blockresize)', async () => {
    const from = serialOffset(guest.log);
    const result = await manager.resizeDisk(guest.domain, 'vda', '64MiB');
    expect(result).toMatchObject({ method: 'live', before: 32n * 1024n * 1024n, capacity: 64n * 1024n * 1024n });
    const line = parseMarkerLine(await seen(guest, manifest.blockMarkerPrefix, 'resize vda', from));
    expect(line.fields['size']).toBe(String((64 * 1024 * 1024) / 512));
  });

  it('attachDisk (an existing volume) and detachDisk: the guest sees it come and go, DEVICE_REMOVED confirms, the volume is kept', async () => {
    const name = uniqueName('data');
    await foreignVolume(name, 16n * 1024n * 1024n);
    let from = serialOffset(guest.log);
    const attached = await manager.attachDisk(guest.domain, { kind: 'existing', volume: { pool: pool.name, volume: name } });
    expect(attached).toMatchObject({ target: 'vdb', volume: undefined, confirmedBy: 'event' });
    await seen(guest, manifest.blockMarkerPrefix, 'add vdb', from);
    from = serialOffset(guest.log);
    const detached = await manager.detachDisk(guest.domain, 'vdb');
    expect(detached).toMatchObject({ change: 'detachDisk', live: true, config: true, confirmedBy: 'event', requests: 1 });
    expect(detached.volume).toMatchObject({ outcome: 'kept' });
    await seen(guest, manifest.blockMarkerPrefix, 'remove vdb', from);
    const { live, config } = await definitions(guest.domain);
    expect(targets(live)).not.toContain('vdb');
    expect(targets(config)).not.toContain('vdb');
    expect(await inPool(name)).toBe(true);
  });

  it('changeMedia: insert an image into the cdrom drive, then eject it (virsh change-media)', async () => {
    const iso = uniqueName('media');
    const path = await foreignVolume(iso, 2n * 1024n * 1024n);
    let from = serialOffset(guest.log);
    const trays = conn.events({ types: ['domain.tray-change'], domain: guest.domain.name });
    await trays.ready;
    expect(await manager.changeMedia(guest.domain, GUEST_CDROM_TARGET, { pool: pool.name, volume: iso })).toMatchObject({
      source: path,
      confirmedBy: 'xml',
    });
    // QEMU opens the tray to change the medium: libvirt's TRAY_CHANGE, typed.
    const tray = await withDeadline(trays.next(), SEEN, 'a tray-change event');
    await trays.return();
    expect(tray.value).toMatchObject({
      type: 'domain.tray-change',
      devAlias: expect.any(String),
      reason: expect.stringMatching(/^(open|close)$/),
    });
    const inserted = parseMarkerLine(await seen(guest, manifest.blockMarkerPrefix, 'media sr0', from));
    expect(inserted.fields['size']).toBe(String((2 * 1024 * 1024) / 512));
    from = serialOffset(guest.log);
    expect(await manager.changeMedia(guest.domain, GUEST_CDROM_TARGET, null)).toMatchObject({ source: undefined });
    const ejected = parseMarkerLine(await seen(guest, manifest.blockMarkerPrefix, 'media sr0', from));
    expect(ejected.fields['size']).toBe('0');
  });

  it('attachNic and detachNic: the guest sees the NIC with the MAC the result names, then sees it go', async () => {
    let from = serialOffset(guest.log);
    const attached = await manager.attachNic(guest.domain, { network });
    expect(attached).toMatchObject({ change: 'attachNic', confirmedBy: 'event', model: 'virtio' });
    const line = parseMarkerLine(await seen(guest, manifest.netMarkerPrefix, 'add ', from));
    expect(line.fields['mac']).toBe(attached.mac);
    const guestName = line.words[1]!;
    from = serialOffset(guest.log);
    expect(await manager.detachNic(guest.domain, attached.mac)).toMatchObject({ change: 'detachNic', confirmedBy: 'event' });
    await seen(guest, manifest.netMarkerPrefix, `remove ${guestName}`, from);
  });

  it('setMemory live through the balloon: the guest’s MemTotal drops by what the balloon took', async () => {
    const total = (line: string): number => Number(parseMarkerLine(line).fields['total']);
    const before = total(await waitForSerialLine(guest.log, manifest.memMarkerPrefix, 1000));
    const from = serialOffset(guest.log);
    const balloon = conn.events({ types: ['domain.balloon-change'], domain: guest.domain.name });
    await balloon.ready;
    const result = await manager.setMemory(guest.domain, `${manifest.memoryMiB - 64}MiB`);
    // QEMU reports the balloon's progress: the last BALLOON_CHANGE is the new size, in KiB.
    const target = BigInt(manifest.memoryMiB - 64) * 1024n;
    for (;;) {
      const next = await withDeadline(balloon.next(), SEEN, 'a balloon-change event at the new size');
      expect(next.value).toMatchObject({ type: 'domain.balloon-change', actualKiB: expect.any(BigInt) });
      if (next.value?.type === 'domain.balloon-change' && next.value.actualKiB === target) break;
    }
    await balloon.return();
    expect(result).toMatchObject({ live: true, config: true, maximum: BigInt(manifest.memoryMiB) * 1024n * 1024n });
    // The balloon inflates by 64 MiB = 65536 kB, which leaves MemTotal.
    await waitForSerialLine(guest.log, manifest.memMarkerPrefix, SEEN, (line) => total(line) === before - 65_536, { from });
    expect((await definitions(guest.domain)).config.currentMemory).toBe(BigInt(manifest.memoryMiB - 64) * 1024n * 1024n);
  });

  it('setVcpus live: the hot-plugged vCPU comes online in the guest; above the maximum is refused', async () => {
    const from = serialOffset(guest.log);
    expect(await manager.setVcpus(guest.domain, 2)).toMatchObject({ vcpus: 2, maximum: 2, confirmedBy: 'xml' });
    await seen(guest, manifest.cpuMarkerPrefix, '0-1', from);
    await expect(manager.setVcpus(guest.domain, 3)).rejects.toMatchObject({ name: 'InvalidArgumentError', path: 'vcpus' });
  });

  it('detachDisk with deleteVolume: the owned volume is deleted and leaves the ownership record', async () => {
    const from = serialOffset(guest.log);
    const result = await manager.detachDisk(guest.domain, 'vda', { deleteVolume: true });
    expect(result.volume).toMatchObject({ outcome: 'deleted', pool: pool.name, name: `${guest.domain.name}-vda.img` });
    await seen(guest, manifest.blockMarkerPrefix, 'remove vda', from);
    expect(await inPool(`${guest.domain.name}-vda.img`)).toBe(false);
    const { live, config } = await definitions(guest.domain);
    expect(config.metadata?.ownership?.volumes ?? []).toEqual([]);
    expect(live.metadata?.ownership?.volumes ?? []).toEqual([]);
  });
});

describe('teardown after day-2 changes', () => {
  it('destroyVm({ storage: "owned" }) deletes the volume an attach made, and keeps an existing volume that was attached', async () => {
    const guest = await bootGuest('dev-teardown');
    const existing = uniqueName('keep');
    await foreignVolume(existing, 16n * 1024n * 1024n);
    const owned = await manager.attachDisk(guest.domain, { kind: 'new', pool: pool.name, size: '16MiB' });
    await manager.attachDisk(guest.domain, { kind: 'existing', volume: { pool: pool.name, volume: existing } });
    const report = await manager.destroyVm(guest.domain, { storage: 'owned' });
    expect(report.complete).toBe(true);
    expect(report.volumesDeleted.map((v) => v.name)).toEqual([owned.volume!.name]);
    expect(await inPool(owned.volume!.name)).toBe(false);
    expect(await inPool(existing)).toBe(true);
    domains.delete(guest.domain.name);
  });
});

describe('guests that do not release an unplugged device', () => {
  it('a guest that ignores the first request gets it again, and lets go', async () => {
    const guest = await bootGuest('dev-ignore', { unplug: 'ignore-first' });
    await manager.attachDisk(guest.domain, { kind: 'new', pool: pool.name, size: '16MiB' });
    // The guest arms once it has seen the disk arrive: from then on it ignores the next request.
    await waitForSerialLine(guest.log, `${manifest.unplugMarkerPrefix}armed`, SEEN);
    const from = serialOffset(guest.log);
    const result = await manager.detachDisk(guest.domain, 'vda', { resendEvery: 6_000, deleteVolume: true });
    expect(result.requests).toBeGreaterThanOrEqual(2);
    expect(result).toMatchObject({ live: true, config: true, confirmedBy: 'event', volume: { outcome: 'deleted' } });
    await seen(guest, manifest.unplugMarkerPrefix, 'ignored', from);
    await seen(guest, manifest.blockMarkerPrefix, 'remove vda', from);
  });

  it('native PCIe hot-plug: the guest takes ~5 s to let go; a guest that ignored the first press gets another, and QEMU’s "guest is busy" is no error', async () => {
    const guest = await bootGuest('dev-native', { unplug: 'ignore-first', pciHotplug: 'native' });
    await manager.attachDisk(guest.domain, { kind: 'new', pool: pool.name, size: '16MiB' });
    await waitForSerialLine(guest.log, `${manifest.unplugMarkerPrefix}armed hotplug=native`, SEEN);
    const from = serialOffset(guest.log);
    const result = await manager.detachDisk(guest.domain, 'vda', { resendEvery: 6_000, deleteVolume: true });
    expect(result.requests).toBeGreaterThanOrEqual(2);
    expect(result).toMatchObject({ live: true, config: true, confirmedBy: 'event', volume: { outcome: 'deleted' } });
    await seen(guest, manifest.unplugMarkerPrefix, 'ignored hotplug=native', from);
    await seen(guest, manifest.blockMarkerPrefix, 'remove vda', from);
  });

  it('a guest that never lets go: DeviceDetachError after the timeout, and live and config still agree', async () => {
    const guest = await bootGuest('dev-never', { unplug: 'never' });
    const attached = await manager.attachDisk(guest.domain, { kind: 'new', pool: pool.name, size: '16MiB' });
    await waitForSerialLine(guest.log, `${manifest.unplugMarkerPrefix}armed`, SEEN);
    const error = await manager
      .detachDisk(guest.domain, 'vda', { resendEvery: 6_000, timeout: 20_000, deleteVolume: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceDetachError);
    expect(error).toMatchObject({ reason: 'timeout', device: 'vda', live: 'pending', config: 'unchanged' });
    expect((error as DeviceDetachError).requests).toBeGreaterThanOrEqual(2);
    const { live, config } = await definitions(guest.domain);
    expect(targets(live)).toContain('vda');
    expect(targets(config)).toContain('vda');
    // Nothing deleted: the guest still has the disk.
    expect(await inPool(attached.volume!.name)).toBe(true);
    expect(manager.getVm(guest.domain)).toMatchObject({ state: 'running', inFlight: null });
  });
});
