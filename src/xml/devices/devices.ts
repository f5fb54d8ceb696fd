import { compact, withExtras, type ElementReader, type Extensible } from '../core/reader.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { channelCodec, consoleCodec, serialCodec, type ChannelDevice, type ConsoleDevice, type SerialDevice } from './chardev.js';
import type { DeviceCodec } from './common.js';
import { codecFromXml, codecToXml } from './common.js';
import { controllerCodec, type ControllerDevice } from './controller.js';
import { diskCodec, type DiskDevice } from './disk.js';
import { filesystemCodec, type FilesystemDevice } from './filesystem.js';
import { graphicsCodec, type GraphicsDevice } from './graphics.js';
import { hostdevCodec, type HostdevDevice } from './hostdev.js';
import { inputCodec, type InputDevice } from './input.js';
import { interfaceCodec, type InterfaceDevice } from './interface.js';
import { memballoonCodec, type MemballoonDevice } from './memballoon.js';
import { rngCodec, type RngDevice } from './rng.js';
import { tpmCodec, type TpmDevice } from './tpm.js';
import { videoCodec, type VideoDevice } from './video.js';
import { watchdogCodec, type WatchdogDevice } from './watchdog.js';

/**
 * `<devices>`: one typed list per device kind. Device kinds the model does not
 * cover (`<sound>`, `<audio>`, `<redirdev>`, `<panic>`…) are kept
 * verbatim in `extraElements`. Lists are omitted when empty.
 *
 * Within a kind, order is kept (it decides e.g. NIC order in the guest). The
 * builder writes kinds in the order libvirt itself uses.
 *
 * @see https://libvirt.org/formatdomain.html#devices
 */
export interface DomainDevices extends Extensible {
  /** Path of the emulator binary (`/usr/bin/qemu-system-x86_64`); libvirt picks one when omitted. */
  emulator?: string;
  disks?: DiskDevice[];
  controllers?: ControllerDevice[];
  filesystems?: FilesystemDevice[];
  interfaces?: InterfaceDevice[];
  serials?: SerialDevice[];
  consoles?: ConsoleDevice[];
  channels?: ChannelDevice[];
  inputs?: InputDevice[];
  tpms?: TpmDevice[];
  graphics?: GraphicsDevice[];
  videos?: VideoDevice[];
  /** Host devices passed through (PCI, USB, mdev). */
  hostdevs?: HostdevDevice[];
  watchdogs?: WatchdogDevice[];
  /** There is at most one balloon. */
  memballoon?: MemballoonDevice;
  rngs?: RngDevice[];
}

/** The device kinds the model covers, by their `DomainDevices` key. */
export interface DeviceKinds {
  disks: DiskDevice;
  controllers: ControllerDevice;
  filesystems: FilesystemDevice;
  interfaces: InterfaceDevice;
  serials: SerialDevice;
  consoles: ConsoleDevice;
  channels: ChannelDevice;
  inputs: InputDevice;
  tpms: TpmDevice;
  graphics: GraphicsDevice;
  videos: VideoDevice;
  hostdevs: HostdevDevice;
  watchdogs: WatchdogDevice;
  memballoon: MemballoonDevice;
  rngs: RngDevice;
}

/** A `DomainDevices` key naming a device kind. */
export type DeviceKind = keyof DeviceKinds;

/** Codecs in libvirt's own output order (virDomainDefFormat). */
const CODECS: { readonly [K in DeviceKind]: DeviceCodec<DeviceKinds[K]> } = {
  disks: diskCodec,
  controllers: controllerCodec,
  filesystems: filesystemCodec,
  interfaces: interfaceCodec,
  serials: serialCodec,
  consoles: consoleCodec,
  channels: channelCodec,
  inputs: inputCodec,
  tpms: tpmCodec,
  graphics: graphicsCodec,
  videos: videoCodec,
  hostdevs: hostdevCodec,
  watchdogs: watchdogCodec,
  memballoon: memballoonCodec,
  rngs: rngCodec,
};

const KINDS = Object.keys(CODECS) as DeviceKind[];

/** @internal Write `<devices>` into `w` (path `devices`). */
export function writeDevices(w: ElementWriter, devices: DomainDevices): void {
  if (devices === undefined || devices === null || typeof devices !== 'object') throw invalidSpec(w.path, 'is required');
  w.textChild('emulator', devices.emulator);
  for (const kind of KINDS) {
    const value = devices[kind];
    if (value === undefined) continue;
    const codec = CODECS[kind] as DeviceCodec<unknown>;
    if (kind === 'memballoon') {
      codec.write(w.child(codec.element, {}, `${w.path}.memballoon`), value);
      continue;
    }
    if (!Array.isArray(value)) throw invalidSpec(`${w.path}.${kind}`, 'must be an array');
    value.forEach((device: unknown, i: number) => codec.write(w.child(codec.element, {}, `${w.path}.${kind}[${i}]`), device));
  }
  w.extras(devices);
}

/** @internal Read `<devices>`. */
export function readDevices(r: ElementReader): DomainDevices {
  const devices: DomainDevices = { emulator: r.childText('emulator') };
  for (const kind of KINDS) {
    const codec = CODECS[kind] as DeviceCodec<unknown>;
    if (kind === 'memballoon') {
      const el = r.child(codec.element);
      if (el !== undefined) devices.memballoon = codec.read(el) as MemballoonDevice;
      continue;
    }
    const list = r.children(codec.element).map((el) => codec.read(el));
    if (list.length > 0) (devices as Record<string, unknown>)[kind] = list;
  }
  return compact(withExtras(devices, r.extras()));
}

/**
 * Build the XML of one device of a modelled kind, e.g. for
 * `virDomainAttachDeviceFlags` / `virDomainUpdateDeviceFlags`.
 *
 * @example buildDeviceXml('disks', { type: 'file', device: 'cdrom', source: { file: '/isos/seed.iso' }, target: { dev: 'sdb', bus: 'sata' }, readonly: true })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) when the device is invalid.
 * @see https://libvirt.org/formatdomain.html#devices
 */
export function buildDeviceXml<K extends DeviceKind>(kind: K, device: DeviceKinds[K]): string {
  const codec = CODECS[kind] as DeviceCodec<DeviceKinds[K]> | undefined;
  if (codec === undefined) throw invalidSpec('kind', `unknown device kind ${JSON.stringify(String(kind))}`);
  return codecToXml(codec, device, kind);
}

/**
 * Parse the XML of one device of a modelled kind.
 *
 * @example const disk = parseDeviceXml('disks', xml); disk.target.dev
 * @throws XmlParseError when malformed or not a `<disk>` (etc.) element.
 * @see https://libvirt.org/formatdomain.html#devices
 */
export function parseDeviceXml<K extends DeviceKind>(kind: K, xml: string): DeviceKinds[K] {
  const codec = CODECS[kind] as DeviceCodec<DeviceKinds[K]> | undefined;
  if (codec === undefined) throw invalidSpec('kind', `unknown device kind ${JSON.stringify(String(kind))}`);
  return codecFromXml(codec, xml);
}
