import { InvalidArgumentError } from '../../errors/index.js';
import {
  type CallOptions,
  DOMAIN_AGENT_SET_RESPONSE_TIMEOUT,
  DOMAIN_AUTHORIZED_SSH_KEYS_GET,
  DOMAIN_AUTHORIZED_SSH_KEYS_SET,
  DOMAIN_FSTRIM,
  DOMAIN_PM_SUSPEND_FOR_DURATION,
  REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX,
} from '../../rpc/index.js';
import { checkBytes, checkChoice, checkInteger, checkOptions } from './check-options.js';
import { type DomainInput, checkName, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';

/** Options of {@link DomainGuestResource.fstrim}. */
export interface FstrimOptions extends CallOptions {
  /** One mounted filesystem in the guest (its mount point) instead of all. */
  mountPoint?: string;
  /** Skip free ranges smaller than this many bytes (the guest may round it up). @default 0 */
  minimumBytes?: number | bigint;
}

/** How {@link DomainGuestResource.setAuthorizedKeys} changes the user's keys. */
export type AuthorizedKeysMode = 'add' | 'replace' | 'remove';

/** Options of {@link DomainGuestResource.setAuthorizedKeys}. */
export interface AuthorizedKeysOptions extends CallOptions {
  /** `'add'` keeps the keys there (`VIR_DOMAIN_AUTHORIZED_SSH_KEYS_SET_APPEND`), `'remove'` takes the given ones out. @default 'replace' */
  mode?: AuthorizedKeysMode;
}

/** Where {@link DomainGuestResource.pmSuspend} puts the guest: RAM (S3), disk (S4), or both (hybrid). */
export type PmSuspendTarget = 'mem' | 'disk' | 'hybrid';

/** How long libvirt waits for the guest agent: seconds (1 or more), or libvirt's special values. */
export type AgentResponseTimeout = number | 'block' | 'default' | 'nowait';

const PM_TARGETS = { mem: 0, disk: 1, hybrid: 2 } as const;
const AGENT_TIMEOUTS = { block: -2, default: -1, nowait: 0 } as const;

function checkGuestPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/'))
    throw new InvalidArgumentError('mountPoint must be an absolute path in the guest', { path: 'mountPoint' });
  return checkName(value, 'mountPoint');
}

function checkSshKey(key: unknown, index: number): string {
  const path = `keys[${index}]`;
  // Each key is one line of authorized_keys: a line break would smuggle in a second one.
  if (typeof key !== 'string' || key.trim() === '' || /[\r\n\0]/.test(key)) {
    throw new InvalidArgumentError(`${path} must be one non-empty authorized_keys line (no line breaks)`, { path });
  }
  return key;
}

/**
 * Requests libvirt carries out through the guest agent (qemu-ga in the
 * guest): fstrim, a user's SSH keys, power-management suspend, and how long
 * libvirt waits for the agent. One libvirt call each; `AgentManager` holds
 * the typed agent API with waiting for the agent.
 */
export class DomainGuestResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * Discard unused blocks of the guest's filesystems (`virsh domfstrim`), so
   * a thin disk image can shrink.
   * @example await conn.domains.guest.fstrim('web1', { mountPoint: '/', timeout: 60_000 });
   * @throws InvalidArgumentError · `LibvirtError` (`VIR_ERR_AGENT_UNRESPONSIVE` when no agent answers)
   * @see virDomainFSTrim
   */
  async fstrim(domain: DomainInput, options: FstrimOptions = {}): Promise<void> {
    const o = checkOptions(options, { mountPoint: true, minimumBytes: true });
    const mountPoint = o.mountPoint === undefined ? null : checkGuestPath(o.mountPoint);
    const minimum = checkBytes(o.minimumBytes ?? 0, 'minimumBytes');
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_FSTRIM, { dom, mountPoint, minimum, flags: 0 }, o);
  }

  /**
   * A guest user's `~/.ssh/authorized_keys` lines (`virsh get-user-sshkeys`).
   * @example const keys = await conn.domains.guest.getAuthorizedKeys('web1', 'root');
   * @throws InvalidArgumentError · `LibvirtError` (no agent, no such user) · `UnsupportedError` off QEMU
   * @see virDomainAuthorizedSSHKeysGet
   */
  async getAuthorizedKeys(domain: DomainInput, user: string, options: CallOptions = {}): Promise<string[]> {
    const o = checkOptions(options);
    const name = checkName(user, 'user');
    const dom = await resolveDomain(this.#call, domain, o);
    return (await this.#call(DOMAIN_AUTHORIZED_SSH_KEYS_GET, { dom, user: name, flags: 0 }, o)).keys;
  }

  /**
   * Set a guest user's authorized SSH keys (`virsh set-user-sshkeys`):
   * replace them all (the default), add to them, or remove some.
   * @example await conn.domains.guest.setAuthorizedKeys('web1', 'root', ['ssh-ed25519 AAAA… me@host'], { mode: 'add' });
   * @throws InvalidArgumentError (a key with a line break, none to add…) · `LibvirtError` · `UnsupportedError` off QEMU
   * @see virDomainAuthorizedSSHKeysSet
   */
  async setAuthorizedKeys(domain: DomainInput, user: string, keys: readonly string[], options: AuthorizedKeysOptions = {}): Promise<void> {
    const o = checkOptions(options, { mode: true });
    const name = checkName(user, 'user');
    const mode = checkChoice(o.mode ?? 'replace', 'mode', ['add', 'replace', 'remove'] as const);
    if (!Array.isArray(keys) || keys.length > REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX || (keys.length === 0 && mode !== 'replace')) {
      throw new InvalidArgumentError(
        `keys must be an array of at most ${REMOTE_DOMAIN_AUTHORIZED_SSH_KEYS_MAX} keys (empty only to replace with none)`,
        {
          path: 'keys',
        },
      );
    }
    const lines = keys.map(checkSshKey);
    const dom = await resolveDomain(this.#call, domain, o);
    const flags = mode === 'add' ? 1 : mode === 'remove' ? 2 : 0;
    await this.#call(DOMAIN_AUTHORIZED_SSH_KEYS_SET, { dom, user: name, keys: lines, flags }, o);
  }

  /**
   * Ask the guest to suspend itself to RAM, disk or both through the agent
   * (`virsh dompmsuspend`); wake a RAM suspend with `conn.domains.control.pmWakeup`.
   * The guest goes `pmsuspended` (or shuts off, for disk) a little later.
   * @example await conn.domains.guest.pmSuspend('web1', 'mem');
   * @throws InvalidArgumentError · `LibvirtError` (no agent, the guest cannot suspend…) · `UnsupportedError` on the test driver
   * @see virDomainPMSuspendForDuration
   */
  async pmSuspend(domain: DomainInput, target: PmSuspendTarget, options: CallOptions = {}): Promise<void> {
    const o = checkOptions(options);
    const t = PM_TARGETS[checkChoice(target, 'target', Object.keys(PM_TARGETS) as PmSuspendTarget[])];
    const dom = await resolveDomain(this.#call, domain, o);
    // duration 0: until woken. QEMU refuses any other (no guest agent can set a wake-up timer).
    await this.#call(DOMAIN_PM_SUSPEND_FOR_DURATION, { dom, target: t, duration: 0n, flags: 0 }, o);
  }

  /**
   * How long libvirt waits for the guest agent on this domain's agent calls
   * (`virsh guest-agent-timeout`): seconds, `'default'` (5 s), `'nowait'` or
   * `'block'` (wait forever). Lasts until the domain stops.
   * @example await conn.domains.guest.setAgentResponseTimeout('web1', 30);
   * @throws InvalidArgumentError · `LibvirtError` · `UnsupportedError` on the test driver
   * @see virDomainAgentSetResponseTimeout
   */
  async setAgentResponseTimeout(domain: DomainInput, timeout: AgentResponseTimeout, options: CallOptions = {}): Promise<void> {
    const o = checkOptions(options);
    const seconds =
      typeof timeout === 'string'
        ? AGENT_TIMEOUTS[checkChoice(timeout, 'timeout', Object.keys(AGENT_TIMEOUTS) as (keyof typeof AGENT_TIMEOUTS)[])]
        : checkInteger(timeout, 'timeout', 1, 2 ** 31 - 1);
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_AGENT_SET_RESPONSE_TIMEOUT, { dom, timeout: seconds, flags: 0 }, o);
  }
}
