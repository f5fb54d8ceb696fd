import { InvalidArgumentError } from '../../errors/index.js';
import {
  type CallOptions,
  DOMAIN_GET_AUTOSTART_ONCE,
  DOMAIN_GRAPHICS_RELOAD,
  DOMAIN_RENAME,
  DOMAIN_SET_AUTOSTART_ONCE,
  DOMAIN_SET_BLOCK_THRESHOLD,
  DOMAIN_START_DIRTY_RATE_CALC,
  type DomainRef,
} from '../../rpc/index.js';
import { checkBytes, checkChoice, checkInteger, checkOptions } from './check-options.js';
import { type DomainInput, checkName, checkObjectName, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';

/** How {@link DomainAdminResource.startDirtyRateCalc} measures: sampling pages, or QEMU's dirty bitmap or dirty ring. */
export type DirtyRateMode = 'page-sampling' | 'dirty-bitmap' | 'dirty-ring';

/** Options of {@link DomainAdminResource.startDirtyRateCalc}. */
export interface DirtyRateOptions extends CallOptions {
  /** @default 'page-sampling' */
  mode?: DirtyRateMode;
}

/** `virDomainDirtyRateCalcFlags`. */
const DIRTY_RATE_MODES = { 'page-sampling': 0, 'dirty-bitmap': 1, 'dirty-ring': 2 } as const;

/** Options of {@link DomainAdminResource.reloadGraphics}. */
export interface GraphicsReloadOptions extends CallOptions {
  /** Which graphics server (`virDomainGraphicsReloadType`). @default 'any' */
  type?: 'any' | 'vnc';
}

/**
 * Single administrative calls on a domain: rename, a disk's write threshold,
 * a dirty-rate measurement, a graphics certificate reload, and the
 * start-once-at-host-boot flag. One libvirt call each.
 */
export class DomainAdminResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * Rename a shut-off persistent domain (`virsh domrename`). The UUID, the
   * whole definition and its `<metadata>` (the SDK's ownership record is
   * keyed by UUID) stay; libvirt sends UNDEFINED/RENAMED and DEFINED/RENAMED,
   * and the VM registry follows the new name. Volumes keep their names.
   * @example const ref = await conn.domains.admin.rename('web1', 'web1-old');
   * @returns the domain under its new name
   * @throws InvalidArgumentError (bad name; nothing sent) · `LibvirtError` (`VIR_ERR_OPERATION_INVALID` when it runs or is transient, the name is taken…)
   * @see virDomainRename
   */
  async rename(domain: DomainInput, newName: string, options: CallOptions = {}): Promise<DomainRef> {
    const o = checkOptions(options);
    const name = checkObjectName(newName, 'newName');
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_RENAME, { dom, new_name: name, flags: 0 }, o);
    return { ...dom, name };
  }

  /**
   * Have libvirt send one BLOCK_THRESHOLD event when writes to a disk pass
   * `bytes` (`virsh domblkthreshold`), e.g. to grow a thin volume in time;
   * 0 clears it. `disk` is a target (`vda`) or a backing layer (`vda[1]`).
   * @example await conn.domains.admin.setBlockThreshold('web1', 'vda', 8n * 1024n ** 3n);
   * @throws InvalidArgumentError · `LibvirtError` · `UnsupportedError` on the test driver
   * @see virDomainSetBlockThreshold
   */
  async setBlockThreshold(domain: DomainInput, disk: string, bytes: number | bigint, options: CallOptions = {}): Promise<void> {
    const o = checkOptions(options);
    const dev = checkName(disk, 'disk');
    const threshold = checkBytes(bytes, 'bytes');
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_SET_BLOCK_THRESHOLD, { dom, dev, threshold, flags: 0 }, o);
  }

  /**
   * Start measuring how fast the guest dirties its memory, over `seconds`
   * (1–60; `virsh domdirtyrate-calc`). The result lands in the domain's
   * `dirtyrate` stats group when the time is up.
   * @example await conn.domains.admin.startDirtyRateCalc('web1', 1);
   * @throws InvalidArgumentError · `LibvirtError` · `UnsupportedError` on the test driver
   * @see virDomainStartDirtyRateCalc
   */
  async startDirtyRateCalc(domain: DomainInput, seconds: number, options: DirtyRateOptions = {}): Promise<void> {
    const o = checkOptions(options, { mode: true });
    const s = checkInteger(seconds, 'seconds', 1, 60);
    const flags = DIRTY_RATE_MODES[checkChoice(o.mode ?? 'page-sampling', 'mode', Object.keys(DIRTY_RATE_MODES) as DirtyRateMode[])];
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_START_DIRTY_RATE_CALC, { dom, seconds: s, flags }, o);
  }

  /**
   * Make the domain's graphics server re-read its TLS certificates
   * (`virsh domdisplay-reload`). libvirt 10.2 and later; older daemons
   * answer `UnsupportedError` (unknown procedure).
   * @example await conn.domains.admin.reloadGraphics('web1', { type: 'vnc' });
   * @see virDomainGraphicsReload
   */
  async reloadGraphics(domain: DomainInput, options: GraphicsReloadOptions = {}): Promise<void> {
    const o = checkOptions(options, { type: true });
    const type = checkChoice(o.type ?? 'any', 'type', ['any', 'vnc'] as const) === 'vnc' ? 1 : 0;
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_GRAPHICS_RELOAD, { dom, type, flags: 0 }, o);
  }

  /**
   * Whether the domain starts once at the next host boot (then the flag
   * clears). libvirt 11.2 and later; older daemons answer `UnsupportedError`.
   * @example const once = await conn.domains.admin.getAutostartOnce('web1');
   * @see virDomainGetAutostartOnce
   */
  async getAutostartOnce(domain: DomainInput, options: CallOptions = {}): Promise<boolean> {
    const o = checkOptions(options);
    const dom = await resolveDomain(this.#call, domain, o);
    return (await this.#call(DOMAIN_GET_AUTOSTART_ONCE, { dom }, o)).autostart !== 0;
  }

  /**
   * Start the domain once at the next host boot (`virsh autostart --once`).
   * libvirt 11.2 and later; older daemons answer `UnsupportedError`.
   * @example await conn.domains.admin.setAutostartOnce('web1', true);
   * @throws InvalidArgumentError (not a boolean) · `UnsupportedError`
   * @see virDomainSetAutostartOnce
   */
  async setAutostartOnce(domain: DomainInput, enabled: boolean, options: CallOptions = {}): Promise<void> {
    const o = checkOptions(options);
    if (typeof enabled !== 'boolean') throw new InvalidArgumentError('enabled must be a boolean', { path: 'enabled' });
    const autostart = enabled ? 1 : 0;
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_SET_AUTOSTART_ONCE, { dom, autostart }, o);
  }
}
