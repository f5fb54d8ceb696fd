import {
  DOMAIN_ATTACH_DEVICE_FLAGS,
  DOMAIN_BLOCK_RESIZE,
  DOMAIN_CREATE_WITH_FLAGS,
  DOMAIN_CREATE_XML,
  DOMAIN_DEFINE_XML_FLAGS,
  DOMAIN_DESTROY_FLAGS,
  DOMAIN_DETACH_DEVICE_ALIAS,
  DOMAIN_DETACH_DEVICE_FLAGS,
  DOMAIN_GET_METADATA,
  DOMAIN_MANAGED_SAVE,
  DOMAIN_MANAGED_SAVE_REMOVE,
  DOMAIN_PM_WAKEUP,
  DOMAIN_REBOOT,
  DOMAIN_RESET,
  DOMAIN_RESUME,
  DOMAIN_SET_METADATA,
  DOMAIN_SHUTDOWN_FLAGS,
  DOMAIN_SUSPEND,
  DOMAIN_UNDEFINE_FLAGS,
  DOMAIN_UPDATE_DEVICE_FLAGS,
  type DomainRef,
} from '../../rpc/index.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';
import type { CallOptions } from '../../rpc/index.js';

/** Options of calls that take libvirt flags. */
export interface FlagsOptions extends CallOptions {
  /** libvirt flag bits for this call (see the `Vir…Flags` constants). @default 0 */
  flags?: number;
}

/**
 * Low-level domain requests. Each method sends exactly one libvirt call and
 * resolves when libvirt accepted it — for a shutdown that is *before* the
 * guest has stopped. This is the single place in the SDK where these
 * procedures are called; `VmLifecycleManager`, `VmDestroyer` and `VmCreator`
 * build confirmed, idempotent operations on top of it.
 */
export class DomainControl {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  async #dom(domain: DomainInput, options?: CallOptions): Promise<DomainRef> {
    return resolveDomain(this.#call, domain, options);
  }

  /** Define (or redefine) a persistent domain from XML. @see virDomainDefineXMLFlags */
  async define(xml: string, options: FlagsOptions = {}): Promise<DomainRef> {
    return (await this.#call(DOMAIN_DEFINE_XML_FLAGS, { xml, flags: options.flags ?? 0 }, options)).dom;
  }

  /** Remove a persistent domain's config; flags = `VirDomainUndefineFlags`. @see virDomainUndefineFlags */
  async undefine(domain: DomainInput, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_UNDEFINE_FLAGS, { dom: await this.#dom(domain, options), flags: options.flags ?? 0 }, options);
  }

  /** Start a defined domain; flags = `VirDomainCreateFlags`. Returns it with its new id. @see virDomainCreateWithFlags */
  async start(domain: DomainInput, options: FlagsOptions = {}): Promise<DomainRef> {
    return (await this.#call(DOMAIN_CREATE_WITH_FLAGS, { dom: await this.#dom(domain, options), flags: options.flags ?? 0 }, options)).dom;
  }

  /** Create and start a transient domain from XML. @see virDomainCreateXML */
  async createTransient(xml: string, options: FlagsOptions = {}): Promise<DomainRef> {
    return (await this.#call(DOMAIN_CREATE_XML, { xml_desc: xml, flags: options.flags ?? 0 }, options)).dom;
  }

  /** Ask the guest to shut down; flags = `VirDomainShutdownFlags`. @see virDomainShutdownFlags */
  async shutdown(domain: DomainInput, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_SHUTDOWN_FLAGS, { dom: await this.#dom(domain, options), flags: options.flags ?? 0 }, options);
  }

  /** Ask the guest to reboot; flags = `VirDomainRebootFlags`. @see virDomainReboot */
  async reboot(domain: DomainInput, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_REBOOT, { dom: await this.#dom(domain, options), flags: options.flags ?? 0 }, options);
  }

  /** Hard reset. @see virDomainReset */
  async reset(domain: DomainInput, options: CallOptions = {}): Promise<void> {
    await this.#call(DOMAIN_RESET, { dom: await this.#dom(domain, options), flags: 0 }, options);
  }

  /**
   * Power off at once (libvirt's "destroy"; in this SDK "destroy" means a
   * teardown, so this is `forceOff`); flags = `VirDomainDestroyFlags`
   * (GRACEFUL = SIGTERM only). The lifecycle's `forceOff` waits until libvirt
   * confirms it. @see virDomainDestroyFlags
   */
  async forceOff(domain: DomainInput, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_DESTROY_FLAGS, { dom: await this.#dom(domain, options), flags: options.flags ?? 0 }, options);
  }

  /** Pause the vCPUs. @see virDomainSuspend */
  async suspend(domain: DomainInput, options: CallOptions = {}): Promise<void> {
    await this.#call(DOMAIN_SUSPEND, { dom: await this.#dom(domain, options) }, options);
  }

  /** Resume paused vCPUs. @see virDomainResume */
  async resume(domain: DomainInput, options: CallOptions = {}): Promise<void> {
    await this.#call(DOMAIN_RESUME, { dom: await this.#dom(domain, options) }, options);
  }

  /** Wake a guest suspended to RAM. @see virDomainPMWakeup */
  async pmWakeup(domain: DomainInput, options: CallOptions = {}): Promise<void> {
    await this.#call(DOMAIN_PM_WAKEUP, { dom: await this.#dom(domain, options), flags: 0 }, options);
  }

  /** Save memory to the managed save image and stop. @see virDomainManagedSave */
  async managedSave(domain: DomainInput, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_MANAGED_SAVE, { dom: await this.#dom(domain, options), flags: options.flags ?? 0 }, options);
  }

  /** Delete the managed save image. @see virDomainManagedSaveRemove */
  async managedSaveRemove(domain: DomainInput, options: CallOptions = {}): Promise<void> {
    await this.#call(DOMAIN_MANAGED_SAVE_REMOVE, { dom: await this.#dom(domain, options), flags: 0 }, options);
  }

  /** Hot-plug and/or persist a device; flags = `VirDomainDeviceModifyFlags`. @see virDomainAttachDeviceFlags */
  async attachDevice(domain: DomainInput, xml: string, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_ATTACH_DEVICE_FLAGS, { dom: await this.#dom(domain, options), xml, flags: options.flags ?? 0 }, options);
  }

  /** Unplug and/or remove a device. @see virDomainDetachDeviceFlags */
  async detachDevice(domain: DomainInput, xml: string, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_DETACH_DEVICE_FLAGS, { dom: await this.#dom(domain, options), xml, flags: options.flags ?? 0 }, options);
  }

  /**
   * Unplug the device with libvirt alias `alias` (`<alias name>` in the live
   * XML); flags = `VirDomainDeviceModifyFlags`. Always asynchronous: the
   * device is gone at DEVICE_REMOVED (the devices module waits for it).
   * @see virDomainDetachDeviceAlias
   */
  async detachDeviceAlias(domain: DomainInput, alias: string, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_DETACH_DEVICE_ALIAS, { dom: await this.#dom(domain, options), alias, flags: options.flags ?? 0 }, options);
  }

  /**
   * Change a device in place (swap or eject a CD-ROM medium…); flags =
   * `VirDomainDeviceModifyFlags` plus FORCE (4) to eject locked media.
   * @see virDomainUpdateDeviceFlags
   */
  async updateDevice(domain: DomainInput, xml: string, options: FlagsOptions = {}): Promise<void> {
    await this.#call(DOMAIN_UPDATE_DEVICE_FLAGS, { dom: await this.#dom(domain, options), xml, flags: options.flags ?? 0 }, options);
  }

  /**
   * Resize a running domain's disk (`disk`: its target or source path) to
   * `bytes`, as the guest sees it. @see virDomainBlockResize
   */
  async blockResize(domain: DomainInput, disk: string, bytes: bigint, options: CallOptions = {}): Promise<void> {
    // Flag BYTES (1): the size is in bytes, not KiB.
    await this.#call(DOMAIN_BLOCK_RESIZE, { dom: await this.#dom(domain, options), disk, size: bytes, flags: 1 }, options);
  }

  /**
   * Set a custom metadata element in namespace `uri` under prefix `key`
   * (`null` removes it). @see virDomainSetMetadata
   */
  async setMetadataElement(domain: DomainInput, uri: string, key: string, xml: string | null, options: FlagsOptions = {}): Promise<void> {
    await this.#call(
      DOMAIN_SET_METADATA,
      { dom: await this.#dom(domain, options), type: 2, metadata: xml, key, uri, flags: options.flags ?? 0 },
      options,
    );
  }

  /** The custom metadata element in namespace `uri`. @throws LibvirtError VIR_ERR_NO_DOMAIN_METADATA when absent. @see virDomainGetMetadata */
  async getMetadataElement(domain: DomainInput, uri: string, options: FlagsOptions = {}): Promise<string> {
    return (
      await this.#call(DOMAIN_GET_METADATA, { dom: await this.#dom(domain, options), type: 2, uri, flags: options.flags ?? 0 }, options)
    ).metadata;
  }
}
