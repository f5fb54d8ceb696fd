/**
 * libvirt's public enums as `as const` objects, with libvirt's constant names
 * (grep-able against libvirt-domain.h, libvirt-storage.h, libvirt-network.h)
 * and values from libvirt 11.x. Domain states/events, their friendly names and
 * per-state reasons are in `enums-domain.ts`; names in `enum-names.ts`.
 */

/** Value union of an `as const` enum object. */
export type EnumValue<E> = E[keyof E];

/** virDomainUndefineFlagsValues (DOMAIN_UNDEFINE_FLAGS). */
export const VirDomainUndefineFlags = {
  VIR_DOMAIN_UNDEFINE_MANAGED_SAVE: 1,
  VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA: 2,
  VIR_DOMAIN_UNDEFINE_NVRAM: 4,
  VIR_DOMAIN_UNDEFINE_KEEP_NVRAM: 8,
  VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA: 16,
  VIR_DOMAIN_UNDEFINE_TPM: 32,
  VIR_DOMAIN_UNDEFINE_KEEP_TPM: 64,
} as const;
/** One of the {@link VirDomainUndefineFlags} values. */
export type VirDomainUndefineFlags = EnumValue<typeof VirDomainUndefineFlags>;

/** virDomainShutdownFlagValues (DOMAIN_SHUTDOWN_FLAGS). */
export const VirDomainShutdownFlags = {
  VIR_DOMAIN_SHUTDOWN_DEFAULT: 0,
  VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN: 1,
  VIR_DOMAIN_SHUTDOWN_GUEST_AGENT: 2,
  VIR_DOMAIN_SHUTDOWN_INITCTL: 4,
  VIR_DOMAIN_SHUTDOWN_SIGNAL: 8,
  VIR_DOMAIN_SHUTDOWN_PARAVIRT: 16,
} as const;
/** One of the {@link VirDomainShutdownFlags} values. */
export type VirDomainShutdownFlags = EnumValue<typeof VirDomainShutdownFlags>;

/** virDomainRebootFlagValues (DOMAIN_REBOOT): same bits as shutdown. */
export const VirDomainRebootFlags = {
  VIR_DOMAIN_REBOOT_DEFAULT: 0,
  VIR_DOMAIN_REBOOT_ACPI_POWER_BTN: 1,
  VIR_DOMAIN_REBOOT_GUEST_AGENT: 2,
  VIR_DOMAIN_REBOOT_INITCTL: 4,
  VIR_DOMAIN_REBOOT_SIGNAL: 8,
  VIR_DOMAIN_REBOOT_PARAVIRT: 16,
} as const;
/** One of the {@link VirDomainRebootFlags} values. */
export type VirDomainRebootFlags = EnumValue<typeof VirDomainRebootFlags>;

/** virDomainDestroyFlagsValues (DOMAIN_DESTROY_FLAGS). */
export const VirDomainDestroyFlags = {
  VIR_DOMAIN_DESTROY_DEFAULT: 0,
  VIR_DOMAIN_DESTROY_GRACEFUL: 1,
  VIR_DOMAIN_DESTROY_REMOVE_LOGS: 2,
} as const;
/** One of the {@link VirDomainDestroyFlags} values. */
export type VirDomainDestroyFlags = EnumValue<typeof VirDomainDestroyFlags>;

/** virDomainCreateFlags (DOMAIN_CREATE_XML, DOMAIN_CREATE_WITH_FLAGS). */
export const VirDomainCreateFlags = {
  VIR_DOMAIN_NONE: 0,
  VIR_DOMAIN_START_PAUSED: 1,
  VIR_DOMAIN_START_AUTODESTROY: 2,
  VIR_DOMAIN_START_BYPASS_CACHE: 4,
  VIR_DOMAIN_START_FORCE_BOOT: 8,
  VIR_DOMAIN_START_VALIDATE: 16,
  VIR_DOMAIN_START_RESET_NVRAM: 32,
} as const;
/** One of the {@link VirDomainCreateFlags} values. */
export type VirDomainCreateFlags = EnumValue<typeof VirDomainCreateFlags>;

/** virDomainDefineFlags (DOMAIN_DEFINE_XML_FLAGS). */
export const VirDomainDefineFlags = { VIR_DOMAIN_DEFINE_VALIDATE: 1 } as const;
/** One of the {@link VirDomainDefineFlags} values. */
export type VirDomainDefineFlags = EnumValue<typeof VirDomainDefineFlags>;

/** virDomainXMLFlags (DOMAIN_GET_XML_DESC). */
export const VirDomainXMLFlags = {
  VIR_DOMAIN_XML_SECURE: 1,
  VIR_DOMAIN_XML_INACTIVE: 2,
  VIR_DOMAIN_XML_UPDATE_CPU: 4,
  VIR_DOMAIN_XML_MIGRATABLE: 8,
} as const;
/** One of the {@link VirDomainXMLFlags} values. */
export type VirDomainXMLFlags = EnumValue<typeof VirDomainXMLFlags>;

/** virDomainSaveRestoreFlags (DOMAIN_MANAGED_SAVE). */
export const VirDomainSaveRestoreFlags = {
  VIR_DOMAIN_SAVE_BYPASS_CACHE: 1,
  VIR_DOMAIN_SAVE_RUNNING: 2,
  VIR_DOMAIN_SAVE_PAUSED: 4,
  VIR_DOMAIN_SAVE_RESET_NVRAM: 8,
} as const;
/** One of the {@link VirDomainSaveRestoreFlags} values. */
export type VirDomainSaveRestoreFlags = EnumValue<typeof VirDomainSaveRestoreFlags>;

/** virDomainModificationImpact: which config a change affects. */
export const VirDomainModificationImpact = {
  VIR_DOMAIN_AFFECT_CURRENT: 0,
  VIR_DOMAIN_AFFECT_LIVE: 1,
  VIR_DOMAIN_AFFECT_CONFIG: 2,
} as const;
/** One of the {@link VirDomainModificationImpact} values. */
export type VirDomainModificationImpact = EnumValue<typeof VirDomainModificationImpact>;

/** virDomainVcpuFlags (DOMAIN_SET/GET_VCPUS_FLAGS): the modification impact plus these. */
export const VirDomainVcpuFlags = {
  VIR_DOMAIN_VCPU_CURRENT: 0,
  VIR_DOMAIN_VCPU_LIVE: 1,
  VIR_DOMAIN_VCPU_CONFIG: 2,
  VIR_DOMAIN_VCPU_MAXIMUM: 4,
  VIR_DOMAIN_VCPU_GUEST: 8,
  VIR_DOMAIN_VCPU_HOTPLUGGABLE: 16,
} as const;
/** One of the {@link VirDomainVcpuFlags} values. */
export type VirDomainVcpuFlags = EnumValue<typeof VirDomainVcpuFlags>;

/** virDomainMemoryModFlags (DOMAIN_SET_MEMORY_FLAGS): the modification impact plus MAXIMUM. */
export const VirDomainMemoryModFlags = {
  VIR_DOMAIN_MEM_CURRENT: 0,
  VIR_DOMAIN_MEM_LIVE: 1,
  VIR_DOMAIN_MEM_CONFIG: 2,
  VIR_DOMAIN_MEM_MAXIMUM: 4,
} as const;
/** One of the {@link VirDomainMemoryModFlags} values. */
export type VirDomainMemoryModFlags = EnumValue<typeof VirDomainMemoryModFlags>;

/** virDomainSetTimeFlags (DOMAIN_SET_TIME). */
export const VirDomainSetTimeFlags = {
  /** The guest re-reads its own hardware clock (RTC) instead of taking the time given. */
  VIR_DOMAIN_TIME_SYNC: 1,
} as const;
/** One of the {@link VirDomainSetTimeFlags} values. */
export type VirDomainSetTimeFlags = EnumValue<typeof VirDomainSetTimeFlags>;

/** virDomainDeviceModifyFlags (attach/detach/update device). */
export const VirDomainDeviceModifyFlags = {
  VIR_DOMAIN_DEVICE_MODIFY_CURRENT: 0,
  VIR_DOMAIN_DEVICE_MODIFY_LIVE: 1,
  VIR_DOMAIN_DEVICE_MODIFY_CONFIG: 2,
  VIR_DOMAIN_DEVICE_MODIFY_FORCE: 4,
} as const;
/** One of the {@link VirDomainDeviceModifyFlags} values. */
export type VirDomainDeviceModifyFlags = EnumValue<typeof VirDomainDeviceModifyFlags>;

/** virDomainMetadataType (DOMAIN_SET_METADATA / DOMAIN_GET_METADATA / METADATA_CHANGE event). */
export const VirDomainMetadataType = {
  VIR_DOMAIN_METADATA_DESCRIPTION: 0,
  VIR_DOMAIN_METADATA_TITLE: 1,
  VIR_DOMAIN_METADATA_ELEMENT: 2,
} as const;
/** One of the {@link VirDomainMetadataType} values. */
export type VirDomainMetadataType = EnumValue<typeof VirDomainMetadataType>;

/** virConnectListAllDomainsFlags (CONNECT_LIST_ALL_DOMAINS; 0 = no filter). */
export const VirConnectListAllDomainsFlags = {
  VIR_CONNECT_LIST_DOMAINS_ACTIVE: 1,
  VIR_CONNECT_LIST_DOMAINS_INACTIVE: 2,
  VIR_CONNECT_LIST_DOMAINS_PERSISTENT: 4,
  VIR_CONNECT_LIST_DOMAINS_TRANSIENT: 8,
  VIR_CONNECT_LIST_DOMAINS_RUNNING: 16,
  VIR_CONNECT_LIST_DOMAINS_PAUSED: 32,
  VIR_CONNECT_LIST_DOMAINS_SHUTOFF: 64,
  VIR_CONNECT_LIST_DOMAINS_OTHER: 128,
  VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE: 256,
  VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE: 512,
  VIR_CONNECT_LIST_DOMAINS_AUTOSTART: 1024,
  VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART: 2048,
  VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT: 4096,
  VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT: 8192,
  VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT: 16384,
  VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT: 32768,
} as const;
/** One of the {@link VirConnectListAllDomainsFlags} values. */
export type VirConnectListAllDomainsFlags = EnumValue<typeof VirConnectListAllDomainsFlags>;

/** virDomainStatsTypes (CONNECT_GET_ALL_DOMAIN_STATS `stats`; 0 = all supported). */
export const VirDomainStatsTypes = {
  VIR_DOMAIN_STATS_STATE: 1,
  VIR_DOMAIN_STATS_CPU_TOTAL: 2,
  VIR_DOMAIN_STATS_BALLOON: 4,
  VIR_DOMAIN_STATS_VCPU: 8,
  VIR_DOMAIN_STATS_INTERFACE: 16,
  VIR_DOMAIN_STATS_BLOCK: 32,
  VIR_DOMAIN_STATS_PERF: 64,
  VIR_DOMAIN_STATS_IOTHREAD: 128,
  VIR_DOMAIN_STATS_MEMORY: 256,
  VIR_DOMAIN_STATS_DIRTYRATE: 512,
  VIR_DOMAIN_STATS_VM: 1024,
} as const;
/** One of the {@link VirDomainStatsTypes} values. */
export type VirDomainStatsTypes = EnumValue<typeof VirDomainStatsTypes>;

/** virConnectGetAllDomainStatsFlags (CONNECT_GET_ALL_DOMAIN_STATS `flags`). Note libvirt's `DOMAINS_STATS` spelling. */
export const VirConnectGetAllDomainStatsFlags = {
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE: 1,
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE: 2,
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT: 4,
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT: 8,
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING: 16,
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED: 32,
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF: 64,
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_OTHER: 128,
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT: 0x2000_0000,
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING: 0x4000_0000,
  /** 2^31: does not fit an `int`, fine for the `unsigned int flags` field. */
  VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS: 0x8000_0000,
} as const;
/** One of the {@link VirConnectGetAllDomainStatsFlags} values. */
export type VirConnectGetAllDomainStatsFlags = EnumValue<typeof VirConnectGetAllDomainStatsFlags>;

/** virDomainInterfaceAddressesSource (DOMAIN_INTERFACE_ADDRESSES `source`). */
export const VirDomainInterfaceAddressesSource = {
  VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE: 0,
  VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT: 1,
  VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP: 2,
} as const;
/** One of the {@link VirDomainInterfaceAddressesSource} values. */
export type VirDomainInterfaceAddressesSource = EnumValue<typeof VirDomainInterfaceAddressesSource>;

/** virIPAddrType (`remote_domain_ip_addr.type`, `remote_network_dhcp_lease.type`). */
export const VirIPAddrType = { VIR_IP_ADDR_TYPE_IPV4: 0, VIR_IP_ADDR_TYPE_IPV6: 1 } as const;
/** One of the {@link VirIPAddrType} values. */
export type VirIPAddrType = EnumValue<typeof VirIPAddrType>;

/** virDomainConsoleFlags (DOMAIN_OPEN_CONSOLE). */
export const VirDomainConsoleFlags = { VIR_DOMAIN_CONSOLE_FORCE: 1, VIR_DOMAIN_CONSOLE_SAFE: 2 } as const;
/** One of the {@link VirDomainConsoleFlags} values. */
export type VirDomainConsoleFlags = EnumValue<typeof VirDomainConsoleFlags>;

/** virDomainSnapshotCreateFlags (DOMAIN_SNAPSHOT_CREATE_XML). */
export const VirDomainSnapshotCreateFlags = {
  VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE: 1,
  VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT: 2,
  VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA: 4,
  VIR_DOMAIN_SNAPSHOT_CREATE_HALT: 8,
  VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY: 16,
  VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT: 32,
  VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE: 64,
  VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC: 128,
  VIR_DOMAIN_SNAPSHOT_CREATE_LIVE: 256,
  VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE: 512,
} as const;
/** One of the {@link VirDomainSnapshotCreateFlags} values. */
export type VirDomainSnapshotCreateFlags = EnumValue<typeof VirDomainSnapshotCreateFlags>;

/**
 * virDomainSnapshotListFlags (DOMAIN_LIST_ALL_SNAPSHOTS). ROOTS and
 * DESCENDANTS share bit 1: ROOTS for list-all, DESCENDANTS for list-children.
 */
export const VirDomainSnapshotListFlags = {
  VIR_DOMAIN_SNAPSHOT_LIST_ROOTS: 1,
  VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS: 1,
  VIR_DOMAIN_SNAPSHOT_LIST_METADATA: 2,
  VIR_DOMAIN_SNAPSHOT_LIST_LEAVES: 4,
  VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES: 8,
  VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA: 16,
  VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE: 32,
  VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE: 64,
  VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY: 128,
  VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL: 256,
  VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL: 512,
  VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL: 1024,
} as const;
/** One of the {@link VirDomainSnapshotListFlags} values. */
export type VirDomainSnapshotListFlags = EnumValue<typeof VirDomainSnapshotListFlags>;

/** virDomainSnapshotRevertFlags (DOMAIN_REVERT_TO_SNAPSHOT). */
export const VirDomainSnapshotRevertFlags = {
  VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING: 1,
  VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED: 2,
  VIR_DOMAIN_SNAPSHOT_REVERT_FORCE: 4,
  VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM: 8,
} as const;
/** One of the {@link VirDomainSnapshotRevertFlags} values. */
export type VirDomainSnapshotRevertFlags = EnumValue<typeof VirDomainSnapshotRevertFlags>;

/** virDomainSnapshotDeleteFlags (DOMAIN_SNAPSHOT_DELETE). */
export const VirDomainSnapshotDeleteFlags = {
  VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN: 1,
  VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY: 2,
  VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY: 4,
} as const;
/** One of the {@link VirDomainSnapshotDeleteFlags} values. */
export type VirDomainSnapshotDeleteFlags = EnumValue<typeof VirDomainSnapshotDeleteFlags>;

/** virDomainCheckpointListFlags (DOMAIN_LIST_ALL_CHECKPOINTS); ROOTS/DESCENDANTS share bit 1. */
export const VirDomainCheckpointListFlags = {
  VIR_DOMAIN_CHECKPOINT_LIST_ROOTS: 1,
  VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS: 1,
  VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL: 2,
  VIR_DOMAIN_CHECKPOINT_LIST_LEAVES: 4,
  VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES: 8,
} as const;
/** One of the {@link VirDomainCheckpointListFlags} values. */
export type VirDomainCheckpointListFlags = EnumValue<typeof VirDomainCheckpointListFlags>;

/** virDomainCheckpointDeleteFlags (DOMAIN_CHECKPOINT_DELETE). */
export const VirDomainCheckpointDeleteFlags = {
  VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN: 1,
  VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY: 2,
  VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY: 4,
} as const;
/** One of the {@link VirDomainCheckpointDeleteFlags} values. */
export type VirDomainCheckpointDeleteFlags = EnumValue<typeof VirDomainCheckpointDeleteFlags>;

/** virConnectCloseReason (CONNECT_EVENT_CONNECTION_CLOSED). */
export const VirConnectCloseReason = {
  VIR_CONNECT_CLOSE_REASON_ERROR: 0,
  VIR_CONNECT_CLOSE_REASON_EOF: 1,
  VIR_CONNECT_CLOSE_REASON_KEEPALIVE: 2,
  VIR_CONNECT_CLOSE_REASON_CLIENT: 3,
} as const;
/** One of the {@link VirConnectCloseReason} values. */
export type VirConnectCloseReason = EnumValue<typeof VirConnectCloseReason>;
