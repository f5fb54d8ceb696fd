/**
 * The QEMU program (`QEMU_PROGRAM`, qemu_protocol.x): same framing, serials
 * and error replies as the main program, only the header's program differs.
 * Kept out of `ALL_PROCEDURES`, whose numbers are the main program's.
 */
import { int, struct, uint } from '../../xdr/index.js';
import { QEMU_PROGRAM } from '../constants.js';
import { procedure } from '../procedure.js';
import { nonnullDomain, nonnullString, remoteString } from '../types.js';

/** `QEMU_PROTOCOL_VERSION`. */
export const QEMU_PROTOCOL_VERSION = 1;

/**
 * `virDomainQemuAgentCommandTimeoutValues`: the agent timeout of QEMU 3, in seconds, or one of these.
 * BLOCK waits for ever, DEFAULT uses the domain's agent timeout, NOWAIT sends without waiting.
 */
export const VirDomainQemuAgentCommandTimeout = {
  VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK: -2,
  VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT: -1,
  VIR_DOMAIN_QEMU_AGENT_COMMAND_NOWAIT: 0,
} as const;

/**
 * QEMU 3: send raw guest-agent JSON (`{"execute":…,"arguments":…}`) and return the agent's whole reply JSON,
 * `null` when there is none (NOWAIT). `timeout` in seconds (see {@link VirDomainQemuAgentCommandTimeout}); flags: none.
 * libvirt marks the domain tainted ("custom-ga-command").
 * @see virDomainQemuAgentCommand
 */
export const QEMU_DOMAIN_AGENT_COMMAND = procedure(
  3,
  'DOMAIN_AGENT_COMMAND',
  struct({ dom: nonnullDomain, cmd: nonnullString, timeout: int, flags: uint }),
  struct({ result: remoteString }),
  { program: QEMU_PROGRAM, version: QEMU_PROTOCOL_VERSION },
);
