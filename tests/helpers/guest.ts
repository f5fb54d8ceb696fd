import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DomainRef, LibvirtConnection, VmLifecycleManager, type VmSpec } from '../../src/index.js';
import { QEMU_URI, ROOT, uniqueName, virshQuiet } from './libvirt.js';

/** The manifest written by `scripts/build-test-guest.sh`. */
export interface GuestManifest {
  kernel: string;
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
}

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
}

/**
 * Domain XML of the tiny test guest (docs/test-environment.md): TCG on q35,
 * 256 MiB, 1 vCPU, direct kernel boot, a pty serial console whose output is
 * also logged to `logPath` so markers can be read, `on_poweroff` destroy.
 */
export function guestDomainXml(manifest: GuestManifest, options: GuestXmlOptions): string {
  const initrd = options.variant === 'noacpi' ? manifest.initrdNoAcpi : manifest.initrdAcpi;
  const features = options.acpiFeature === false ? '' : '<features><acpi/></features>';
  return `<domain type='${esc(manifest.domainType)}'>
  <name>${esc(options.name)}</name>
  <memory unit='MiB'>${manifest.memoryMiB}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='${esc(manifest.machine)}'>hvm</type>
    <kernel>${esc(manifest.kernel)}</kernel>
    <initrd>${esc(initrd)}</initrd>
    <cmdline>${esc(manifest.cmdline)}</cmdline>
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
    <memballoon model='none'/>
  </devices>
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
    text = existsSync(logPath) ? readFileSync(logPath, 'latin1') : '';
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
  return existsSync(logPath) ? count(readFileSync(logPath, 'latin1'), marker) : 0;
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
