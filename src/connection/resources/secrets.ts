import { InvalidArgumentError } from '../../errors/index.js';
import {
  CONNECT_LIST_ALL_SECRETS,
  REMOTE_SECRET_VALUE_MAX,
  SECRET_DEFINE_XML,
  SECRET_GET_VALUE,
  SECRET_GET_XML_DESC,
  SECRET_LOOKUP_BY_USAGE,
  SECRET_LOOKUP_BY_UUID,
  SECRET_SET_VALUE,
  SECRET_UNDEFINE,
  type CallOptions,
  type SecretRef,
  isUuid,
} from '../../rpc/index.js';
import { type SecretModel, type SecretUsage, buildSecretXml, parseSecretXml } from '../../xml/index.js';
import type { ResourceCall } from './types.js';

/** A secret named by its UUID, or a reference returned by the SDK. */
export type SecretInput = string | SecretRef;

/** virSecretUsageType numbers, by the name `<usage type>` uses. */
const USAGE_TYPES: Readonly<Record<string, number>> = { none: 0, volume: 1, ceph: 2, iscsi: 3, tls: 4, vtpm: 5 };

/** Filters of {@link SecretResource.list} (virConnectListAllSecretsFlags). */
export interface SecretListOptions extends CallOptions {
  /** `true`: only ephemeral secrets; `false`: only persistent ones. */
  ephemeral?: boolean;
  /** `true`: only private secrets; `false`: only readable ones. */
  private?: boolean;
}

/** A value accepted by {@link SecretResource.setValue}: raw bytes, or a string sent as UTF-8. */
export type SecretValue = Uint8Array | string;

function listFlags(o: SecretListOptions): number {
  // EPHEMERAL=1, NO_EPHEMERAL=2, PRIVATE=4, NO_PRIVATE=8
  return (o.ephemeral === undefined ? 0 : o.ephemeral ? 1 : 2) | (o.private === undefined ? 0 : o.private ? 4 : 8);
}

/**
 * libvirt secrets: passphrases of encrypted volumes, Ceph/iSCSI credentials,
 * TLS key passphrases. Values are bytes that never appear in the SDK's logs,
 * errors or events; they travel in clear inside the RPC payload, so use a
 * UNIX socket, TLS or SSH transport.
 *
 * @example
 * const ref = await conn.secrets.define({ private: true, usage: { type: 'ceph', id: 'client.admin' } });
 * await conn.secrets.setValue(ref, cephKeyBytes);
 */
export class SecretResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /** Every secret, optionally filtered. @see virConnectListAllSecrets */
  async list(options: SecretListOptions = {}): Promise<SecretRef[]> {
    return (await this.#call(CONNECT_LIST_ALL_SECRETS, { need_results: 1, flags: listFlags(options) }, options)).secrets;
  }

  /**
   * Find a secret by UUID.
   * @throws {@link InvalidArgumentError} when `uuid` is not a UUID (nothing sent)
   * @throws LibvirtError VIR_ERR_NO_SECRET when there is none
   * @see virSecretLookupByUUID
   */
  async lookup(uuid: string, options?: CallOptions): Promise<SecretRef> {
    if (!isUuid(uuid)) throw new InvalidArgumentError('uuid must be a secret UUID', { path: 'uuid' });
    return (await this.#call(SECRET_LOOKUP_BY_UUID, { uuid }, options)).secret;
  }

  /**
   * Find a secret by what it is for, e.g. `{ type: 'volume', id: '/var/lib/libvirt/images/x.img' }`.
   * @throws LibvirtError VIR_ERR_NO_SECRET when there is none
   * @see virSecretLookupByUsage
   */
  async lookupByUsage(usage: SecretUsage, options?: CallOptions): Promise<SecretRef> {
    const usageType = USAGE_TYPES[usage?.type];
    if (usageType === undefined)
      throw new InvalidArgumentError(`usage.type must be one of ${Object.keys(USAGE_TYPES).join(', ')}`, { path: 'usage.type' });
    if (typeof usage.id !== 'string' || usage.id === '')
      throw new InvalidArgumentError('usage.id must be a non-empty string', { path: 'usage.id' });
    return (await this.#call(SECRET_LOOKUP_BY_USAGE, { usageType, usageID: usage.id }, options)).secret;
  }

  /**
   * Define a secret (a model, or XML as is). Redefining an existing UUID updates it.
   * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad model (nothing sent)
   * @see virSecretDefineXML
   */
  async define(secret: SecretModel | string, options?: CallOptions): Promise<SecretRef> {
    const xml = typeof secret === 'string' ? secret : buildSecretXml(secret);
    return (await this.#call(SECRET_DEFINE_XML, { xml, flags: 0 }, options)).secret;
  }

  /** The secret's XML (never its value). @see virSecretGetXMLDesc */
  async getXml(secret: SecretInput, options?: CallOptions): Promise<string> {
    return (await this.#call(SECRET_GET_XML_DESC, { secret: await this.#resolve(secret, options), flags: 0 }, options)).xml;
  }

  /** The secret's definition, parsed. @see virSecretGetXMLDesc */
  async get(secret: SecretInput, options?: CallOptions): Promise<SecretModel> {
    return parseSecretXml(await this.getXml(secret, options));
  }

  /**
   * Set the value (1–65536 bytes). The caller's buffer is not kept; the SDK zeroes its own copy of a string.
   * @throws {@link InvalidArgumentError} for an empty or oversized value (nothing sent; the message never holds the value)
   * @see virSecretSetValue
   */
  async setValue(secret: SecretInput, value: SecretValue, options?: CallOptions): Promise<void> {
    const bytes =
      typeof value === 'string'
        ? Buffer.from(value, 'utf8')
        : value instanceof Uint8Array
          ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
          : null;
    if (bytes === null) throw new InvalidArgumentError('value must be a Uint8Array or a string', { path: 'value' });
    try {
      if (bytes.length === 0 || bytes.length > REMOTE_SECRET_VALUE_MAX)
        throw new InvalidArgumentError(`value must be 1 to ${REMOTE_SECRET_VALUE_MAX} bytes (got ${bytes.length})`, { path: 'value' });
      await this.#call(SECRET_SET_VALUE, { secret: await this.#resolve(secret, options), value: bytes, flags: 0 }, options);
    } finally {
      if (typeof value === 'string') bytes.fill(0);
    }
  }

  /**
   * Read the value. Zero the buffer when done with it.
   * @throws LibvirtError VIR_ERR_INVALID_SECRET / OPERATION_DENIED for a private secret or a read-only connection
   * @see virSecretGetValue
   */
  async getValue(secret: SecretInput, options?: CallOptions): Promise<Buffer> {
    return (await this.#call(SECRET_GET_VALUE, { secret: await this.#resolve(secret, options), flags: 0 }, options)).value;
  }

  /** Remove the secret. @throws LibvirtError VIR_ERR_NO_SECRET when already gone @see virSecretUndefine */
  async undefine(secret: SecretInput, options?: CallOptions): Promise<void> {
    await this.#call(SECRET_UNDEFINE, { secret: await this.#resolve(secret, options) }, options);
  }

  async #resolve(secret: SecretInput, options?: CallOptions): Promise<SecretRef> {
    if (typeof secret === 'object' && secret !== null && typeof secret.uuid === 'string') return secret;
    if (typeof secret !== 'string') throw new InvalidArgumentError('secret must be a UUID or a secret reference', { path: 'secret' });
    return this.lookup(secret, options);
  }
}
