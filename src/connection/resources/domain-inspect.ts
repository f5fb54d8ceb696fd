import { UnsupportedError } from '../../errors/index.js';
import {
  type CallOptions,
  DOMAIN_BLOCK_PEEK,
  DOMAIN_GET_LAUNCH_SECURITY_INFO,
  DOMAIN_GET_MESSAGES,
  DOMAIN_GET_SECURITY_LABEL_LIST,
  DOMAIN_IS_UPDATED,
  DOMAIN_MEMORY_PEEK,
  REMOTE_DOMAIN_PEEK_BUFFER_MAX,
  type TypedParamRecordValue,
  typedParamsToRecord,
} from '../../rpc/index.js';
import { checkBytes, checkChoice, checkInteger, checkOptions, flagBits } from './check-options.js';
import { type DomainInput, checkName, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';

/** One security label of a running domain's process (`virSecurityLabel`). */
export interface SecurityLabel {
  /** The label, e.g. `system_u:system_r:svirt_t:s0:c1,c2` (SELinux) or `+0:+0` (DAC); empty when the driver sets none. */
  label: string;
  /** The security driver enforces it (SELinux enforcing mode). */
  enforcing: boolean;
}

/** Options of {@link DomainInspectResource.getMessages}. */
export interface DomainMessagesOptions extends CallOptions {
  /** Deprecation warnings (`VIR_DOMAIN_MESSAGE_DEPRECATION`). Neither this nor `tainting`: both kinds. */
  deprecation?: boolean;
  /** Reasons the domain is tainted (`VIR_DOMAIN_MESSAGE_TAINTING`: custom QEMU arguments, host CPU passthrough…). */
  tainting?: boolean;
}

/** Options of {@link DomainInspectResource.peekMemory}. */
export interface MemoryPeekOptions extends CallOptions {
  /** Whether `offset` is a guest physical address or a virtual one of the guest's current context. @default 'physical' */
  addressing?: 'physical' | 'virtual';
}

/** `virDomainMemoryFlags`. */
const MEMORY_FLAGS = { virtual: 1, physical: 2 } as const;

function peekSize(size: unknown): number {
  return checkInteger(size, 'size', 1, REMOTE_DOMAIN_PEEK_BUFFER_MAX);
}

/**
 * Read-only looks at a domain: its process's security labels, libvirt's
 * messages about it, whether its config changed since it started, its
 * launch-security measurement, and raw reads of its memory and disks.
 */
export class DomainInspectResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * The security labels of the running domain's process, one per security
   * driver (`virsh domstate`'s seclabel lines, `virsh dominfo`); none when
   * the host runs without a security driver.
   * @example const [label] = await conn.domains.inspect.getSecurityLabels('web1');
   * @throws {@link UnsupportedError} when the daemon answers without labels or an error (the test driver: it lacks the call)
   * @see virDomainGetSecurityLabelList
   */
  async getSecurityLabels(domain: DomainInput, options: CallOptions = {}): Promise<SecurityLabel[]> {
    const o = checkOptions(options);
    const dom = await resolveDomain(this.#call, domain, o);
    const { labels, ret } = await this.#call(DOMAIN_GET_SECURITY_LABEL_LIST, { dom }, o);
    // The daemon swallows the driver's error here and answers ret -1 with no labels (remote dispatch, libvirt 9.0).
    if (ret < 0)
      throw new UnsupportedError(
        'the daemon could not list the security labels (ret -1, no error: the driver lacks the call or it failed)',
      );
    return labels.map(({ label, enforcing }) => {
      const end = label.indexOf(0);
      return { label: label.subarray(0, end === -1 ? label.length : end).toString('utf8'), enforcing: enforcing !== 0 };
    });
  }

  /**
   * Messages libvirt keeps about the domain: deprecated features its config
   * uses and what tainted it (`virsh dominfo` "Messages").
   * @example const messages = await conn.domains.inspect.getMessages('web1', { tainting: true });
   * @see virDomainGetMessages
   */
  async getMessages(domain: DomainInput, options: DomainMessagesOptions = {}): Promise<string[]> {
    const o = checkOptions(options, { deprecation: true, tainting: true });
    const flags = flagBits(o, { deprecation: 1, tainting: 2 });
    const dom = await resolveDomain(this.#call, domain, o);
    return (await this.#call(DOMAIN_GET_MESSAGES, { dom, flags }, o)).msgs;
  }

  /**
   * `true` when the running domain's persistent config was changed since it
   * started, so its next start differs from what runs now.
   * @example if (await conn.domains.inspect.isUpdated('web1')) console.log('restart to apply');
   * @see virDomainIsUpdated
   */
  async isUpdated(domain: DomainInput, options: CallOptions = {}): Promise<boolean> {
    const o = checkOptions(options);
    const dom = await resolveDomain(this.#call, domain, o);
    return (await this.#call(DOMAIN_IS_UPDATED, { dom }, o)).updated !== 0;
  }

  /**
   * The launch-security (AMD SEV) measurement and policy of a running
   * domain (`virsh domlaunchsecinfo`), keyed by libvirt's names
   * (`sev-measurement`, `sev-api-major`, `sev-policy`…); empty for a domain
   * without `<launchSecurity>`.
   * @example const { 'sev-measurement': measurement } = await conn.domains.inspect.getLaunchSecurityInfo('web1');
   * @see virDomainGetLaunchSecurityInfo
   */
  async getLaunchSecurityInfo(domain: DomainInput, options: CallOptions = {}): Promise<Record<string, TypedParamRecordValue>> {
    const o = checkOptions(options);
    const dom = await resolveDomain(this.#call, domain, o);
    // The daemon adds STRING_OKAY itself (the libvirt 9.0 test driver then refuses the call: "unsupported flags (0x4)").
    const { params } = await this.#call(DOMAIN_GET_LAUNCH_SECURITY_INFO, { dom, flags: 0 }, o);
    return typedParamsToRecord(params);
  }

  /**
   * Read `size` bytes (1 to 4 MiB, the protocol's limit per call) of guest
   * memory at `offset`. Reading more: call again at the next offset.
   * @example const bytes = await conn.domains.inspect.peekMemory('web1', 0x1000n, 512);
   * @throws InvalidArgumentError (size over 4 MiB, negative offset…; nothing sent) · `LibvirtError`
   * @see virDomainMemoryPeek
   */
  async peekMemory(domain: DomainInput, offset: number | bigint, size: number, options: MemoryPeekOptions = {}): Promise<Buffer> {
    const o = checkOptions(options, { addressing: true });
    const at = checkBytes(offset, 'offset');
    const n = peekSize(size);
    const flags = MEMORY_FLAGS[checkChoice(o.addressing ?? 'physical', 'addressing', ['physical', 'virtual'] as const)];
    const dom = await resolveDomain(this.#call, domain, o);
    return (await this.#call(DOMAIN_MEMORY_PEEK, { dom, offset: at, size: n, flags }, o)).buffer;
  }

  /**
   * Read `size` bytes (1 to 4 MiB per call) at `offset` of a disk, named by
   * its target (`vda`) or source path. QEMU peeks at raw-format disks only
   * (libvirt does not interpret qcow2); the test driver lacks the call.
   * @example const mbr = await conn.domains.inspect.peekBlock('web1', 'vda', 0, 512);
   * @throws InvalidArgumentError · `LibvirtError` · `UnsupportedError` on the test driver
   * @see virDomainBlockPeek
   */
  async peekBlock(domain: DomainInput, disk: string, offset: number | bigint, size: number, options: CallOptions = {}): Promise<Buffer> {
    const o = checkOptions(options);
    const path = checkName(disk, 'disk');
    const at = checkBytes(offset, 'offset');
    const n = peekSize(size);
    const dom = await resolveDomain(this.#call, domain, o);
    return (await this.#call(DOMAIN_BLOCK_PEEK, { dom, path, offset: at, size: n, flags: 0 }, o)).buffer;
  }
}
