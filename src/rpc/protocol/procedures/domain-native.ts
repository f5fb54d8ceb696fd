/**
 * Native configuration: a domain XML turned into the hypervisor's own
 * configuration (QEMU's command line) and back.
 */
import { struct, uint } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { nonnullString } from '../types.js';

/**
 * 135: a domain XML from a native configuration of `nativeFormat` (flags: none yet). The QEMU driver of
 * libvirt 9.0 no longer parses `qemu-argv`: it answers VIR_ERR_NO_SUPPORT.
 * @see virConnectDomainXMLFromNative
 */
export const CONNECT_DOMAIN_XML_FROM_NATIVE = procedure(
  135,
  'CONNECT_DOMAIN_XML_FROM_NATIVE',
  struct({ nativeFormat: nonnullString, nativeConfig: nonnullString, flags: uint }),
  struct({ domainXml: nonnullString }),
);

/**
 * 136: the native configuration of `nativeFormat` (`"qemu-argv"`: the QEMU command line with its
 * environment) a domain XML would run with (flags: none yet). Nothing is defined or started.
 * @see virConnectDomainXMLToNative
 */
export const CONNECT_DOMAIN_XML_TO_NATIVE = procedure(
  136,
  'CONNECT_DOMAIN_XML_TO_NATIVE',
  struct({ nativeFormat: nonnullString, domainXml: nonnullString, flags: uint }),
  struct({ nativeConfig: nonnullString }),
);
