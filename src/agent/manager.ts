/**
 * `AgentManager`: the QEMU guest agent as a typed API. One implementation,
 * reachable from the facade as `manager.agent`.
 *
 * @module
 */
import type { Readable, Writable } from 'node:stream';
import type { LibvirtConnection } from '../connection/internal.js';
import { InvalidArgumentError } from '../errors/index.js';
import { type VmInput, checkCallOptions, checkVmInput } from '../runtime/index.js';
import { type AgentJson, agentCall, supportedCommands } from './command.js';
import { type AgentCallOptions, type AgentContext, type AgentManagerOptions, createAgentContext, startRun } from './context.js';
import { type ExecOptions, type ExecResult, checkExec, exec } from './exec.js';
import { type ExecStreamOptions, type GuestProcess, execStream } from './exec-stream.js';
import { explainFailure } from './failures.js';
import { type GuestInfoOptions, type SetUserPasswordOptions, checkAgentOptionKeys } from './option-keys.js';

export type { GuestInfoOptions, SetUserPasswordOptions } from './option-keys.js';
import { type ReadFileOptions, type WriteFileOptions, checkFileOptions, readStream, writeStream } from './files.js';
import { type FreezeOptions, type FrozenFilesystems, checkFreeze, freeze } from './freeze.js';
import { type GuestInfo, guestInfoTypes, parseGuestInfo } from './guest-info.js';

/** Default budget of `exec` (ms): commands may run a while. */
const DEFAULT_EXEC_TIMEOUT = 60_000;

/**
 * Acts inside running guests through the QEMU guest agent (qemu-ga): run
 * commands, read and write files, freeze filesystems, set passwords, read
 * what the guest reports. The VM needs the agent's channel (see
 * {@link GuestAgentError} `'not-configured'`) and qemu-ga running in the guest.
 *
 * Agent operations do not take the VM's turn in its queue (they act inside
 * the guest and may last long; a power operation or a teardown must not wait
 * on them): a VM stopped under one makes it fail. Errors: `InvalidArgumentError`
 * before anything is sent; {@link GuestAgentError} (`reason`); {@link GuestExecError};
 * `TimeoutError` / `AbortError`; `DomainNotFoundError`.
 *
 * @example
 * const manager = await LibvirtManager.connect('qemu:///system');
 * const { stdout } = await manager.agent.exec('web1', ['/bin/sh', '-c', 'uname -r']);
 */
export class AgentManager {
  readonly #ctx: AgentContext;

  /** @throws `InvalidArgumentError` for a bad `pollInterval` */
  constructor(connection: LibvirtConnection, options: AgentManagerOptions = {}) {
    const poll = options.pollInterval;
    if (poll !== undefined && (!Number.isSafeInteger(poll) || poll < 50)) {
      throw new InvalidArgumentError('pollInterval must be an integer of at least 50 ms', { path: 'pollInterval' });
    }
    this.#ctx = createAgentContext(connection, options);
  }

  /**
   * Send any agent command (`virsh qemu-agent-command`) and return the agent's `return` value as JSON.
   * libvirt marks the domain tainted ("custom-ga-command"); prefer the typed methods where they exist.
   * @example await manager.agent.command('web1', 'guest-get-osinfo')
   * @throws {@link GuestAgentError} (`'unsupported-command'` when the agent's guest-info list lacks it)
   * @see virDomainQemuAgentCommand
   */
  async command(vm: VmInput, command: string, args?: Record<string, unknown>, options: AgentCallOptions = {}): Promise<AgentJson> {
    checkVmInput(vm);
    checkAgentOptionKeys('command', options);
    if (typeof command !== 'string' || !/^[a-z][a-z0-9-]*$/i.test(command)) {
      throw new InvalidArgumentError('command must be an agent command name such as guest-ping', { path: 'command' });
    }
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
      throw new InvalidArgumentError('args must be an object', { path: 'args' });
    }
    const run = await startRun(this.#ctx, vm, options);
    return agentCall(run, command, args);
  }

  /**
   * The agent's enabled commands (from `guest-info`), to feature-detect before calling.
   * @example (await manager.agent.supportedCommands('web1')).has('guest-exec')
   * @throws {@link GuestAgentError}
   */
  async supportedCommands(vm: VmInput, options: AgentCallOptions = {}): Promise<ReadonlySet<string>> {
    checkVmInput(vm);
    checkAgentOptionKeys('supportedCommands', options);
    return supportedCommands(await startRun(this.#ctx, vm, options));
  }

  /**
   * Run a program in the guest (`guest-exec`) with optional stdin and environment, and wait for it to exit
   * (`guest-exec-status` polled, 50 ms doubling to `pollInterval`). A command still running when `timeout`
   * elapses or `signal` fires is killed with the guest's `kill -KILL`, then the call fails with
   * `TimeoutError` / `AbortError`. A non-zero exit is a result, not an error, unless `check: true`.
   * @example const r = await manager.agent.exec('web1', ['/bin/sh', '-c', 'cat; exit 3'], { input: 'hi' }); // r.exitCode 3
   * @throws `InvalidArgumentError` · {@link GuestAgentError} · {@link GuestExecError} (with `check`) · `TimeoutError`
   */
  async exec(vm: VmInput, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    checkVmInput(vm);
    checkAgentOptionKeys('exec', options);
    checkExec(argv, options);
    checkCallOptions(options, DEFAULT_EXEC_TIMEOUT);
    return exec(await startRun(this.#ctx, vm, options, DEFAULT_EXEC_TIMEOUT), argv, options);
  }

  /**
   * Run a program in a POSIX guest with its stdout and stderr as streams, read while it runs: the guest's shell
   * sends them to two files in `tempDir`, which the SDK follows and removes afterwards (qemu-ga 7.2 gives
   * `guest-exec`'s own output only at exit). Output a consumer does not read stays in the guest (back-pressure);
   * read or destroy both streams. `timeout` (default 60 s) and `signal` cover the whole run, streams included:
   * a command still running then is killed, the streams and `exited` fail with `TimeoutError` / `AbortError`.
   * @example
   * const p = await manager.agent.execStream('web1', ['/usr/bin/journalctl', '-f', '-n', '10'], { timeout: 0, signal });
   * p.stdout.pipe(process.stdout);
   * @throws `InvalidArgumentError` · {@link GuestAgentError}
   */
  async execStream(vm: VmInput, argv: readonly string[], options: ExecStreamOptions = {}): Promise<GuestProcess> {
    checkVmInput(vm);
    checkAgentOptionKeys('execStream', options);
    checkExec(argv, options);
    checkCallOptions(options, DEFAULT_EXEC_TIMEOUT);
    return execStream(await startRun(this.#ctx, vm, options, DEFAULT_EXEC_TIMEOUT), argv, options);
  }

  /**
   * A guest file as a Node `Readable` (`guest-file-open`/`-read`/`-close`), read chunk by chunk as it is
   * consumed. Errors (also before the open) arrive as the stream's `'error'`. The handle is always closed.
   * `timeout` bounds the whole transfer.
   * @example for await (const chunk of manager.agent.readFile('web1', '/etc/hostname')) process.stdout.write(chunk);
   * @throws `InvalidArgumentError` synchronously for bad options
   */
  readFile(vm: VmInput, path: string, options: ReadFileOptions = {}): Readable {
    checkVmInput(vm);
    checkAgentOptionKeys('readFile', options);
    checkFileOptions(path, options);
    checkCallOptions(options, 0);
    return readStream(() => startRun(this.#ctx, vm, { ...options, timeout: options.timeout ?? 0 }), path, options);
  }

  /**
   * A Node `Writable` onto a guest file (`guest-file-open`/`-write`/`-close`); `'finish'` once the guest has
   * closed it. Use with `stream.pipeline`. The handle is always closed, also on error and abort.
   * @example await pipeline(createReadStream('app.conf'), manager.agent.writeFile('web1', '/etc/app.conf'));
   * @throws `InvalidArgumentError` synchronously for bad options
   */
  writeFile(vm: VmInput, path: string, options: WriteFileOptions = {}): Writable {
    checkVmInput(vm);
    checkAgentOptionKeys('writeFile', options);
    checkFileOptions(path, options);
    checkCallOptions(options, 0);
    return writeStream(() => startRun(this.#ctx, vm, { ...options, timeout: options.timeout ?? 0 }), path, options);
  }

  /**
   * Freeze the guest's filesystems (`virsh domfsfreeze`) until the returned object is disposed of, `thaw()`
   * is called, `signal` fires, or the watchdog runs out (default 60 s). Hold it only for a snapshot or backup.
   * @example await using frozen = await manager.agent.freeze('db1', { mountpoints: ['/data'] });
   * @throws `InvalidArgumentError` · {@link GuestAgentError}
   * @see virDomainFSFreeze
   * @see virDomainFSThaw
   */
  async freeze(vm: VmInput, options: FreezeOptions = {}): Promise<FrozenFilesystems> {
    checkVmInput(vm);
    checkAgentOptionKeys('freeze', options);
    checkFreeze(options);
    return freeze(await startRun(this.#ctx, vm, options), options);
  }

  /**
   * Set a guest user's password (`virsh set-user-password`; qemu-ga runs `chpasswd` in Linux guests). The
   * password is sent in this one call and appears in no log line, error or event of the SDK.
   * @example await manager.agent.setUserPassword('web1', 'root', newPassword);
   * @throws `InvalidArgumentError` (without the password) · {@link GuestAgentError}
   * @see virDomainSetUserPassword
   */
  async setUserPassword(vm: VmInput, user: string, password: string, options: SetUserPasswordOptions = {}): Promise<void> {
    checkVmInput(vm);
    checkAgentOptionKeys('setUserPassword', options);
    if (typeof user !== 'string' || user.length === 0 || /[:\n\0]/.test(user)) {
      throw new InvalidArgumentError('user must be a user name without ":" or newlines', { path: 'user' });
    }
    if (typeof password !== 'string' || password.length === 0 || /[\n\0]/.test(password)) {
      throw new InvalidArgumentError('password must be a non-empty string without newlines (value not shown)', { path: 'password' });
    }
    const run = await startRun(this.#ctx, vm, options);
    try {
      await run.ctx.connection.domains.agent.setUserPassword(run.ref, user, password, {
        ...run.budget.call(),
        encrypted: options.encrypted === true,
      });
    } catch (error) {
      throw await explainFailure(run, 'guest-set-user-password', error);
    }
  }

  /**
   * What the agent reports of the guest (`virsh guestinfo`): OS and kernel, hostname, timezone, users,
   * filesystems, disks, interfaces.
   * @example (await manager.agent.getGuestInfo('web1')).os?.kernelRelease
   * @throws `InvalidArgumentError` · {@link GuestAgentError}
   * @see virDomainGetGuestInfo
   */
  async getGuestInfo(vm: VmInput, options: GuestInfoOptions = {}): Promise<GuestInfo> {
    checkVmInput(vm);
    checkAgentOptionKeys('getGuestInfo', options);
    const types = guestInfoTypes(options.types);
    const run = await startRun(this.#ctx, vm, options);
    try {
      return parseGuestInfo(await run.ctx.connection.domains.agent.guestInfo(run.ref, types, run.budget.call()));
    } catch (error) {
      throw await explainFailure(run, 'guest-info', error);
    }
  }
}
