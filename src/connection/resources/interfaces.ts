import { InvalidArgumentError } from '../../errors/index.js';
import {
  CALL_OPTION_KEYS,
  CONNECT_LIST_ALL_INTERFACES,
  INTERFACE_CHANGE_BEGIN,
  INTERFACE_CHANGE_COMMIT,
  INTERFACE_CHANGE_ROLLBACK,
  INTERFACE_CREATE,
  INTERFACE_DEFINE_XML,
  INTERFACE_DESTROY,
  INTERFACE_GET_XML_DESC,
  INTERFACE_IS_ACTIVE,
  INTERFACE_LOOKUP_BY_MAC_STRING,
  INTERFACE_LOOKUP_BY_NAME,
  INTERFACE_UNDEFINE,
  VirConnectListAllInterfacesFlags,
  VirInterfaceDefineFlags,
  VirInterfaceXMLFlags,
  type CallOptions,
  type InterfaceRef,
} from '../../rpc/index.js';
import { checkOptions } from './check-options.js';
import { checkName } from './refs.js';
import { type ResourceCall, flag } from './types.js';

/** A host interface named by name (`eth0`, `br0`), MAC address, or a reference returned by the SDK. */
export type InterfaceInput = string | InterfaceRef;

/** Options of {@link InterfaceResource.list}. */
export interface InterfaceListOptions extends CallOptions {
  /** `true`: only interfaces that are up; `false`: only those that are down. Unset: both. */
  active?: boolean;
}

/** Options of {@link InterfaceResource.getXml}. */
export interface InterfaceXmlOptions extends CallOptions {
  /** The persistent definition instead of the live state (`VIR_INTERFACE_XML_INACTIVE`). @default false */
  inactive?: boolean;
}

/** Options of {@link InterfaceResource.define}. */
export interface InterfaceDefineOptions extends CallOptions {
  /** Check the XML against libvirt's schema first (`VIR_INTERFACE_DEFINE_VALIDATE`). @default false */
  validate?: boolean;
}

const CALL = CALL_OPTION_KEYS;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Check an interface name: {@link checkName}, and no `/` or whitespace (no host interface is named so). */
function checkInterfaceName(value: unknown, path: string): string {
  const name = checkName(value, path);
  if (/[/\s]/.test(name)) throw new InvalidArgumentError(`${path} must be an interface name or MAC address (no "/" or spaces)`, { path });
  return name;
}

/**
 * Host network interfaces (`virsh iface-*`): the host's NICs, bridges, bonds
 * and VLANs as libvirt's interface driver sees them (udev: read-only view of
 * what is there; netcf: also defines, starts and stops them). There are no
 * interface events.
 *
 * Defining, starting or stopping an interface changes the host's networking:
 * open a change transaction first ({@link InterfaceResource.beginChange}) so a
 * mistake can be rolled back.
 *
 * @example
 * for (const iface of await conn.interfaces.list({ active: true })) console.log(iface.name, iface.mac);
 */
export class InterfaceResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * Every host interface (`virsh iface-list --all`), or only those up or down.
   * @example const down = await conn.interfaces.list({ active: false });
   * @throws InvalidArgumentError for a bad option (nothing is sent)
   * @see virConnectListAllInterfaces
   */
  async list(options?: InterfaceListOptions): Promise<InterfaceRef[]> {
    const o = checkOptions(options, { ...CALL, active: true } as const, ['active']);
    const F = VirConnectListAllInterfacesFlags;
    const flags = o.active === undefined ? 0 : o.active ? F.VIR_CONNECT_LIST_INTERFACES_ACTIVE : F.VIR_CONNECT_LIST_INTERFACES_INACTIVE;
    return (await this.#call(CONNECT_LIST_ALL_INTERFACES, { need_results: 1, flags }, o)).ifaces;
  }

  /**
   * Find an interface by name, or by MAC address (`aa:bb:cc:dd:ee:ff`, sent
   * lower-case as libvirt writes MACs: the udev backend matches exactly).
   * @example const eth0 = await conn.interfaces.lookup('eth0');
   * @throws `LibvirtError` `VIR_ERR_NO_INTERFACE` when absent · `VIR_ERR_MULTIPLE_INTERFACES` when several share the MAC
   * @see virInterfaceLookupByName
   * @see virInterfaceLookupByMACString
   */
  async lookup(nameOrMac: string, options?: CallOptions): Promise<InterfaceRef> {
    const key = checkInterfaceName(nameOrMac, 'nameOrMac');
    return this.#lookup(key, checkOptions(options, CALL));
  }

  /**
   * The interface's XML (`virsh iface-dumpxml`): its type, MAC, MTU, link, addresses, and for a bridge or
   * bond its members.
   * @example const xml = await conn.interfaces.getXml('eth0');
   * @throws `LibvirtError` `VIR_ERR_INVALID_ARG` for `inactive` on the test driver (it keeps no separate definition)
   * @see virInterfaceGetXMLDesc
   */
  async getXml(iface: InterfaceInput, options?: InterfaceXmlOptions): Promise<string> {
    const o = checkOptions(options, { ...CALL, inactive: true } as const, ['inactive']);
    const flags = o.inactive === true ? VirInterfaceXMLFlags.VIR_INTERFACE_XML_INACTIVE : 0;
    return (await this.#call(INTERFACE_GET_XML_DESC, { iface: await this.#resolve(iface, o), flags }, o)).xml;
  }

  /**
   * Whether the interface is up.
   * @example if (!(await conn.interfaces.isActive('eth1'))) await conn.interfaces.start('eth1');
   * @throws `LibvirtError` `VIR_ERR_NO_INTERFACE` when absent
   * @see virInterfaceIsActive
   */
  async isActive(iface: InterfaceInput, options?: CallOptions): Promise<boolean> {
    const o = checkOptions(options, CALL);
    return flag((await this.#call(INTERFACE_IS_ACTIVE, { iface: await this.#resolve(iface, o) }, o)).active);
  }

  /**
   * Define (or redefine, same name) an interface from `<interface>` XML (`virsh iface-define`). It is not
   * started. Changes the host's network configuration: see {@link InterfaceResource.beginChange}.
   * @example await conn.interfaces.define(`<interface type='ethernet' name='eth2'><start mode='none'/></interface>`);
   * @throws InvalidArgumentError for an empty XML (nothing is sent) · `LibvirtError` (`VIR_ERR_XML_ERROR`,
   *   `UnsupportedError` where the backend cannot define: udev)
   * @see virInterfaceDefineXML
   */
  async define(xml: string, options?: InterfaceDefineOptions): Promise<InterfaceRef> {
    if (typeof xml !== 'string' || xml.trim() === '')
      throw new InvalidArgumentError('xml must be an <interface> XML document', { path: 'xml' });
    const o = checkOptions(options, { ...CALL, validate: true } as const, ['validate']);
    const flags = o.validate === true ? VirInterfaceDefineFlags.VIR_INTERFACE_DEFINE_VALIDATE : 0;
    return (await this.#call(INTERFACE_DEFINE_XML, { xml, flags }, o)).iface;
  }

  /**
   * Remove an interface's definition (`virsh iface-undefine`). The test driver removes an interface that is
   * up as well.
   * @example await conn.interfaces.undefine('eth2');
   * @throws `LibvirtError` `VIR_ERR_NO_INTERFACE` when absent
   * @see virInterfaceUndefine
   */
  async undefine(iface: InterfaceInput, options?: CallOptions): Promise<void> {
    const o = checkOptions(options, CALL);
    await this.#call(INTERFACE_UNDEFINE, { iface: await this.#resolve(iface, o) }, o);
  }

  /**
   * Bring an interface up (`virsh iface-start`).
   * @example await conn.interfaces.start('eth2');
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when it is already up
   * @see virInterfaceCreate
   */
  async start(iface: InterfaceInput, options?: CallOptions): Promise<void> {
    const o = checkOptions(options, CALL);
    await this.#call(INTERFACE_CREATE, { iface: await this.#resolve(iface, o), flags: 0 }, o);
  }

  /**
   * Bring an interface down (`virsh iface-destroy`).
   * @example await conn.interfaces.stop('eth2');
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when it is already down
   * @see virInterfaceDestroy
   */
  async stop(iface: InterfaceInput, options?: CallOptions): Promise<void> {
    const o = checkOptions(options, CALL);
    await this.#call(INTERFACE_DESTROY, { iface: await this.#resolve(iface, o), flags: 0 }, o);
  }

  /**
   * Open a change transaction (`virsh iface-begin`): libvirt snapshots the host's interface configuration,
   * so {@link InterfaceResource.rollbackChange} can restore it and {@link InterfaceResource.commitChange}
   * keeps what changed. One is open per driver at a time. On the test driver it lives as long as the
   * shared `test:///default` state (until the last connection to it closes).
   * @example await conn.interfaces.beginChange(); try { … ; await conn.interfaces.commitChange(); } catch (e) { await conn.interfaces.rollbackChange(); throw e; }
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when one is already open
   * @see virInterfaceChangeBegin
   */
  async beginChange(options?: CallOptions): Promise<void> {
    await this.#call(INTERFACE_CHANGE_BEGIN, { flags: 0 }, checkOptions(options, CALL));
  }

  /**
   * Keep the interface changes made since {@link InterfaceResource.beginChange} (`virsh iface-commit`).
   * @example await conn.interfaces.commitChange();
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when no transaction is open
   * @see virInterfaceChangeCommit
   */
  async commitChange(options?: CallOptions): Promise<void> {
    await this.#call(INTERFACE_CHANGE_COMMIT, { flags: 0 }, checkOptions(options, CALL));
  }

  /**
   * Restore the interface configuration saved by {@link InterfaceResource.beginChange} (`virsh iface-rollback`).
   * @example await conn.interfaces.rollbackChange();
   * @throws `LibvirtError` `VIR_ERR_OPERATION_INVALID` when no transaction is open
   * @see virInterfaceChangeRollback
   */
  async rollbackChange(options?: CallOptions): Promise<void> {
    await this.#call(INTERFACE_CHANGE_ROLLBACK, { flags: 0 }, checkOptions(options, CALL));
  }

  /** A reference as given, or the lookup of a name or MAC. */
  async #resolve(iface: InterfaceInput, options: CallOptions): Promise<InterfaceRef> {
    if (typeof iface === 'object' && iface !== null) {
      const { name, mac } = iface as { name?: unknown; mac?: unknown };
      if (typeof name !== 'string' || typeof mac !== 'string')
        throw new InvalidArgumentError('iface must be a name, a MAC address or an interface reference { name, mac }', { path: 'iface' });
      return { name: checkInterfaceName(name, 'iface.name'), mac };
    }
    return this.#lookup(checkInterfaceName(iface, 'iface'), options);
  }

  /** Look a checked name or MAC up; `options` were checked by the public method (they may hold its own keys). */
  async #lookup(key: string, options: CallOptions): Promise<InterfaceRef> {
    const { iface } = MAC.test(key)
      ? await this.#call(INTERFACE_LOOKUP_BY_MAC_STRING, { mac: key.toLowerCase() }, options)
      : await this.#call(INTERFACE_LOOKUP_BY_NAME, { name: key }, options);
    return iface;
  }
}
