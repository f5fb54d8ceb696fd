/**
 * Names for the numbers in a libvirt error (`virErrorNumber`, `virErrorDomain`,
 * `virErrorLevel`), as defined by libvirt's `virterror.h` (values of libvirt 11.x).
 * The array index is the wire value, so lookups are O(1) and the tables can be
 * grepped against libvirt's documentation.
 */

/** `virErrorNumber` names, indexed by code (`VIR_ERR_` prefix omitted). */
const ERROR_CODE_NAMES: readonly string[] = [
  'OK', // 0
  'INTERNAL_ERROR', // 1
  'NO_MEMORY', // 2
  'NO_SUPPORT', // 3
  'UNKNOWN_HOST', // 4
  'NO_CONNECT', // 5
  'INVALID_CONN', // 6
  'INVALID_DOMAIN', // 7
  'INVALID_ARG', // 8
  'OPERATION_FAILED', // 9
  'GET_FAILED', // 10
  'POST_FAILED', // 11
  'HTTP_ERROR', // 12
  'SEXPR_SERIAL', // 13
  'NO_XEN', // 14
  'XEN_CALL', // 15
  'OS_TYPE', // 16
  'NO_KERNEL', // 17
  'NO_ROOT', // 18
  'NO_SOURCE', // 19
  'NO_TARGET', // 20
  'NO_NAME', // 21
  'NO_OS', // 22
  'NO_DEVICE', // 23
  'NO_XENSTORE', // 24
  'DRIVER_FULL', // 25
  'CALL_FAILED', // 26
  'XML_ERROR', // 27
  'DOM_EXIST', // 28
  'OPERATION_DENIED', // 29
  'OPEN_FAILED', // 30
  'READ_FAILED', // 31
  'PARSE_FAILED', // 32
  'CONF_SYNTAX', // 33
  'WRITE_FAILED', // 34
  'XML_DETAIL', // 35
  'INVALID_NETWORK', // 36
  'NETWORK_EXIST', // 37
  'SYSTEM_ERROR', // 38
  'RPC', // 39
  'GNUTLS_ERROR', // 40
  'WAR_NO_NETWORK', // 41
  'NO_DOMAIN', // 42
  'NO_NETWORK', // 43
  'INVALID_MAC', // 44
  'AUTH_FAILED', // 45
  'INVALID_STORAGE_POOL', // 46
  'INVALID_STORAGE_VOL', // 47
  'WAR_NO_STORAGE', // 48
  'NO_STORAGE_POOL', // 49
  'NO_STORAGE_VOL', // 50
  'WAR_NO_NODE', // 51
  'INVALID_NODE_DEVICE', // 52
  'NO_NODE_DEVICE', // 53
  'NO_SECURITY_MODEL', // 54
  'OPERATION_INVALID', // 55
  'WAR_NO_INTERFACE', // 56
  'NO_INTERFACE', // 57
  'INVALID_INTERFACE', // 58
  'MULTIPLE_INTERFACES', // 59
  'WAR_NO_NWFILTER', // 60
  'INVALID_NWFILTER', // 61
  'NO_NWFILTER', // 62
  'BUILD_FIREWALL', // 63
  'WAR_NO_SECRET', // 64
  'INVALID_SECRET', // 65
  'NO_SECRET', // 66
  'CONFIG_UNSUPPORTED', // 67
  'OPERATION_TIMEOUT', // 68
  'MIGRATE_PERSIST_FAILED', // 69
  'HOOK_SCRIPT_FAILED', // 70
  'INVALID_DOMAIN_SNAPSHOT', // 71
  'NO_DOMAIN_SNAPSHOT', // 72
  'INVALID_STREAM', // 73
  'ARGUMENT_UNSUPPORTED', // 74
  'STORAGE_PROBE_FAILED', // 75
  'STORAGE_POOL_BUILT', // 76
  'SNAPSHOT_REVERT_RISKY', // 77
  'OPERATION_ABORTED', // 78
  'AUTH_CANCELLED', // 79
  'NO_DOMAIN_METADATA', // 80
  'MIGRATE_UNSAFE', // 81
  'OVERFLOW', // 82
  'BLOCK_COPY_ACTIVE', // 83
  'OPERATION_UNSUPPORTED', // 84
  'SSH', // 85
  'AGENT_UNRESPONSIVE', // 86
  'RESOURCE_BUSY', // 87
  'ACCESS_DENIED', // 88
  'DBUS_SERVICE', // 89
  'STORAGE_VOL_EXIST', // 90
  'CPU_INCOMPATIBLE', // 91
  'XML_INVALID_SCHEMA', // 92
  'MIGRATE_FINISH_OK', // 93
  'AUTH_UNAVAILABLE', // 94
  'NO_SERVER', // 95
  'NO_CLIENT', // 96
  'AGENT_UNSYNCED', // 97
  'LIBSSH', // 98
  'DEVICE_MISSING', // 99
  'INVALID_NWFILTER_BINDING', // 100
  'NO_NWFILTER_BINDING', // 101
  'INVALID_DOMAIN_CHECKPOINT', // 102
  'NO_DOMAIN_CHECKPOINT', // 103
  'NO_DOMAIN_BACKUP', // 104
  'INVALID_NETWORK_PORT', // 105
  'NETWORK_PORT_EXIST', // 106
  'NO_NETWORK_PORT', // 107
  'NO_HOSTNAME', // 108
  'CHECKPOINT_INCONSISTENT', // 109
  'MULTIPLE_DOMAINS', // 110
  'NO_NETWORK_METADATA', // 111
  'AGENT_COMMAND_TIMEOUT', // 112
  'AGENT_COMMAND_FAILED', // 113
];

/** `virErrorDomain` names, indexed by domain (`VIR_FROM_` prefix omitted). */
const ERROR_DOMAIN_NAMES: readonly string[] = [
  'NONE', // 0
  'XEN', // 1
  'XEND', // 2
  'XENSTORE', // 3
  'SEXPR', // 4
  'XML', // 5
  'DOM', // 6
  'RPC', // 7
  'PROXY', // 8
  'CONF', // 9
  'QEMU', // 10
  'NET', // 11
  'TEST', // 12
  'REMOTE', // 13
  'OPENVZ', // 14
  'XENXM', // 15
  'STATS_LINUX', // 16
  'LXC', // 17
  'STORAGE', // 18
  'NETWORK', // 19
  'DOMAIN', // 20
  'UML', // 21
  'NODEDEV', // 22
  'XEN_INOTIFY', // 23
  'SECURITY', // 24
  'VBOX', // 25
  'INTERFACE', // 26
  'ONE', // 27
  'ESX', // 28
  'PHYP', // 29
  'SECRET', // 30
  'CPU', // 31
  'XENAPI', // 32
  'NWFILTER', // 33
  'HOOK', // 34
  'DOMAIN_SNAPSHOT', // 35
  'AUDIT', // 36
  'SYSINFO', // 37
  'STREAMS', // 38
  'VMWARE', // 39
  'EVENT', // 40
  'LIBXL', // 41
  'LOCKING', // 42
  'HYPERV', // 43
  'CAPABILITIES', // 44
  'URI', // 45
  'AUTH', // 46
  'DBUS', // 47
  'PARALLELS', // 48
  'DEVICE', // 49
  'SSH', // 50
  'LOCKSPACE', // 51
  'INITCTL', // 52
  'IDENTITY', // 53
  'CGROUP', // 54
  'ACCESS', // 55
  'SYSTEMD', // 56
  'BHYVE', // 57
  'CRYPTO', // 58
  'FIREWALL', // 59
  'POLKIT', // 60
  'THREAD', // 61
  'ADMIN', // 62
  'LOGGING', // 63
  'XENXL', // 64
  'PERF', // 65
  'LIBSSH', // 66
  'RESCTRL', // 67
  'FIREWALLD', // 68
  'DOMAIN_CHECKPOINT', // 69
  'TPM', // 70
  'BPF', // 71
  'CH', // 72
];

/** `virErrorLevel` names. */
const ERROR_LEVEL_NAMES: readonly string[] = ['VIR_ERR_NONE', 'VIR_ERR_WARNING', 'VIR_ERR_ERROR'];

/**
 * libvirt's name for an error code, e.g. `42` → `'VIR_ERR_NO_DOMAIN'`.
 * Codes newer than this table become `'VIR_ERR_UNKNOWN_<n>'`.
 */
export function errorCodeName(code: number): string {
  const name = ERROR_CODE_NAMES[code];
  return name === undefined ? `VIR_ERR_UNKNOWN_${code}` : `VIR_ERR_${name}`;
}

/** libvirt's name for an error domain, e.g. `12` → `'VIR_FROM_TEST'`. */
export function errorDomainName(domain: number): string {
  const name = ERROR_DOMAIN_NAMES[domain];
  return name === undefined ? `VIR_FROM_UNKNOWN_${domain}` : `VIR_FROM_${name}`;
}

/** libvirt's name for an error level, e.g. `2` → `'VIR_ERR_ERROR'`. */
export function errorLevelName(level: number): string {
  return ERROR_LEVEL_NAMES[level] ?? `VIR_ERR_LEVEL_${level}`;
}

/**
 * Frequently used `virErrorNumber` values, named as in libvirt so they can be
 * grepped against its documentation.
 */
export const VirErrorCode = {
  VIR_ERR_OK: 0,
  VIR_ERR_INTERNAL_ERROR: 1,
  VIR_ERR_NO_SUPPORT: 3,
  VIR_ERR_INVALID_ARG: 8,
  VIR_ERR_OPERATION_FAILED: 9,
  VIR_ERR_XML_ERROR: 27,
  VIR_ERR_DOM_EXIST: 28,
  VIR_ERR_OPERATION_DENIED: 29,
  VIR_ERR_XML_DETAIL: 35,
  VIR_ERR_NETWORK_EXIST: 37,
  VIR_ERR_SYSTEM_ERROR: 38,
  VIR_ERR_RPC: 39,
  VIR_ERR_NO_DOMAIN: 42,
  VIR_ERR_NO_NETWORK: 43,
  VIR_ERR_AUTH_FAILED: 45,
  VIR_ERR_NO_STORAGE_POOL: 49,
  VIR_ERR_NO_STORAGE_VOL: 50,
  VIR_ERR_NO_NODE_DEVICE: 53,
  VIR_ERR_OPERATION_INVALID: 55,
  VIR_ERR_INVALID_SECRET: 65,
  VIR_ERR_NO_SECRET: 66,
  VIR_ERR_CONFIG_UNSUPPORTED: 67,
  VIR_ERR_OPERATION_TIMEOUT: 68,
  VIR_ERR_NO_DOMAIN_SNAPSHOT: 72,
  VIR_ERR_ARGUMENT_UNSUPPORTED: 74,
  VIR_ERR_STORAGE_POOL_BUILT: 76,
  VIR_ERR_OPERATION_ABORTED: 78,
  VIR_ERR_AUTH_CANCELLED: 79,
  VIR_ERR_NO_DOMAIN_METADATA: 80,
  VIR_ERR_OPERATION_UNSUPPORTED: 84,
  VIR_ERR_AGENT_UNRESPONSIVE: 86,
  VIR_ERR_RESOURCE_BUSY: 87,
  VIR_ERR_ACCESS_DENIED: 88,
  VIR_ERR_STORAGE_VOL_EXIST: 90,
  VIR_ERR_XML_INVALID_SCHEMA: 92,
  VIR_ERR_DEVICE_MISSING: 99,
  VIR_ERR_AUTH_UNAVAILABLE: 94,
  VIR_ERR_AGENT_UNSYNCED: 97,
  VIR_ERR_NO_DOMAIN_CHECKPOINT: 103,
  VIR_ERR_AGENT_COMMAND_TIMEOUT: 112,
  VIR_ERR_AGENT_COMMAND_FAILED: 113,
} as const;

/** Frequently used `virErrorDomain` values. */
export const VirErrorDomain = {
  VIR_FROM_NONE: 0,
  VIR_FROM_RPC: 7,
  VIR_FROM_QEMU: 10,
  VIR_FROM_TEST: 12,
  VIR_FROM_REMOTE: 13,
  VIR_FROM_STORAGE: 18,
  VIR_FROM_NETWORK: 19,
  VIR_FROM_DOMAIN: 20,
} as const;
