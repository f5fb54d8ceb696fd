import { InvalidArgumentError, isLibvirtCode, type KnownKeys } from '../../errors/index.js';
import { CALL_OPTION_KEYS, NETWORK_GET_METADATA, NETWORK_SET_METADATA, VirDomainMetadataType, type CallOptions } from '../../rpc/index.js';
import { checkOptions } from './check-options.js';
import { impactFlags } from './impact.js';
import { type NetworkInput, checkName, resolveNetwork } from './refs.js';
import type { ResourceCall } from './types.js';

/** `VIR_ERR_NO_NETWORK_METADATA`: the network has no metadata of that kind. */
const VIR_ERR_NO_NETWORK_METADATA = 111;

/**
 * Which metadata of a network: its `<title>`, its `<description>`, or a custom
 * element in `<metadata>` named by its namespace `uri` (and, to set it, the
 * prefix `key` libvirt writes it under).
 */
export type NetworkMetadataKind = 'title' | 'description' | { uri: string; key?: string };

/** Options of {@link NetworkResource.getMetadata} and {@link NetworkResource.setMetadata}. Neither `live` nor `config`: libvirt's "current". */
export interface NetworkMetadataOptions extends CallOptions {
  /** The running network (`VIR_NETWORK_UPDATE_AFFECT_LIVE`). */
  live?: boolean;
  /** The persistent config (`VIR_NETWORK_UPDATE_AFFECT_CONFIG`). */
  config?: boolean;
}

const METADATA_KEYS = { ...CALL_OPTION_KEYS, live: true, config: true } as const satisfies KnownKeys<NetworkMetadataOptions>;

/** The wire `type`, `uri` and `key` of a kind (checked before anything is sent). */
function kindArgs(kind: NetworkMetadataKind, needKey: boolean): { type: number; uri: string | null; key: string | null } {
  if (kind === 'title') return { type: VirDomainMetadataType.VIR_DOMAIN_METADATA_TITLE, uri: null, key: null };
  if (kind === 'description') return { type: VirDomainMetadataType.VIR_DOMAIN_METADATA_DESCRIPTION, uri: null, key: null };
  if (typeof kind !== 'object' || kind === null || typeof kind.uri !== 'string' || kind.uri === '')
    throw new InvalidArgumentError("kind must be 'title', 'description' or { uri, key } for a custom element", { path: 'kind' });
  const key = kind.key === undefined && !needKey ? null : checkName(kind.key, 'kind.key');
  return { type: VirDomainMetadataType.VIR_DOMAIN_METADATA_ELEMENT, uri: kind.uri, key };
}

/** A network's title, description or custom element; `null` when it has none. */
export async function getNetworkMetadata(
  call: ResourceCall,
  network: NetworkInput,
  kind: NetworkMetadataKind,
  options?: NetworkMetadataOptions,
): Promise<string | null> {
  const opts = checkOptions(options, METADATA_KEYS);
  const { type, uri } = kindArgs(kind, false);
  const flags = impactFlags({ live: opts.live, config: opts.config }, 'read');
  const net = await resolveNetwork(call, network, opts);
  try {
    return (await call(NETWORK_GET_METADATA, { network: net, type, uri, flags }, opts)).metadata;
  } catch (error) {
    if (isLibvirtCode(error, VIR_ERR_NO_NETWORK_METADATA)) return null;
    throw error;
  }
}

/** Set (or with `null` remove) a network's title, description or custom element. */
export async function setNetworkMetadata(
  call: ResourceCall,
  network: NetworkInput,
  kind: NetworkMetadataKind,
  value: string | null,
  options?: NetworkMetadataOptions,
): Promise<void> {
  const opts = checkOptions(options, METADATA_KEYS);
  const { type, uri, key } = kindArgs(kind, value !== null);
  if (value !== null && typeof value !== 'string')
    throw new InvalidArgumentError('value must be a string, or null to remove', { path: 'value' });
  const flags = impactFlags({ live: opts.live, config: opts.config }, 'change');
  const net = await resolveNetwork(call, network, opts);
  await call(NETWORK_SET_METADATA, { network: net, type, metadata: value, key, uri, flags }, opts);
}
