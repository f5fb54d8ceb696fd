/**
 * Domain procedures that find, define, undefine and describe domains.
 * Lifecycle (start/stop/…) is in `domain-lifecycle.ts`; devices, metadata,
 * addresses, console, screenshot and checkpoints in `domain-devices.ts`.
 */
import { array, int, struct, uchar, uhyper, uint, ushort, xdrVoid } from '../../xdr/index.js';
import { REMOTE_DOMAIN_LIST_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullDomain, nonnullString, uuid } from '../types.js';

/** `{ remote_nonnull_domain dom }`: the argument of many domain procedures. */
export const domArgs = struct({ dom: nonnullDomain });
/** `{ remote_nonnull_domain dom; unsigned int flags }`. */
export const domFlagsArgs = struct({ dom: nonnullDomain, flags: uint });
/** `{ remote_nonnull_domain dom }` as a result. */
export const domRet = domArgs;

/**
 * 22: find a running domain by its numeric id (inactive domains have id -1 and cannot be found this way).
 * @see virDomainLookupByID
 */
export const DOMAIN_LOOKUP_BY_ID = procedure(22, 'DOMAIN_LOOKUP_BY_ID', struct({ id: int }), domRet, {
  priority: 'high',
});

/**
 * 23: find a domain by name; VIR_ERR_NO_DOMAIN (42) when there is none.
 * @see virDomainLookupByName
 */
export const DOMAIN_LOOKUP_BY_NAME = procedure(23, 'DOMAIN_LOOKUP_BY_NAME', struct({ name: nonnullString }), domRet, {
  priority: 'high',
});

/**
 * 24: find a domain by UUID. The UUID travels as 16 raw bytes; the codec takes the text form.
 * @see virDomainLookupByUUID
 */
export const DOMAIN_LOOKUP_BY_UUID = procedure(24, 'DOMAIN_LOOKUP_BY_UUID', struct({ uuid }), domRet, {
  priority: 'high',
});

/**
 * 273: every domain matching `flags` (virConnectListAllDomainsFlags, 0 = all).
 * Send `need_results = 1` or the array comes back empty; `ret` is the count.
 * @see virConnectListAllDomains
 */
export const CONNECT_LIST_ALL_DOMAINS = procedure(
  273,
  'CONNECT_LIST_ALL_DOMAINS',
  struct({ need_results: int, flags: uint }),
  struct({ domains: array(nonnullDomain, REMOTE_DOMAIN_LIST_MAX), ret: uint }),
  { priority: 'high' },
);

/**
 * 11: define (or redefine) a persistent domain from XML. Legacy form without flags; prefer 350.
 * @see virDomainDefineXML
 */
export const DOMAIN_DEFINE_XML = procedure(11, 'DOMAIN_DEFINE_XML', struct({ xml: nonnullString }), domRet, {
  priority: 'high',
});

/**
 * 350: define a persistent domain from XML; flags VIR_DOMAIN_DEFINE_VALIDATE=1 checks it against the schema.
 * Very old daemons answer "unknown procedure: 350" (fall back to 11).
 * @see virDomainDefineXMLFlags
 */
export const DOMAIN_DEFINE_XML_FLAGS = procedure(350, 'DOMAIN_DEFINE_XML_FLAGS', struct({ xml: nonnullString, flags: uint }), domRet, {
  priority: 'high',
});

/**
 * 35: remove a domain's persistent config. Legacy form without flags; fails for domains with NVRAM/snapshots — prefer 231.
 * @see virDomainUndefine
 */
export const DOMAIN_UNDEFINE = procedure(35, 'DOMAIN_UNDEFINE', domArgs, xdrVoid, { priority: 'high' });

/**
 * 231: remove a domain's persistent config; flags = virDomainUndefineFlagsValues (NVRAM, snapshots metadata, TPM…).
 * @see virDomainUndefineFlags
 */
export const DOMAIN_UNDEFINE_FLAGS = procedure(231, 'DOMAIN_UNDEFINE_FLAGS', domFlagsArgs, xdrVoid, {
  priority: 'high',
});

/**
 * 212: the domain's virDomainState and its per-state reason. `flags` must be 0.
 * @see virDomainGetState
 */
export const DOMAIN_GET_STATE = procedure(212, 'DOMAIN_GET_STATE', domFlagsArgs, struct({ state: int, reason: int }), {
  priority: 'high',
});

/**
 * `remote_domain_get_info_ret`. Wire trap: `unsigned char state` and
 * `unsigned short nrVirtCpu` are each widened to 4 bytes. Memory in KiB,
 * `cpuTime` in nanoseconds.
 */
export const domainInfo = struct({
  state: uchar,
  maxMem: uhyper,
  memory: uhyper,
  nrVirtCpu: ushort,
  cpuTime: uhyper,
});

/**
 * 16: state, memory (KiB), vCPU count and CPU time (ns). `state`/`nrVirtCpu` are 4 bytes each on the wire.
 * @see virDomainGetInfo
 */
export const DOMAIN_GET_INFO = procedure(16, 'DOMAIN_GET_INFO', domArgs, domainInfo);

/**
 * 14: the domain XML; flags = virDomainXMLFlags (SECURE, INACTIVE, UPDATE_CPU, MIGRATABLE).
 * @see virDomainGetXMLDesc
 */
export const DOMAIN_GET_XML_DESC = procedure(14, 'DOMAIN_GET_XML_DESC', domFlagsArgs, struct({ xml: nonnullString }));

/**
 * 15: whether the domain starts with the host (0/1).
 * @see virDomainGetAutostart
 */
export const DOMAIN_GET_AUTOSTART = procedure(15, 'DOMAIN_GET_AUTOSTART', domArgs, struct({ autostart: int }), {
  priority: 'high',
});

/**
 * 29: set autostart (0/1) for a persistent domain.
 * @see virDomainSetAutostart
 */
export const DOMAIN_SET_AUTOSTART = procedure(29, 'DOMAIN_SET_AUTOSTART', struct({ dom: nonnullDomain, autostart: int }), xdrVoid, {
  priority: 'high',
});

/**
 * 150: 1 when the domain is running (or paused), 0 when shut off.
 * @see virDomainIsActive
 */
export const DOMAIN_IS_ACTIVE = procedure(150, 'DOMAIN_IS_ACTIVE', domArgs, struct({ active: int }), {
  priority: 'high',
});

/**
 * 151: 1 when the domain has a persistent config, 0 when transient.
 * @see virDomainIsPersistent
 */
export const DOMAIN_IS_PERSISTENT = procedure(151, 'DOMAIN_IS_PERSISTENT', domArgs, struct({ persistent: int }), {
  priority: 'high',
});

/**
 * 277: the guest's hostname (from the guest agent or DHCP leases, per flags).
 * @see virDomainGetHostname
 */
export const DOMAIN_GET_HOSTNAME = procedure(277, 'DOMAIN_GET_HOSTNAME', domFlagsArgs, struct({ hostname: nonnullString }));
