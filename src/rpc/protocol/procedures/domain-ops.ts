/**
 * Single-call domain operations: input (keys, NMI, signals), power
 * management, guest agent extras (fstrim, SSH keys, response timeout),
 * rename, security labels, messages, block threshold, memory and disk peeks,
 * job abort with flags, graphics reload, dirty-rate measurement.
 */
import { array, charArray, hyper, int, opaque, struct, uhyper, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_DOMAIN_MESSAGES_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { nonnullDomain, nonnullString, remoteString } from '../types.js';
import { domArgs, domFlagsArgs } from './domain.js';

/** `REMOTE_DOMAIN_SEND_KEY_MAX`: most key codes in one DOMAIN_SEND_KEY. */
export const REMOTE_DOMAIN_SEND_KEY_MAX = 16;
/** `REMOTE_DOMAIN_BLOCK_PEEK_BUFFER_MAX` / `REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX`: most bytes one peek returns (4 MiB). */
export const REMOTE_DOMAIN_PEEK_BUFFER_MAX = 4_194_304;
/** `REMOTE_SECURITY_LABEL_LIST_MAX`. */
export const REMOTE_SECURITY_LABEL_LIST_MAX = 64;
/** `REMOTE_SECURITY_LABEL_MAX` = `VIR_SECURITY_LABEL_BUFLEN` (4096 + 1 for the NUL). */
export const REMOTE_SECURITY_LABEL_MAX = 4097;
/** `REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX`. */
export const REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX = 2048;
/** `REMOTE_DOMAIN_LAUNCH_SECURITY_INFO_PARAMS_MAX`. */
export const REMOTE_DOMAIN_LAUNCH_SECURITY_INFO_PARAMS_MAX = 64;

/**
 * 226: press and release keys: `codeset` (virKeycodeSet: LINUX 0, XT 1, ATSET1 2, ATSET2 3, ATSET3 4,
 * OSX 5, XT_KBD 6, USB 7, WIN32 8, QNUM 9), `holdtime` in ms (0 = the hypervisor's default), at most 16
 * codes pressed together. flags 0.
 * @see virDomainSendKey
 */
export const DOMAIN_SEND_KEY = procedure(
  226,
  'DOMAIN_SEND_KEY',
  struct({ dom: nonnullDomain, codeset: uint, holdtime: uint, keycodes: array(uint, REMOTE_DOMAIN_SEND_KEY_MAX), flags: uint }),
  xdrVoid,
);

/**
 * 210: send a non-maskable interrupt to the guest. flags 0.
 * @see virDomainInjectNMI
 */
export const DOMAIN_INJECT_NMI = procedure(210, 'DOMAIN_INJECT_NMI', domFlagsArgs, xdrVoid);

/**
 * 295: send signal `signum` (virDomainProcessSignal, Linux numbering) to process `pid_value` inside a
 * container guest (LXC). QEMU does not implement it. flags 0.
 * @see virDomainSendProcessSignal
 */
export const DOMAIN_SEND_PROCESS_SIGNAL = procedure(
  295,
  'DOMAIN_SEND_PROCESS_SIGNAL',
  struct({ dom: nonnullDomain, pid_value: hyper, signum: uint, flags: uint }),
  xdrVoid,
);

/**
 * 294: discard unused blocks in the guest's filesystems (guest agent); `mountPoint` NULL = all,
 * `minimum` bytes: skip free ranges smaller than this. flags 0.
 * @see virDomainFSTrim
 */
export const DOMAIN_FSTRIM = procedure(
  294,
  'DOMAIN_FSTRIM',
  struct({ dom: nonnullDomain, mountPoint: remoteString, minimum: uhyper, flags: uint }),
  xdrVoid,
);

/**
 * 424: a guest user's `~/.ssh/authorized_keys` lines (guest agent). flags 0.
 * @see virDomainAuthorizedSSHKeysGet
 */
export const DOMAIN_AUTHORIZED_SSH_KEYS_GET = procedure(
  424,
  'DOMAIN_AUTHORIZED_SSH_KEYS_GET',
  struct({ dom: nonnullDomain, user: nonnullString, flags: uint }),
  struct({ keys: array(nonnullString, REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX) }),
);

/**
 * 425: add (or with flags APPEND 1 unset: replace) a guest user's authorized keys; REMOVE 2 removes the
 * given keys instead (guest agent).
 * @see virDomainAuthorizedSSHKeysSet
 */
export const DOMAIN_AUTHORIZED_SSH_KEYS_SET = procedure(
  425,
  'DOMAIN_AUTHORIZED_SSH_KEYS_SET',
  struct({ dom: nonnullDomain, user: nonnullString, keys: array(nonnullString, REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX), flags: uint }),
  xdrVoid,
);

/**
 * 358: rename an inactive persistent domain; `retcode` 0. flags 0. libvirt emits UNDEFINED/RENAMED for the
 * old name and DEFINED/RENAMED for the new one; the UUID stays.
 * @see virDomainRename
 */
export const DOMAIN_RENAME = procedure(
  358,
  'DOMAIN_RENAME',
  struct({ dom: nonnullDomain, new_name: remoteString, flags: uint }),
  struct({ retcode: int }),
);

/**
 * 261: suspend the guest to RAM (MEM 0), disk (DISK 1) or both (HYBRID 2) through the guest agent;
 * `duration` seconds (0 = until woken; QEMU refuses any other). flags 0. DOMAIN_PM_WAKEUP (267) wakes it.
 * @see virDomainPMSuspendForDuration
 */
export const DOMAIN_PM_SUSPEND_FOR_DURATION = procedure(
  261,
  'DOMAIN_PM_SUSPEND_FOR_DURATION',
  struct({ dom: nonnullDomain, target: uint, duration: uhyper, flags: uint }),
  xdrVoid,
);

/** `remote_domain_get_security_label_ret`: the label as `char<>` (4 bytes a char, NUL-terminated) and enforcing 0/1. */
export const securityLabel = struct({ label: charArray(REMOTE_SECURITY_LABEL_MAX), enforcing: int });

/**
 * 278: every security label of the running domain's process (one per security driver: selinux, dac…);
 * `ret` is their count. Inactive domains have none.
 * @see virDomainGetSecurityLabelList
 */
export const DOMAIN_GET_SECURITY_LABEL_LIST = procedure(
  278,
  'DOMAIN_GET_SECURITY_LABEL_LIST',
  domArgs,
  struct({ labels: array(securityLabel, REMOTE_SECURITY_LABEL_LIST_MAX), ret: int }),
  { priority: 'high' },
);

/**
 * 426: messages libvirt keeps about the domain (tainting reasons, deprecated config). flags =
 * virDomainMessageType: DEPRECATION 1, TAINTING 2 (0 = both).
 * @see virDomainGetMessages
 */
export const DOMAIN_GET_MESSAGES = procedure(
  426,
  'DOMAIN_GET_MESSAGES',
  domFlagsArgs,
  struct({ msgs: array(nonnullString, REMOTE_DOMAIN_MESSAGES_MAX) }),
);

/**
 * 386: fire one BLOCK_THRESHOLD event when writes to disk `dev` pass `threshold` bytes (0 clears). flags 0.
 * @see virDomainSetBlockThreshold
 */
export const DOMAIN_SET_BLOCK_THRESHOLD = procedure(
  386,
  'DOMAIN_SET_BLOCK_THRESHOLD',
  struct({ dom: nonnullDomain, dev: nonnullString, threshold: uhyper, flags: uint }),
  xdrVoid,
);

/**
 * 103: read `size` bytes at `offset` of disk `path` (target name or source path). flags 0. At most
 * REMOTE_DOMAIN_BLOCK_PEEK_BUFFER_MAX bytes.
 * @see virDomainBlockPeek
 */
export const DOMAIN_BLOCK_PEEK = procedure(
  103,
  'DOMAIN_BLOCK_PEEK',
  struct({ dom: nonnullDomain, path: nonnullString, offset: uhyper, size: uint, flags: uint }),
  struct({ buffer: opaque(REMOTE_DOMAIN_PEEK_BUFFER_MAX) }),
);

/**
 * 104: read `size` bytes of guest memory at `offset`; flags = virDomainMemoryFlags: VIRTUAL 1 or PHYSICAL 2
 * (exactly one). At most REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX bytes.
 * @see virDomainMemoryPeek
 */
export const DOMAIN_MEMORY_PEEK = procedure(
  104,
  'DOMAIN_MEMORY_PEEK',
  struct({ dom: nonnullDomain, offset: uhyper, size: uint, flags: uint }),
  struct({ buffer: opaque(REMOTE_DOMAIN_PEEK_BUFFER_MAX) }),
);

/**
 * 442 (libvirt ≥ 8.5): cancel the domain's job; flags = virDomainAbortJobFlagsValues: POSTCOPY 1 (interrupt
 * a post-copy migration, leaving it resumable).
 * @see virDomainAbortJobFlags
 */
export const DOMAIN_ABORT_JOB_FLAGS = procedure(442, 'DOMAIN_ABORT_JOB_FLAGS', domFlagsArgs, xdrVoid);

/**
 * 448 (libvirt ≥ 10.2): make the graphics server re-read its TLS certificates; `type` =
 * virDomainGraphicsReloadType: ANY 0, VNC 1. flags 0.
 * @see virDomainGraphicsReload
 */
export const DOMAIN_GRAPHICS_RELOAD = procedure(
  448,
  'DOMAIN_GRAPHICS_RELOAD',
  struct({ dom: nonnullDomain, type: uint, flags: uint }),
  xdrVoid,
);

/**
 * 420: how long libvirt waits for the guest agent, in seconds: -2 block, -1 default (5 s), 0 do not wait,
 * > 0 that many. `result` 0. flags 0.
 * @see virDomainAgentSetResponseTimeout
 */
export const DOMAIN_AGENT_SET_RESPONSE_TIMEOUT = procedure(
  420,
  'DOMAIN_AGENT_SET_RESPONSE_TIMEOUT',
  struct({ dom: nonnullDomain, timeout: int, flags: uint }),
  struct({ result: int }),
);

/**
 * 202: 1 when the running domain's config was changed since it started (its next start differs).
 * @see virDomainIsUpdated
 */
export const DOMAIN_IS_UPDATED = procedure(202, 'DOMAIN_IS_UPDATED', domArgs, struct({ updated: int }), { priority: 'high' });

/**
 * 396: the launch security (AMD SEV) measurement and policy as typed parameters (`sev-measurement`,
 * `sev-api-major`…); none for a domain without `<launchSecurity>`. flags 0.
 * @see virDomainGetLaunchSecurityInfo
 */
export const DOMAIN_GET_LAUNCH_SECURITY_INFO = procedure(
  396,
  'DOMAIN_GET_LAUNCH_SECURITY_INFO',
  domFlagsArgs,
  struct({ params: typedParams(REMOTE_DOMAIN_LAUNCH_SECURITY_INFO_PARAMS_MAX) }),
);

/**
 * 427: start measuring the guest's memory dirty rate over `seconds`; the result appears in the `dirtyrate`
 * stats group. flags = virDomainDirtyRateCalcFlags: PAGE_SAMPLING 0, DIRTY_BITMAP 1, DIRTY_RING 2.
 * @see virDomainStartDirtyRateCalc
 */
export const DOMAIN_START_DIRTY_RATE_CALC = procedure(
  427,
  'DOMAIN_START_DIRTY_RATE_CALC',
  struct({ dom: nonnullDomain, seconds: int, flags: uint }),
  xdrVoid,
);

/**
 * 449 (libvirt ≥ 11.2): 1 when the domain starts once with the next host boot, then the flag clears.
 * @see virDomainGetAutostartOnce
 */
export const DOMAIN_GET_AUTOSTART_ONCE = procedure(449, 'DOMAIN_GET_AUTOSTART_ONCE', domArgs, struct({ autostart: int }), {
  priority: 'high',
});

/**
 * 450 (libvirt ≥ 11.2): start the domain once with the next host boot (1) or not (0).
 * @see virDomainSetAutostartOnce
 */
export const DOMAIN_SET_AUTOSTART_ONCE = procedure(
  450,
  'DOMAIN_SET_AUTOSTART_ONCE',
  struct({ dom: nonnullDomain, autostart: int }),
  xdrVoid,
  { priority: 'high' },
);
