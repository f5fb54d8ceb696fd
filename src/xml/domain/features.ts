import { type ElementReader, type Extensible } from '../core/reader.js';
import { onOff, type ElementWriter } from '../core/writer.js';

/**
 * `<features>`: hypervisor features. Common ones are typed; anything else
 * (`<hyperv>`, `<kvm>`, `<ioapic>`, `<gic>`…) and any known feature carrying
 * more than we model (`<apic eoi='on'/>`, `<smm><tseg>…`) is kept verbatim in
 * `extraElements`.
 *
 * Presence features (`acpi`, `apic`, `pae`, `hap`, `privnet`, `viridian`):
 * `true` writes the element; `false` or absent writes nothing.
 * State features (`smm`, `vmport`, `pmu`, `vmcoreinfo`, `pvspinlock`): written
 * as `<smm state='on|off'/>`.
 *
 * @see https://libvirt.org/formatdomain.html#hypervisor-features
 */
export interface DomainFeatures extends Extensible {
  acpi?: boolean;
  apic?: boolean;
  pae?: boolean;
  hap?: boolean;
  privnet?: boolean;
  viridian?: boolean;
  /** System Management Mode; required by Secure Boot firmware. */
  smm?: boolean;
  /** VMware I/O port; virt-install turns it off on x86. */
  vmport?: boolean;
  pmu?: boolean;
  vmcoreinfo?: boolean;
  pvspinlock?: boolean;
}

const PRESENCE = ['acpi', 'apic', 'pae', 'hap', 'privnet', 'viridian'] as const;
const STATE = ['smm', 'vmport', 'pmu', 'vmcoreinfo', 'pvspinlock'] as const;

/** @internal */
export function writeFeatures(w: ElementWriter, features: DomainFeatures): void {
  for (const name of PRESENCE) if (features[name] === true) w.child(name, {}, `${w.path}.${name}`);
  for (const name of STATE) {
    if (features[name] !== undefined) w.child(name, { state: onOff(features[name]) }, `${w.path}.${name}`);
  }
  w.extras(features);
}

/** @internal */
export function readFeatures(r: ElementReader): DomainFeatures {
  const features: DomainFeatures = {};
  const keep: string[] = [];
  for (const name of PRESENCE) {
    const el = r.child(name);
    if (el === undefined) continue;
    // <hap state='off'/> says "disabled" although present: keep such forms raw.
    if (el.hasUnused()) keep.push(el.raw());
    else features[name] = true;
  }
  for (const name of STATE) {
    const el = r.child(name);
    if (el === undefined) continue;
    const state = el.bool('state');
    if (state === undefined || el.hasUnused()) keep.push(el.raw());
    else features[name] = state;
  }
  const extras = r.extras();
  const extraElements = [...keep, ...(extras.extraElements ?? [])];
  if (extraElements.length > 0) features.extraElements = extraElements;
  if (extras.extraAttributes !== undefined) features.extraAttributes = extras.extraAttributes;
  return features;
}
