/**
 * Host and hypervisor-level procedures: driver type and versions, node
 * hardware, capabilities XML, bulk domain statistics and the close callback.
 */
import { array, fixedCharString, int, struct, uhyper, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX, REMOTE_DOMAIN_LIST_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { nonnullDomain, nonnullString, remoteString } from '../types.js';

/**
 * 3: the driver's name, e.g. `"QEMU"` or `"TEST"`.
 * @see virConnectGetType
 */
export const CONNECT_GET_TYPE = procedure(3, 'CONNECT_GET_TYPE', xdrVoid, struct({ type: nonnullString }), {
  priority: 'high',
});

/**
 * 4: hypervisor version as `major * 1_000_000 + minor * 1_000 + micro` (`unsigned hyper`, so a `bigint`).
 * @see virConnectGetVersion
 */
export const CONNECT_GET_VERSION = procedure(4, 'CONNECT_GET_VERSION', xdrVoid, struct({ hv_ver: uhyper }), {
  priority: 'high',
});

/**
 * 5: most vCPUs a guest of virtualisation `type` may have (`type` NULL = the driver's default).
 * @see virConnectGetMaxVcpus
 */
export const CONNECT_GET_MAX_VCPUS = procedure(5, 'CONNECT_GET_MAX_VCPUS', struct({ type: remoteString }), struct({ max_vcpus: int }), {
  priority: 'high',
});

/**
 * `remote_node_get_info_ret`. Wire trap: `char model[32]` is a fixed array of
 * `xdr_char`, so it takes 32 × 4 = 128 bytes, not 32. `memory` is in KiB.
 */
export const nodeInfo = struct({
  model: fixedCharString(32),
  memory: uhyper,
  cpus: int,
  mhz: int,
  nodes: int,
  sockets: int,
  cores: int,
  threads: int,
});

/**
 * 6: host CPU model, memory (KiB) and topology. The model is 128 bytes on the wire (see {@link nodeInfo}).
 * @see virNodeGetInfo
 */
export const NODE_GET_INFO = procedure(6, 'NODE_GET_INFO', xdrVoid, nodeInfo, { priority: 'high' });

/**
 * 7: the host capabilities XML.
 * @see virConnectGetCapabilities
 */
export const CONNECT_GET_CAPABILITIES = procedure(7, 'CONNECT_GET_CAPABILITIES', xdrVoid, struct({ capabilities: nonnullString }));

/**
 * 59: the host's name as the daemon sees it.
 * @see virConnectGetHostname
 */
export const CONNECT_GET_HOSTNAME = procedure(59, 'CONNECT_GET_HOSTNAME', xdrVoid, struct({ hostname: nonnullString }), {
  priority: 'high',
});

/**
 * 102: free host memory in bytes (not KiB), as an `unsigned hyper`.
 * @see virNodeGetFreeMemory
 */
export const NODE_GET_FREE_MEMORY = procedure(102, 'NODE_GET_FREE_MEMORY', xdrVoid, struct({ freeMem: uhyper }), {
  priority: 'high',
});

/**
 * 110: the canonical URI the daemon actually opened, e.g. `test:///default`.
 * @see virConnectGetURI
 */
export const CONNECT_GET_URI = procedure(110, 'CONNECT_GET_URI', xdrVoid, struct({ uri: nonnullString }), {
  priority: 'high',
});

/**
 * 149: 1 when the connection is encrypted or local (UNIX socket), else 0.
 * @see virConnectIsSecure
 */
export const CONNECT_IS_SECURE = procedure(149, 'CONNECT_IS_SECURE', xdrVoid, struct({ secure: int }), {
  priority: 'high',
});

/**
 * 157: the daemon's libvirt version, `major * 1_000_000 + minor * 1_000 + micro` (`bigint`).
 * @see virConnectGetLibVersion
 */
export const CONNECT_GET_LIB_VERSION = procedure(157, 'CONNECT_GET_LIB_VERSION', xdrVoid, struct({ lib_ver: uhyper }), {
  priority: 'high',
});

/**
 * 203: the host's SMBIOS information as `<sysinfo>` XML. `flags` reserved, pass 0.
 * @see virConnectGetSysinfo
 */
export const CONNECT_GET_SYSINFO = procedure(203, 'CONNECT_GET_SYSINFO', struct({ flags: uint }), struct({ sysinfo: nonnullString }), {
  priority: 'high',
});

/**
 * 342: the domain capabilities XML for an emulator/arch/machine/virttype
 * combination; each selector is an optional string (NULL = driver default).
 * Older daemons answer "unknown procedure: 342".
 * @see virConnectGetDomainCapabilities
 */
export const CONNECT_GET_DOMAIN_CAPABILITIES = procedure(
  342,
  'CONNECT_GET_DOMAIN_CAPABILITIES',
  struct({
    emulatorbin: remoteString,
    arch: remoteString,
    machine: remoteString,
    virttype: remoteString,
    flags: uint,
  }),
  struct({ capabilities: nonnullString }),
);

/**
 * `remote_domain_stats_record`: one domain and its statistics as typed
 * parameters (keys such as `state.state`, `cpu.time`, `net.0.rx.bytes`).
 */
export const domainStatsRecord = struct({
  dom: nonnullDomain,
  params: typedParams(REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX),
});

/**
 * 344: bulk statistics. `doms` empty = every domain matching `flags`
 * (virConnectGetAllDomainStats), non-empty = just those (virDomainListGetStats).
 * `stats` is a virDomainStatsTypes bitmask (0 = all the driver supports). The
 * daemon always includes string parameters (it serialises with
 * VIR_TYPED_PARAM_STRING_OKAY), so every union arm can appear.
 * @see virConnectGetAllDomainStats
 * @see virDomainListGetStats
 */
export const CONNECT_GET_ALL_DOMAIN_STATS = procedure(
  344,
  'CONNECT_GET_ALL_DOMAIN_STATS',
  struct({ doms: array(nonnullDomain, REMOTE_DOMAIN_LIST_MAX), stats: uint, flags: uint }),
  struct({ retStats: array(domainStatsRecord, REMOTE_DOMAIN_LIST_MAX) }),
);

/**
 * 360: ask the daemon to send CONNECT_EVENT_CONNECTION_CLOSED (362) when its
 * own connection to the driver closes. Requires daemon feature 15
 * (VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK).
 * @see virConnectRegisterCloseCallback
 */
export const CONNECT_REGISTER_CLOSE_CALLBACK = procedure(360, 'CONNECT_REGISTER_CLOSE_CALLBACK', xdrVoid, xdrVoid, {
  priority: 'high',
});

/**
 * 361: stop the close notifications registered with 360.
 * @see virConnectUnregisterCloseCallback
 */
export const CONNECT_UNREGISTER_CLOSE_CALLBACK = procedure(361, 'CONNECT_UNREGISTER_CLOSE_CALLBACK', xdrVoid, xdrVoid, {
  priority: 'high',
});
