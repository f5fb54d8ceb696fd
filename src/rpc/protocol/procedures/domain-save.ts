/**
 * Saving a running domain's memory to a file and starting it again from one,
 * the image's embedded domain XML, the managed save image's XML, and core
 * dumps. The caller names every path: the daemon (running as root for
 * qemu:///system) writes and reads it.
 */
import { struct, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { nonnullDomain, nonnullString, remoteString } from '../types.js';
import { domFlagsArgs } from './domain.js';

/** `REMOTE_DOMAIN_SAVE_PARAMS_MAX`: most typed parameters in a save or restore call. */
export const REMOTE_DOMAIN_SAVE_PARAMS_MAX = 64;

/**
 * 232: save the running domain's memory to `to` and stop it; `dxml` (optional) replaces the domain XML
 * stored in the image (ABI-compatible changes only). flags = virDomainSaveRestoreFlags: BYPASS_CACHE 1,
 * RUNNING 2, PAUSED 4. Superseded by 440 from libvirt 8.4, which this daemon (9.0) has.
 * @see virDomainSaveFlags
 */
export const DOMAIN_SAVE_FLAGS = procedure(
  232,
  'DOMAIN_SAVE_FLAGS',
  struct({ dom: nonnullDomain, to: nonnullString, dxml: remoteString, flags: uint }),
  xdrVoid,
);

/**
 * 233: start a domain from the save image `from`; `dxml` (optional) replaces its XML. flags as 232,
 * plus RESET_NVRAM 8. Superseded by 441 from libvirt 8.4.
 * @see virDomainRestoreFlags
 */
export const DOMAIN_RESTORE_FLAGS = procedure(
  233,
  'DOMAIN_RESTORE_FLAGS',
  struct({ from: nonnullString, dxml: remoteString, flags: uint }),
  xdrVoid,
);

/**
 * 440 (libvirt ≥ 8.4): save with typed parameters: `file` (string, the path), `dxml` (string),
 * `image_format` (string, 9.x+), `parallel.channels` (int, 10.x+). flags as 232.
 * @see virDomainSaveParams
 */
export const DOMAIN_SAVE_PARAMS = procedure(
  440,
  'DOMAIN_SAVE_PARAMS',
  struct({ dom: nonnullDomain, params: typedParams(REMOTE_DOMAIN_SAVE_PARAMS_MAX), flags: uint }),
  xdrVoid,
);

/**
 * 441 (libvirt ≥ 8.4): restore with typed parameters (`file`, `dxml`). flags as 233.
 * @see virDomainRestoreParams
 */
export const DOMAIN_RESTORE_PARAMS = procedure(
  441,
  'DOMAIN_RESTORE_PARAMS',
  struct({ params: typedParams(REMOTE_DOMAIN_SAVE_PARAMS_MAX), flags: uint }),
  xdrVoid,
);

/**
 * 235: the domain XML stored in a save image. flags = virDomainSaveImageXMLFlags: SECURE 1.
 * @see virDomainSaveImageGetXMLDesc
 */
export const DOMAIN_SAVE_IMAGE_GET_XML_DESC = procedure(
  235,
  'DOMAIN_SAVE_IMAGE_GET_XML_DESC',
  struct({ file: nonnullString, flags: uint }),
  struct({ xml: nonnullString }),
  { priority: 'high' },
);

/**
 * 236: replace the domain XML stored in a save image (ABI-compatible changes only). flags: RUNNING 2 /
 * PAUSED 4 change the state the image restores into.
 * @see virDomainSaveImageDefineXML
 */
export const DOMAIN_SAVE_IMAGE_DEFINE_XML = procedure(
  236,
  'DOMAIN_SAVE_IMAGE_DEFINE_XML',
  struct({ file: nonnullString, dxml: nonnullString, flags: uint }),
  xdrVoid,
  { priority: 'high' },
);

/**
 * 388: the domain XML stored in the domain's managed save image. flags = virDomainXMLFlags (SECURE 1).
 * @see virDomainManagedSaveGetXMLDesc
 */
export const DOMAIN_MANAGED_SAVE_GET_XML_DESC = procedure(
  388,
  'DOMAIN_MANAGED_SAVE_GET_XML_DESC',
  domFlagsArgs,
  struct({ xml: nonnullString }),
);

/**
 * 389: replace the XML in the managed save image; flags RUNNING 2 / PAUSED 4 change the state it restores
 * into. `dxml` is optional on the wire, but libvirtd 9.0 crashes (SIGSEGV) on a NULL one: always send XML.
 * @see virDomainManagedSaveDefineXML
 */
export const DOMAIN_MANAGED_SAVE_DEFINE_XML = procedure(
  389,
  'DOMAIN_MANAGED_SAVE_DEFINE_XML',
  struct({ dom: nonnullDomain, dxml: remoteString, flags: uint }),
  xdrVoid,
);

/**
 * 334: dump the guest's memory to `to` in `dumpformat` (virDomainCoreDumpFormat: RAW 0, KDUMP_ZLIB 1,
 * KDUMP_LZO 2, KDUMP_SNAPPY 3, WIN_DMP 4). flags = virDomainCoreDumpFlags: CRASH 1 (stop it after),
 * LIVE 2 (do not pause), BYPASS_CACHE 4, RESET 8, MEMORY_ONLY 16. Supersedes 53 (DOMAIN_CORE_DUMP).
 * @see virDomainCoreDumpWithFormat
 */
export const DOMAIN_CORE_DUMP_WITH_FORMAT = procedure(
  334,
  'DOMAIN_CORE_DUMP_WITH_FORMAT',
  struct({ dom: nonnullDomain, to: nonnullString, dumpformat: uint, flags: uint }),
  xdrVoid,
);
