import { InvalidArgumentError } from '../../errors/index.js';
import {
  type CallOptions,
  DOMAIN_CORE_DUMP_WITH_FORMAT,
  DOMAIN_MANAGED_SAVE_DEFINE_XML,
  DOMAIN_MANAGED_SAVE_GET_XML_DESC,
  DOMAIN_RESTORE_FLAGS,
  DOMAIN_SAVE_FLAGS,
  DOMAIN_SAVE_IMAGE_DEFINE_XML,
  DOMAIN_SAVE_IMAGE_GET_XML_DESC,
  VirDomainSaveRestoreFlags,
} from '../../rpc/index.js';
import { checkChoice, checkHostPath, checkOptions, checkXml, flagBits } from './check-options.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';

const { VIR_DOMAIN_SAVE_BYPASS_CACHE: BYPASS_CACHE, VIR_DOMAIN_SAVE_RESET_NVRAM: RESET_NVRAM } = VirDomainSaveRestoreFlags;
const { VIR_DOMAIN_SAVE_RUNNING: START_RUNNING, VIR_DOMAIN_SAVE_PAUSED: START_PAUSED } = VirDomainSaveRestoreFlags;
/** `VIR_DOMAIN_SAVE_IMAGE_XML_SECURE` / `VIR_DOMAIN_XML_SECURE`. */
const XML_SECURE = 1;

/** The state a restored domain starts in: as it was saved (`undefined`), or forced. */
export type RestoreState = 'running' | 'paused';

/** Options of {@link DomainSaveResource.save}. */
export interface SaveOptions extends CallOptions {
  /** Domain XML stored in the image instead of the live one (ABI-compatible changes only, e.g. a disk's host path). */
  xml?: string;
  /** Write around the host's page cache (`VIR_DOMAIN_SAVE_BYPASS_CACHE`): slower, leaves the cache alone. @default false */
  bypassCache?: boolean;
  /** Record that the restore starts the domain running or paused, whatever it was when saved. */
  startAs?: RestoreState;
}

/** Options of {@link DomainSaveResource.restore}. */
export interface RestoreOptions extends CallOptions {
  /** Domain XML to start with instead of the image's (ABI-compatible changes only). */
  xml?: string;
  /** Read around the host's page cache. @default false */
  bypassCache?: boolean;
  /** Start running or paused instead of the state recorded in the image. */
  startAs?: RestoreState;
  /** Re-create the UEFI variable store from its template (`VIR_DOMAIN_SAVE_RESET_NVRAM`). @default false */
  resetNvram?: boolean;
}

/** Options of the XML readers ({@link DomainSaveResource.getImageXml}, {@link DomainSaveResource.getManagedSaveXml}). */
export interface SaveImageXmlOptions extends CallOptions {
  /** Include secrets such as VNC passwords (`VIR_DOMAIN_XML_SECURE`; needs a read-write connection). @default false */
  secure?: boolean;
}

/** Options of the XML writers ({@link DomainSaveResource.defineImageXml}, {@link DomainSaveResource.defineManagedSaveXml}). */
export interface SaveImageDefineOptions extends CallOptions {
  /** Change the state the image restores into. */
  startAs?: RestoreState;
}

/** `virDomainCoreDumpFormat` by name. */
const DUMP_FORMATS = { raw: 0, 'kdump-zlib': 1, 'kdump-lzo': 2, 'kdump-snappy': 3, 'win-dmp': 4 } as const;
/** A core dump's format: QEMU's raw ELF, or `makedumpfile`'s compressed kdump formats, or a Windows crash dump. */
export type CoreDumpFormat = keyof typeof DUMP_FORMATS;

/** Options of {@link DomainSaveResource.coreDump}. */
export interface CoreDumpOptions extends CallOptions {
  /** @default 'raw' */
  format?: CoreDumpFormat;
  /** Leave the guest running during the dump instead of pausing it (`VIR_DUMP_LIVE`). @default false */
  live?: boolean;
  /** Stop the guest after the dump, as crashed (`VIR_DUMP_CRASH`). @default false */
  crash?: boolean;
  /** Reset the guest after the dump (`VIR_DUMP_RESET`). @default false */
  reset?: boolean;
  /** Dump guest memory only, not the device state (`VIR_DUMP_MEMORY_ONLY`; needed for the kdump formats). @default false */
  memoryOnly?: boolean;
  /** Write around the host's page cache. @default false */
  bypassCache?: boolean;
}

const SAVE_KEYS = { xml: true, bypassCache: true, startAs: true } as const;
const RESTORE_KEYS = { ...SAVE_KEYS, resetNvram: true } as const;
const XML_KEYS = { secure: true } as const;
const DEFINE_KEYS = { startAs: true } as const;
const DUMP_KEYS = { format: true, live: true, crash: true, reset: true, memoryOnly: true, bypassCache: true } as const;

function stateBits(startAs: unknown): number {
  if (startAs === undefined) return 0;
  return checkChoice(startAs, 'startAs', ['running', 'paused'] as const) === 'running' ? START_RUNNING : START_PAUSED;
}

function optionalXml(xml: unknown): string | null {
  return xml === undefined ? null : checkXml(xml, 'xml');
}

/**
 * Save images and dumps: a running domain's memory saved to a file the
 * caller names (and restored from it), the domain XML inside such an image or
 * the managed save image, and guest core dumps. One libvirt call each.
 *
 * The files are the caller's: the SDK never deletes them. What a failed call
 * leaves is libvirt's doing: QEMU checks before it creates the file (a refused
 * XML or dump format leaves none); the test driver writes a dump's header
 * before it checks the format (the SDK refuses the one combination that got
 * there, a non-raw format without `memoryOnly`). The libvirt 9.0 test driver saves and restores
 * with no options only (flags 0). `save` stops the domain (a STOPPED/SAVED event)
 * and `restore` starts it (STARTED/RESTORED): lifecycle watchers see both.
 */
export class DomainSaveResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * Save a running (or paused) domain's memory to `path` on the daemon's host
   * and stop it (`virsh save`). The file is the caller's to keep or delete;
   * an existing file at `path` is overwritten. A persistent domain stays
   * defined, shut off; a transient one is gone until restored.
   * @example await conn.domains.saves.save('web1', '/var/lib/libvirt/save/web1.save', { timeout: 120_000 });
   * @throws InvalidArgumentError (relative path, bad option; nothing sent) · `LibvirtError` (not running, no space…)
   * @see virDomainSaveFlags
   */
  async save(domain: DomainInput, path: string, options: SaveOptions = {}): Promise<void> {
    const o = checkOptions(options, SAVE_KEYS);
    const to = checkHostPath(path, 'path');
    const dxml = optionalXml(o.xml);
    const flags = flagBits(o, { bypassCache: BYPASS_CACHE }) | stateBits(o.startAs);
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_SAVE_FLAGS, { dom, to, dxml, flags }, o);
  }

  /**
   * Start a domain from the save image at `path` (`virsh restore`). The
   * image names the domain (read it with {@link getImageXml}); the image stays
   * where it is.
   * @example await conn.domains.saves.restore('/var/lib/libvirt/save/web1.save', { startAs: 'paused' });
   * @throws InvalidArgumentError · `LibvirtError` (no such file, not a save image, the domain runs already…)
   * @see virDomainRestoreFlags
   */
  async restore(path: string, options: RestoreOptions = {}): Promise<void> {
    const o = checkOptions(options, RESTORE_KEYS);
    const from = checkHostPath(path, 'path');
    const dxml = optionalXml(o.xml);
    const flags = flagBits(o, { bypassCache: BYPASS_CACHE, resetNvram: RESET_NVRAM }) | stateBits(o.startAs);
    await this.#call(DOMAIN_RESTORE_FLAGS, { from, dxml, flags }, o);
  }

  /**
   * The domain XML stored in the save image at `path` (`virsh save-image-dumpxml`).
   * @example const xml = await conn.domains.saves.getImageXml('/var/lib/libvirt/save/web1.save');
   * @throws InvalidArgumentError · `LibvirtError` `VIR_ERR_SYSTEM_ERROR` (cannot read the file)
   * @see virDomainSaveImageGetXMLDesc
   */
  async getImageXml(path: string, options: SaveImageXmlOptions = {}): Promise<string> {
    const o = checkOptions(options, XML_KEYS);
    const file = checkHostPath(path, 'path');
    const flags = flagBits(o, { secure: XML_SECURE });
    return (await this.#call(DOMAIN_SAVE_IMAGE_GET_XML_DESC, { file, flags }, o)).xml;
  }

  /**
   * Replace the domain XML stored in the save image at `path`
   * (`virsh save-image-define`); ABI-incompatible changes are refused.
   * @example await conn.domains.saves.defineImageXml(path, xml, { startAs: 'paused' });
   * @throws InvalidArgumentError · `LibvirtError` (`VIR_ERR_CONFIG_UNSUPPORTED` for an incompatible change)
   * @see virDomainSaveImageDefineXML
   */
  async defineImageXml(path: string, xml: string, options: SaveImageDefineOptions = {}): Promise<void> {
    const o = checkOptions(options, DEFINE_KEYS);
    const file = checkHostPath(path, 'path');
    const dxml = checkXml(xml, 'xml');
    await this.#call(DOMAIN_SAVE_IMAGE_DEFINE_XML, { file, dxml, flags: stateBits(o.startAs) }, o);
  }

  /**
   * The domain XML in the domain's managed save image (`virsh managedsave-dumpxml`).
   * @example const xml = await conn.domains.saves.getManagedSaveXml('web1');
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when there is no image · `UnsupportedError` on the test driver
   * @see virDomainManagedSaveGetXMLDesc
   */
  async getManagedSaveXml(domain: DomainInput, options: SaveImageXmlOptions = {}): Promise<string> {
    const o = checkOptions(options, XML_KEYS);
    const flags = flagBits(o, { secure: XML_SECURE });
    const dom = await resolveDomain(this.#call, domain, o);
    return (await this.#call(DOMAIN_MANAGED_SAVE_GET_XML_DESC, { dom, flags }, o)).xml;
  }

  /**
   * Replace the XML in the domain's managed save image, or with `xml: null`
   * only change the state it restores into (`virsh managedsave-define`,
   * `managedsave-edit --running/--paused`).
   * @example await conn.domains.saves.defineManagedSaveXml('web1', null, { startAs: 'paused' });
   * @throws InvalidArgumentError (`null` without `startAs`) · `LibvirtError` · `UnsupportedError` on the test driver
   * @see virDomainManagedSaveDefineXML
   */
  async defineManagedSaveXml(domain: DomainInput, xml: string | null, options: SaveImageDefineOptions = {}): Promise<void> {
    const o = checkOptions(options, DEFINE_KEYS);
    const given = xml === null ? null : checkXml(xml, 'xml');
    const flags = stateBits(o.startAs);
    if (given === null && flags === 0) throw new InvalidArgumentError('xml null changes nothing without startAs', { path: 'xml' });
    const dom = await resolveDomain(this.#call, domain, o);
    // Never send a NULL dxml: libvirtd 9.0 dereferences it and dies (SIGSEGV, seen here). To change only the
    // state, send the image's own XML back (with secrets, so none is lost).
    const dxml = given ?? (await this.#call(DOMAIN_MANAGED_SAVE_GET_XML_DESC, { dom, flags: XML_SECURE }, o)).xml;
    await this.#call(DOMAIN_MANAGED_SAVE_DEFINE_XML, { dom, dxml, flags }, o);
  }

  /**
   * Dump the guest's memory to `path` on the daemon's host (`virsh dump`),
   * for crash analysis. The guest is paused meanwhile unless `live`; it runs
   * on afterwards unless `crash` or `reset`.
   * @example await conn.domains.saves.coreDump('web1', '/var/crash/web1.core', { memoryOnly: true, format: 'kdump-zlib' });
   * @throws InvalidArgumentError (unknown format, `crash` with `reset`…) · `LibvirtError`
   * @see virDomainCoreDumpWithFormat
   */
  async coreDump(domain: DomainInput, path: string, options: CoreDumpOptions = {}): Promise<void> {
    const o = checkOptions(options, DUMP_KEYS);
    const to = checkHostPath(path, 'path');
    const dumpformat = DUMP_FORMATS[checkChoice(o.format ?? 'raw', 'format', Object.keys(DUMP_FORMATS) as CoreDumpFormat[])];
    const flags = flagBits(o, { crash: 1, live: 2, bypassCache: 4, reset: 8, memoryOnly: 16 });
    // libvirt refuses these pairs too (VIR_ERR_INVALID_ARG), but only once the call reached the daemon.
    for (const [a, b, bits] of [
      ['crash', 'live', 3],
      ['crash', 'reset', 9],
      ['live', 'reset', 10],
    ] as const)
      if ((flags & bits) === bits) throw new InvalidArgumentError(`${a} and ${b} cannot both be set`, { path: b });
    // QEMU's rule (doCoreDump): only raw dumps carry device state. Checked here because the test driver would
    // first write a header file and then refuse the format, leaving the file behind.
    if (dumpformat !== 0 && (flags & 16) === 0)
      throw new InvalidArgumentError(`format '${o.format}' needs memoryOnly: true (only raw dumps carry device state)`, { path: 'format' });
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_CORE_DUMP_WITH_FORMAT, { dom, to, dumpformat, flags }, o);
  }
}
