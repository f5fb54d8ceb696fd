import { compact, withExtras, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import type { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { normalizeUuid } from '../validate.js';

/**
 * `<encryption format='luks'><secret type='passphrase' uuid='…'/></encryption>`:
 * the same element in a volume's `<target>` (how the image is created) and in
 * a domain `<disk>` (the secret QEMU opens it with).
 *
 * @see https://libvirt.org/formatstorageencryption.html
 */
export interface StorageEncryption extends Extensible {
  /** `'luks'` (raw+LUKS or qcow2 with LUKS encryption); `'qcow'` is the legacy, insecure qcow2 AES. */
  format: Open<'luks' | 'qcow' | 'default'>;
  /** UUID of the libvirt secret holding the passphrase. */
  secret?: string;
}

/** @internal Write `<encryption>` as a child of `w`. */
export function writeEncryption(w: ElementWriter, e: StorageEncryption, path: string): void {
  if (typeof e.format !== 'string' || e.format === '') throw invalidSpec(`${path}.format`, "is required, e.g. 'luks'");
  const el = w.child('encryption', { format: e.format }, path);
  if (e.secret !== undefined) el.child('secret', { type: 'passphrase', uuid: normalizeUuid(e.secret, `${path}.secret`) }, `${path}.secret`);
  el.extras(e);
}

/** @internal Read an `<encryption>` element (the passphrase secret's UUID; other secrets stay in extras). */
export function readEncryption(r: ElementReader | undefined): StorageEncryption | undefined {
  if (r === undefined) return undefined;
  const secret = r.children('secret').find((s) => s.attr('type') === 'passphrase');
  return withExtras(compact({ format: r.requiredAttr('format'), secret: secret?.requiredAttr('uuid') }), r.extras());
}
