/**
 * libvirt's own wrappers of guest-agent commands (REMOTE_PROGRAM; no
 * tainting, unlike the QEMU program's raw agent command): passwords,
 * filesystem freeze and thaw, and the guest's information.
 */
import { array, int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX } from '../constants.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { nonnullDomain, nonnullString, remoteString } from '../types.js';

/** `REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX`: mountpoints in one freeze or thaw request. */
export const REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX = 256;

const fsFreezeArgs = struct({ dom: nonnullDomain, mountpoints: array(nonnullString, REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX), flags: uint });

/**
 * 335: freeze the guest's filesystems (`mountpoints` empty = all); returns how many were frozen. flags: none.
 * @see virDomainFSFreeze
 */
export const DOMAIN_FSFREEZE = procedure(335, 'DOMAIN_FSFREEZE', fsFreezeArgs, struct({ filesystems: int }));

/**
 * 336: thaw the guest's filesystems (`mountpoints` empty = all); returns how many were thawed. flags: none.
 * @see virDomainFSThaw
 */
export const DOMAIN_FSTHAW = procedure(336, 'DOMAIN_FSTHAW', fsFreezeArgs, struct({ filesystems: int }));

/**
 * 357: set a guest user's password through the agent (`guest-set-user-password`); flags =
 * `VIR_DOMAIN_PASSWORD_ENCRYPTED` (1): the password is already crypt()-encrypted.
 * @see virDomainSetUserPassword
 */
export const DOMAIN_SET_USER_PASSWORD = procedure(
  357,
  'DOMAIN_SET_USER_PASSWORD',
  struct({ dom: nonnullDomain, user: remoteString, password: remoteString, flags: uint }),
  xdrVoid,
);

/**
 * 418: what the agent knows of the guest as typed parameters (`user.0.name`, `os.kernel-release`, …);
 * `types` = `VirDomainGuestInfoTypes` bitmask (0 = every type this libvirt asks for). flags: none.
 * @see virDomainGetGuestInfo
 */
export const DOMAIN_GET_GUEST_INFO = procedure(
  418,
  'DOMAIN_GET_GUEST_INFO',
  struct({ dom: nonnullDomain, types: uint, flags: uint }),
  struct({ params: typedParams(REMOTE_DOMAIN_GUEST_INFO_PARAMS_MAX) }),
);

/** `virDomainGuestInfoTypes`: what DOMAIN_GET_GUEST_INFO asks the agent for (INTERFACES answers on libvirt 9.0 here). */
export const VirDomainGuestInfoTypes = {
  VIR_DOMAIN_GUEST_INFO_USERS: 1,
  VIR_DOMAIN_GUEST_INFO_OS: 2,
  VIR_DOMAIN_GUEST_INFO_TIMEZONE: 4,
  VIR_DOMAIN_GUEST_INFO_HOSTNAME: 8,
  VIR_DOMAIN_GUEST_INFO_FILESYSTEM: 16,
  VIR_DOMAIN_GUEST_INFO_DISKS: 32,
  VIR_DOMAIN_GUEST_INFO_INTERFACES: 64,
} as const;
