/**
 * Domain event MESSAGE descriptors, one per virDomainEventID (0–27), in the
 * modern "callback" form that starts with the server-assigned `callbackID`.
 *
 * Wire layouts come in two shapes. Events that predate callback IDs are
 * "nested": `{ int callbackID; remote_domain_event_X_msg msg; }` (and the PM
 * events put an `int reason` *between* the two). Newer ones are "flat":
 * `{ int callbackID; remote_nonnull_domain dom; …fields }`. Both decode to the
 * same flat object here — `{ callbackID, dom, …fields }` with libvirt's field
 * names — and encode back to the exact wire shape (used by the fake daemon).
 */
import { type Codec, type StructFields, type StructValue, array, hyper, int, mapped, struct, uhyper, uint } from '../xdr/index.js';
import { REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX, REMOTE_DOMAIN_EVENT_TUNABLE_MAX, REMOTE_DOMAIN_JOB_STATS_MAX } from './constants.js';
import { type EventMessage, eventMessage } from './procedure.js';
import { typedParams } from './typed-param.js';
import { type DomainRef, nonnullDomain, nonnullString, remoteString } from './types.js';

/** Fields every decoded domain event has. */
export interface DomainEventBase {
  /** The id returned by CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY (316). */
  callbackID: number;
  /** The domain the event is about. */
  dom: DomainRef;
}

type Flat<F extends StructFields> = { callbackID: number; dom: DomainRef } & StructValue<F>;

/** "Nested" layout: `{ int callbackID; { dom, …fields } msg }`, decoded flat. */
function nested<F extends StructFields>(fields: F): Codec<Flat<F>> {
  const wire = struct({ callbackID: int, msg: struct({ dom: nonnullDomain, ...fields }) });
  return mapped(
    wire,
    (w) => ({ callbackID: w.callbackID, ...w.msg }) as Flat<F>,
    (v) => ({ callbackID: v.callbackID, msg: v }) as never,
  );
}

/** PM layouts: `{ int callbackID; int reason; { dom } msg }` — `reason` comes before the nested msg. */
function reasonThenNested(): Codec<{ callbackID: number; reason: number; dom: DomainRef }> {
  const wire = struct({ callbackID: int, reason: int, msg: struct({ dom: nonnullDomain }) });
  return mapped(
    wire,
    (w) => ({ callbackID: w.callbackID, reason: w.reason, dom: w.msg.dom }),
    (v) => ({ callbackID: v.callbackID, reason: v.reason, msg: { dom: v.dom } }),
  );
}

/** "Flat" layout: `{ int callbackID; remote_nonnull_domain dom; …fields }`. */
function flat<F extends StructFields>(fields: F): Codec<Flat<F>> {
  return struct({ callbackID: int, dom: nonnullDomain, ...fields }) as unknown as Codec<Flat<F>>;
}

/** `remote_domain_event_graphics_address`: `family` 0 IPv4, 1 IPv6, 2 UNIX. */
export const graphicsAddress = struct({ family: int, node: nonnullString, service: nonnullString });
/** `remote_domain_event_graphics_identity`, e.g. `{ type: 'x509dname', name: '…' }`. */
export const graphicsIdentity = struct({ type: nonnullString, name: nonnullString });

/** 318, eventID 0 LIFECYCLE: `event` = virDomainEventType, `detail` = its per-event detail. @see virConnectDomainEventCallback */
export const DOMAIN_EVENT_CALLBACK_LIFECYCLE = eventMessage(318, 'DOMAIN_EVENT_CALLBACK_LIFECYCLE', nested({ event: int, detail: int }));
/** 319, eventID 1 REBOOT: the guest rebooted. @see virConnectDomainEventGenericCallback */
export const DOMAIN_EVENT_CALLBACK_REBOOT = eventMessage(319, 'DOMAIN_EVENT_CALLBACK_REBOOT', nested({}));
/** 320, eventID 2 RTC_CHANGE: guest clock `offset` in seconds (`hyper`, so `bigint`). @see virConnectDomainEventRTCChangeCallback */
export const DOMAIN_EVENT_CALLBACK_RTC_CHANGE = eventMessage(320, 'DOMAIN_EVENT_CALLBACK_RTC_CHANGE', nested({ offset: hyper }));
/** 321, eventID 3 WATCHDOG: `action` = virDomainEventWatchdogAction. @see virConnectDomainEventWatchdogCallback */
export const DOMAIN_EVENT_CALLBACK_WATCHDOG = eventMessage(321, 'DOMAIN_EVENT_CALLBACK_WATCHDOG', nested({ action: int }));
/** 322, eventID 4 IO_ERROR. @see virConnectDomainEventIOErrorCallback */
export const DOMAIN_EVENT_CALLBACK_IO_ERROR = eventMessage(
  322,
  'DOMAIN_EVENT_CALLBACK_IO_ERROR',
  nested({ srcPath: nonnullString, devAlias: nonnullString, action: int }),
);
/** 323, eventID 5 GRAPHICS: a VNC/SPICE client (dis)connected; `phase` = virDomainEventGraphicsPhase. @see virConnectDomainEventGraphicsCallback */
export const DOMAIN_EVENT_CALLBACK_GRAPHICS = eventMessage(
  323,
  'DOMAIN_EVENT_CALLBACK_GRAPHICS',
  nested({
    phase: int,
    local: graphicsAddress,
    remote: graphicsAddress,
    authScheme: nonnullString,
    subject: array(graphicsIdentity, REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX),
  }),
);
/** 324, eventID 6 IO_ERROR_REASON: as IO_ERROR plus a `reason` string. @see virConnectDomainEventIOErrorReasonCallback */
export const DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON = eventMessage(
  324,
  'DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON',
  nested({ srcPath: nonnullString, devAlias: nonnullString, action: int, reason: nonnullString }),
);
/** 325, eventID 7 CONTROL_ERROR: the daemon lost control of the domain (e.g. monitor died). @see virConnectDomainEventGenericCallback */
export const DOMAIN_EVENT_CALLBACK_CONTROL_ERROR = eventMessage(325, 'DOMAIN_EVENT_CALLBACK_CONTROL_ERROR', nested({}));
/** 326, eventID 8 BLOCK_JOB: `path` is the disk path (see BLOCK_JOB_2 for the target name). @see virConnectDomainEventBlockJobCallback */
export const DOMAIN_EVENT_CALLBACK_BLOCK_JOB = eventMessage(
  326,
  'DOMAIN_EVENT_CALLBACK_BLOCK_JOB',
  nested({ path: nonnullString, type: int, status: int }),
);
/** 327, eventID 9 DISK_CHANGE: old/new source paths are optional strings. @see virConnectDomainEventDiskChangeCallback */
export const DOMAIN_EVENT_CALLBACK_DISK_CHANGE = eventMessage(
  327,
  'DOMAIN_EVENT_CALLBACK_DISK_CHANGE',
  nested({ oldSrcPath: remoteString, newSrcPath: remoteString, devAlias: nonnullString, reason: int }),
);
/** 328, eventID 10 TRAY_CHANGE: `reason` 0 open, 1 close. @see virConnectDomainEventTrayChangeCallback */
export const DOMAIN_EVENT_CALLBACK_TRAY_CHANGE = eventMessage(
  328,
  'DOMAIN_EVENT_CALLBACK_TRAY_CHANGE',
  nested({ devAlias: nonnullString, reason: int }),
);
/** 329, eventID 11 PMWAKEUP. Wire trap: `int reason` precedes the nested msg. @see virConnectDomainEventPMWakeupCallback */
export const DOMAIN_EVENT_CALLBACK_PMWAKEUP = eventMessage(329, 'DOMAIN_EVENT_CALLBACK_PMWAKEUP', reasonThenNested());
/** 330, eventID 12 PMSUSPEND. Wire trap: `int reason` precedes the nested msg. @see virConnectDomainEventPMSuspendCallback */
export const DOMAIN_EVENT_CALLBACK_PMSUSPEND = eventMessage(330, 'DOMAIN_EVENT_CALLBACK_PMSUSPEND', reasonThenNested());
/** 331, eventID 13 BALLOON_CHANGE: `actual` balloon size in KiB (`unsigned hyper`). @see virConnectDomainEventBalloonChangeCallback */
export const DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE = eventMessage(331, 'DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE', nested({ actual: uhyper }));
/** 332, eventID 14 PMSUSPEND_DISK. Wire trap: `int reason` precedes the nested msg. @see virConnectDomainEventPMSuspendDiskCallback */
export const DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK = eventMessage(332, 'DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK', reasonThenNested());
/** 333, eventID 15 DEVICE_REMOVED: the guest released a device (completes a live detach). @see virConnectDomainEventDeviceRemovedCallback */
export const DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED = eventMessage(
  333,
  'DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED',
  nested({ devAlias: nonnullString }),
);
/** 339, eventID 16 BLOCK_JOB_2 (flat; no CALLBACK_ infix): `dst` is the disk target, e.g. `vda`. @see virConnectDomainEventBlockJobCallback */
export const DOMAIN_EVENT_BLOCK_JOB_2 = eventMessage(339, 'DOMAIN_EVENT_BLOCK_JOB_2', flat({ dst: nonnullString, type: int, status: int }));
/** 346, eventID 17 TUNABLE (flat): changed tunables as typed parameters. @see virConnectDomainEventTunableCallback */
export const DOMAIN_EVENT_CALLBACK_TUNABLE = eventMessage(
  346,
  'DOMAIN_EVENT_CALLBACK_TUNABLE',
  flat({ params: typedParams(REMOTE_DOMAIN_EVENT_TUNABLE_MAX) }),
);
/** 348, eventID 18 AGENT_LIFECYCLE (flat): `state` 1 connected / 2 disconnected, `reason` 0–2. @see virConnectDomainEventAgentLifecycleCallback */
export const DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE = eventMessage(
  348,
  'DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE',
  flat({ state: int, reason: int }),
);
/** 354, eventID 19 DEVICE_ADDED (flat). @see virConnectDomainEventDeviceAddedCallback */
export const DOMAIN_EVENT_CALLBACK_DEVICE_ADDED = eventMessage(
  354,
  'DOMAIN_EVENT_CALLBACK_DEVICE_ADDED',
  flat({ devAlias: nonnullString }),
);
/** 359, eventID 20 MIGRATION_ITERATION (flat). @see virConnectDomainEventMigrationIterationCallback */
export const DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION = eventMessage(
  359,
  'DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION',
  flat({ iteration: int }),
);
/** 363, eventID 21 JOB_COMPLETED (flat): job statistics as typed parameters (≤ 64). @see virConnectDomainEventJobCompletedCallback */
export const DOMAIN_EVENT_CALLBACK_JOB_COMPLETED = eventMessage(
  363,
  'DOMAIN_EVENT_CALLBACK_JOB_COMPLETED',
  flat({ params: typedParams(REMOTE_DOMAIN_JOB_STATS_MAX) }),
);
/** 367, eventID 22 DEVICE_REMOVAL_FAILED (flat). @see virConnectDomainEventDeviceRemovalFailedCallback */
export const DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED = eventMessage(
  367,
  'DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED',
  flat({ devAlias: nonnullString }),
);
/** 379, eventID 23 METADATA_CHANGE (flat): `type` = virDomainMetadataType, `nsuri` for ELEMENT. @see virConnectDomainEventMetadataChangeCallback */
export const DOMAIN_EVENT_CALLBACK_METADATA_CHANGE = eventMessage(
  379,
  'DOMAIN_EVENT_CALLBACK_METADATA_CHANGE',
  flat({ type: int, nsuri: remoteString }),
);
/** 385, eventID 24 BLOCK_THRESHOLD (flat; no CALLBACK_ infix). @see virConnectDomainEventBlockThresholdCallback */
export const DOMAIN_EVENT_BLOCK_THRESHOLD = eventMessage(
  385,
  'DOMAIN_EVENT_BLOCK_THRESHOLD',
  flat({ dev: nonnullString, path: remoteString, threshold: uhyper, excess: uhyper }),
);
/** 423, eventID 25 MEMORY_FAILURE (flat). @see virConnectDomainEventMemoryFailureCallback */
export const DOMAIN_EVENT_MEMORY_FAILURE = eventMessage(
  423,
  'DOMAIN_EVENT_MEMORY_FAILURE',
  flat({ recipient: int, action: int, flags: uint }),
);
/** 438, eventID 26 MEMORY_DEVICE_SIZE_CHANGE (flat): new `size` in KiB. @see virConnectDomainEventMemoryDeviceSizeChangeCallback */
export const DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE = eventMessage(
  438,
  'DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE',
  flat({ alias: nonnullString, size: uhyper }),
);
/** 453, eventID 27 NIC_MAC_CHANGE (flat; libvirt ≥ 11.x daemons only). @see virConnectDomainEventNICMACChangeCallback */
export const DOMAIN_EVENT_NIC_MAC_CHANGE = eventMessage(
  453,
  'DOMAIN_EVENT_NIC_MAC_CHANGE',
  flat({ alias: nonnullString, oldMAC: nonnullString, newMAC: nonnullString }),
);

/**
 * Domain event descriptors indexed by virDomainEventID: entry `i` is the
 * message the daemon sends for a registration with `eventID = i`.
 */
export const DOMAIN_EVENT_MESSAGES: readonly EventMessage<DomainEventBase>[] = [
  DOMAIN_EVENT_CALLBACK_LIFECYCLE,
  DOMAIN_EVENT_CALLBACK_REBOOT,
  DOMAIN_EVENT_CALLBACK_RTC_CHANGE,
  DOMAIN_EVENT_CALLBACK_WATCHDOG,
  DOMAIN_EVENT_CALLBACK_IO_ERROR,
  DOMAIN_EVENT_CALLBACK_GRAPHICS,
  DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON,
  DOMAIN_EVENT_CALLBACK_CONTROL_ERROR,
  DOMAIN_EVENT_CALLBACK_BLOCK_JOB,
  DOMAIN_EVENT_CALLBACK_DISK_CHANGE,
  DOMAIN_EVENT_CALLBACK_TRAY_CHANGE,
  DOMAIN_EVENT_CALLBACK_PMWAKEUP,
  DOMAIN_EVENT_CALLBACK_PMSUSPEND,
  DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE,
  DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK,
  DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED,
  DOMAIN_EVENT_BLOCK_JOB_2,
  DOMAIN_EVENT_CALLBACK_TUNABLE,
  DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE,
  DOMAIN_EVENT_CALLBACK_DEVICE_ADDED,
  DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION,
  DOMAIN_EVENT_CALLBACK_JOB_COMPLETED,
  DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED,
  DOMAIN_EVENT_CALLBACK_METADATA_CHANGE,
  DOMAIN_EVENT_BLOCK_THRESHOLD,
  DOMAIN_EVENT_MEMORY_FAILURE,
  DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE,
  DOMAIN_EVENT_NIC_MAC_CHANGE,
];

/** Decoded payload of a domain LIFECYCLE event (proc 318). */
export type DomainLifecycleEventMessage = ReturnType<typeof DOMAIN_EVENT_CALLBACK_LIFECYCLE.msg.decode>;
