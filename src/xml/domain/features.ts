import { withExtras, type ElementReader, type Extensible } from '../core/reader.js';
import { invalidSpec } from '../errors.js';
import { onOff, type ElementWriter } from '../core/writer.js';

/**
 * `<features>`: hypervisor features. Common ones and the Hyper-V
 * enlightenments are typed; anything else (`<kvm>`, `<ioapic>`, `<gic>`…)
 * and any known feature carrying
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
  /** Hyper-V enlightenments (`<hyperv mode='custom'>`) that make Windows guests fast under KVM. */
  hyperv?: HypervFeatures;
}

/**
 * `<hyperv>` enlightenments, each `<name state='on|off'/>`. `spinlocks` is
 * the retry count (`<spinlocks state='on' retries='8191'/>`). Names libvirt
 * knows but this model does not (`vendor_id`, `evmcs`…) go in `extraElements`.
 */
export interface HypervFeatures extends Extensible {
  relaxed?: boolean;
  vapic?: boolean;
  /** Retry count before a spinlock is reported to the hypervisor (≥ 4095); `false` for off. */
  spinlocks?: number | false;
  vpindex?: boolean;
  runtime?: boolean;
  synic?: boolean;
  stimer?: boolean;
  reset?: boolean;
  frequencies?: boolean;
  reenlightenment?: boolean;
  tlbflush?: boolean;
  ipi?: boolean;
}

const HYPERV = [
  'relaxed',
  'vapic',
  'vpindex',
  'runtime',
  'synic',
  'stimer',
  'reset',
  'frequencies',
  'reenlightenment',
  'tlbflush',
  'ipi',
] as const;

function writeHyperv(w: ElementWriter, hv: HypervFeatures): void {
  const h = w.child('hyperv', { mode: 'custom' }, `${w.path}.hyperv`);
  for (const name of HYPERV) if (hv[name] !== undefined) h.child(name, { state: onOff(hv[name]) });
  if (hv.spinlocks !== undefined) {
    const on = hv.spinlocks !== false;
    if (on && (!Number.isSafeInteger(hv.spinlocks) || (hv.spinlocks as number) < 4095))
      throw invalidSpec(`${w.path}.hyperv.spinlocks`, 'must be an integer ≥ 4095 (or false)');
    h.child('spinlocks', { state: onOff(on), retries: on ? (hv.spinlocks as number) : undefined });
  }
  h.extras(hv);
}

/** `<hyperv>` typed when it has only what the model knows; `undefined` (keep it raw) otherwise. */
function readHyperv(el: ElementReader): HypervFeatures | undefined {
  if ((el.attr('mode') ?? 'custom') !== 'custom') return undefined;
  const hv: HypervFeatures = {};
  for (const name of HYPERV) {
    const child = el.child(name);
    if (child === undefined) continue;
    const state = child.bool('state');
    if (state === undefined || child.hasUnused()) return undefined;
    hv[name] = state;
  }
  const spin = el.child('spinlocks');
  if (spin !== undefined) {
    const state = spin.bool('state');
    const retries = spin.int('retries');
    if (state === undefined || spin.hasUnused() || (state && retries === undefined)) return undefined;
    hv.spinlocks = state ? retries! : false;
  }
  const extras = el.extras();
  if (extras.extraAttributes !== undefined) return undefined;
  return withExtras(hv, extras);
}

const PRESENCE = ['acpi', 'apic', 'pae', 'hap', 'privnet', 'viridian'] as const;
const STATE = ['smm', 'vmport', 'pmu', 'vmcoreinfo', 'pvspinlock'] as const;

/** @internal */
export function writeFeatures(w: ElementWriter, features: DomainFeatures): void {
  for (const name of PRESENCE) if (features[name] === true) w.child(name, {}, `${w.path}.${name}`);
  for (const name of STATE) {
    if (features[name] !== undefined) w.child(name, { state: onOff(features[name]) }, `${w.path}.${name}`);
  }
  if (features.hyperv !== undefined) writeHyperv(w, features.hyperv);
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
  const hv = r.child('hyperv');
  if (hv !== undefined) {
    const typed = readHyperv(hv);
    if (typed === undefined) keep.push(hv.raw());
    else features.hyperv = typed;
  }
  const extras = r.extras();
  const extraElements = [...keep, ...(extras.extraElements ?? [])];
  if (extraElements.length > 0) features.extraElements = extraElements;
  if (extras.extraAttributes !== undefined) features.extraAttributes = extras.extraAttributes;
  return features;
}
