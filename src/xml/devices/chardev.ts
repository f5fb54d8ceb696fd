import { compact, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { onOff, type ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { codecToXml, codecFromXml, readCommon, readPart, writeCommon, type DeviceCodec, type DeviceCommon } from './common.js';

/** The name of the virtio channel the QEMU guest agent listens on. */
export const QEMU_GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0';

/** `<source>` of a character device. */
export interface CharSource extends Extensible {
  /** File (type file), socket (type unix) or pty path (reported for running domains). */
  path?: string;
  /** For sockets: `'bind'` (libvirt/QEMU listens) or `'connect'`. */
  mode?: Open<'bind' | 'connect'>;
  /** For type file: append to the file instead of truncating it. */
  append?: boolean;
  host?: string;
  service?: string;
}

/**
 * `<log>` of a character device: QEMU also writes everything the guest sends
 * to this file (e.g. a serial console that stays a `pty` for interactive use).
 */
export interface CharLog extends Extensible {
  /** Absolute path of the log file on the host. */
  file: string;
  /** Append to an existing file instead of truncating it at each start. */
  append?: boolean;
}

/** `<target>` of a character device. */
export interface CharTarget extends Extensible {
  /** serial: `'isa-serial'`, `'pci-serial'`, `'system-serial'`…; console: `'serial'`, `'virtio'`; channel: `'virtio'`, `'guestfwd'`. */
  type?: string;
  port?: number;
  /** Channel name, e.g. {@link QEMU_GUEST_AGENT_CHANNEL}. */
  name?: string;
  /** Live XML of a virtio channel: whether the guest side has the port open (for the agent's: qemu-ga runs). */
  state?: Open<'connected' | 'disconnected'>;
}

/**
 * A character device: `<serial>`, `<console>` or `<channel>`.
 *
 * @see https://libvirt.org/formatdomain.html#consoles-serial-parallel-channel-devices
 */
export interface CharDevice extends DeviceCommon {
  /** Host side: `'pty'`, `'file'`, `'unix'`, `'tcp'`, `'null'`… */
  type: Open<
    'pty' | 'file' | 'unix' | 'tcp' | 'udp' | 'null' | 'stdio' | 'vc' | 'dev' | 'pipe' | 'spicevmc' | 'spiceport' | 'qemu-vdagent' | 'dbus'
  >;
  source?: CharSource;
  /** `<log file append>`: a copy of the device's output in a host file. */
  log?: CharLog;
  target?: CharTarget;
}

/** A `<serial>` port. */
export type SerialDevice = CharDevice;
/** A `<console>`. */
export type ConsoleDevice = CharDevice;
/** A `<channel>` (e.g. the QEMU guest agent's virtio-serial channel). */
export type ChannelDevice = CharDevice;

function write(w: ElementWriter, dev: CharDevice): void {
  const p = w.path;
  if (typeof dev.type !== 'string' || dev.type === '') throw invalidSpec(`${p}.type`, 'is required');
  if (dev.type === 'file' && dev.source?.path === undefined)
    throw invalidSpec(`${p}.source.path`, "is required for a type 'file' character device");
  w.attr('type', dev.type);
  if (dev.source !== undefined) {
    const { path, mode, host, service } = dev.source;
    w.child('source', { mode, path, host, service, append: onOff(dev.source.append) }, `${p}.source`).extras(dev.source);
  }
  if (dev.log !== undefined) {
    if (typeof dev.log.file !== 'string' || dev.log.file === '') throw invalidSpec(`${p}.log.file`, 'is required');
    w.child('log', { file: dev.log.file, append: onOff(dev.log.append) }, `${p}.log`).extras(dev.log);
  }
  if (dev.target !== undefined) {
    const { type, port, name, state } = dev.target;
    w.child('target', { type, port, name, state }, `${p}.target`).extras(dev.target);
  }
  writeCommon(w, dev);
}

function read(r: ElementReader): CharDevice {
  return readCommon(
    r,
    compact({
      type: r.attr('type') ?? 'pty',
      source: readPart(r, 'source', (s) =>
        compact({ path: s.attr('path'), mode: s.attr('mode'), append: s.bool('append'), host: s.attr('host'), service: s.attr('service') }),
      ),
      log: readPart(r, 'log', (l) => compact({ file: l.requiredAttr('file'), append: l.bool('append') })),
      target: readPart(r, 'target', (t) =>
        compact({ type: t.attr('type'), port: t.int('port'), name: t.attr('name'), state: t.attr('state') }),
      ),
    }),
  );
}

function codec(element: string): DeviceCodec<CharDevice> {
  return { element, write, read };
}

/** Writes and reads `<serial>`. */
export const serialCodec: DeviceCodec<SerialDevice> = codec('serial');
/** Writes and reads `<console>`. */
export const consoleCodec: DeviceCodec<ConsoleDevice> = codec('console');
/** Writes and reads `<channel>`. */
export const channelCodec: DeviceCodec<ChannelDevice> = codec('channel');

/**
 * Build the XML of one serial port.
 *
 * @example buildSerialXml({ type: 'pty', target: { type: 'isa-serial', port: 0 } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing type, or a type 'file' without a path.
 * @see https://libvirt.org/formatdomain.html#serial-port
 */
export function buildSerialXml(serial: SerialDevice): string {
  return codecToXml(serialCodec, serial);
}

/**
 * Parse one `<serial>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseSerialXml(xml)
 * @throws XmlParseError when malformed
 * @see https://libvirt.org/formatdomain.html#serial-port
 */
export function parseSerialXml(xml: string): SerialDevice {
  return codecFromXml(serialCodec, xml);
}

/**
 * Build the XML of one console.
 *
 * @example buildConsoleXml({ type: 'pty', target: { type: 'serial', port: 0 } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing type, or a type 'file' without a path.
 * @see https://libvirt.org/formatdomain.html#console
 */
export function buildConsoleXml(console: ConsoleDevice): string {
  return codecToXml(consoleCodec, console);
}

/**
 * Parse one `<console>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseConsoleXml(xml)
 * @throws XmlParseError when malformed
 * @see https://libvirt.org/formatdomain.html#console
 */
export function parseConsoleXml(xml: string): ConsoleDevice {
  return codecFromXml(consoleCodec, xml);
}

/**
 * Build the XML of one channel.
 *
 * @example buildChannelXml({ type: 'unix', source: { mode: 'bind' }, target: { type: 'virtio', name: QEMU_GUEST_AGENT_CHANNEL } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing type.
 * @see https://libvirt.org/formatdomain.html#channel
 */
export function buildChannelXml(channel: ChannelDevice): string {
  return codecToXml(channelCodec, channel);
}

/**
 * Parse one `<channel>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseChannelXml(xml)
 * @throws XmlParseError when malformed
 * @see https://libvirt.org/formatdomain.html#channel
 */
export function parseChannelXml(xml: string): ChannelDevice {
  return codecFromXml(channelCodec, xml);
}
