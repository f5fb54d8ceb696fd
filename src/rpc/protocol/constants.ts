/**
 * Wire constants of libvirt's RPC protocol (`virnetprotocol.x`,
 * `remote_protocol.x`, `virkeepaliveprotocol.x`), named as in libvirt so they
 * can be grepped against its sources.
 */

/** `REMOTE_PROGRAM`: the main libvirt API. */
export const REMOTE_PROGRAM = 0x20008086;
/** `REMOTE_PROTOCOL_VERSION`. */
export const REMOTE_PROTOCOL_VERSION = 1;
/** `KEEPALIVE_PROGRAM` ("keep" in ASCII). */
export const KEEPALIVE_PROGRAM = 0x6b656570;
/** `KEEPALIVE_PROTOCOL_VERSION`. */
export const KEEPALIVE_PROTOCOL_VERSION = 1;
/** `QEMU_PROGRAM` (qemu_protocol.x). */
export const QEMU_PROGRAM = 0x20008087;
/** `LXC_PROGRAM` (lxc_protocol.x). */
export const LXC_PROGRAM = 0x00068000;

/** `keepalive_procedure`. */
export const KEEPALIVE_PROC_PING = 1;
export const KEEPALIVE_PROC_PONG = 2;

/** `virNetMessageType`. */
export const MessageType = {
  VIR_NET_CALL: 0,
  VIR_NET_REPLY: 1,
  VIR_NET_MESSAGE: 2,
  VIR_NET_STREAM: 3,
  VIR_NET_CALL_WITH_FDS: 4,
  VIR_NET_REPLY_WITH_FDS: 5,
  VIR_NET_STREAM_HOLE: 6,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** `virNetMessageStatus`. */
export const MessageStatus = {
  VIR_NET_OK: 0,
  VIR_NET_ERROR: 1,
  VIR_NET_CONTINUE: 2,
} as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

/** `VIR_NET_MESSAGE_LEN_MAX`: size of the length word that starts every packet. */
export const VIR_NET_MESSAGE_LEN_MAX = 4;
/** `VIR_NET_MESSAGE_HEADER_MAX`: six 4-byte header fields. */
export const VIR_NET_MESSAGE_HEADER_MAX = 24;
/** Smallest valid packet: length word plus header, empty payload. */
export const VIR_NET_MESSAGE_MIN = VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX;
/**
 * `VIR_NET_MESSAGE_MAX`: largest header+payload a current daemon accepts or
 * sends (32 MiB; 16 MiB before libvirt 5.x/6.x). We accept up to this from the
 * daemon and never send more than {@link OUTBOUND_MESSAGE_MAX}.
 */
export const VIR_NET_MESSAGE_MAX = 33_554_432;
/** Outbound cap: the older daemons' 16 MiB limit, safe against any daemon. */
export const OUTBOUND_MESSAGE_MAX = 16_777_216;
/** `VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX`: libvirt's own stream chunk size. */
export const VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX = 262_120;

/** `REMOTE_STRING_MAX` / `VIR_NET_MESSAGE_STRING_MAX`: any string, 4 MiB. */
export const REMOTE_STRING_MAX = 4_194_304;

/** Array limits from remote_protocol.x (current values). */
export const REMOTE_DOMAIN_LIST_MAX = 16_384;
export const REMOTE_NETWORK_LIST_MAX = 16_384;
export const REMOTE_STORAGE_POOL_LIST_MAX = 16_384;
export const REMOTE_STORAGE_VOL_LIST_MAX = 16_384;
export const REMOTE_NODE_DEVICE_LIST_MAX = 65_536;
export const REMOTE_DOMAIN_SNAPSHOT_LIST_MAX = 16_384;
export const REMOTE_DOMAIN_CHECKPOINT_LIST_MAX = 16_384;
export const REMOTE_SECRET_LIST_MAX = 16_384;
export const REMOTE_AUTH_TYPE_LIST_MAX = 20;
export const REMOTE_AUTH_SASL_DATA_MAX = 65_536;
export const REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX = 262_144;
export const REMOTE_DOMAIN_INTERFACE_MAX = 2048;
export const REMOTE_DOMAIN_IP_ADDR_MAX = 2048;
export const REMOTE_NETWORK_DHCP_LEASES_MAX = 65_536;
export const REMOTE_DOMAIN_JOB_STATS_MAX = 64;
export const REMOTE_DOMAIN_EVENT_TUNABLE_MAX = 2048;
export const REMOTE_DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX = 20;
export const REMOTE_DOMAIN_MEMORY_STATS_MAX = 1024;
export const REMOTE_CPUMAPS_MAX = 8_388_608;
export const REMOTE_SECRET_VALUE_MAX = 65_536;
export const REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX = 2048;
export const REMOTE_DOMAIN_MESSAGES_MAX = 2048;
export const REMOTE_MIGRATE_COOKIE_MAX = 4_194_304;
/** Generic cap used for typed-parameter lists without a dedicated limit. */
export const REMOTE_TYPED_PARAMS_MAX = 2048;

/** `VIR_UUID_BUFLEN`: a UUID is 16 raw bytes on the wire. */
export const VIR_UUID_BUFLEN = 16;
