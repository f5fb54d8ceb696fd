import type { DomainLifecycleEventName, LibvirtEvent } from '../connection/internal.js';
import type { VmFactEvent } from './facts.js';

/**
 * The connection event types the registry subscribes to.
 * @example conn.events({ types: REGISTRY_EVENT_TYPES })
 * @see toVmEvent
 */
export const REGISTRY_EVENT_TYPES = ['domain.lifecycle', 'domain.reboot'] as const;

/**
 * libvirt names a few event details differently from the state reason that
 * DOMAIN_GET_STATE reports afterwards; translate so events and reads agree
 * (a `virsh suspend` is event detail `paused` but state reason `user`).
 */
const SUSPENDED_REASON: Readonly<Record<string, string>> = { paused: 'user', migrated: 'migration' };

const FACT_OF: Partial<Record<DomainLifecycleEventName, VmFactEvent['type']>> = {
  defined: 'libvirt.defined',
  undefined: 'libvirt.undefined',
  started: 'libvirt.started',
  suspended: 'libvirt.suspended',
  resumed: 'libvirt.resumed',
  stopped: 'libvirt.stopped',
  pmsuspended: 'libvirt.pmsuspended',
  crashed: 'libvirt.crashed',
  // 'shutdown' (the guest began shutting down) changes no state: `stopped` follows.
};

/**
 * Turn a connection event into the VM machine's past-tense fact, or `null`
 * when it changes nothing the machine tracks.
 * @example toVmEvent({ type: 'domain.lifecycle', event: 'started', detail: 'booted', … }) // { type: 'libvirt.started', reason: 'booted', id: 7 }
 * @example toVmEvent({ type: 'domain.reboot', … }) // { type: 'libvirt.rebooted' }
 * @throws never
 * @see virConnectDomainEventCallback
 */
export function toVmEvent(event: LibvirtEvent): VmFactEvent | null {
  if (event.type === 'domain.reboot') return { type: 'libvirt.rebooted' };
  if (event.type !== 'domain.lifecycle') return null;
  const type = FACT_OF[event.event];
  if (type === undefined) return null;
  switch (type) {
    case 'libvirt.rebooted':
      return { type };
    case 'libvirt.started':
      return { type, reason: event.detail, id: event.domain.id };
    case 'libvirt.suspended':
      return { type, reason: SUSPENDED_REASON[event.detail] ?? event.detail };
    case 'libvirt.stateRead':
      return null;
    default:
      return { type, reason: event.detail };
  }
}
