/**
 * Domain state and event enums as `as const` objects with libvirt's names
 * (libvirt-domain.h), values from libvirt 11.x: virDomainState and its
 * per-state reasons, virDomainEventType and its per-event details,
 * virDomainEventID and the agent lifecycle enums.
 */
import type { EnumValue } from './enums.js';

/** virDomainState (DOMAIN_GET_STATE `state`, DOMAIN_GET_INFO `state`). */
export const VirDomainState = {
  VIR_DOMAIN_NOSTATE: 0,
  VIR_DOMAIN_RUNNING: 1,
  VIR_DOMAIN_BLOCKED: 2,
  VIR_DOMAIN_PAUSED: 3,
  /** Being shut down (not yet off). */
  VIR_DOMAIN_SHUTDOWN: 4,
  VIR_DOMAIN_SHUTOFF: 5,
  VIR_DOMAIN_CRASHED: 6,
  VIR_DOMAIN_PMSUSPENDED: 7,
} as const;
/** One of the {@link VirDomainState} values. */
export type VirDomainState = EnumValue<typeof VirDomainState>;

/** virDomainNostateReason. */
export const VirDomainNostateReason = { VIR_DOMAIN_NOSTATE_UNKNOWN: 0 } as const;
/** virDomainRunningReason. */
export const VirDomainRunningReason = {
  VIR_DOMAIN_RUNNING_UNKNOWN: 0,
  VIR_DOMAIN_RUNNING_BOOTED: 1,
  VIR_DOMAIN_RUNNING_MIGRATED: 2,
  VIR_DOMAIN_RUNNING_RESTORED: 3,
  VIR_DOMAIN_RUNNING_FROM_SNAPSHOT: 4,
  VIR_DOMAIN_RUNNING_UNPAUSED: 5,
  VIR_DOMAIN_RUNNING_MIGRATION_CANCELED: 6,
  VIR_DOMAIN_RUNNING_SAVE_CANCELED: 7,
  VIR_DOMAIN_RUNNING_WAKEUP: 8,
  VIR_DOMAIN_RUNNING_CRASHED: 9,
  VIR_DOMAIN_RUNNING_POSTCOPY: 10,
  VIR_DOMAIN_RUNNING_POSTCOPY_FAILED: 11,
} as const;
/** virDomainBlockedReason. */
export const VirDomainBlockedReason = { VIR_DOMAIN_BLOCKED_UNKNOWN: 0 } as const;
/** virDomainPausedReason. */
export const VirDomainPausedReason = {
  VIR_DOMAIN_PAUSED_UNKNOWN: 0,
  VIR_DOMAIN_PAUSED_USER: 1,
  VIR_DOMAIN_PAUSED_MIGRATION: 2,
  VIR_DOMAIN_PAUSED_SAVE: 3,
  VIR_DOMAIN_PAUSED_DUMP: 4,
  VIR_DOMAIN_PAUSED_IOERROR: 5,
  VIR_DOMAIN_PAUSED_WATCHDOG: 6,
  VIR_DOMAIN_PAUSED_FROM_SNAPSHOT: 7,
  VIR_DOMAIN_PAUSED_SHUTTING_DOWN: 8,
  VIR_DOMAIN_PAUSED_SNAPSHOT: 9,
  VIR_DOMAIN_PAUSED_CRASHED: 10,
  VIR_DOMAIN_PAUSED_STARTING_UP: 11,
  VIR_DOMAIN_PAUSED_POSTCOPY: 12,
  VIR_DOMAIN_PAUSED_POSTCOPY_FAILED: 13,
  VIR_DOMAIN_PAUSED_API_ERROR: 14,
} as const;
/** virDomainShutdownReason. */
export const VirDomainShutdownReason = { VIR_DOMAIN_SHUTDOWN_UNKNOWN: 0, VIR_DOMAIN_SHUTDOWN_USER: 1 } as const;
/** virDomainShutoffReason. */
export const VirDomainShutoffReason = {
  VIR_DOMAIN_SHUTOFF_UNKNOWN: 0,
  VIR_DOMAIN_SHUTOFF_SHUTDOWN: 1,
  VIR_DOMAIN_SHUTOFF_DESTROYED: 2,
  VIR_DOMAIN_SHUTOFF_CRASHED: 3,
  VIR_DOMAIN_SHUTOFF_MIGRATED: 4,
  VIR_DOMAIN_SHUTOFF_SAVED: 5,
  VIR_DOMAIN_SHUTOFF_FAILED: 6,
  VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT: 7,
  VIR_DOMAIN_SHUTOFF_DAEMON: 8,
} as const;
/** virDomainCrashedReason. */
export const VirDomainCrashedReason = { VIR_DOMAIN_CRASHED_UNKNOWN: 0, VIR_DOMAIN_CRASHED_PANICKED: 1 } as const;
/** virDomainPMSuspendedReason. */
export const VirDomainPMSuspendedReason = { VIR_DOMAIN_PMSUSPENDED_UNKNOWN: 0 } as const;
/** virDomainPMSuspendedDiskReason. */
export const VirDomainPMSuspendedDiskReason = { VIR_DOMAIN_PMSUSPENDED_DISK_UNKNOWN: 0 } as const;

/** virDomainEventType (lifecycle event `event`). */
export const VirDomainEventType = {
  VIR_DOMAIN_EVENT_DEFINED: 0,
  VIR_DOMAIN_EVENT_UNDEFINED: 1,
  VIR_DOMAIN_EVENT_STARTED: 2,
  VIR_DOMAIN_EVENT_SUSPENDED: 3,
  VIR_DOMAIN_EVENT_RESUMED: 4,
  VIR_DOMAIN_EVENT_STOPPED: 5,
  VIR_DOMAIN_EVENT_SHUTDOWN: 6,
  VIR_DOMAIN_EVENT_PMSUSPENDED: 7,
  VIR_DOMAIN_EVENT_CRASHED: 8,
} as const;
/** One of the {@link VirDomainEventType} values. */
export type VirDomainEventType = EnumValue<typeof VirDomainEventType>;

/** virDomainEventDefinedDetailType. */
export const VirDomainEventDefinedDetailType = {
  VIR_DOMAIN_EVENT_DEFINED_ADDED: 0,
  VIR_DOMAIN_EVENT_DEFINED_UPDATED: 1,
  VIR_DOMAIN_EVENT_DEFINED_RENAMED: 2,
  VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT: 3,
} as const;
/** virDomainEventUndefinedDetailType. */
export const VirDomainEventUndefinedDetailType = {
  VIR_DOMAIN_EVENT_UNDEFINED_REMOVED: 0,
  VIR_DOMAIN_EVENT_UNDEFINED_RENAMED: 1,
} as const;
/** virDomainEventStartedDetailType. */
export const VirDomainEventStartedDetailType = {
  VIR_DOMAIN_EVENT_STARTED_BOOTED: 0,
  VIR_DOMAIN_EVENT_STARTED_MIGRATED: 1,
  VIR_DOMAIN_EVENT_STARTED_RESTORED: 2,
  VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT: 3,
  VIR_DOMAIN_EVENT_STARTED_WAKEUP: 4,
  VIR_DOMAIN_EVENT_STARTED_RECREATED: 5,
} as const;
/** virDomainEventSuspendedDetailType. */
export const VirDomainEventSuspendedDetailType = {
  VIR_DOMAIN_EVENT_SUSPENDED_PAUSED: 0,
  VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED: 1,
  VIR_DOMAIN_EVENT_SUSPENDED_IOERROR: 2,
  VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG: 3,
  VIR_DOMAIN_EVENT_SUSPENDED_RESTORED: 4,
  VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT: 5,
  VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR: 6,
  VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY: 7,
  VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED: 8,
} as const;
/** virDomainEventResumedDetailType. */
export const VirDomainEventResumedDetailType = {
  VIR_DOMAIN_EVENT_RESUMED_UNPAUSED: 0,
  VIR_DOMAIN_EVENT_RESUMED_MIGRATED: 1,
  VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT: 2,
  VIR_DOMAIN_EVENT_RESUMED_POSTCOPY: 3,
  VIR_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED: 4,
} as const;
/** virDomainEventStoppedDetailType. */
export const VirDomainEventStoppedDetailType = {
  VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN: 0,
  VIR_DOMAIN_EVENT_STOPPED_DESTROYED: 1,
  VIR_DOMAIN_EVENT_STOPPED_CRASHED: 2,
  VIR_DOMAIN_EVENT_STOPPED_MIGRATED: 3,
  VIR_DOMAIN_EVENT_STOPPED_SAVED: 4,
  VIR_DOMAIN_EVENT_STOPPED_FAILED: 5,
  VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT: 6,
  VIR_DOMAIN_EVENT_STOPPED_RECREATED: 7,
} as const;
/** virDomainEventShutdownDetailType. */
export const VirDomainEventShutdownDetailType = {
  VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED: 0,
  VIR_DOMAIN_EVENT_SHUTDOWN_GUEST: 1,
  VIR_DOMAIN_EVENT_SHUTDOWN_HOST: 2,
} as const;
/** virDomainEventPMSuspendedDetailType. */
export const VirDomainEventPMSuspendedDetailType = {
  VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY: 0,
  VIR_DOMAIN_EVENT_PMSUSPENDED_DISK: 1,
} as const;
/** virDomainEventCrashedDetailType. */
export const VirDomainEventCrashedDetailType = {
  VIR_DOMAIN_EVENT_CRASHED_PANICKED: 0,
  VIR_DOMAIN_EVENT_CRASHED_CRASHLOADED: 1,
} as const;

/** virDomainEventID (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY `eventID`). */
export const VirDomainEventID = {
  VIR_DOMAIN_EVENT_ID_LIFECYCLE: 0,
  VIR_DOMAIN_EVENT_ID_REBOOT: 1,
  VIR_DOMAIN_EVENT_ID_RTC_CHANGE: 2,
  VIR_DOMAIN_EVENT_ID_WATCHDOG: 3,
  VIR_DOMAIN_EVENT_ID_IO_ERROR: 4,
  VIR_DOMAIN_EVENT_ID_GRAPHICS: 5,
  VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON: 6,
  VIR_DOMAIN_EVENT_ID_CONTROL_ERROR: 7,
  VIR_DOMAIN_EVENT_ID_BLOCK_JOB: 8,
  VIR_DOMAIN_EVENT_ID_DISK_CHANGE: 9,
  VIR_DOMAIN_EVENT_ID_TRAY_CHANGE: 10,
  VIR_DOMAIN_EVENT_ID_PMWAKEUP: 11,
  VIR_DOMAIN_EVENT_ID_PMSUSPEND: 12,
  VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE: 13,
  VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK: 14,
  VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED: 15,
  VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2: 16,
  VIR_DOMAIN_EVENT_ID_TUNABLE: 17,
  VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE: 18,
  VIR_DOMAIN_EVENT_ID_DEVICE_ADDED: 19,
  VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION: 20,
  VIR_DOMAIN_EVENT_ID_JOB_COMPLETED: 21,
  VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED: 22,
  VIR_DOMAIN_EVENT_ID_METADATA_CHANGE: 23,
  VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD: 24,
  VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE: 25,
  VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE: 26,
  VIR_DOMAIN_EVENT_ID_NIC_MAC_CHANGE: 27,
} as const;
/** One of the {@link VirDomainEventID} values. */
export type VirDomainEventID = EnumValue<typeof VirDomainEventID>;

/** virConnectDomainEventAgentLifecycleState (AGENT_LIFECYCLE `state`). */
export const VirConnectDomainEventAgentLifecycleState = {
  VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED: 1,
  VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_DISCONNECTED: 2,
} as const;
/** One of the {@link VirConnectDomainEventAgentLifecycleState} values. */
export type VirConnectDomainEventAgentLifecycleState = EnumValue<typeof VirConnectDomainEventAgentLifecycleState>;

/** virConnectDomainEventAgentLifecycleReason (AGENT_LIFECYCLE `reason`). */
export const VirConnectDomainEventAgentLifecycleReason = {
  VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_UNKNOWN: 0,
  VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_DOMAIN_STARTED: 1,
  VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_CHANNEL: 2,
} as const;
/** One of the {@link VirConnectDomainEventAgentLifecycleReason} values. */
export type VirConnectDomainEventAgentLifecycleReason = EnumValue<typeof VirConnectDomainEventAgentLifecycleReason>;
