import { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { normalizeMac, normalizeUuid, validateInterfaceName, validateName } from '../validate.js';
import { type FilterrefModel, writeFilterrefParameters } from './nwfilter.js';

/**
 * A network filter binding (`<filterbinding>`): a filter applied to one host
 * port device on behalf of its owner. The hypervisor driver makes one for each
 * running NIC with a `<filterref>`; creating one by hand is for an external port owner.
 *
 * @see https://libvirt.org/formatnwfilter.html#filter-binding
 */
export interface NwfilterBindingModel {
  /** The domain the port belongs to (libvirt records it). */
  owner: { name: string; uuid: string };
  /** The host port device (a tap, e.g. `vnet0`). */
  portdev: string;
  /** The MAC address of the guest NIC on that port. */
  mac: string;
  /** The filter and its variables, as in an interface's `<filterref>`. */
  filterref: FilterrefModel;
}

/**
 * Build `<filterbinding>` XML for `virNWFilterBindingCreateXML`.
 *
 * @example buildNwfilterBindingXml({ owner: { name: 'web1', uuid }, portdev: 'vnet0', mac: '52:54:00:12:34:56', filterref: { filter: 'clean-traffic', parameters: { IP: '10.0.0.5' } } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad owner, port device name, MAC, filter name or variable name
 * @see https://libvirt.org/formatnwfilter.html#filter-binding
 */
export function buildNwfilterBindingXml(binding: NwfilterBindingModel): string {
  if (typeof binding !== 'object' || binding === null) throw invalidSpec('binding', 'must be an object { owner, portdev, mac, filterref }');
  if (typeof binding.owner !== 'object' || binding.owner === null) throw invalidSpec('owner', 'must be { name, uuid }');
  validateName(binding.owner.name, 'owner.name', 'libvirt');
  const ownerUuid = normalizeUuid(binding.owner.uuid, 'owner.uuid');
  validateInterfaceName(binding.portdev, 'portdev');
  const mac = normalizeMac(binding.mac, 'mac');
  if (typeof binding.filterref !== 'object' || binding.filterref === null) throw invalidSpec('filterref', 'must be { filter, parameters }');
  validateName(binding.filterref.filter, 'filterref.filter', 'libvirt');
  const w = ElementWriter.document('filterbinding', '');
  w.child('owner', {}, 'owner').textChild('name', binding.owner.name).textChild('uuid', ownerUuid);
  w.child('portdev', { name: binding.portdev }, 'portdev');
  w.child('mac', { address: mac }, 'mac');
  const ref = w.child('filterref', { filter: binding.filterref.filter }, 'filterref');
  writeFilterrefParameters(ref, binding.filterref.parameters, 'filterref.parameters');
  ref.extras(binding.filterref);
  return w.toXml();
}
