import { ElementReader, compact, withExtras, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { ElementWriter, yesNo } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { normalizeUuid } from '../validate.js';

/** What a secret is for (`<usage type>`), as libvirt's `virSecretUsageType` names it. */
export type SecretUsageType = Open<'volume' | 'ceph' | 'iscsi' | 'tls' | 'vtpm'>;

/**
 * `<usage>`: the object the secret unlocks. `id` is the usage ID libvirt looks
 * the secret up by (`virSecretLookupByUsage`): a volume path for `'volume'`, an
 * iSCSI target for `'iscsi'`, a name for `'ceph'`, `'tls'` and `'vtpm'`.
 */
export interface SecretUsage {
  type: SecretUsageType;
  id: string;
}

/**
 * A libvirt secret's definition (`<secret>`). It never holds the value: values
 * are set and read with their own calls.
 *
 * @see https://libvirt.org/formatsecret.html
 */
export interface SecretModel extends Extensible {
  /** libvirt generates one when omitted. */
  uuid?: string;
  description?: string;
  /** `true`: the value lives in the daemon's memory only, never on disk. */
  ephemeral?: boolean;
  /** `true`: the value can be set but never read back through the API. */
  private?: boolean;
  usage?: SecretUsage;
}

/** Child element of `<usage>` that carries the usage ID, per usage type. */
const USAGE_ID_ELEMENT: Readonly<Record<string, string>> = { volume: 'volume', iscsi: 'target', ceph: 'name', tls: 'name', vtpm: 'name' };

/**
 * Build secret XML.
 *
 * @example buildSecretXml({ private: true, usage: { type: 'ceph', id: 'client.admin' } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad UUID, or a usage type without an ID element.
 * @see https://libvirt.org/formatsecret.html
 */
export function buildSecretXml(secret: SecretModel): string {
  if (secret === null || typeof secret !== 'object') throw invalidSpec('secret', 'must be an object');
  const w = ElementWriter.document('secret', '');
  w.attrs({ ephemeral: yesNo(secret.ephemeral), private: yesNo(secret.private) });
  if (secret.uuid !== undefined) w.textChild('uuid', normalizeUuid(secret.uuid));
  if (secret.description !== undefined) w.textChild('description', secret.description);
  if (secret.usage !== undefined) {
    const element = USAGE_ID_ELEMENT[secret.usage.type];
    if (element === undefined) throw invalidSpec('usage.type', `must be one of ${Object.keys(USAGE_ID_ELEMENT).join(', ')}`);
    if (typeof secret.usage.id !== 'string' || secret.usage.id.length === 0) throw invalidSpec('usage.id', 'must be a non-empty string');
    w.child('usage', { type: secret.usage.type }, 'usage').textChild(element, secret.usage.id, 'usage.id');
  }
  w.extras(secret);
  return w.toXml();
}

/**
 * Parse secret XML (from `virSecretGetXMLDesc`).
 *
 * @example parseSecretXml(xml).usage?.id
 * @throws XmlParseError when malformed or not a `<secret>`.
 * @see https://libvirt.org/formatsecret.html
 */
export function parseSecretXml(xml: string): SecretModel {
  const r = ElementReader.root(xml, 'secret');
  const usage = r.child('usage');
  let usageModel: SecretUsage | undefined;
  if (usage !== undefined) {
    const type = usage.requiredAttr('type');
    const element = USAGE_ID_ELEMENT[type];
    usageModel = { type, id: (element === undefined ? undefined : usage.childText(element)) ?? '' };
  }
  const model: SecretModel = compact({
    uuid: r.childText('uuid')?.trim(),
    description: r.childText('description'),
    ephemeral: r.bool('ephemeral'),
    private: r.bool('private'),
    usage: usageModel,
  });
  return withExtras(model, r.extras());
}
