/**
 * Decoding of the domain events declared in `domain-event-details.ts`: the
 * wire fields (libvirt's names and integers, see
 * `rpc/protocol/domain-events.ts`) into their named shapes.
 *
 * @module
 */
import { type DomainRef, type TypedParam, typedParamsToRecord } from '../../rpc/index.js';
import type { DomainDetailEvent, GraphicsAddress } from './domain-event-details.js';

/** `names[n]`, or `unknown(n)` for an integer a newer libvirt added. */
function named<const N extends readonly string[]>(names: N, n: number): N[number] | `unknown(${number})` {
  return names[n] ?? `unknown(${n})`;
}

/** virDomainEventWatchdogAction. */
const WATCHDOG_ACTIONS = ['none', 'pause', 'reset', 'poweroff', 'shutdown', 'debug', 'inject-nmi'] as const;
/** virDomainEventIOErrorAction. */
const IO_ERROR_ACTIONS = ['none', 'pause', 'report'] as const;
/** virDomainEventGraphicsPhase. */
const GRAPHICS_PHASES = ['connect', 'initialize', 'disconnect'] as const;
/** virDomainEventGraphicsAddressType. */
const GRAPHICS_FAMILIES = ['ipv4', 'ipv6', 'unix'] as const;
/** virConnectDomainEventDiskChangeReason. */
const DISK_CHANGE_REASONS = ['missing-on-start', 'drop-missing-on-start'] as const;
/** virDomainEventTrayChangeReason. */
const TRAY_REASONS = ['open', 'close'] as const;
/** virDomainMemoryFailureRecipientType. */
const MEMORY_FAILURE_RECIPIENTS = ['hypervisor', 'guest'] as const;
/** virDomainMemoryFailureActionType. */
const MEMORY_FAILURE_ACTIONS = ['ignore', 'inject', 'fatal', 'reset'] as const;
/** virDomainMemoryFailureFlags. */
const MEMORY_FAILURE_ACTION_REQUIRED = 1;
const MEMORY_FAILURE_RECURSIVE = 2;

function address(wire: unknown): GraphicsAddress {
  const a = wire as { family: number; node: string; service: string };
  return { family: named(GRAPHICS_FAMILIES, a.family), node: a.node, service: a.service };
}

/**
 * The typed shape of domain event `eventId` with wire fields `v`, or
 * `undefined` when the id is not one of these (the caller handles the others).
 */
export function decodeDomainDetail(eventId: number, v: Record<string, unknown>, domain: DomainRef): DomainDetailEvent | undefined {
  switch (eventId) {
    case 2:
      return { type: 'domain.rtc-change', domain, offset: v['offset'] as bigint };
    case 3:
      return { type: 'domain.watchdog', domain, action: named(WATCHDOG_ACTIONS, v['action'] as number) };
    case 4:
    case 6: {
      const base = {
        domain,
        srcPath: v['srcPath'] as string,
        devAlias: v['devAlias'] as string,
        action: named(IO_ERROR_ACTIONS, v['action'] as number),
      };
      return eventId === 4
        ? { type: 'domain.io-error', ...base }
        : { type: 'domain.io-error-reason', ...base, reason: v['reason'] as string };
    }
    case 5:
      return {
        type: 'domain.graphics',
        domain,
        phase: named(GRAPHICS_PHASES, v['phase'] as number),
        local: address(v['local']),
        remote: address(v['remote']),
        authScheme: v['authScheme'] as string,
        subject: (v['subject'] as { type: string; name: string }[]).map(({ type, name }) => ({ type, name })),
      };
    case 7:
      return { type: 'domain.control-error', domain };
    case 9:
      return {
        type: 'domain.disk-change',
        domain,
        oldSrcPath: (v['oldSrcPath'] as string | null) ?? null,
        newSrcPath: (v['newSrcPath'] as string | null) ?? null,
        devAlias: v['devAlias'] as string,
        reason: named(DISK_CHANGE_REASONS, v['reason'] as number),
      };
    case 10:
      return { type: 'domain.tray-change', domain, devAlias: v['devAlias'] as string, reason: named(TRAY_REASONS, v['reason'] as number) };
    case 11:
      return { type: 'domain.pm-wakeup', domain };
    case 12:
      return { type: 'domain.pm-suspend', domain };
    case 14:
      return { type: 'domain.pm-suspend-disk', domain };
    case 13:
      return { type: 'domain.balloon-change', domain, actualKiB: v['actual'] as bigint };
    case 17:
      return { type: 'domain.tunable', domain, params: typedParamsToRecord(v['params'] as TypedParam[]) };
    case 20:
      return { type: 'domain.migration-iteration', domain, iteration: v['iteration'] as number };
    case 24:
      return {
        type: 'domain.block-threshold',
        domain,
        dev: v['dev'] as string,
        path: (v['path'] as string | null) ?? null,
        threshold: v['threshold'] as bigint,
        excess: v['excess'] as bigint,
      };
    case 25: {
      const flags = v['flags'] as number;
      return {
        type: 'domain.memory-failure',
        domain,
        recipient: named(MEMORY_FAILURE_RECIPIENTS, v['recipient'] as number),
        action: named(MEMORY_FAILURE_ACTIONS, v['action'] as number),
        actionRequired: (flags & MEMORY_FAILURE_ACTION_REQUIRED) !== 0,
        recursive: (flags & MEMORY_FAILURE_RECURSIVE) !== 0,
      };
    }
    case 26:
      return { type: 'domain.memory-device-size-change', domain, alias: v['alias'] as string, sizeKiB: v['size'] as bigint };
    case 27:
      return {
        type: 'domain.nic-mac-change',
        domain,
        alias: v['alias'] as string,
        oldMac: v['oldMAC'] as string,
        newMac: v['newMAC'] as string,
      };
    default:
      return undefined;
  }
}
