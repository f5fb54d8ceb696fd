import { compact, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { yesNo, type ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { codecToXml, codecFromXml, readCommon, readPart, readSimple, writeCommon, type DeviceCodec, type DeviceCommon } from './common.js';

/** `<backend>` of a TPM. */
export interface TpmBackend extends Extensible {
  /** `'emulator'` runs swtpm (its state is kept by libvirt, see `VIR_DOMAIN_UNDEFINE_TPM`); `'passthrough'` uses a host TPM. */
  type: Open<'emulator' | 'passthrough' | 'external'>;
  /** TPM version for `emulator`. */
  version?: Open<'1.2' | '2.0'>;
  /** For `passthrough`: `<device path>`, e.g. `/dev/tpm0`. */
  devicePath?: string;
  /** For `emulator`: keep the TPM state when the domain is undefined. */
  persistentState?: boolean;
}

/**
 * A `<tpm>` device.
 *
 * @see https://libvirt.org/formatdomain.html#tpm-device
 */
export interface TpmDevice extends DeviceCommon {
  /** `'tpm-crb'` (TPM 2.0 on q35), `'tpm-tis'`… libvirt picks one when omitted. */
  model?: Open<'tpm-tis' | 'tpm-crb' | 'tpm-spapr' | 'spapr-tpm-proxy'>;
  backend: TpmBackend;
}

function write(w: ElementWriter, tpm: TpmDevice): void {
  const p = `${w.path}.backend`;
  if (tpm.backend === undefined || typeof tpm.backend.type !== 'string' || tpm.backend.type === '')
    throw invalidSpec(`${p}.type`, 'is required');
  w.attr('model', tpm.model);
  const { type, version, devicePath, persistentState } = tpm.backend;
  const backend = w.child('backend', { type, version, persistent_state: yesNo(persistentState) }, p);
  if (devicePath !== undefined) backend.child('device', { path: devicePath }, p);
  backend.extras(tpm.backend);
  writeCommon(w, tpm);
}

function read(r: ElementReader): TpmDevice {
  const backend =
    readPart(r, 'backend', (b) => {
      const keep: string[] = [];
      const value = compact({
        type: b.requiredAttr('type'),
        version: b.attr('version'),
        persistentState: b.bool('persistent_state'),
        devicePath: readSimple(b, 'device', 'path', keep),
      });
      return keep.length > 0 ? { ...value, extraElements: keep } : value;
    }) ?? r.fail('missing <backend>');
  return readCommon(r, compact({ model: r.attr('model'), backend }));
}

/** Writes and reads `<tpm>`. */
export const tpmCodec: DeviceCodec<TpmDevice> = { element: 'tpm', write, read };

/**
 * Build the XML of one TPM.
 *
 * @example buildTpmXml({ model: 'tpm-crb', backend: { type: 'emulator', version: '2.0' } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a missing backend type.
 * @see https://libvirt.org/formatdomain.html#tpm-device
 */
export function buildTpmXml(tpm: TpmDevice): string {
  return codecToXml(tpmCodec, tpm);
}

/**
 * Parse one `<tpm>` element (e.g. from `virsh dumpxml`, or a device XML kept by the caller).
 *
 * @example parseTpmXml(xml)
 * @throws XmlParseError when malformed
 * @see https://libvirt.org/formatdomain.html#tpm-device
 */
export function parseTpmXml(xml: string): TpmDevice {
  return codecFromXml(tpmCodec, xml);
}
