/**
 * The domain events beyond lifecycle, devices, jobs and metadata, each with a
 * typed shape: libvirt's integers become names, KiB sizes say so, 64-bit
 * values stay `bigint`. Subscribe by the type name (`'domain.io-error'`) or
 * by libvirt's name (`'domain.io_error'`, accepted as an alias).
 *
 * @module
 */
import type { DomainRef, TypedParamRecordValue } from '../../rpc/index.js';

/** A name for a libvirt integer this SDK has no name for yet (a newer daemon). */
type Unknown = `unknown(${number})`;

/** The guest changed its real-time clock (`RTC_CHANGE`, event id 2). @see virConnectDomainEventRTCChangeCallback */
export interface DomainRtcChangeEvent {
  type: 'domain.rtc-change';
  domain: DomainRef;
  /** The guest clock's new offset from the host's UTC, in seconds. */
  offset: bigint;
}

/** What the hypervisor did when the guest's watchdog fired (virDomainEventWatchdogAction). */
export type WatchdogAction = 'none' | 'pause' | 'reset' | 'poweroff' | 'shutdown' | 'debug' | 'inject-nmi' | Unknown;

/** The guest's watchdog device fired (`WATCHDOG`, event id 3). @see virConnectDomainEventWatchdogCallback */
export interface DomainWatchdogEvent {
  type: 'domain.watchdog';
  domain: DomainRef;
  action: WatchdogAction;
}

/** What the hypervisor did about a disk I/O error (virDomainEventIOErrorAction). */
export type IoErrorAction = 'none' | 'pause' | 'report' | Unknown;

/**
 * A disk I/O error (`IO_ERROR`, event id 4). `'domain.io-error-reason'` (id 6)
 * is the same with libvirt's reason.
 * @see virConnectDomainEventIOErrorCallback
 */
export interface DomainIoErrorEvent {
  type: 'domain.io-error';
  domain: DomainRef;
  /** The disk's source (file path, or the volume/network name libvirt reports). */
  srcPath: string;
  /** The device alias, e.g. `virtio-disk0`. */
  devAlias: string;
  action: IoErrorAction;
}

/** A disk I/O error with its reason (`IO_ERROR_REASON`, event id 6). @see virConnectDomainEventIOErrorReasonCallback */
export interface DomainIoErrorReasonEvent extends Omit<DomainIoErrorEvent, 'type'> {
  type: 'domain.io-error-reason';
  /** libvirt's reason, e.g. `'enospc'` (the host ran out of space), `'eio'`, `''` when unknown. */
  reason: string;
}

/** One end of a graphics (VNC, SPICE) connection. */
export interface GraphicsAddress {
  family: 'ipv4' | 'ipv6' | 'unix' | Unknown;
  /** The address (a path for `unix`). */
  node: string;
  /** The port (empty for `unix`). */
  service: string;
}

/** A graphics client connected, finished authenticating, or left (`GRAPHICS`, event id 5). @see virConnectDomainEventGraphicsCallback */
export interface DomainGraphicsEvent {
  type: 'domain.graphics';
  domain: DomainRef;
  phase: 'connect' | 'initialize' | 'disconnect' | Unknown;
  local: GraphicsAddress;
  remote: GraphicsAddress;
  /** The authentication scheme, e.g. `'vnc'`, `'sasl'`, `'none'`. */
  authScheme: string;
  /** Who the client authenticated as: `{ type: 'x509dname' | 'saslUsername', name }`. */
  subject: { type: string; name: string }[];
}

/** The daemon lost its control channel to the hypervisor process (`CONTROL_ERROR`, event id 7). @see virConnectDomainEventGenericCallback */
export interface DomainControlErrorEvent {
  type: 'domain.control-error';
  domain: DomainRef;
}

/** A disk's source changed (`DISK_CHANGE`, event id 9). @see virConnectDomainEventDiskChangeCallback */
export interface DomainDiskChangeEvent {
  type: 'domain.disk-change';
  domain: DomainRef;
  oldSrcPath: string | null;
  newSrcPath: string | null;
  devAlias: string;
  /** `'missing-on-start'`: a startupPolicy'd source was missing and was dropped (CD media); `'drop-missing-on-start'`: the whole disk was. */
  reason: 'missing-on-start' | 'drop-missing-on-start' | Unknown;
}

/** A removable-media tray opened or closed (`TRAY_CHANGE`, event id 10). @see virConnectDomainEventTrayChangeCallback */
export interface DomainTrayChangeEvent {
  type: 'domain.tray-change';
  domain: DomainRef;
  devAlias: string;
  reason: 'open' | 'close' | Unknown;
}

/**
 * The guest woke up (`PMWAKEUP`, id 11), suspended to memory (`PMSUSPEND`, id
 * 12) or to disk (`PMSUSPEND_DISK`, id 14). libvirt's `reason` is always 0.
 * @see virConnectDomainEventPMWakeupCallback
 */
export interface DomainPowerManagementEvent {
  type: 'domain.pm-wakeup' | 'domain.pm-suspend' | 'domain.pm-suspend-disk';
  domain: DomainRef;
}

/** The memory balloon changed size (`BALLOON_CHANGE`, event id 13). @see virConnectDomainEventBalloonChangeCallback */
export interface DomainBalloonChangeEvent {
  type: 'domain.balloon-change';
  domain: DomainRef;
  /** The guest's current memory (the balloon's target reached), in KiB. */
  actualKiB: bigint;
}

/** Tunables changed: vCPU pinning, scheduler or block I/O limits… (`TUNABLE`, event id 17). @see virConnectDomainEventTunableCallback */
export interface DomainTunableEvent {
  type: 'domain.tunable';
  domain: DomainRef;
  /** The changed tunables by libvirt's names, e.g. `'cputune.vcpupin0'`, `'blkdeviotune.total_bytes_sec'`. */
  params: Record<string, TypedParamRecordValue>;
}

/** A live migration started another pass over dirty memory (`MIGRATION_ITERATION`, event id 20). @see virConnectDomainEventMigrationIterationCallback */
export interface DomainMigrationIterationEvent {
  type: 'domain.migration-iteration';
  domain: DomainRef;
  /** The pass number, from 1. */
  iteration: number;
}

/** A disk's write threshold was crossed (`BLOCK_THRESHOLD`, event id 24). @see virConnectDomainEventBlockThresholdCallback */
export interface DomainBlockThresholdEvent {
  type: 'domain.block-threshold';
  domain: DomainRef;
  /** The disk target (`vda`) or target with backing index (`vda[1]`) the threshold was set on. */
  dev: string;
  /** The disk's source path, when it has one. */
  path: string | null;
  /** The threshold that was set, in bytes. */
  threshold: bigint;
  /** How far past the threshold the write went, in bytes. */
  excess: bigint;
}

/** A host memory error hit the domain (`MEMORY_FAILURE`, event id 25). @see virConnectDomainEventMemoryFailureCallback */
export interface DomainMemoryFailureEvent {
  type: 'domain.memory-failure';
  domain: DomainRef;
  /** Whose memory: the hypervisor's or the guest's. */
  recipient: 'hypervisor' | 'guest' | Unknown;
  action: 'ignore' | 'inject' | 'fatal' | 'reset' | Unknown;
  /** The error was in memory the CPU was using (action required), not found by a background scrub. */
  actionRequired: boolean;
  /** A second error while handling the first. */
  recursive: boolean;
}

/** A memory device (virtio-mem) changed size (`MEMORY_DEVICE_SIZE_CHANGE`, event id 26). @see virConnectDomainEventMemoryDeviceSizeChangeCallback */
export interface DomainMemoryDeviceSizeChangeEvent {
  type: 'domain.memory-device-size-change';
  domain: DomainRef;
  alias: string;
  /** The device's new size, in KiB. */
  sizeKiB: bigint;
}

/** The guest changed a NIC's MAC address (`NIC_MAC_CHANGE`, event id 27; libvirt 11.x daemons only). @see virConnectDomainEventNICMACChangeCallback */
export interface DomainNicMacChangeEvent {
  type: 'domain.nic-mac-change';
  domain: DomainRef;
  alias: string;
  oldMac: string;
  newMac: string;
}

/** The domain events with a shape declared in this file. */
export type DomainDetailEvent =
  | DomainRtcChangeEvent
  | DomainWatchdogEvent
  | DomainIoErrorEvent
  | DomainIoErrorReasonEvent
  | DomainGraphicsEvent
  | DomainControlErrorEvent
  | DomainDiskChangeEvent
  | DomainTrayChangeEvent
  | DomainPowerManagementEvent
  | DomainBalloonChangeEvent
  | DomainTunableEvent
  | DomainMigrationIterationEvent
  | DomainBlockThresholdEvent
  | DomainMemoryFailureEvent
  | DomainMemoryDeviceSizeChangeEvent
  | DomainNicMacChangeEvent;

/** Type name → virDomainEventID, for the events above. */
export const DOMAIN_DETAIL_EVENT_IDS = {
  'domain.rtc-change': 2,
  'domain.watchdog': 3,
  'domain.io-error': 4,
  'domain.graphics': 5,
  'domain.io-error-reason': 6,
  'domain.control-error': 7,
  'domain.disk-change': 9,
  'domain.tray-change': 10,
  'domain.pm-wakeup': 11,
  'domain.pm-suspend': 12,
  'domain.balloon-change': 13,
  'domain.pm-suspend-disk': 14,
  'domain.tunable': 17,
  'domain.migration-iteration': 20,
  'domain.block-threshold': 24,
  'domain.memory-failure': 25,
  'domain.memory-device-size-change': 26,
  'domain.nic-mac-change': 27,
} as const satisfies Record<DomainDetailEvent['type'], number>;
