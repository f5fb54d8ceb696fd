/**
 * The options each agent method takes, and the check that refuses any other
 * key before anything is sent: a misspelled `waitForAgnet` would otherwise
 * run without waiting, `maxBufer` keep the default limit.
 *
 * @module
 */
import { CALL_OPTION_KEYS } from '../connection/internal.js';
import { ErrorCode, checkKeys, type KnownKeys } from '../errors/index.js';
import type { AgentCallOptions } from './context.js';
import type { ExecStreamOptions } from './exec-stream.js';
import type { ExecOptions } from './exec.js';
import type { ReadFileOptions, WriteFileOptions } from './files.js';
import type { FreezeOptions } from './freeze.js';
import type { GuestInfoType } from './guest-info.js';

/** Options of {@link AgentManager.setUserPassword}. */
export interface SetUserPasswordOptions extends AgentCallOptions {
  /** The password is already a crypt() hash (`$6$…`). @default false */
  encrypted?: boolean;
}

/** Options of {@link AgentManager.getGuestInfo}. */
export interface GuestInfoOptions extends AgentCallOptions {
  /** What to ask for. @default everything */
  types?: readonly GuestInfoType[];
}

const CALL = { ...CALL_OPTION_KEYS, waitForAgent: true } as const satisfies KnownKeys<AgentCallOptions>;

/** Each method's option keys, tied to its options type (a new option not listed here fails tsc). */
const AGENT_OPTION_KEYS = {
  command: CALL,
  supportedCommands: CALL,
  exec: { ...CALL, input: true, env: true, maxBuffer: true, check: true } as const satisfies KnownKeys<ExecOptions>,
  execStream: { ...CALL, input: true, env: true, shell: true, tempDir: true } as const satisfies KnownKeys<ExecStreamOptions>,
  readFile: { ...CALL, maxBytes: true, chunkSize: true } as const satisfies KnownKeys<ReadFileOptions>,
  writeFile: { ...CALL, maxBytes: true, chunkSize: true, mode: true } as const satisfies KnownKeys<WriteFileOptions>,
  freeze: { ...CALL, mountpoints: true, watchdog: true } as const satisfies KnownKeys<FreezeOptions>,
  setUserPassword: { ...CALL, encrypted: true } as const satisfies KnownKeys<SetUserPasswordOptions>,
  getGuestInfo: { ...CALL, types: true } as const satisfies KnownKeys<GuestInfoOptions>,
} as const;

/** An `AgentManager` method that takes options. */
export type AgentMethod = keyof typeof AGENT_OPTION_KEYS;

/**
 * Refuse an option `method` does not take. Options that are not an object are left to the method's own checks.
 *
 * @example checkAgentOptionKeys('exec', { maxBufer: 1024 }); // unknown option 'maxBufer' (did you mean 'maxBuffer'?)
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_ARGUMENT`, `path` the key)
 */
export function checkAgentOptionKeys(method: AgentMethod, options: unknown): void {
  if (typeof options !== 'object' || options === null) return;
  checkKeys(options, AGENT_OPTION_KEYS[method], '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
}
