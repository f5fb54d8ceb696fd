/**
 * The tiny test guest sees each change a running VM goes through and says so on its serial console
 * (scripts/test-guest/devices.sh): a hot-plugged disk that is resized and unplugged, a cdrom's medium, a NIC,
 * the balloon and a hot-plugged vCPU. Then the unplug variants, with ACPI PCI hotplug (QEMU's q35 default) and
 * with native PCIe hotplug: a guest that ignores the first unplug request and honours the next, and one that
 * never lets go. Driven with virsh only: the SDK's devices module is tested against this guest later.
 * Timings are printed (`[devices] ...`), never asserted.
 *
 * A check of the test environment (the guest and libvirt), not of the SDK — whose device tests
 * (qemu.test.ts) assert the same guest lines — so it runs only when asked: `LIBVIRT_MANAGER_ENV_TESTS=1`
 * (about 100 s of real guests; docs/testing.md).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GUEST_CDROM_TARGET,
  type GuestManifest,
  type GuestXmlOptions,
  type MarkerLine,
  ensureTestGuest,
  guestDomainXml,
  logDir,
  parseMarkerLine,
  serialOffset,
  waitForSerial,
  waitForSerialLine,
} from '../../helpers/guest.js';
import { QEMU_URI, sleep, uniqueName, virshQuiet } from '../../helpers/libvirt.js';
import { VirshEventLog } from './virsh-events.js';

const run = promisify(execFile);
/** virsh without blocking the event loop (the event log keeps reading while a detach waits its 5 s). */
async function virsh(...args: string[]): Promise<string> {
  const { stdout } = await run('virsh', ['-q', '-c', QEMU_URI, ...args]);
  return stdout;
}

const logs = logDir('lvm-devices-');
const created: string[] = [];
let guest: GuestManifest;
let events: VirshEventLog;

function report(what: string, ms: number): void {
  console.log(`[devices] ${what}: ${Math.round(ms)} ms`);
}

/** A 64 MiB qcow2 image (131072 sectors of 512 bytes) for a hot-plugged disk. */
function newDisk(name: string): string {
  const path = join(logs.dir, `${name}.qcow2`);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, '64M']);
  return path;
}

/** Boot a transient tiny guest and wait for its ready marker; the event log is listening by then. */
async function boot(prefix: string, options: Omit<GuestXmlOptions, 'name' | 'logPath'>): Promise<{ name: string; log: string }> {
  const name = uniqueName(prefix);
  const log = logs.path(name);
  const xml = join(logs.dir, `${name}.xml`);
  writeFileSync(xml, guestDomainXml(guest, { variant: 'noacpi', ...options, name, logPath: log }));
  await virsh('create', xml);
  created.push(name);
  // Seen only if virsh event registered before the domain started: then it misses nothing later either.
  await events.waitFor(name, 'lifecycle', 30_000, 0, (e) => e.detail.startsWith('Started'));
  await waitForSerial(log, guest.readyMarker, 60_000);
  return { name, log };
}

/** Attach a fresh virtio disk as vdb and wait until the guest has it: the guest's `add <dev> size=<n>` line. */
async function attachDisk(name: string, log: string): Promise<MarkerLine> {
  const from = serialOffset(log);
  const started = Date.now();
  await virsh('attach-disk', name, newDisk(name), 'vdb', '--targetbus', 'virtio', '--driver', 'qemu', '--subdriver', 'qcow2', '--live');
  const line = await waitForSerialLine(log, `${guest.blockMarkerPrefix}add `, 30_000, () => true, { from });
  report('attach-disk → BLOCK add', Date.now() - started);
  return parseMarkerLine(line);
}

async function liveDisks(name: string): Promise<string> {
  return virsh('domblklist', name);
}

/** Run only when asked (see the header). */
const ENV_TESTS = process.env['LIBVIRT_MANAGER_ENV_TESTS'] === '1';

beforeAll(() => {
  if (!ENV_TESTS) return;
  guest = ensureTestGuest();
  events = new VirshEventLog(QEMU_URI);
}, 300_000);

afterAll(() => {
  if (!ENV_TESTS) return;
  for (const name of created) virshQuiet(QEMU_URI, 'destroy', name);
  events?.stop();
  logs.remove();
});

describe.skipIf(!ENV_TESTS)('a guest sees each device change (ACPI PCI hotplug, the q35 default)', () => {
  let name: string;
  let log: string;
  const network = uniqueName('devnet');

  beforeAll(async () => {
    // Isolated: no <forward> and no <ip>, so a bare bridge without dnsmasq, gone when destroyed.
    const xml = join(logs.dir, `${network}.xml`);
    writeFileSync(xml, `<network><name>${network}</name></network>`);
    await virsh('net-create', xml);
    ({ name, log } = await boot('dev', {
      hotplugPorts: 2,
      balloon: true,
      vcpus: 1,
      maxVcpus: 2,
      cdrom: {},
    }));
  }, 120_000);

  afterAll(() => {
    if (name !== undefined) virshQuiet(QEMU_URI, 'destroy', name);
    virshQuiet(QEMU_URI, 'net-destroy', network);
  });

  it('a hot-plugged virtio disk: add, live resize, and remove once DEVICE_REMOVED came', async () => {
    const added = await attachDisk(name, log);
    expect(added.fields.size).toBe('131072');
    const dev = added.words[1] ?? '';

    let from = serialOffset(log);
    let started = Date.now();
    await virsh('blockresize', name, 'vdb', '96M');
    const resized = await waitForSerialLine(log, `${guest.blockMarkerPrefix}resize ${dev} `, 30_000, () => true, { from });
    report('blockresize → BLOCK resize', Date.now() - started);
    expect(parseMarkerLine(resized).fields.size).toBe(String((96 * 1024 * 1024) / 512));

    from = serialOffset(log);
    const mark = events.mark();
    started = Date.now();
    await virsh('detach-disk', name, 'vdb', '--live');
    report('detach-disk call', Date.now() - started);
    const removed = await events.waitFor(name, 'device-removed', 30_000, mark);
    report('detach-disk → DEVICE_REMOVED', removed.at - started);
    await waitForSerialLine(log, `${guest.blockMarkerPrefix}remove ${dev}`, 30_000, (l) => l.endsWith(` ${dev}`), { from });
    report('detach-disk → BLOCK remove', Date.now() - started);
    expect(await liveDisks(name)).not.toContain('vdb');
  });

  it("a cdrom's medium: its size when inserted, 0 when ejected", async () => {
    const isoDir = join(logs.dir, 'iso');
    mkdirSync(isoDir, { recursive: true });
    writeFileSync(join(isoDir, 'hello.txt'), 'hello\n');
    const iso = join(logs.dir, 'media.iso');
    execFileSync('genisoimage', ['-quiet', '-o', iso, '-V', 'MEDIA', '-J', '-r', isoDir]);
    const sectors = String(statSync(iso).size / 512);

    let from = serialOffset(log);
    let started = Date.now();
    await virsh('change-media', name, GUEST_CDROM_TARGET, iso, '--insert', '--live');
    const inserted = await waitForSerialLine(log, `${guest.blockMarkerPrefix}media `, 30_000, () => true, { from });
    report('change-media --insert → BLOCK media', Date.now() - started);
    expect(parseMarkerLine(inserted)).toMatchObject({ words: ['media', 'sr0'], fields: { size: sectors } });

    from = serialOffset(log);
    started = Date.now();
    await virsh('change-media', name, GUEST_CDROM_TARGET, '--eject', '--live');
    const ejected = await waitForSerialLine(log, `${guest.blockMarkerPrefix}media `, 30_000, () => true, { from });
    report('change-media --eject → BLOCK media', Date.now() - started);
    expect(parseMarkerLine(ejected)).toMatchObject({ words: ['media', 'sr0'], fields: { size: '0' } });
  });

  it('a hot-plugged NIC on an isolated network: add with its MAC, then remove', async () => {
    const mac = `52:54:00:${[0, 0, 0]
      .map(() =>
        Math.floor(Math.random() * 256)
          .toString(16)
          .padStart(2, '0'),
      )
      .join(':')}`;
    let from = serialOffset(log);
    let started = Date.now();
    await virsh('attach-interface', name, 'network', network, '--model', 'virtio', '--mac', mac, '--live');
    const added = await waitForSerialLine(log, `${guest.netMarkerPrefix}add `, 30_000, (l) => l.endsWith(`mac=${mac}`), { from });
    report('attach-interface → NET add', Date.now() - started);
    const ifname = parseMarkerLine(added).words[1] ?? '';

    from = serialOffset(log);
    const mark = events.mark();
    started = Date.now();
    await virsh('detach-interface', name, 'network', '--mac', mac, '--live');
    const removed = await events.waitFor(name, 'device-removed', 30_000, mark);
    report('detach-interface → DEVICE_REMOVED', removed.at - started);
    await waitForSerialLine(log, `${guest.netMarkerPrefix}remove ${ifname}`, 30_000, () => true, { from });
    report('detach-interface → NET remove', Date.now() - started);
  });

  it('a live balloon change takes memory out of MemTotal', async () => {
    // The line printed before READY gives the starting MemTotal.
    const before = Number(parseMarkerLine(await waitForSerialLine(log, guest.memMarkerPrefix, 1000)).fields.total);
    const expected = before - (guest.memoryMiB - 200) * 1024;
    const from = serialOffset(log);
    const started = Date.now();
    await virsh('setmem', name, '200M', '--live');
    // The balloon inflates in steps: wait for the line with the whole change.
    await waitForSerialLine(log, guest.memMarkerPrefix, 30_000, (l) => parseMarkerLine(l).fields.total === String(expected), { from });
    report('setmem → MEM', Date.now() - started);
  });

  it('a hot-plugged vCPU comes online', async () => {
    expect(await waitForSerialLine(log, guest.cpuMarkerPrefix, 1000)).toBe(`${guest.cpuMarkerPrefix}0`);
    const from = serialOffset(log);
    const started = Date.now();
    await virsh('setvcpus', name, '2', '--live');
    await waitForSerialLine(log, `${guest.cpuMarkerPrefix}0-1`, 30_000, () => true, { from });
    report('setvcpus → CPU', Date.now() - started);
  });
});

describe.skipIf(!ENV_TESTS).each(['acpi', 'native'] as const)(
  'a guest that holds on to an unplugged disk (%s PCI hotplug)',
  (pciHotplug) => {
    it('ignore-first: the first detach leaves the disk in place, a later one removes it', async () => {
      const { name, log } = await boot(`unplug1-${pciHotplug}`, { hotplugPorts: 1, pciHotplug, unplug: 'ignore-first' });
      const dev = (await attachDisk(name, log)).words[1] ?? '';
      await waitForSerialLine(log, `${guest.unplugMarkerPrefix}armed hotplug=${pciHotplug} variant=ignore-first`, 1000);

      let from = serialOffset(log);
      let mark = events.mark();
      let started = Date.now();
      await virsh('detach-disk', name, 'vdb', '--live');
      report(`${pciHotplug} ignore-first: first detach-disk call`, Date.now() - started);
      await waitForSerialLine(log, `${guest.unplugMarkerPrefix}ignored hotplug=${pciHotplug}`, 30_000, () => true, { from });
      // Still there 10 s after the request: the guest kept it.
      await sleep(Math.max(0, started + 10_000 - Date.now()));
      expect(events.of(name, 'device-removed', mark)).toEqual([]);
      expect(await liveDisks(name)).toContain('vdb');

      from = serialOffset(log);
      mark = events.mark();
      started = Date.now();
      await virsh('detach-disk', name, 'vdb', '--live');
      report(`${pciHotplug} ignore-first: second detach-disk call`, Date.now() - started);
      const removed = await events.waitFor(name, 'device-removed', 30_000, mark);
      report(`${pciHotplug} ignore-first: second detach-disk → DEVICE_REMOVED`, removed.at - started);
      await waitForSerialLine(log, `${guest.blockMarkerPrefix}remove ${dev}`, 30_000, () => true, { from });
      expect(await liveDisks(name)).not.toContain('vdb');
      virshQuiet(QEMU_URI, 'destroy', name);
    });

    it('never: no DEVICE_REMOVED in 20 s, however often detach is asked', async () => {
      const { name, log } = await boot(`unplug2-${pciHotplug}`, { hotplugPorts: 1, pciHotplug, unplug: 'never' });
      await attachDisk(name, log);
      const from = serialOffset(log);
      const mark = events.mark();
      const started = Date.now();
      // A second request while the first is pending: libvirt runs it once the first one's job has ended.
      const first = virsh('detach-disk', name, 'vdb', '--live');
      await sleep(1000);
      const second = virsh('detach-disk', name, 'vdb', '--live');
      const [a, b] = await Promise.allSettled([first, second]);
      for (const [which, result] of [['first', a] as const, ['second', b] as const]) {
        console.log(
          `[devices] ${pciHotplug} never: ${which} detach-disk ${result.status === 'fulfilled' ? 'succeeded' : `failed: ${String(result.reason)}`}`,
        );
      }
      report(`${pciHotplug} never: both detach-disk calls`, Date.now() - started);
      await waitForSerialLine(log, `${guest.unplugMarkerPrefix}ignored hotplug=${pciHotplug}`, 30_000, () => true, { from });
      await sleep(Math.max(0, started + 20_000 - Date.now()));
      expect(events.of(name, 'device-removed', mark)).toEqual([]);
      expect(events.of(name, 'device-removal-failed', mark)).toEqual([]);
      expect(await liveDisks(name)).toContain('vdb');
      virshQuiet(QEMU_URI, 'destroy', name);
    });
  },
);
