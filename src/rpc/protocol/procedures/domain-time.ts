/**
 * A running guest's clock: read it, set it, or have the guest re-read its
 * hardware clock. QEMU does this through the guest agent; the test driver
 * keeps a value per domain.
 */
import { hyper, struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullDomain } from '../types.js';
import { domFlagsArgs } from './domain.js';

/**
 * 337: the guest's time, in seconds and nanoseconds since the Unix epoch (flags: none yet).
 * @see virDomainGetTime
 */
export const DOMAIN_GET_TIME = procedure(337, 'DOMAIN_GET_TIME', domFlagsArgs, struct({ seconds: hyper, nseconds: uint }));

/**
 * 338: set the guest's time; flags = `VirDomainSetTimeFlags` (TIME_SYNC 1: the guest re-reads its own
 * hardware clock, `seconds`/`nseconds` are ignored).
 * @see virDomainSetTime
 */
export const DOMAIN_SET_TIME = procedure(
  338,
  'DOMAIN_SET_TIME',
  struct({ dom: nonnullDomain, seconds: hyper, nseconds: uint, flags: uint }),
  xdrVoid,
);
