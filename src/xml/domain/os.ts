import { compact, withExtras, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { yesNo, type ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';

/** A `<boot dev>` entry. */
export type BootDevice = Open<'hd' | 'cdrom' | 'network' | 'fd'>;

/** `<loader>`: the firmware image. */
export interface DomainOsLoader extends Extensible {
  /** Firmware path, e.g. `/usr/share/OVMF/OVMF_CODE_4M.fd`. */
  path?: string;
  readonly?: boolean;
  /** `'pflash'` for UEFI with NVRAM, `'rom'` otherwise. */
  type?: Open<'rom' | 'pflash'>;
  /** Secure Boot (needs SMM: `features.smm`). */
  secure?: boolean;
}

/** `<nvram>`: the per-domain UEFI variable store. */
export interface DomainOsNvram extends Extensible {
  /** Where the variable store lives; libvirt uses `/var/lib/libvirt/qemu/nvram/<name>_VARS.fd` when omitted. */
  path?: string;
  /** Template copied to `path` when it does not exist, e.g. `/usr/share/OVMF/OVMF_VARS_4M.fd`. */
  template?: string;
}

/** `<firmware><feature enabled name/>`: constraints for `firmware='efi'` auto-selection. */
export interface FirmwareFeature {
  name: Open<'secure-boot' | 'enrolled-keys'>;
  enabled: boolean;
}

/**
 * `<os>`: how the domain boots: BIOS, UEFI (explicit loader + NVRAM, or
 * `firmware: 'efi'` auto-selection), or a kernel given directly.
 *
 * @see https://libvirt.org/formatdomain.html#operating-system-booting
 */
export interface DomainOs extends Extensible {
  /** `<type>` text: `'hvm'` for full virtualisation. */
  type: Open<'hvm' | 'xen' | 'linux' | 'exe'>;
  arch?: string;
  /** Machine type, e.g. `'q35'` (libvirt expands it to `'pc-q35-7.2'`). */
  machine?: string;
  /** Let libvirt choose firmware of this kind from the QEMU firmware descriptors. */
  firmware?: Open<'efi' | 'bios'>;
  firmwareFeatures?: FirmwareFeature[];
  loader?: DomainOsLoader;
  nvram?: DomainOsNvram;
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  dtb?: string;
  /** BIOS boot order (`<boot dev>`, in order). Do not mix with per-device `bootOrder`. */
  boot?: BootDevice[];
  bootMenu?: { enable: boolean; timeout?: number };
}

/** @internal */
export function writeOs(w: ElementWriter, os: DomainOs): void {
  const p = w.path;
  if (os === undefined || typeof os.type !== 'string' || os.type === '') throw invalidSpec(`${p}.type`, 'is required');
  w.attr('firmware', os.firmware);
  w.child('type', { arch: os.arch, machine: os.machine }).text(os.type, 'type');
  if (os.firmwareFeatures !== undefined && os.firmwareFeatures.length > 0) {
    const fw = w.child('firmware', {}, `${p}.firmwareFeatures`);
    os.firmwareFeatures.forEach((f, i) => fw.child('feature', { enabled: yesNo(f.enabled), name: f.name }, `${p}.firmwareFeatures[${i}]`));
  }
  if (os.loader !== undefined) {
    const { readonly, secure, type, path } = os.loader;
    const loader = w.child('loader', { readonly: yesNo(readonly), secure: yesNo(secure), type }, `${p}.loader`);
    if (path !== undefined) loader.text(path, 'path');
    loader.extras(os.loader);
  }
  if (os.nvram !== undefined) {
    const nvram = w.child('nvram', { template: os.nvram.template }, `${p}.nvram`);
    if (os.nvram.path !== undefined) nvram.text(os.nvram.path, 'path');
    nvram.extras(os.nvram);
  }
  w.textChild('kernel', os.kernel).textChild('initrd', os.initrd).textChild('cmdline', os.cmdline).textChild('dtb', os.dtb);
  (os.boot ?? []).forEach((dev, i) => w.child('boot', { dev }, `${p}.boot[${i}]`));
  if (os.bootMenu !== undefined) w.child('bootmenu', { enable: yesNo(os.bootMenu.enable), timeout: os.bootMenu.timeout }, `${p}.bootMenu`);
  w.extras(os);
}

function textOrUndefined(r: ElementReader | undefined): string | undefined {
  if (r === undefined) return undefined;
  const text = r.text().trim();
  return text === '' ? undefined : text;
}

/** @internal */
export function readOs(r: ElementReader): DomainOs {
  const type = r.child('type') ?? r.fail('missing <type>');
  const fw = r.child('firmware');
  const firmwareFeatures = fw?.children('feature').map((f) => ({ name: f.requiredAttr('name'), enabled: f.bool('enabled') ?? false }));
  const loaderEl = r.child('loader');
  const nvramEl = r.child('nvram');
  const bootmenu = r.child('bootmenu');
  const os: DomainOs = compact({
    type: type.text().trim(),
    arch: type.attr('arch'),
    machine: type.attr('machine'),
    firmware: r.attr('firmware'),
    firmwareFeatures: firmwareFeatures !== undefined && firmwareFeatures.length > 0 ? firmwareFeatures : undefined,
    loader:
      loaderEl &&
      compact(
        withExtras(
          {
            path: textOrUndefined(loaderEl),
            readonly: loaderEl.bool('readonly'),
            secure: loaderEl.bool('secure'),
            type: loaderEl.attr('type'),
          },
          loaderEl.extras(),
        ),
      ),
    nvram: nvramEl && compact(withExtras({ path: textOrUndefined(nvramEl), template: nvramEl.attr('template') }, nvramEl.extras())),
    kernel: r.childText('kernel'),
    initrd: r.childText('initrd'),
    cmdline: r.childText('cmdline'),
    dtb: r.childText('dtb'),
    bootMenu: bootmenu && compact({ enable: bootmenu.bool('enable') ?? false, timeout: bootmenu.int('timeout') }),
  });
  const boot = r.children('boot').map((b) => b.requiredAttr('dev'));
  if (boot.length > 0) os.boot = boot;
  // Unknown parts of <firmware> would be lost if we kept only its features: keep the element raw instead.
  if (fw?.hasUnused()) {
    delete os.firmwareFeatures;
    (os.extraElements ??= []).push(fw.raw());
  }
  return withExtras(os, r.extras());
}
