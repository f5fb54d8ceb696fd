import { compact, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { normalizeMac } from '../validate.js';
import { type FilterrefModel, readFilterrefParameters, writeFilterrefParameters } from '../host/nwfilter.js';
import {
  codecToXml,
  codecFromXml,
  readBootOrder,
  readCommon,
  readPart,
  readSimple,
  writeBootOrder,
  writeCommon,
  type DeviceCodec,
  type DeviceCommon,
} from './common.js';

/** `<source>` of a NIC: `network` for type network, `bridge` for type bridge, `dev`+`mode` for type direct. */
export interface InterfaceSource extends Extensible {
  network?: string;
  bridge?: string;
  dev?: string;
  mode?: Open<'vepa' | 'bridge' | 'private' | 'passthrough'>;
  portgroup?: string;
}

/**
 * A guest NIC, `<interface>`.
 *
 * @see https://libvirt.org/formatdomain.html#network-interfaces
 */
export interface InterfaceDevice extends DeviceCommon {
  /** `'network'` (a libvirt network), `'bridge'` (a host bridge), `'user'` (SLIRP/passt, no privileges)… */
  type: Open<
    | 'network'
    | 'bridge'
    | 'user'
    | 'direct'
    | 'ethernet'
    | 'vhostuser'
    | 'hostdev'
    | 'mcast'
    | 'udp'
    | 'server'
    | 'client'
    | 'vdpa'
    | 'null'
    | 'vds'
  >;
  /** MAC address; libvirt generates one (52:54:00:…) when omitted. Written in lower case. */
  mac?: string;
  source?: InterfaceSource;
  /** `<model type>`: `'virtio'`, `'e1000e'`, `'rtl8139'`… */
  model?: string;
  /** `<target dev>`: the host-side tap name (generated for running domains). */
  targetDev?: string;
  /** `<link state>` */
  linkState?: 'up' | 'down';
  /** `<mtu size>` */
  mtu?: number;
  bootOrder?: number;
  /** `<filterref>`: the network filter applied to this NIC's traffic, with its variables (e.g. `{ IP: '10.0.0.5' }`). */
  filterref?: FilterrefModel;
}

function write(w: ElementWriter, nic: InterfaceDevice): void {
  const p = w.path;
  if (typeof nic.type !== 'string' || nic.type === '') throw invalidSpec(`${p}.type`, 'is required');
  if (nic.type === 'network' && nic.source?.network === undefined)
    throw invalidSpec(`${p}.source.network`, "is required for a type 'network' interface");
  if (nic.type === 'bridge' && nic.source?.bridge === undefined)
    throw invalidSpec(`${p}.source.bridge`, "is required for a type 'bridge' interface");
  w.attr('type', nic.type);
  if (nic.mac !== undefined) w.child('mac', { address: normalizeMac(nic.mac, `${p}.mac`) });
  if (nic.source !== undefined) {
    const { network, bridge, dev, mode, portgroup } = nic.source;
    w.child('source', { network, bridge, dev, mode, portgroup }, `${p}.source`).extras(nic.source);
  }
  if (nic.targetDev !== undefined) w.child('target', { dev: nic.targetDev }, `${p}.targetDev`);
  if (nic.model !== undefined) w.child('model', { type: nic.model }, `${p}.model`);
  if (nic.mtu !== undefined) w.child('mtu', { size: nic.mtu }, `${p}.mtu`);
  if (nic.linkState !== undefined) w.child('link', { state: nic.linkState }, `${p}.linkState`);
  if (nic.filterref !== undefined) {
    if (typeof nic.filterref.filter !== 'string' || nic.filterref.filter === '')
      throw invalidSpec(`${p}.filterref.filter`, 'is required (the name of a network filter)');
    const ref = w.child('filterref', { filter: nic.filterref.filter }, `${p}.filterref`);
    writeFilterrefParameters(ref, nic.filterref.parameters, `${p}.filterref.parameters`);
    ref.extras(nic.filterref);
  }
  writeBootOrder(w, nic.bootOrder);
  writeCommon(w, nic);
}

function read(r: ElementReader): InterfaceDevice {
  const keep: string[] = [];
  const mtu = readSimple(r, 'mtu', 'size', keep);
  const nic: InterfaceDevice = compact({
    type: r.requiredAttr('type'),
    mac: readSimple(r, 'mac', 'address', keep),
    source: readPart(r, 'source', (s) =>
      compact({
        network: s.attr('network'),
        bridge: s.attr('bridge'),
        dev: s.attr('dev'),
        mode: s.attr('mode'),
        portgroup: s.attr('portgroup'),
      }),
    ),
    targetDev: readSimple(r, 'target', 'dev', keep),
    model: readSimple(r, 'model', 'type', keep),
    mtu: mtu === undefined ? undefined : r.toInt(mtu, 'mtu size'),
    linkState: readSimple(r, 'link', 'state', keep) as InterfaceDevice['linkState'],
    bootOrder: readBootOrder(r),
    filterref: readPart(r, 'filterref', (f) => compact({ filter: f.requiredAttr('filter'), parameters: readFilterrefParameters(f) })),
  });
  if (keep.length > 0) nic.extraElements = keep;
  return readCommon(r, nic);
}

/** Writes and reads `<interface>`. */
export const interfaceCodec: DeviceCodec<InterfaceDevice> = { element: 'interface', write, read };

/**
 * Build the XML of one NIC.
 *
 * @example buildInterfaceXml({ type: 'network', source: { network: 'default' }, model: 'virtio' })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad MAC or a missing source.
 * @see https://libvirt.org/formatdomain.html#network-interfaces
 */
export function buildInterfaceXml(nic: InterfaceDevice): string {
  return codecToXml(interfaceCodec, nic);
}

/**
 * Parse one `<interface>` element.
 *
 * @example parseInterfaceXml(xml)
 * @throws XmlParseError when malformed or without `type`.
 * @see https://libvirt.org/formatdomain.html#network-interfaces
 */
export function parseInterfaceXml(xml: string): InterfaceDevice {
  return codecFromXml(interfaceCodec, xml);
}
