import { InvalidArgumentError } from '../../errors/index.js';
import { CALL_OPTION_KEYS, CONNECT_DOMAIN_XML_FROM_NATIVE, CONNECT_DOMAIN_XML_TO_NATIVE, type CallOptions } from '../../rpc/index.js';
import { checkOptions } from './check-options.js';
import type { ResourceCall } from './types.js';

/**
 * A hypervisor's own configuration format, as libvirt names it: `qemu-argv`
 * (QEMU's command line with its environment), `xen-xl`, `xen-xm`, `xen-sxpr`,
 * `vmware-vmx`, `bhyve-argv`, `lxc-tools`. Each driver converts only its own.
 */
export type NativeFormat = 'qemu-argv' | 'xen-xl' | 'xen-xm' | 'xen-sxpr' | 'vmware-vmx' | 'bhyve-argv' | 'lxc-tools';

/** Options of the {@link NativeConfigResource} methods. */
export interface NativeFormatOptions extends CallOptions {
  /** @default 'qemu-argv' */
  format?: NativeFormat;
}

const FORMATS: ReadonlySet<string> = new Set<NativeFormat>([
  'qemu-argv',
  'xen-xl',
  'xen-xm',
  'xen-sxpr',
  'vmware-vmx',
  'bhyve-argv',
  'lxc-tools',
]);
const KEYS = { ...CALL_OPTION_KEYS, format: true } as const;

function checkFormat(options: NativeFormatOptions | undefined): { format: NativeFormat; o: NativeFormatOptions } {
  const o = checkOptions(options, KEYS);
  const format: unknown = o.format ?? 'qemu-argv';
  if (typeof format !== 'string' || !FORMATS.has(format))
    throw new InvalidArgumentError(`format must be one of ${[...FORMATS].join(', ')}`, { path: 'format' });
  return { format: format as NativeFormat, o };
}

function checkText(value: unknown, path: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidArgumentError(`${path} must be ${what}`, { path });
  return value;
}

/**
 * Native configuration (`conn.host.native`): the hypervisor's own
 * configuration a domain XML would run with (`virsh domxml-to-native`), and
 * back (`virsh domxml-from-native`). Nothing is defined or started.
 *
 * @example
 * const argv = await conn.host.native.fromDomainXml(xml); // 'LC_ALL=C … /usr/bin/qemu-system-x86_64 -name guest=web1,… -m 1024 …'
 */
export class NativeConfigResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * The native configuration a domain XML would run with: for `qemu-argv`, the environment and QEMU
   * command line libvirt would start it with (paths under `/var/lib/libvirt/qemu/domain--1-<name>/`, since
   * it has no id yet). Useful to see what a spec becomes, or to debug QEMU options.
   * @example const argv = await conn.host.native.fromDomainXml(buildDomainXml(model));
   * @throws InvalidArgumentError for an empty XML or an unknown format (nothing is sent) ·
   *   `LibvirtError` `VIR_ERR_INVALID_ARG` for a format the driver does not write · `UnsupportedError` (the test driver)
   * @see virConnectDomainXMLToNative
   */
  async fromDomainXml(domainXml: string, options?: NativeFormatOptions): Promise<string> {
    const xml = checkText(domainXml, 'domainXml', 'a <domain> XML document');
    const { format, o } = checkFormat(options);
    return (await this.#call(CONNECT_DOMAIN_XML_TO_NATIVE, { nativeFormat: format, domainXml: xml, flags: 0 }, o)).nativeConfig;
  }

  /**
   * A domain XML from a native configuration. libvirt 9.0's QEMU driver no longer parses `qemu-argv`: it
   * answers `UnsupportedError`; the Xen, VMware and bhyve drivers still convert their formats.
   * @example const xml = await conn.host.native.toDomainXml(vmxText, { format: 'vmware-vmx' });
   * @throws InvalidArgumentError for an empty config or an unknown format (nothing is sent) · `UnsupportedError`
   * @see virConnectDomainXMLFromNative
   */
  async toDomainXml(config: string, options?: NativeFormatOptions): Promise<string> {
    const nativeConfig = checkText(config, 'config', 'a native configuration (text)');
    const { format, o } = checkFormat(options);
    return (await this.#call(CONNECT_DOMAIN_XML_FROM_NATIVE, { nativeFormat: format, nativeConfig, flags: 0 }, o)).domainXml;
  }
}
