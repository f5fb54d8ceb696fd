/**
 * What a device operation knows of the VM when its turn comes: state,
 * persistence, the live and persistent definitions, and where the change
 * applies (`live`/`config`, decided from the state when not given).
 *
 * @module
 */
import {
  AFFECT_CONFIG,
  AFFECT_LIVE,
  type DomainRef,
  type DomainState,
  InvalidArgumentError,
  InvalidStateError,
} from '../connection/internal.js';
import { CALL_CAP_MS, type Budget, type DeviceOperation, refusal, verdict } from '../runtime/index.js';
import { type DiskDevice, type DomainModel, type InterfaceDevice, parseDomainXml } from '../xml/index.js';
import type { DeviceScope } from './options.js';
import type { DevicesContext } from './context.js';

/** The VM as a device operation sees it, inside its turn. */
export interface VmView {
  ref: DomainRef;
  state: DomainState;
  persistent: boolean;
  /** The running definition; `undefined` when the VM is shut off. */
  live: DomainModel | undefined;
  /** The persistent definition; `undefined` for a transient VM. */
  config: DomainModel | undefined;
  /** Where this change applies. */
  scope: { live: boolean; config: boolean };
}

/** `AFFECT_LIVE | AFFECT_CONFIG` for a scope. */
export function scopeFlags(scope: { live: boolean; config: boolean }): number {
  return (scope.live ? AFFECT_LIVE : 0) | (scope.config ? AFFECT_CONFIG : 0);
}

/**
 * Where a change applies (see {@link DeviceScope}): the caller's `live` and
 * `config`, or, when neither is given, every definition the VM has.
 *
 * @throws InvalidStateError for `live` on a shut-off VM, `config` on a transient one
 */
export function resolveScope(
  operation: DeviceOperation,
  scope: DeviceScope,
  active: boolean,
  persistent: boolean,
  name: string,
): { live: boolean; config: boolean } {
  if (scope.live === undefined && scope.config === undefined) return { live: active, config: persistent };
  const wanted = { live: scope.live === true, config: scope.config === true };
  if (wanted.live && !active)
    throw new InvalidStateError(
      operation,
      'shutoff',
      `cannot ${operation} VM ${JSON.stringify(name)} live: it is shut off (omit live, or use { config: true })`,
    );
  if (wanted.config && !persistent)
    throw new InvalidStateError(
      operation,
      'transient',
      `cannot ${operation} VM ${JSON.stringify(name)} in its persistent definition: it is transient (it has none)`,
    );
  if (!wanted.live && !wanted.config)
    throw new InvalidArgumentError('live and config are both false: the change would apply nowhere', { path: 'live' });
  return wanted;
}

/**
 * Read the VM for `operation`: state (checked against the one state table),
 * persistence, the definitions the scope needs (both, when `both`), and the
 * scope itself.
 *
 * @throws InvalidStateError when the table refuses the operation in this state, or the scope does not fit it
 */
export async function viewVm(
  ctx: DevicesContext,
  operation: DeviceOperation,
  ref: DomainRef,
  scope: DeviceScope,
  budget: Budget,
  options: { both?: boolean } = {},
): Promise<VmView> {
  const domains = ctx.connection.domains;
  const [state, persistent] = await Promise.all([
    domains.getState(ref, budget.call(CALL_CAP_MS)),
    domains.isPersistent(ref, budget.call(CALL_CAP_MS)),
  ]);
  const decision = verdict(operation, state.state);
  if (typeof decision === 'object' && 'refuse' in decision) throw refusal(operation, state.state, ref.name, decision.refuse);
  const active = state.state !== 'shutoff';
  const resolved = resolveScope(operation, scope, active, persistent, ref.name);
  const read = async (inactive: boolean): Promise<DomainModel> =>
    parseDomainXml(await domains.getXml(ref, { ...budget.call(CALL_CAP_MS), inactive }));
  const wantLive = active && (resolved.live || options.both === true);
  const wantConfig = persistent && (resolved.config || options.both === true);
  const [live, config] = await Promise.all([wantLive ? read(false) : undefined, wantConfig ? read(true) : undefined]);
  return { ref, state, persistent, live, config, scope: resolved };
}

/** The disks of a definition. */
export function disksOf(model: DomainModel | undefined): DiskDevice[] {
  return model?.devices?.disks ?? [];
}

/** The NICs of a definition. */
export function nicsOf(model: DomainModel | undefined): InterfaceDevice[] {
  return model?.devices?.interfaces ?? [];
}

/** The disk with target `target` (`'vdb'`) in a definition. */
export function diskByTarget(model: DomainModel | undefined, target: string): DiskDevice | undefined {
  return disksOf(model).find((d) => d.target.dev === target);
}

/** The NIC with MAC `mac` in a definition (MACs compare without case). */
export function nicByMac(model: DomainModel | undefined, mac: string): InterfaceDevice | undefined {
  const wanted = mac.toLowerCase();
  return nicsOf(model).find((n) => n.mac?.toLowerCase() === wanted);
}

/** The path a disk points at (file or block device). */
export function diskPath(disk: DiskDevice | undefined): string | undefined {
  return disk?.source?.file ?? disk?.source?.dev;
}
