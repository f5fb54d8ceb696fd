/**
 * A running guest's QEMU guest agent, as libvirt reaches it: raw agent JSON
 * through the QEMU program, and libvirt's own wrappers (password, freeze and
 * thaw, guest information). The `agent` module builds the typed API on these.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import {
  DOMAIN_FSFREEZE,
  DOMAIN_FSTHAW,
  DOMAIN_GET_GUEST_INFO,
  DOMAIN_SET_USER_PASSWORD,
  QEMU_DOMAIN_AGENT_COMMAND,
  REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX,
  type TypedParamRecordValue,
  typedParamsToRecord,
} from '../../rpc/index.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';
import type { CallOptions } from '../../rpc/index.js';

/** Options of {@link DomainAgentResource.command}. */
export interface AgentCommandCallOptions extends CallOptions {
  /**
   * How long libvirt waits for the agent's reply, in whole seconds (at least 1), or `'block'` (for ever),
   * `'default'` (the domain's agent timeout, 5 s unless changed) or `'nowait'` (send, do not wait).
   * @default 'default'
   */
  agentTimeout?: number | 'block' | 'default' | 'nowait';
}

const AGENT_TIMEOUT = { block: -2, default: -1, nowait: 0 } as const;

/** Mountpoints of a freeze or thaw request (empty = every filesystem). */
function checkMountpoints(mountpoints: readonly string[]): string[] {
  if (!Array.isArray(mountpoints) || mountpoints.length > REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX) {
    throw new InvalidArgumentError(`mountpoints must be an array of at most ${REMOTE_DOMAIN_FSFREEZE_MOUNTPOINTS_MAX} paths`, {
      path: 'mountpoints',
    });
  }
  for (const [i, m] of mountpoints.entries()) {
    if (typeof m !== 'string' || !m.startsWith('/') || m.includes('\0')) {
      throw new InvalidArgumentError('each mountpoint must be an absolute path', { path: `mountpoints[${i}]` });
    }
  }
  return [...mountpoints];
}

function agentTimeoutValue(value: AgentCommandCallOptions['agentTimeout']): number {
  if (value === undefined) return AGENT_TIMEOUT.default;
  if (typeof value === 'string' && value in AGENT_TIMEOUT) return AGENT_TIMEOUT[value];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= 2 ** 31 - 1) return value;
  throw new InvalidArgumentError("agentTimeout must be whole seconds (at least 1) or 'block', 'default', 'nowait'", {
    path: 'agentTimeout',
  });
}

/**
 * The guest agent of a domain (`conn.domains.agent`). Each method sends one
 * libvirt call; libvirt relays it to qemu-ga over the VM's virtio-serial
 * channel. Errors are libvirt's: `VIR_ERR_AGENT_UNRESPONSIVE` (86) when no
 * agent is connected, `VIR_ERR_INTERNAL_ERROR` with the agent's message when
 * the agent refused (libvirt 9.0).
 */
export class DomainAgentResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * Send raw agent JSON and return the agent's raw reply JSON (`null` with `'nowait'`).
   * libvirt marks the domain tainted ("custom-ga-command").
   * @example await conn.domains.agent.command('web1', '{"execute":"guest-ping"}') // '{"return":{}}'
   * @throws {@link InvalidArgumentError} for a bad `agentTimeout` (nothing is sent); {@link LibvirtError} from libvirt
   * @see virDomainQemuAgentCommand
   */
  async command(domain: DomainInput, json: string, options: AgentCommandCallOptions = {}): Promise<string | null> {
    const timeout = agentTimeoutValue(options.agentTimeout);
    if (typeof json !== 'string' || json.length === 0)
      throw new InvalidArgumentError('the agent command must be a JSON string', { path: 'cmd' });
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(QEMU_DOMAIN_AGENT_COMMAND, { dom, cmd: json, timeout, flags: 0 }, options)).result;
  }

  /**
   * Set a guest user's password (`virsh set-user-password`). With `encrypted`, `password` is already a crypt() hash.
   * The password travels in this one call's arguments and is never logged by the SDK.
   * @example await conn.domains.agent.setUserPassword('web1', 'root', secret)
   * @throws {@link LibvirtError} from libvirt
   * @see virDomainSetUserPassword
   */
  async setUserPassword(
    domain: DomainInput,
    user: string,
    password: string,
    options: CallOptions & { encrypted?: boolean } = {},
  ): Promise<void> {
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_SET_USER_PASSWORD, { dom, user, password, flags: options.encrypted === true ? 1 : 0 }, options);
  }

  /**
   * Freeze the guest's filesystems (`virsh domfsfreeze`); `[]` = all. Returns how many were frozen.
   * @example await conn.domains.agent.fsFreeze('web1', ['/data'])
   * @throws {@link InvalidArgumentError} (nothing is sent); {@link LibvirtError} from libvirt
   * @see virDomainFSFreeze
   */
  async fsFreeze(domain: DomainInput, mountpoints: readonly string[], options: CallOptions = {}): Promise<number> {
    const list = checkMountpoints(mountpoints);
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_FSFREEZE, { dom, mountpoints: list, flags: 0 }, options)).filesystems;
  }

  /**
   * Thaw the guest's filesystems (`virsh domfsthaw`); `[]` = all. Returns how many were thawed.
   * @example await conn.domains.agent.fsThaw('web1', [])
   * @throws {@link InvalidArgumentError} (nothing is sent); {@link LibvirtError} from libvirt
   * @see virDomainFSThaw
   */
  async fsThaw(domain: DomainInput, mountpoints: readonly string[], options: CallOptions = {}): Promise<number> {
    const list = checkMountpoints(mountpoints);
    const dom = await resolveDomain(this.#call, domain, options);
    return (await this.#call(DOMAIN_FSTHAW, { dom, mountpoints: list, flags: 0 }, options)).filesystems;
  }

  /**
   * What the agent reports of the guest, as libvirt's flat typed parameters (`os.kernel-release`, `user.0.name`…).
   * `types` is the `VirDomainGuestInfoTypes` bitmask (0 = all).
   * @example (await conn.domains.agent.guestInfo('web1'))['os.kernel-release']
   * @throws {@link LibvirtError} from libvirt
   * @see virDomainGetGuestInfo
   */
  async guestInfo(domain: DomainInput, types = 0, options: CallOptions = {}): Promise<Record<string, TypedParamRecordValue>> {
    const dom = await resolveDomain(this.#call, domain, options);
    return typedParamsToRecord((await this.#call(DOMAIN_GET_GUEST_INFO, { dom, types, flags: 0 }, options)).params);
  }
}
