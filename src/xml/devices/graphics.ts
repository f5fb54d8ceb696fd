import { compact, withExtras, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { yesNo, type ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { codecToXml, codecFromXml, readCommon, writeCommon, type DeviceCodec, type DeviceCommon } from './common.js';

/** A `<listen>` child of `<graphics>`. */
export interface GraphicsListen extends Extensible {
  type: Open<'address' | 'network' | 'socket' | 'none'>;
  address?: string;
  network?: string;
  socket?: string;
}

/**
 * A graphical console, `<graphics>`.
 *
 * `passwd` is a secret: libvirt only reports it with `VIR_DOMAIN_XML_SECURE`,
 * and this SDK never puts it in an error message.
 *
 * @see https://libvirt.org/formatdomain.html#graphical-framebuffers
 */
export interface GraphicsDevice extends DeviceCommon {
  type: Open<'vnc' | 'spice' | 'sdl' | 'rdp' | 'desktop' | 'egl-headless' | 'dbus'>;
  /** TCP port; `-1` with `autoport` lets libvirt choose. */
  port?: number;
  autoport?: boolean;
  /** The legacy `listen` attribute (libvirt mirrors the first `<listen>` into it). */
  listen?: string;
  listens?: GraphicsListen[];
  /** VNC/SPICE password. Secret. */
  passwd?: string;
  keymap?: string;
}

function write(w: ElementWriter, g: GraphicsDevice): void {
  const p = w.path;
  if (typeof g.type !== 'string' || g.type === '') throw invalidSpec(`${p}.type`, 'is required');
  if (g.port !== undefined && (!Number.isSafeInteger(g.port) || g.port < -1 || g.port > 65535))
    throw invalidSpec(`${p}.port`, 'must be -1 or a TCP port');
  w.attrs({ type: g.type, port: g.port, autoport: yesNo(g.autoport), listen: g.listen, keymap: g.keymap });
  w.attr('passwd', g.passwd);
  (g.listens ?? []).forEach((l, i) => {
    const path = `${p}.listens[${i}]`;
    if (typeof l.type !== 'string' || l.type === '') throw invalidSpec(`${path}.type`, 'is required');
    w.child('listen', { type: l.type, address: l.address, network: l.network, socket: l.socket }, path).extras(l);
  });
  writeCommon(w, g);
}

function read(r: ElementReader): GraphicsDevice {
  const listens = r
    .children('listen')
    .map((l) =>
      compact(
        withExtras(
          { type: l.attr('type') ?? 'address', address: l.attr('address'), network: l.attr('network'), socket: l.attr('socket') },
          l.extras(),
        ),
      ),
    );
  return readCommon(
    r,
    compact({
      type: r.requiredAttr('type'),
      port: r.int('port'),
      autoport: r.bool('autoport'),
      listen: r.attr('listen'),
      listens: listens.length > 0 ? listens : undefined,
      passwd: r.attr('passwd'),
      keymap: r.attr('keymap'),
    }),
  );
}

/** Writes and reads `<graphics>`. */
export const graphicsCodec: DeviceCodec<GraphicsDevice> = { element: 'graphics', write, read };

/**
 * Build the XML of one graphics device.
 *
 * @example buildGraphicsXml({ type: 'vnc', port: -1, autoport: true, listens: [{ type: 'address', address: '127.0.0.1' }] })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing type or bad port (the password is never quoted).
 * @see https://libvirt.org/formatdomain.html#graphical-framebuffers
 */
export function buildGraphicsXml(graphics: GraphicsDevice): string {
  return codecToXml(graphicsCodec, graphics);
}

/**
 * Parse one `<graphics>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseGraphicsXml(xml)
 * @throws XmlParseError when malformed
 * @see https://libvirt.org/formatdomain.html#graphical-framebuffers
 */
export function parseGraphicsXml(xml: string): GraphicsDevice {
  return codecFromXml(graphicsCodec, xml);
}
