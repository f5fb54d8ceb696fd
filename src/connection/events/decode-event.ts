/**
 * Decoding: a wire event (`DecodedEvent`, libvirt's message fields) into the
 * public, named shape of `LibvirtEvent`. The shapes live in `event-types.ts`.
 *
 * @module
 */
import {
  type DecodedEvent,
  type DomainRef,
  type TypedParam,
  type NodeDeviceEventBase,
  type SecretEventBase,
  connectCloseReasonName,
  domainEventDetailName,
  domainEventIdName,
  domainEventName,
  networkEventName,
  storagePoolEventName,
} from '../../rpc/index.js';
import { decodeJobStats } from '../resources/job-stats.js';
import { blockJobTypeName } from '../resources/block-jobs.js';
import { decodeDomainDetail } from './decode-domain-detail.js';
import {
  EVENT_TYPES,
  type DomainDeviceEvent,
  type DomainLifecycleEventName,
  type LibvirtEvent,
  type NetworkLifecycleEvent,
  type StoragePoolLifecycleEvent,
} from './event-types.js';

const DOMAIN_NAMED_IDS = new Map<number, string>(
  Object.entries(EVENT_TYPES)
    .filter(([, k]) => k.family === 'domain')
    .map(([name, k]) => [k.eventId, name]),
);

function rest(value: object, omit: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!omit.includes(k)) out[k] = v;
  return out;
}

/**
 * `event` (named by `nameOf`) and `detail` of a network or storage-pool LIFECYCLE
 * message (event id 0): both are `{ callbackID, <object>, int event, int detail }`
 * (NETWORK_EVENT_LIFECYCLE 315, STORAGE_POOL_EVENT_LIFECYCLE 370).
 */
function lifecycleOf<Name extends string>(value: object, nameOf: (event: number) => string): { event: Name; detail: number } {
  const v = value as Record<string, unknown>;
  return { event: nameOf(v['event'] as number) as Name, detail: v['detail'] as number };
}

/** virNodeDeviceEventLifecycleType → name. */
const NODE_DEVICE_EVENTS = ['created', 'deleted', 'defined', 'undefined'] as const;
/** virSecretEventLifecycleType → name. */
const SECRET_EVENTS = ['defined', 'undefined'] as const;

/** Turn a decoded wire event into the public, named shape. */
export function toLibvirtEvent(decoded: DecodedEvent): LibvirtEvent {
  switch (decoded.family) {
    case 'domain': {
      const v = decoded.value as unknown as Record<string, unknown> & { dom: DomainRef };
      const domain = v.dom;
      switch (decoded.eventId) {
        case 0: {
          const event = v['event'] as number;
          const detail = v['detail'] as number;
          return {
            type: 'domain.lifecycle',
            domain,
            event: domainEventName(event) as DomainLifecycleEventName,
            detail: domainEventDetailName(event, detail),
            eventCode: event,
            detailCode: detail,
          };
        }
        case 1:
          return { type: 'domain.reboot', domain };
        case 18: {
          const state = v['state'] as number;
          const reason = v['reason'] as number;
          return {
            type: 'domain.agent-lifecycle',
            domain,
            state: state === 1 ? 'connected' : state === 2 ? 'disconnected' : `unknown(${state})`,
            reason: (['unknown', 'domain_started', 'channel'] as const)[reason] ?? `unknown(${reason})`,
          };
        }
        case 15:
        case 19:
        case 22:
          return { type: DOMAIN_NAMED_IDS.get(decoded.eventId) as DomainDeviceEvent['type'], domain, devAlias: v['devAlias'] as string };
        case 23: {
          const t = v['type'] as number;
          return {
            type: 'domain.metadata-change',
            domain,
            metadataType: (['description', 'title', 'element'] as const)[t] ?? `unknown(${t})`,
            nsuri: (v['nsuri'] as string | null) ?? null,
          };
        }
        case 21:
          return { type: 'domain.job-completed', domain, stats: decodeJobStats(undefined, v['params'] as TypedParam[]) };
        case 8:
        case 16: {
          const type = v['type'] as number;
          const status = v['status'] as number;
          return {
            type: 'domain.block-job',
            domain,
            disk: (decoded.eventId === 16 ? v['dst'] : v['path']) as string,
            diskKind: decoded.eventId === 16 ? 'target' : 'path',
            job: blockJobTypeName(type),
            status: (['completed', 'failed', 'canceled', 'ready'] as const)[status] ?? `unknown(${status})`,
            jobCode: type,
            statusCode: status,
          };
        }
        default:
          return (
            decodeDomainDetail(decoded.eventId, v, domain) ?? {
              type: 'domain.other',
              name: domainEventIdName(decoded.eventId),
              domain,
              data: rest(v, ['callbackID', 'dom']),
            }
          );
      }
    }
    case 'network': {
      const network = decoded.value.net;
      if (decoded.eventId === 0)
        return { type: 'network.lifecycle', network, ...lifecycleOf<NetworkLifecycleEvent['event']>(decoded.value, networkEventName) };
      return { type: 'network.other', name: 'metadata_change', network, data: rest(decoded.value, ['callbackID', 'net']) };
    }
    case 'storagePool': {
      const pool = decoded.value.pool;
      if (decoded.eventId === 0)
        return {
          type: 'storage-pool.lifecycle',
          pool,
          ...lifecycleOf<StoragePoolLifecycleEvent['event']>(decoded.value, storagePoolEventName),
        };
      return { type: 'storage-pool.refresh', pool };
    }
    case 'nodeDevice': {
      const device = decoded.value.dev;
      if (decoded.eventId === 0) {
        const { event, detail } = decoded.value as NodeDeviceEventBase & { event: number; detail: number };
        return { type: 'node-device.lifecycle', device, event: NODE_DEVICE_EVENTS[event] ?? `unknown(${event})`, detail };
      }
      return { type: 'node-device.update', device };
    }
    case 'secret': {
      const secret = decoded.value.secret;
      if (decoded.eventId === 0) {
        const { event, detail } = decoded.value as SecretEventBase & { event: number; detail: number };
        return { type: 'secret.lifecycle', secret, event: SECRET_EVENTS[event] ?? `unknown(${event})`, detail };
      }
      return { type: 'secret.value-changed', secret };
    }
    case 'connection':
      return { type: 'connection.driver-closed', reason: connectCloseReasonName(decoded.value.reason) };
  }
}
