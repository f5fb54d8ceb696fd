/**
 * `libvirt-manager/fleet`: several libvirt hosts as one — a manager per
 * host, one VM view, one event stream, hosts that reconnect on their own.
 * See docs/fleet.md.
 *
 * @example
 * import { LibvirtFleet } from 'libvirt-manager/fleet';
 * const fleet = await LibvirtFleet.open({ a: 'qemu+tcp://host1/system', b: 'qemu+tcp://host2/system' });
 *
 * @module fleet
 */
export { LibvirtFleet, type FleetEvent, type FleetOptions, type FleetVm, type HostStatus } from './fleet.js';
