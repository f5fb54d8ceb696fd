/**
 * Pure validation of one NIC of a {@link VmSpec}: its source (network,
 * bridge or user), model, MTU, boot order, MAC and traffic filter. The
 * network itself is looked up later, still before anything is made.
 *
 * @module
 */
import { specError } from './errors.js';
import { SpecIssues } from './issues.js';
import { NETWORK_KEYS, NIC_FILTER_KEYS, checkSpecKeys } from './spec-keys.js';
import { bridgeName, objectName, xmlText } from './validate-text.js';
import type { NetworkSpec } from './spec.js';
import { normalizeMac } from '../xml/index.js';

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Check `networks[index]`: every problem of the NIC at once; the MAC comes back normalized. */
export function checkNetwork(nic: NetworkSpec, index: number): NetworkSpec & { mac?: string } {
  const path = `networks[${index}]`;
  if (!isObject(nic)) throw specError(path, 'must be an object');
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(nic, NETWORK_KEYS, path));
  const sources = [nic.network !== undefined, nic.bridge !== undefined, nic.user === true].filter(Boolean).length;
  issues.expect(sources === 1, path, 'give exactly one of network, bridge or user: true');
  if (nic.network !== undefined) issues.field(() => objectName(nic.network, `${path}.network`));
  if (nic.bridge !== undefined) issues.field(() => bridgeName(nic.bridge, `${path}.bridge`));
  if (nic.model !== undefined)
    issues.expect(
      typeof nic.model === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(nic.model),
      `${path}.model`,
      'must be a NIC model such as "virtio"',
    );
  if (nic.mtu !== undefined)
    issues.expect(Number.isSafeInteger(nic.mtu) && nic.mtu >= 68 && nic.mtu <= 65535, `${path}.mtu`, 'must be an integer from 68 to 65535');
  if (nic.bootOrder !== undefined)
    issues.expect(Number.isSafeInteger(nic.bootOrder) && nic.bootOrder >= 1, `${path}.bootOrder`, 'must be an integer ≥ 1');
  if (nic.filter !== undefined) issues.field(() => checkNicFilter(nic.filter!, `${path}.filter`));
  const mac = nic.mac === undefined ? undefined : issues.field(() => normalizeMac(nic.mac!, `${path}.mac`));
  issues.throwIfAny();
  return mac === undefined ? { ...nic } : { ...nic, mac };
}

function checkNicFilter(filter: NonNullable<NetworkSpec['filter']>, path: string): void {
  if (!isObject(filter)) throw specError(path, "must be { filter: 'name', parameters?: { VAR: 'value' } }");
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(filter, NIC_FILTER_KEYS, path));
  issues.field(() => objectName(filter.filter, `${path}.filter`));
  if (
    filter.parameters !== undefined &&
    issues.expect(isObject(filter.parameters), `${path}.parameters`, 'must be an object of variable → value(s)')
  )
    for (const [name, value] of Object.entries(filter.parameters)) {
      if (
        issues.expect(
          /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name),
          `${path}.parameters`,
          `${JSON.stringify(name)} is not a filter variable name`,
        )
      )
        for (const v of Array.isArray(value) ? value : [value]) issues.field(() => xmlText(v as string, `${path}.parameters.${name}`));
    }
  issues.throwIfAny();
}
