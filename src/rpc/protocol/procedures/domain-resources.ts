/**
 * A domain's vCPU count and memory size: read and change them, live and/or
 * in the persistent config (`virDomainModificationImpact` flags).
 */
import { int, struct, uhyper, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullDomain } from '../types.js';
import { domFlagsArgs } from './domain.js';

/**
 * 199: set the number of vCPUs; flags = `VirDomainVcpuFlags` (AFFECT_LIVE 1, AFFECT_CONFIG 2,
 * MAXIMUM 4: the maximum instead of the current count, GUEST 8: through the guest agent, HOTPLUGGABLE 16).
 * @see virDomainSetVcpusFlags
 */
export const DOMAIN_SET_VCPUS_FLAGS = procedure(
  199,
  'DOMAIN_SET_VCPUS_FLAGS',
  struct({ dom: nonnullDomain, nvcpus: uint, flags: uint }),
  xdrVoid,
);

/**
 * 200: the number of vCPUs (same flags as 199; `num` is a signed int).
 * @see virDomainGetVcpusFlags
 */
export const DOMAIN_GET_VCPUS_FLAGS = procedure(200, 'DOMAIN_GET_VCPUS_FLAGS', domFlagsArgs, struct({ num: int }));

/**
 * 204: set the memory, in KiB; flags = `VirDomainMemoryModFlags` (AFFECT_LIVE 1, AFFECT_CONFIG 2,
 * MAXIMUM 4: the maximum instead of the current allocation). Live changes need a balloon device.
 * @see virDomainSetMemoryFlags
 */
export const DOMAIN_SET_MEMORY_FLAGS = procedure(
  204,
  'DOMAIN_SET_MEMORY_FLAGS',
  struct({ dom: nonnullDomain, memory: uhyper, flags: uint }),
  xdrVoid,
);
