/**
 * Why the SDK does not call a REMOTE_PROGRAM procedure: read by
 * scripts/gen-protocol-coverage.ts, which fails when a procedure is neither
 * used nor listed here, or listed here and used.
 */

/** The reasons a procedure is not called. */
export type NotCalledReason = 'superseded' | 'fd-passing' | 'daemon-to-daemon' | 'legacy-event' | 'not-yet';

/** How each status reads in the doc. */
export const REASON_TEXT: Record<NotCalledReason | 'typed' | 'event, decoded', string> = {
  typed: 'typed',
  'event, decoded': 'event, decoded',
  superseded: 'superseded',
  'fd-passing': 'needs fd passing',
  'daemon-to-daemon': 'daemon-to-daemon',
  'legacy-event': 'legacy event',
  'not-yet': 'not yet',
};

/** Procedure name → why it is not called, and what to use instead. */
export const NOT_CALLED: Readonly<Record<string, { why: NotCalledReason; note: string }>> = {
  DOMAIN_ATTACH_DEVICE: { why: 'superseded', note: 'use DOMAIN_ATTACH_DEVICE_FLAGS' },
  DOMAIN_DETACH_DEVICE: { why: 'superseded', note: 'use DOMAIN_DETACH_DEVICE_FLAGS' },
  DOMAIN_CREATE: { why: 'superseded', note: 'use DOMAIN_CREATE_WITH_FLAGS' },
  DOMAIN_DEFINE_XML: { why: 'superseded', note: 'use DOMAIN_DEFINE_XML_FLAGS' },
  DOMAIN_DESTROY: { why: 'superseded', note: 'use DOMAIN_DESTROY_FLAGS' },
  DOMAIN_SHUTDOWN: { why: 'superseded', note: 'use DOMAIN_SHUTDOWN_FLAGS' },
  DOMAIN_UNDEFINE: { why: 'superseded', note: 'use DOMAIN_UNDEFINE_FLAGS' },
  DOMAIN_GET_MAX_MEMORY: { why: 'superseded', note: 'use DOMAIN_GET_INFO' },
  DOMAIN_GET_MAX_VCPUS: { why: 'superseded', note: 'use DOMAIN_GET_VCPUS_FLAGS' },
  DOMAIN_GET_OS_TYPE: { why: 'superseded', note: 'use DOMAIN_GET_XML_DESC' },
  DOMAIN_GET_VCPUS: { why: 'superseded', note: 'use DOMAIN_GET_VCPU_PIN_INFO and DOMAIN_GET_ALL_DOMAIN_STATS (vcpu group)' },
  CONNECT_LIST_DEFINED_DOMAINS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_DOMAINS' },
  CONNECT_NUM_OF_DEFINED_DOMAINS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_DOMAINS' },
  CONNECT_LIST_DOMAINS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_DOMAINS' },
  CONNECT_NUM_OF_DOMAINS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_DOMAINS' },
  DOMAIN_PIN_VCPU: { why: 'superseded', note: 'use DOMAIN_PIN_VCPU_FLAGS' },
  DOMAIN_SET_MAX_MEMORY: { why: 'superseded', note: 'use DOMAIN_SET_MEMORY_FLAGS' },
  DOMAIN_SET_MEMORY: { why: 'superseded', note: 'use DOMAIN_SET_MEMORY_FLAGS' },
  DOMAIN_SET_VCPUS: { why: 'superseded', note: 'use DOMAIN_SET_VCPUS_FLAGS' },
  CONNECT_LIST_DEFINED_NETWORKS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_NETWORKS' },
  CONNECT_LIST_NETWORKS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_NETWORKS' },
  CONNECT_NUM_OF_DEFINED_NETWORKS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_NETWORKS' },
  CONNECT_NUM_OF_NETWORKS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_NETWORKS' },
  DOMAIN_CORE_DUMP: { why: 'superseded', note: 'use DOMAIN_CORE_DUMP_WITH_FORMAT' },
  DOMAIN_RESTORE: { why: 'superseded', note: 'use DOMAIN_RESTORE_PARAMS' },
  DOMAIN_SAVE: { why: 'superseded', note: 'use DOMAIN_SAVE_PARAMS' },
  DOMAIN_SET_SCHEDULER_PARAMETERS: { why: 'superseded', note: 'use DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS' },
  DOMAIN_MIGRATE_PREPARE: { why: 'superseded', note: 'use the *3_PARAMS migration steps' },
  DOMAIN_MIGRATE_PERFORM: { why: 'superseded', note: 'use the *3_PARAMS migration steps' },
  DOMAIN_MIGRATE_FINISH: { why: 'superseded', note: 'use the *3_PARAMS migration steps' },
  DOMAIN_MIGRATE_PREPARE2: { why: 'superseded', note: 'use the *3_PARAMS migration steps' },
  DOMAIN_MIGRATE_FINISH2: { why: 'superseded', note: 'use the *3_PARAMS migration steps' },
  DOMAIN_MIGRATE_PREPARE_TUNNEL: { why: 'superseded', note: 'use the *3_PARAMS migration steps' },
  DOMAIN_MIGRATE_BEGIN3: { why: 'superseded', note: 'use DOMAIN_MIGRATE_BEGIN3_PARAMS' },
  DOMAIN_MIGRATE_PREPARE3: { why: 'superseded', note: 'use DOMAIN_MIGRATE_PREPARE3_PARAMS' },
  DOMAIN_MIGRATE_PREPARE_TUNNEL3: { why: 'superseded', note: 'use DOMAIN_MIGRATE_PREPARE_TUNNEL3_PARAMS' },
  DOMAIN_MIGRATE_PERFORM3: { why: 'superseded', note: 'use DOMAIN_MIGRATE_PERFORM3_PARAMS' },
  DOMAIN_MIGRATE_FINISH3: { why: 'superseded', note: 'use DOMAIN_MIGRATE_FINISH3_PARAMS' },
  DOMAIN_MIGRATE_CONFIRM3: { why: 'superseded', note: 'use DOMAIN_MIGRATE_CONFIRM3_PARAMS' },
  CONNECT_NUM_OF_STORAGE_POOLS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_STORAGE_POOLS' },
  CONNECT_LIST_STORAGE_POOLS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_STORAGE_POOLS' },
  CONNECT_NUM_OF_DEFINED_STORAGE_POOLS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_STORAGE_POOLS' },
  CONNECT_LIST_DEFINED_STORAGE_POOLS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_STORAGE_POOLS' },
  STORAGE_POOL_NUM_OF_VOLUMES: { why: 'superseded', note: 'use STORAGE_POOL_LIST_ALL_VOLUMES' },
  STORAGE_POOL_LIST_VOLUMES: { why: 'superseded', note: 'use STORAGE_POOL_LIST_ALL_VOLUMES' },
  NODE_NUM_OF_DEVICES: { why: 'superseded', note: 'use CONNECT_LIST_ALL_NODE_DEVICES' },
  NODE_LIST_DEVICES: { why: 'superseded', note: 'use CONNECT_LIST_ALL_NODE_DEVICES' },
  NODE_DEVICE_NUM_OF_CAPS: { why: 'superseded', note: 'use NODE_DEVICE_LIST_CAPS' },
  CONNECT_NUM_OF_INTERFACES: { why: 'superseded', note: 'use CONNECT_LIST_ALL_INTERFACES' },
  CONNECT_LIST_INTERFACES: { why: 'superseded', note: 'use CONNECT_LIST_ALL_INTERFACES' },
  CONNECT_NUM_OF_DEFINED_INTERFACES: { why: 'superseded', note: 'use CONNECT_LIST_ALL_INTERFACES' },
  CONNECT_LIST_DEFINED_INTERFACES: { why: 'superseded', note: 'use CONNECT_LIST_ALL_INTERFACES' },
  CONNECT_NUM_OF_SECRETS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_SECRETS' },
  CONNECT_LIST_SECRETS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_SECRETS' },
  CONNECT_NUM_OF_NWFILTERS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_NWFILTERS' },
  CONNECT_LIST_NWFILTERS: { why: 'superseded', note: 'use CONNECT_LIST_ALL_NWFILTERS' },
  DOMAIN_SNAPSHOT_NUM: { why: 'superseded', note: 'use DOMAIN_LIST_ALL_SNAPSHOTS' },
  DOMAIN_SNAPSHOT_LIST_NAMES: { why: 'superseded', note: 'use DOMAIN_LIST_ALL_SNAPSHOTS' },
  DOMAIN_SNAPSHOT_NUM_CHILDREN: { why: 'superseded', note: 'use DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN' },
  DOMAIN_SNAPSHOT_LIST_CHILDREN_NAMES: { why: 'superseded', note: 'use DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN' },
  DOMAIN_GET_JOB_INFO: { why: 'superseded', note: 'use DOMAIN_GET_JOB_STATS' },
  DOMAIN_GET_SECURITY_LABEL: { why: 'superseded', note: 'use DOMAIN_GET_SECURITY_LABEL_LIST' },
  CONNECT_DOMAIN_EVENT_REGISTER: { why: 'superseded', note: 'use CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY' },
  CONNECT_DOMAIN_EVENT_DEREGISTER: { why: 'superseded', note: 'use CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY' },
  CONNECT_DOMAIN_EVENT_REGISTER_ANY: { why: 'superseded', note: 'use CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY' },
  CONNECT_DOMAIN_EVENT_DEREGISTER_ANY: { why: 'superseded', note: 'use CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY' },
  DOMAIN_MIGRATE_GET_COMPRESSION_CACHE: {
    why: 'superseded',
    note: 'use migration parameters (compression.xbzrle-cache) of DOMAIN_MIGRATE_PERFORM3_PARAMS',
  },
  DOMAIN_MIGRATE_SET_COMPRESSION_CACHE: {
    why: 'superseded',
    note: 'use migration parameters (compression.xbzrle-cache) of DOMAIN_MIGRATE_PERFORM3_PARAMS',
  },
  NODE_DEVICE_DETTACH: { why: 'superseded', note: 'use NODE_DEVICE_DETACH_FLAGS' },
  DOMAIN_HAS_CURRENT_SNAPSHOT: { why: 'superseded', note: 'use DOMAIN_SNAPSHOT_CURRENT' },
  STORAGE_VOL_GET_INFO_FLAGS: { why: 'superseded', note: 'use STORAGE_VOL_GET_INFO' },
  DOMAIN_EVENT_LIFECYCLE: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_REBOOT: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_RTC_CHANGE: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_WATCHDOG: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_IO_ERROR: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_GRAPHICS: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_IO_ERROR_REASON: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_CONTROL_ERROR: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_BLOCK_JOB: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_DISK_CHANGE: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_TRAY_CHANGE: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_PMWAKEUP: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_PMSUSPEND: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_BALLOON_CHANGE: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_PMSUSPEND_DISK: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_EVENT_DEVICE_REMOVED: {
    why: 'legacy-event',
    note: 'sent only to clients registered with the old CONNECT_DOMAIN_EVENT_REGISTER(_ANY); the SDK registers with the callback form and decodes DOMAIN_EVENT_CALLBACK_*',
  },
  DOMAIN_OPEN_GRAPHICS: {
    why: 'fd-passing',
    note: 'passes a file descriptor over the unix socket (SCM_RIGHTS), which Node cannot send or receive without a native addon',
  },
  DOMAIN_OPEN_GRAPHICS_FD: {
    why: 'fd-passing',
    note: 'passes a file descriptor over the unix socket (SCM_RIGHTS), which Node cannot send or receive without a native addon',
  },
  DOMAIN_CREATE_XML_WITH_FILES: {
    why: 'fd-passing',
    note: 'passes a file descriptor over the unix socket (SCM_RIGHTS), which Node cannot send or receive without a native addon',
  },
  DOMAIN_CREATE_WITH_FILES: {
    why: 'fd-passing',
    note: 'passes a file descriptor over the unix socket (SCM_RIGHTS), which Node cannot send or receive without a native addon',
  },
  DOMAIN_FD_ASSOCIATE: {
    why: 'fd-passing',
    note: 'passes a file descriptor over the unix socket (SCM_RIGHTS), which Node cannot send or receive without a native addon',
  },
  DOMAIN_MIGRATE_PREPARE_TUNNEL3_PARAMS: {
    why: 'daemon-to-daemon',
    note: 'sent by the source libvirtd to the destination in a peer-to-peer tunnelled migration; a client asks for one with DOMAIN_MIGRATE_PERFORM3_PARAMS and the P2P and TUNNELLED flags',
  },
  STORAGE_POOL_CREATE_XML: { why: 'not-yet', note: 'a transient pool: descriptor only; `conn.storage.pools` defines persistent pools' },
  DOMAIN_SNAPSHOT_GET_PARENT: { why: 'not-yet', note: "descriptor only; `listChildren` and the snapshot XML's `<parent>` give the tree" },
  NODE_SUSPEND_FOR_DURATION: { why: 'not-yet', note: "suspends the daemon's host itself; not offered, and never tried here" },
  DOMAIN_BLOCK_REBASE: { why: 'superseded', note: 'use DOMAIN_BLOCK_PULL (with a base) or DOMAIN_BLOCK_COPY (`BlockJobManager`)' },
  NETWORK_DEFINE_XML_FLAGS: {
    why: 'not-yet',
    note: 'descriptor only: `networks.define` has no `validate` option yet (NETWORK_DEFINE_XML)',
  },
  DOMAIN_SET_LAUNCH_SECURITY_STATE: { why: 'not-yet', note: 'SEV/SEV-SNP secret injection: no such host here to prove it on' },
  DOMAIN_SAVE_PARAMS: {
    why: 'not-yet',
    note: 'descriptor only: on libvirt 9.0 it carries what DOMAIN_SAVE_FLAGS does, which every driver has (`saves.save` uses that)',
  },
  DOMAIN_RESTORE_PARAMS: {
    why: 'not-yet',
    note: 'descriptor only: on libvirt 9.0 it carries what DOMAIN_RESTORE_FLAGS does (`saves.restore` uses that)',
  },
  DOMAIN_SET_THROTTLE_GROUP: { why: 'not-yet', note: 'libvirt 11.x; this daemon (9.0) has no such procedure to test against' },
  DOMAIN_DEL_THROTTLE_GROUP: { why: 'not-yet', note: 'libvirt 11.x; this daemon (9.0) has no such procedure to test against' },
};
