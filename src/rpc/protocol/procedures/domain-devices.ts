/**
 * Domain procedures about devices and what hangs off a domain: device
 * hot-plug, metadata, guest interface addresses, console and screenshot
 * streams. (Checkpoints: `checkpoint.ts`.)
 */
import { array, int, struct, uhyper, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_DOMAIN_INTERFACE_MAX, REMOTE_DOMAIN_IP_ADDR_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullDomain, nonnullString, remoteString } from '../types.js';

/** `{ dom, xml, flags }` shared by attach/detach/update device. */
const deviceArgs = struct({ dom: nonnullDomain, xml: nonnullString, flags: uint });

/**
 * 160: hot-plug and/or persist a device described by XML; flags = virDomainDeviceModifyFlags (LIVE, CONFIG).
 * @see virDomainAttachDeviceFlags
 */
export const DOMAIN_ATTACH_DEVICE_FLAGS = procedure(160, 'DOMAIN_ATTACH_DEVICE_FLAGS', deviceArgs, xdrVoid);

/**
 * 161: unplug and/or remove a device from the config. For live detach the call
 * may return before the guest releases the device (wait for DEVICE_REMOVED).
 * @see virDomainDetachDeviceFlags
 */
export const DOMAIN_DETACH_DEVICE_FLAGS = procedure(161, 'DOMAIN_DETACH_DEVICE_FLAGS', deviceArgs, xdrVoid);

/**
 * 174: change a device in place (e.g. swap a CD-ROM medium); flags = virDomainDeviceModifyFlags incl. FORCE=4.
 * @see virDomainUpdateDeviceFlags
 */
export const DOMAIN_UPDATE_DEVICE_FLAGS = procedure(174, 'DOMAIN_UPDATE_DEVICE_FLAGS', deviceArgs, xdrVoid);

/**
 * 392: unplug the device with this alias (`<alias name>` of the live XML);
 * always asynchronous: completion is DEVICE_REMOVED or DEVICE_REMOVAL_FAILED.
 * @see virDomainDetachDeviceAlias
 */
export const DOMAIN_DETACH_DEVICE_ALIAS = procedure(
  392,
  'DOMAIN_DETACH_DEVICE_ALIAS',
  struct({ dom: nonnullDomain, alias: nonnullString, flags: uint }),
  xdrVoid,
);

/**
 * 251: resize a disk of a running domain to `size` (KiB, or bytes with flag
 * BYTES=1); `disk` is its target (`vda`) or source path.
 * @see virDomainBlockResize
 */
export const DOMAIN_BLOCK_RESIZE = procedure(
  251,
  'DOMAIN_BLOCK_RESIZE',
  struct({ dom: nonnullDomain, disk: nonnullString, size: uhyper, flags: uint }),
  xdrVoid,
);

/**
 * 194: a disk's sizes in bytes (`path` is its target or source path): the
 * guest-visible `capacity`, the host `allocation` and the `physical` size.
 * @see virDomainGetBlockInfo
 */
export const DOMAIN_GET_BLOCK_INFO = procedure(
  194,
  'DOMAIN_GET_BLOCK_INFO',
  struct({ dom: nonnullDomain, path: nonnullString, flags: uint }),
  struct({ allocation: uhyper, capacity: uhyper, physical: uhyper }),
);

/**
 * 264: set the description (type 0), title (1) or a custom XML element (2,
 * identified by `key` prefix and namespace `uri`). `metadata` NULL removes it.
 * @see virDomainSetMetadata
 */
export const DOMAIN_SET_METADATA = procedure(
  264,
  'DOMAIN_SET_METADATA',
  struct({
    dom: nonnullDomain,
    type: int,
    metadata: remoteString,
    key: remoteString,
    uri: remoteString,
    flags: uint,
  }),
  xdrVoid,
);

/**
 * 265: read metadata of `type` (virDomainMetadataType); for ELEMENT `uri` names
 * the namespace. Missing metadata is VIR_ERR_NO_DOMAIN_METADATA (80).
 * @see virDomainGetMetadata
 */
export const DOMAIN_GET_METADATA = procedure(
  265,
  'DOMAIN_GET_METADATA',
  struct({ dom: nonnullDomain, type: int, uri: remoteString, flags: uint }),
  struct({ metadata: nonnullString }),
);

/** `remote_domain_ip_addr`: `type` is virIPAddrType (0 IPv4, 1 IPv6). */
export const domainIpAddr = struct({ type: int, addr: nonnullString, prefix: uint });

/** `remote_domain_interface`: a guest NIC, its MAC (optional) and addresses. */
export const domainInterface = struct({
  name: nonnullString,
  hwaddr: remoteString,
  addrs: array(domainIpAddr, REMOTE_DOMAIN_IP_ADDR_MAX),
});

/**
 * 353: the guest's interface addresses from DHCP leases (source 0), the guest
 * agent (1) or the host ARP table (2).
 * @see virDomainInterfaceAddresses
 */
export const DOMAIN_INTERFACE_ADDRESSES = procedure(
  353,
  'DOMAIN_INTERFACE_ADDRESSES',
  struct({ dom: nonnullDomain, source: uint, flags: uint }),
  struct({ ifaces: array(domainInterface, REMOTE_DOMAIN_INTERFACE_MAX) }),
);

/**
 * 201: open a console (`dev_name` NULL = the first one). After the reply the
 * stream is bidirectional: keystrokes go out and output comes back as STREAM
 * packets; libvirt annotates it `@readstream`. flags: FORCE=1, SAFE=2.
 * @see virDomainOpenConsole
 */
export const DOMAIN_OPEN_CONSOLE = procedure(
  201,
  'DOMAIN_OPEN_CONSOLE',
  struct({ dom: nonnullDomain, dev_name: remoteString, flags: uint }),
  xdrVoid,
  { stream: 'both' },
);

/**
 * 296: open a two-way stream to a guest channel (`<channel>`) by its target name (`org.qemu.guest_agent.0`) or
 * alias (`channel0`), `null` for the first; flags VIR_DOMAIN_CHANNEL_FORCE=1 takes it from another client.
 * @see virDomainOpenChannel
 */
export const DOMAIN_OPEN_CHANNEL = procedure(
  296,
  'DOMAIN_OPEN_CHANNEL',
  struct({ dom: nonnullDomain, name: remoteString, flags: uint }),
  xdrVoid,
  { stream: 'both' },
);

/**
 * 211: take a screenshot of `screen`; the reply carries the MIME type and the
 * image follows as a read stream.
 * @see virDomainScreenshot
 */
export const DOMAIN_SCREENSHOT = procedure(
  211,
  'DOMAIN_SCREENSHOT',
  struct({ dom: nonnullDomain, screen: uint, flags: uint }),
  struct({ mime: remoteString }),
  { stream: 'read' },
);
