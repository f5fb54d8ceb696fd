import {
  CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
  CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
} from '../rpc/protocol/procedures/events.js';
import { CONNECT_REGISTER_CLOSE_CALLBACK, CONNECT_UNREGISTER_CLOSE_CALLBACK } from '../rpc/protocol/procedures/host.js';
import type { FakeHypervisorModel } from './fake-hypervisor-model.js';

/**
 * Domain event registration, per client as libvirtd keeps it: each
 * registration gets a server-assigned callback id that tags the events it
 * produces. Event ids the fake never emits (it emits LIFECYCLE, 0, and
 * REBOOT, 1) are accepted too, like a daemon with nothing to say. An unknown
 * callback id is VIR_ERR_INTERNAL_ERROR, as libvirt answers it. The close
 * callback (`connection.driver-closed`) is accepted and never fires, as on a
 * monolithic libvirtd.
 */
export function installEventHandlers(hv: FakeHypervisorModel): void {
  const { daemon } = hv;
  daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, ({ eventID, dom }, { client }) => {
    if (!Number.isInteger(eventID) || eventID < 0 || eventID > 27)
      return { error: { code: 1, domain: 7, message: `internal error: unsupported event ID ${eventID}` } };
    const callbackID = hv.register(client, eventID, dom?.uuid ?? null);
    return { ok: { callbackID } };
  });
  daemon.handle(CONNECT_REGISTER_CLOSE_CALLBACK, () => ({ ok: undefined }));
  daemon.handle(CONNECT_UNREGISTER_CLOSE_CALLBACK, () => ({ ok: undefined }));
  daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, ({ callbackID }, { client }) =>
    hv.deregister(client, callbackID)
      ? { ok: undefined }
      : { error: { code: 1, domain: 7, message: `internal error: domain event callback ${callbackID} not registered` } },
  );
}
