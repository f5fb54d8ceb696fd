import { LibvirtManagerError, type LibvirtManagerErrorOptions } from './base.js';
import { ErrorCode } from './sdk-codes.js';

/** Why the guest agent could not do what was asked. */
export type GuestAgentFailure =
  /** The VM has no guest agent channel; {@link GuestAgentError.channelXml} is the device to add. */
  | 'not-configured'
  /** The VM has the channel but no agent answers on it (not installed, not started, guest not booted). */
  | 'not-connected'
  /** The agent did not answer within the time given. */
  | 'timeout'
  /** The agent does not have this command, or has it disabled (its `guest-info` list): by a blocklist, or while filesystems are frozen (qemu-ga then allows only the freeze family, ping and info). */
  | 'unsupported-command'
  /** The agent ran the command and reported an error (its message is in `agentMessage`). */
  | 'command-failed';

/**
 * The QEMU guest agent could not run a command. Branch on `reason`:
 * `'not-configured'` (add {@link GuestAgentError.channelXml} to the domain),
 * `'not-connected'`, `'timeout'`, `'unsupported-command'`,
 * `'command-failed'` (`agentMessage` says why, as the agent wrote it).
 *
 * @example
 * try { await manager.agent.exec('web1', ['/bin/true']); } catch (e) {
 *   if (e instanceof GuestAgentError && e.reason === 'not-configured') console.log(e.channelXml);
 * }
 */
export class GuestAgentError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'GuestAgentError';
  declare readonly code: typeof ErrorCode.GUEST_AGENT;
  readonly reason: GuestAgentFailure;
  /** The agent command (`guest-exec`, …) or libvirt call that failed. */
  readonly command: string;
  /** For `'not-configured'`: the `<channel>` element that gives the domain an agent channel. */
  readonly channelXml: string | undefined;
  /** For `'command-failed'`: the agent's own error description. */
  readonly agentMessage: string | undefined;
  constructor(
    fields: { reason: GuestAgentFailure; command: string; channelXml?: string; agentMessage?: string },
    message: string,
    options?: LibvirtManagerErrorOptions,
  ) {
    super(ErrorCode.GUEST_AGENT, message, options);
    this.reason = fields.reason;
    this.command = fields.command;
    this.channelXml = fields.channelXml;
    this.agentMessage = fields.agentMessage;
  }
}

/**
 * A command run in the guest (`AgentManager.exec`) exited with a non-zero
 * code, was killed by a signal, or was killed at its timeout. Carries what
 * the command wrote (as far as it was captured).
 *
 * @example
 * try { await manager.agent.exec('web1', ['/bin/false'], { check: true }); } catch (e) {
 *   if (e instanceof GuestExecError) console.log(e.exitCode, e.stderr.toString());
 * }
 */
export class GuestExecError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'GuestExecError';
  declare readonly code: typeof ErrorCode.GUEST_EXEC;
  /** The program's path in the guest. */
  readonly path: string;
  /** Exit code, when it exited. */
  readonly exitCode: number | undefined;
  /** Signal number, when a signal ended it. */
  readonly signal: number | undefined;
  /** `true` when the SDK killed it (its `timeout` elapsed or the caller aborted). */
  readonly killed: boolean;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  constructor(
    fields: { path: string; exitCode?: number; signal?: number; killed: boolean; stdout: Buffer; stderr: Buffer },
    message: string,
    options?: LibvirtManagerErrorOptions,
  ) {
    super(ErrorCode.GUEST_EXEC, message, options);
    this.path = fields.path;
    this.exitCode = fields.exitCode;
    this.signal = fields.signal;
    this.killed = fields.killed;
    this.stdout = fields.stdout;
    this.stderr = fields.stderr;
  }
}
