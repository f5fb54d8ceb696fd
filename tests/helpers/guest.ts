import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DomainRef, LibvirtConnection, VmLifecycleManager, type VmSpec } from '../../src/index.js';
import { QEMU_URI, ROOT, uniqueName, virshQuiet } from './libvirt.js';

/** The manifest written by `scripts/build-test-guest.sh`. */
export interface GuestManifest {
  kernel: string;
  /** The guest kernel's release (`uname -r` in the guest), e.g. `6.1.0-57-cloud-amd64`. */
  kernelVersion: string;
  initrdAcpi: string;
  initrdNoAcpi: string;
  cmdline: string;
  domainType: string;
  machine: string;
  memoryMiB: number;
  readyMarker: string;
  poweroffMarker: string;
  /** The guest answers each line typed on its console with this prefix and the line. */
  echoMarkerPrefix: string;
  /** Printed (before {@link readyMarker}) when the domain has the guest agent's channel and qemu-ga was started. */
  agentMarker: string;
  /**
   * Printed instead of {@link agentMarker} when the domain has a virtio-serial device but its agent port did not
   * appear within the guest's own bound, or later when qemu-ga exits; the rest of the line says why.
   */
  agentFailedMarker: string;
  /** Name of the guest agent's virtio-serial port. */
  agentChannel: string;
  /** The one address that counts which the agent reports (on the guest's loopback: the guest has no NIC). */
  agentAddress: string;
  /**
   * After the ready marker, one line per block device change (scripts/test-guest/devices.sh):
   * `add <dev> size=<sectors>`, `remove <dev>`, `resize <dev> size=<sectors>` (vd*, sd*) and
   * `media <dev> size=<sectors>` (sr*: a medium inserted, or 0 when ejected). `<dev>` is the guest's name
   * (vda, sr0), which does not follow libvirt's target; sizes are in 512-byte sectors.
   */
  blockMarkerPrefix: string;
  /** After the ready marker: `add <if> mac=<mac>` and `remove <if>` for network interfaces (lo aside). */
  netMarkerPrefix: string;
  /** Followed by MemTotal in kB: once before the ready marker, then at each change (the balloon lowers it). */
  memMarkerPrefix: string;
  /** Followed by the online CPU list (`0`, `0-1`): once before the ready marker, then at each change. */
  cpuMarkerPrefix: string;
  /**
   * With an unplug variant ({@link GuestXmlOptions.unplug}): `armed hotplug=<acpi|native> variant=<v>` once a
   * PCI device was hot-added, `ignored hotplug=<acpi|native> [port=<p>]` for each request it ignored, and
   * `disarmed` (ignore-first) when the next one will be honoured.
   */
  unplugMarkerPrefix: string;
  /** The kernel command line parameter that selects an unplug variant (`test_guest.unplug`). */
  unplugParameter: string;
  /** Console lines that start with this are commands (`<id> disk-write|disk-read|count ...`): tests/helpers/guest-disk.ts. */
  commandPrefix: string;
  /** The guest answers each command with one line: this prefix, the command's id, then `ok ...` or `error ...`. */
  commandDonePrefix: string;
  /** After the `count` command, once a second: this prefix, the counter, then ` uptime=<s>`. */
  countMarkerPrefix: string;
  /** After the `dirty <MiB>` command, about once a second: this prefix, the pass, then ` mib=<MiB> uptime=<s>`. */
  dirtyMarkerPrefix: string;
}

/**
 * Build (or reuse, ~0 s when cached) the tiny TCG test guest and read its
 * manifest. Run it in a `beforeAll` with a generous hook timeout: the first
 * build downloads a kernel package.
 */
export function ensureTestGuest(): GuestManifest {
  const script = join(ROOT, 'scripts/build-test-guest.sh');
  execFileSync('bash', [script], { stdio: 'ignore' });
  const dir = execFileSync('bash', [script, '--print'], { encoding: 'utf8' }).trim();
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as GuestManifest;
}

/** Options of {@link guestDomainXml}. */
export interface GuestXmlOptions {
  name: string;
  /** Serial log file (QEMU truncates it at each start: `append='off'`). */
  logPath: string;
  /** `'acpi'` honours the power button once ready; `'noacpi'` ignores it and runs until destroyed. @default 'acpi' */
  variant?: 'acpi' | 'noacpi';
  /** Write `<features><acpi/></features>`. @default true */
  acpiFeature?: boolean;
  /** Add a VGA video device (no graphics: QEMU runs with `-display none`), e.g. for screenshots. @default false */
  video?: boolean;
  /** Add the QEMU guest agent's channel: the guest then runs qemu-ga on it. @default false */
  agent?: boolean;
  /**
   * Free `pcie-root-port` controllers left for hot-plugged PCI devices (each virtio disk or NIC takes one).
   * The helper writes these plus one for each PCI device it makes libvirt place (USB controller, balloon,
   * virtio-serial, virtio-scsi): libvirt puts those on the first free ports. @default 0 (libvirt adds only the ports it needs)
   */
  hotplugPorts?: number;
  /** vCPUs at start. @default 1 */
  vcpus?: number;
  /** The most vCPUs `setvcpus --live` may bring the guest to: `<vcpu current='vcpus'>maxVcpus</vcpu>`. @default vcpus */
  maxVcpus?: number;
  /** A virtio memory balloon (`<memballoon model='virtio'/>`) instead of none, so `setmem --live` reaches the guest. @default false */
  balloon?: boolean;
  /** `<currentMemory>` in MiB: what the balloon leaves the guest at start. @default manifest.memoryMiB */
  currentMemoryMiB?: number;
  /**
   * How the machine signals PCI hotplug to the guest. `'acpi'` is QEMU's default on q35 (since 6.1): unplug is an
   * ACPI eject the guest answers in ~0.15 s. `'native'` turns it off (`-global
   * ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off` through `<qemu:commandline>`: libvirt 9.0 has no element for
   * it) so the root ports' own PCIe hotplug runs: unplug presses the slot's attention button, the guest waits 5 s
   * before it lets go, and QEMU refuses another request meanwhile. @default 'acpi'
   */
  pciHotplug?: 'acpi' | 'native';
  /**
   * A guest that holds on to hot-unplugged PCI devices once it has seen one hot-added: `'ignore-first'` ignores
   * the first request (plug or unplug) after that and honours later ones, `'never'` ignores them all. Written on
   * the kernel command line (`test_guest.unplug=`). @default none: every request is honoured
   */
  unplug?: 'ignore-first' | 'never';
  /**
   * A SCSI cdrom drive (target {@link GUEST_CDROM_TARGET}, on a virtio-scsi controller: the guest kernel has no
   * AHCI driver for q35's SATA), empty or with `source` (an ISO), for change-media tests. The guest names it sr0.
   */
  cdrom?: { source?: string };
  /** Appended to the manifest's kernel command line. */
  cmdline?: string;
  /**
   * Writable virtio data disks. Each gets `<serial>` = its target, so the guest's console commands find it by
   * the libvirt name (`guestDiskWrite(..., 'vdb', ...)`) although the guest itself names it otherwise.
   */
  disks?: readonly GuestDisk[];
}

/** A writable virtio data disk of {@link GuestXmlOptions.disks}. */
export interface GuestDisk {
  /** The image file (e.g. a volume made by `tempVolume` in tests/helpers/pool.ts). */
  path: string;
  format: 'raw' | 'qcow2';
  /** libvirt's target, e.g. `vdb`; also the disk's serial, which the guest's commands look it up by. */
  target: string;
}

/** The libvirt target of the cdrom drive {@link GuestXmlOptions.cdrom} adds (`virsh change-media <vm> sda ...`). */
export const GUEST_CDROM_TARGET = 'sda';

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
}

/** `<vcpu>`: a current count below the maximum when CPUs are to be hot-plugged. */
function vcpuXml(options: GuestXmlOptions): string {
  const vcpus = options.vcpus ?? 1;
  const max = options.maxVcpus ?? vcpus;
  return max > vcpus ? `<vcpu current='${vcpus}'>${max}</vcpu>` : `<vcpu>${vcpus}</vcpu>`;
}

/** The PCI Express root complex and its root ports: the spare ones plus one per device libvirt will place on a port. */
function rootPortsXml(options: GuestXmlOptions): string {
  const spare = options.hotplugPorts ?? 0;
  if (spare <= 0) return '';
  // libvirt's q35 default USB controller (qemu-xhci), then what this helper adds without an address.
  const placed =
    1 +
    (options.balloon === true ? 1 : 0) +
    (options.agent === true ? 1 : 0) +
    (options.cdrom === undefined ? 0 : 1) +
    (options.disks?.length ?? 0);
  const port = "<controller type='pci' model='pcie-root-port'/>";
  return `<controller type='pci' index='0' model='pcie-root'/>\n    ${Array.from({ length: spare + placed }, () => port).join('\n    ')}`;
}

function cdromXml(cdrom: GuestXmlOptions['cdrom']): string {
  if (cdrom === undefined) return '';
  const source = cdrom.source === undefined ? '' : `<source file='${esc(cdrom.source)}'/>`;
  return `<controller type='scsi' model='virtio-scsi'/>
    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/>${source}<target dev='${GUEST_CDROM_TARGET}' bus='scsi'/><readonly/></disk>`;
}

function disksXml(disks: GuestXmlOptions['disks']): string {
  return (disks ?? [])
    .map(
      (d) =>
        `<disk type='file' device='disk'><driver name='qemu' type='${d.format}'/><source file='${esc(d.path)}'/><target dev='${esc(d.target)}' bus='virtio'/><serial>${esc(d.target)}</serial></disk>`,
    )
    .join('\n    ');
}

/**
 * Domain XML of the tiny test guest (docs/test-environment.md): TCG on q35,
 * 256 MiB, 1 vCPU, direct kernel boot, a pty serial console whose output is
 * also logged to `logPath` so markers can be read, `on_poweroff` destroy.
 * The options add what device tests need: spare PCIe root ports, vCPUs to
 * hot-plug, a balloon, a cdrom, data disks, native PCIe hotplug and the unplug variants.
 */
export function guestDomainXml(manifest: GuestManifest, options: GuestXmlOptions): string {
  const initrd = options.variant === 'noacpi' ? manifest.initrdNoAcpi : manifest.initrdAcpi;
  const features = options.acpiFeature === false ? '' : '<features><acpi/></features>';
  const native = options.pciHotplug === 'native';
  const cmdline = [
    manifest.cmdline,
    ...(options.unplug === undefined ? [] : [`${manifest.unplugParameter}=${options.unplug}`]),
    ...(options.cmdline === undefined ? [] : [options.cmdline]),
  ].join(' ');
  const currentMemory =
    options.currentMemoryMiB === undefined ? '' : `<currentMemory unit='MiB'>${options.currentMemoryMiB}</currentMemory>`;
  return `<domain type='${esc(manifest.domainType)}'${native ? " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'" : ''}>
  <name>${esc(options.name)}</name>
  <memory unit='MiB'>${manifest.memoryMiB}</memory>
  ${currentMemory}
  ${vcpuXml(options)}
  <os>
    <type arch='x86_64' machine='${esc(manifest.machine)}'>hvm</type>
    <kernel>${esc(manifest.kernel)}</kernel>
    <initrd>${esc(initrd)}</initrd>
    <cmdline>${esc(cmdline)}</cmdline>
  </os>
  ${features}
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='pty'>
      <log file='${esc(options.logPath)}' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'><target type='serial' port='0'/></console>
    ${options.video === true ? "<video><model type='vga'/></video>" : ''}
    ${options.agent === true ? `<channel type='unix'><target type='virtio' name='${esc(manifest.agentChannel)}'/></channel>` : ''}
    ${rootPortsXml(options)}
    ${cdromXml(options.cdrom)}
    ${disksXml(options.disks)}
    <memballoon model='${options.balloon === true ? 'virtio' : 'none'}'/>
  </devices>
  ${native ? "<qemu:commandline><qemu:arg value='-global'/><qemu:arg value='ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off'/></qemu:commandline>" : ''}
</domain>`;
}

/** A temporary directory for serial logs; `remove()` deletes it. */
export function logDir(prefix = 'lvm-guest-'): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, `${name}.log`), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function count(text: string, marker: string): number {
  let n = 0;
  for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + marker.length)) n++;
  return n;
}

/** Options of {@link waitForSerial}. */
export interface WaitForSerialOptions {
  /** How many times the marker must appear. @default 1 */
  times?: number;
  /**
   * Markers that mean `marker` is not coming: a failure marker, or one the guest prints only after it
   * (the agent's marker comes before the ready marker). The wait rejects as soon as one of them is in the
   * log while `marker` is not (×`times`), rather than running out its time.
   */
  failOn?: readonly string[];
}

/** The whole line of `text` that holds `marker` (its first occurrence). */
function lineOf(text: string, marker: string): string {
  const at = text.indexOf(marker);
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  return text.slice(start, end === -1 ? undefined : end).trimEnd();
}

/**
 * Wait until `marker` appears `times` times in the serial log (polled every
 * 50 ms). Resolves with the log text; rejects after `timeoutMs`, or as soon as
 * a `failOn` marker shows up first, with the log's tail in the message.
 */
export async function waitForSerial(
  logPath: string,
  marker: string,
  timeoutMs: number,
  options: WaitForSerialOptions = {},
): Promise<string> {
  const times = options.times ?? 1;
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = readLog(logPath);
    if (count(text, marker) >= times) return text;
    const failed = options.failOn?.find((m) => text.includes(m));
    if (failed !== undefined) {
      const line = JSON.stringify(lineOf(text, failed));
      throw new Error(
        `${marker} (×${times}) is not coming: ${logPath} has ${line} without it; log tail: ${JSON.stringify(text.slice(-500))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${marker} (×${times}) not seen in ${logPath} within ${timeoutMs} ms; log tail: ${JSON.stringify(text.slice(-500))}`);
}

/** How many times `marker` appears in the log now. */
export function serialCount(logPath: string, marker: string): number {
  return count(readLog(logPath), marker);
}

function readLog(logPath: string): string {
  return existsSync(logPath) ? readFileSync(logPath, 'latin1') : '';
}

/** The serial log's length now: pass it as {@link WaitForSerialLineOptions.from} to wait for a line printed after this. */
export function serialOffset(logPath: string): number {
  return readLog(logPath).length;
}

/** Options of {@link waitForSerialLine}. */
export interface WaitForSerialLineOptions {
  /**
   * Only lines that start at or after this offset in the log ({@link serialOffset} taken before the change that
   * should print the line). @default 0
   */
  from?: number;
  /** Markers that mean the line is not coming (as in {@link WaitForSerialOptions.failOn}), looked for after `from`. */
  failOn?: readonly string[];
}

/**
 * The complete lines (the guest has printed their newline) that start at or after `from`, without their
 * `\r` (the guest's console writes `\r\n`).
 */
function linesFrom(text: string, from: number): string[] {
  let start = from;
  if (from > 0 && text[from - 1] !== '\n') {
    // A line already under way at `from` started before it: begin with the next one.
    const next = text.indexOf('\n', from);
    if (next === -1) return [];
    start = next + 1;
  }
  const end = text.lastIndexOf('\n');
  return end >= start
    ? text
        .slice(start, end)
        .split('\n')
        .map((line) => line.replace(/\r/g, ''))
    : [];
}

/**
 * Wait for a whole line of the serial log that starts with `prefix` and satisfies `predicate` (polled every
 * 50 ms, as {@link waitForSerial}), and resolve with it (without `\r`). Rejects after `timeoutMs`, or as soon as
 * a `failOn` marker shows up first, with the lines seen in the message.
 *
 * @example
 * const from = serialOffset(log);
 * virsh(QEMU_URI, 'attach-device', name, diskXmlFile, '--live');
 * const line = await waitForSerialLine(log, guest.blockMarkerPrefix + 'add ', 30_000, () => true, { from });
 * parseMarkerLine(line).fields.size; // '131072'
 */
export async function waitForSerialLine(
  logPath: string,
  prefix: string,
  timeoutMs: number,
  predicate: (line: string) => boolean = () => true,
  options: WaitForSerialLineOptions = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    lines = linesFrom(readLog(logPath), options.from ?? 0);
    const found = lines.find((line) => line.startsWith(prefix) && predicate(line));
    if (found !== undefined) return found;
    const failed = lines.find((line) => options.failOn?.some((marker) => line.includes(marker)) === true);
    if (failed !== undefined) {
      throw new Error(
        `no ${JSON.stringify(prefix)} line is coming: ${logPath} has ${JSON.stringify(failed)}; lines: ${JSON.stringify(lines.slice(-15))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `no ${JSON.stringify(prefix)} line that fits in ${logPath} within ${timeoutMs} ms; lines since offset ${options.from ?? 0}: ${JSON.stringify(lines.slice(-15))}`,
  );
}

/** A console marker line taken apart by {@link parseMarkerLine}. */
export interface MarkerLine {
  /** The first word, e.g. `LIBVIRT_MANAGER_BLOCK`. */
  marker: string;
  /** The other words without `=`, in order, e.g. `['add', 'vda']`. */
  words: string[];
  /** The `key=value` words, e.g. `{ size: '131072' }`. */
  fields: Record<string, string>;
}

/** Take a marker line apart: `LIBVIRT_MANAGER_BLOCK add vda size=131072` → marker, `['add', 'vda']`, `{ size: '131072' }`. */
export function parseMarkerLine(line: string): MarkerLine {
  const [marker = '', ...rest] = line.trim().split(/\s+/);
  const words: string[] = [];
  const fields: Record<string, string> = {};
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq === -1) words.push(word);
    else fields[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return { marker, words, fields };
}

/**
 * A `VmSpec` that boots the tiny test guest by direct kernel boot (TCG), without the optional devices
 * (guest agent, rng, balloon) that only cost boot time here. `extra` adds or overrides fields (disks, console…).
 */
export function guestVmSpec(manifest: GuestManifest, name: string, variant: 'acpi' | 'noacpi', extra: Partial<VmSpec> = {}): VmSpec {
  return {
    name,
    memory: `${manifest.memoryMiB}MiB`,
    vcpus: 1,
    virtType: 'qemu',
    machine: manifest.machine,
    boot: { kernel: manifest.kernel, initrd: variant === 'acpi' ? manifest.initrdAcpi : manifest.initrdNoAcpi, cmdline: manifest.cmdline },
    defaultDevices: { guestAgent: false, rng: false, memballoon: false },
    ...extra,
  };
}

/** A transient tiny guest, booted to its ready marker on its own qemu:///system connection. */
export interface RunningGuest {
  conn: LibvirtConnection;
  guest: GuestManifest;
  vm: DomainRef;
  logPath: string;
  /** Destroy the guest (it vanishes: it is transient), close the connection, remove the log. */
  stop(): Promise<void>;
}

/** Start a transient tiny guest (`variant` defaults to `'noacpi'`: it runs until destroyed) and wait until it is ready. */
export async function startTransientGuest(prefix: string, options: Omit<GuestXmlOptions, 'name' | 'logPath'> = {}): Promise<RunningGuest> {
  const guest = ensureTestGuest();
  const logs = logDir(`lvm-${prefix}-`);
  const conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
  const name = uniqueName(prefix);
  const logPath = logs.path(name);
  const stop = async (): Promise<void> => {
    virshQuiet(QEMU_URI, 'destroy', name);
    await conn.close();
    logs.remove();
  };
  try {
    const vm = await conn.domains.control.createTransient(guestDomainXml(guest, { variant: 'noacpi', ...options, name, logPath }));
    await waitForSerial(logPath, guest.readyMarker, 60_000);
    return { conn, guest, vm, logPath, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * What a lifecycle suite on real guests opens in its `beforeAll`: the test
 * guest (built if needed), a connection to qemu:///system and a lifecycle
 * manager on it.
 */
export async function openQemuLifecycle(): Promise<{ manifest: GuestManifest; conn: LibvirtConnection; lifecycle: VmLifecycleManager }> {
  const manifest = ensureTestGuest();
  const conn = await LibvirtConnection.connect(QEMU_URI);
  return { manifest, conn, lifecycle: new VmLifecycleManager(conn) };
}

/** Force off and undefine (with any managed save image) every domain a suite created; missing ones are fine. */
export async function removeDomains(conn: LibvirtConnection | undefined, created: readonly DomainRef[]): Promise<void> {
  if (conn === undefined) return;
  for (const ref of created) {
    await conn.domains.control.forceOff(ref).catch(() => undefined);
    await conn.domains.control.undefine(ref, { flags: 1 /* MANAGED_SAVE */ }).catch(() => undefined);
  }
}
