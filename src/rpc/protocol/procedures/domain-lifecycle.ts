/**
 * Domain lifecycle procedures: start, shut down, reboot, reset, destroy,
 * suspend/resume, managed save and power-management wake-up.
 *
 * libvirt may still complete any of these after the caller stopped waiting;
 * confirm the outcome with DOMAIN_GET_STATE or lifecycle events.
 */
import { int, struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullString } from '../types.js';
import { domArgs, domFlagsArgs, domRet } from './domain.js';

/**
 * 9: start a defined domain. Legacy: returns nothing, so the new id is unknown
 * (libvirt's client re-looks it up by UUID); prefer 196.
 * @see virDomainCreate
 */
export const DOMAIN_CREATE = procedure(9, 'DOMAIN_CREATE', domArgs, xdrVoid);

/**
 * 196: start a defined domain; returns it with its new id. flags = virDomainCreateFlags.
 * @see virDomainCreateWithFlags
 */
export const DOMAIN_CREATE_WITH_FLAGS = procedure(196, 'DOMAIN_CREATE_WITH_FLAGS', domFlagsArgs, domRet);

/**
 * 10: create and start a transient domain from XML. Note the field is `xml_desc`, not `xml`.
 * @see virDomainCreateXML
 */
export const DOMAIN_CREATE_XML = procedure(10, 'DOMAIN_CREATE_XML', struct({ xml_desc: nonnullString, flags: uint }), domRet);

/**
 * 33: ask the guest to shut down (hypervisor's default method). Legacy; prefer 258.
 * @see virDomainShutdown
 */
export const DOMAIN_SHUTDOWN = procedure(33, 'DOMAIN_SHUTDOWN', domArgs, xdrVoid);

/**
 * 258: ask the guest to shut down; flags = virDomainShutdownFlagValues (ACPI,
 * agent, …; 0 = default). Returns once the request is delivered — the guest
 * may ignore it. The test driver only accepts flags 0.
 * @see virDomainShutdownFlags
 */
export const DOMAIN_SHUTDOWN_FLAGS = procedure(258, 'DOMAIN_SHUTDOWN_FLAGS', domFlagsArgs, xdrVoid);

/**
 * 27: ask the guest to reboot; flags = virDomainRebootFlagValues.
 * @see virDomainReboot
 */
export const DOMAIN_REBOOT = procedure(27, 'DOMAIN_REBOOT', domFlagsArgs, xdrVoid);

/**
 * 245: hard reset (like pressing the reset button). `flags` reserved, pass 0.
 * @see virDomainReset
 */
export const DOMAIN_RESET = procedure(245, 'DOMAIN_RESET', domFlagsArgs, xdrVoid);

/**
 * 12: power off immediately. Legacy form without flags; prefer 234.
 * @see virDomainDestroy
 */
export const DOMAIN_DESTROY = procedure(12, 'DOMAIN_DESTROY', domArgs, xdrVoid, { priority: 'high' });

/**
 * 234: power off; flags = virDomainDestroyFlagsValues (GRACEFUL=1 sends SIGTERM only).
 * High priority, so it is served even when normal workers are stuck.
 * @see virDomainDestroyFlags
 */
export const DOMAIN_DESTROY_FLAGS = procedure(234, 'DOMAIN_DESTROY_FLAGS', domFlagsArgs, xdrVoid, {
  priority: 'high',
});

/**
 * 34: pause all vCPUs.
 * @see virDomainSuspend
 */
export const DOMAIN_SUSPEND = procedure(34, 'DOMAIN_SUSPEND', domArgs, xdrVoid);

/**
 * 28: resume a paused domain.
 * @see virDomainResume
 */
export const DOMAIN_RESUME = procedure(28, 'DOMAIN_RESUME', domArgs, xdrVoid);

/**
 * 182: save memory state to the managed save image and stop; flags = virDomainSaveRestoreFlags.
 * @see virDomainManagedSave
 */
export const DOMAIN_MANAGED_SAVE = procedure(182, 'DOMAIN_MANAGED_SAVE', domFlagsArgs, xdrVoid);

/**
 * 183: 1 when a managed save image exists.
 * @see virDomainHasManagedSaveImage
 */
export const DOMAIN_HAS_MANAGED_SAVE_IMAGE = procedure(183, 'DOMAIN_HAS_MANAGED_SAVE_IMAGE', domFlagsArgs, struct({ result: int }));

/**
 * 184: delete the managed save image (the next start boots afresh).
 * @see virDomainManagedSaveRemove
 */
export const DOMAIN_MANAGED_SAVE_REMOVE = procedure(184, 'DOMAIN_MANAGED_SAVE_REMOVE', domFlagsArgs, xdrVoid);

/**
 * 267: wake a guest suspended to RAM (pmsuspended). `flags` reserved, pass 0.
 * @see virDomainPMWakeup
 */
export const DOMAIN_PM_WAKEUP = procedure(267, 'DOMAIN_PM_WAKEUP', domFlagsArgs, xdrVoid);
