import { ElementReader, compact } from '../core/reader.js';

/**
 * A capability block as libvirt describes it: whether it is supported, and
 * named lists of allowed values (`<enum name='bus'><value>virtio</value>…`).
 */
export interface CapabilityEnums {
  supported: boolean;
  /** `<enum name>` → its values, e.g. `{ diskDevice: ['disk', 'cdrom', …], bus: ['virtio', …] }`. */
  enums: Record<string, string[]>;
}

/** A CPU model of the `custom` mode. */
export interface CpuModelCapability {
  name: string;
  /** `'yes'`, `'no'` (not runnable on this host/accelerator) or `'unknown'`. */
  usable?: string;
  vendor?: string;
  deprecated?: boolean;
}

/** One `<cpu><mode>` of the domain capabilities. */
export interface CpuModeCapability extends CapabilityEnums {
  /** host-model: the model libvirt would use; custom: every known model. */
  models: CpuModelCapability[];
  vendor?: string;
  /** host-model: features added or removed relative to `models[0]`. */
  features: { name: string; policy: string }[];
}

/**
 * What a given emulator/machine/arch/virt type supports
 * (`virConnectGetDomainCapabilities`, `virsh domcapabilities`).
 *
 * @see https://libvirt.org/formatdomaincaps.html
 */
export interface DomainCapabilities {
  /** Emulator binary. */
  path?: string;
  /** Virtualisation type: `'qemu'` or `'kvm'`. */
  domain: string;
  /** Canonical machine type, e.g. `'pc-q35-7.2'`. */
  machine?: string;
  arch: string;
  vcpuMax?: number;
  iothreads?: boolean;
  /** `enums.firmware`: values of `<os firmware>` auto-selection (e.g. `['efi']`). */
  os: CapabilityEnums & {
    /** Firmware images (`values`) and `enums.type`/`readonly`/`secure`. */
    loader?: CapabilityEnums & { values: string[] };
  };
  /** By mode name: `'host-passthrough'`, `'host-model'`, `'custom'`, `'maximum'`. */
  cpuModes: Record<string, CpuModeCapability>;
  memoryBacking?: CapabilityEnums;
  /** By device element: `disk`, `graphics`, `video`, `hostdev`, `rng`, `filesystem`, `tpm`, `redirdev`, `channel`… */
  devices: Record<string, CapabilityEnums>;
  /** By feature element: `gic`, `vmcoreinfo`, `genid`, `backingStoreInput`, `backup`, `sev`, `sgx`, `hyperv`… `details` holds simple children such as sev's `cbitpos`. */
  features: Record<string, CapabilityEnums & { details?: Record<string, string> }>;
}

function readEnums(r: ElementReader): CapabilityEnums {
  const enums: Record<string, string[]> = {};
  for (const e of r.children('enum')) enums[e.requiredAttr('name')] = e.children('value').map((v) => v.text().trim());
  return { supported: r.bool('supported') ?? true, enums };
}

function readFeature(r: ElementReader): CapabilityEnums & { details?: Record<string, string> } {
  const base = readEnums(r);
  const details: Record<string, string> = {};
  for (const child of r.allChildren()) details[child.name] = child.text().trim();
  return Object.keys(details).length > 0 ? { ...base, details } : base;
}

/**
 * Parse domain capabilities XML.
 *
 * @example
 * const caps = parseDomainCapabilitiesXml(xml);
 * const uefi = caps.os.enums.firmware?.includes('efi');
 * const virtioDisks = caps.devices.disk?.enums.bus?.includes('virtio');
 * @throws XmlParseError when malformed or not a `<domainCapabilities>` document.
 * @see https://libvirt.org/formatdomaincaps.html
 */
export function parseDomainCapabilitiesXml(xml: string): DomainCapabilities {
  const r = ElementReader.root(xml, 'domainCapabilities');
  const os = r.child('os');
  const loader = os?.child('loader');
  const cpuModes: Record<string, CpuModeCapability> = {};
  for (const mode of r.child('cpu')?.children('mode') ?? []) {
    const name = mode.requiredAttr('name');
    const models = mode
      .children('model')
      .map((m) => compact({ name: m.text().trim(), usable: m.attr('usable'), vendor: m.attr('vendor'), deprecated: m.bool('deprecated') }));
    const features = mode.children('feature').map((f) => ({ name: f.requiredAttr('name'), policy: f.attr('policy') ?? '' }));
    cpuModes[name] = compact({ ...readEnums(mode), models, vendor: mode.childText('vendor')?.trim(), features });
  }
  const devices: Record<string, CapabilityEnums> = {};
  for (const d of r.child('devices')?.allChildren() ?? []) devices[d.name] = readEnums(d);
  const features: Record<string, CapabilityEnums & { details?: Record<string, string> }> = {};
  for (const f of r.child('features')?.allChildren() ?? []) features[f.name] = readFeature(f);
  const memoryBacking = r.child('memoryBacking');
  return compact({
    path: r.childText('path')?.trim(),
    domain: r.childText('domain')?.trim() ?? r.fail('missing <domain>'),
    machine: r.childText('machine')?.trim(),
    arch: r.childText('arch')?.trim() ?? r.fail('missing <arch>'),
    vcpuMax: r.child('vcpu')?.int('max'),
    iothreads: r.child('iothreads')?.bool('supported'),
    os: {
      ...(os === undefined ? { supported: false, enums: {} } : readEnums(os)),
      ...(loader === undefined ? {} : { loader: { ...readEnums(loader), values: loader.children('value').map((v) => v.text().trim()) } }),
    },
    cpuModes,
    memoryBacking: memoryBacking && readEnums(memoryBacking),
    devices,
    features,
  });
}
