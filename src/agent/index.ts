/**
 * `libvirt-manager/agent`: the QEMU guest agent as a typed API — commands,
 * files as streams, filesystem freeze, passwords, guest information. See
 * docs/agent.md.
 *
 * @module agent
 */
export { AgentManager, type SetUserPasswordOptions, type GuestInfoOptions } from './manager.js';
export type { AgentManagerOptions, AgentCallOptions } from './context.js';
export type { AgentJson } from './command.js';
export { AGENT_CHANNEL_XML } from './failures.js';
export { type ExecOptions, type ExecResult, MAX_EXEC_INPUT_BYTES, MAX_EXEC_OUTPUT_BYTES } from './exec.js';
export type { ExecStreamOptions, GuestProcess } from './exec-stream.js';
export { type ReadFileOptions, type WriteFileOptions, MAX_FILE_CHUNK } from './files.js';
export { FrozenFilesystems, MAX_FREEZE_WATCHDOG_MS, type FreezeOptions, type FreezeState, type ThawTrigger } from './freeze.js';
export type { GuestInfo, GuestInfoType, GuestOsInfo, GuestUser, GuestFilesystem, GuestDisk, GuestInterface } from './guest-info.js';
export { GuestAgentError, GuestExecError, type GuestAgentFailure } from '../errors/index.js';
