/**
 * Listing domains: every domain with libvirt's list filters, and every
 * domain's state in one call. Lookups of one domain are in `refs.ts`.
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors/index.js';
import {
  CONNECT_GET_ALL_DOMAIN_STATS,
  CONNECT_LIST_ALL_DOMAINS,
  type CallOptions,
  type DomainRef,
  typedParamsToRecord,
} from '../../rpc/index.js';
import { type DomainState, stateOf } from './domain-facts.js';
import type { ResourceCall } from './types.js';

/** One domain and its state, as {@link DomainResource.listStates} returns them. */
export interface DomainStateEntry extends DomainState {
  domain: DomainRef;
}

/** Filters of {@link DomainResource.list} (`virConnectListAllDomainsFlags`); unset fields do not filter. */
export interface DomainListFilter {
  active?: boolean;
  persistent?: boolean;
  /** Only domains in one of these states ('other' = paused-like states libvirt groups as OTHER). */
  states?: readonly ('running' | 'paused' | 'shutoff' | 'other')[];
  autostart?: boolean;
  managedSave?: boolean;
  hasSnapshot?: boolean;
}

function listFlags(filter: DomainListFilter): number {
  let flags = 0;
  const pair = (value: boolean | undefined, yes: number, no: number): void => {
    if (value === true) flags |= yes;
    else if (value === false) flags |= no;
  };
  pair(filter.active, 1, 2);
  pair(filter.persistent, 4, 8);
  pair(filter.managedSave, 256, 512);
  pair(filter.autostart, 1024, 2048);
  pair(filter.hasSnapshot, 4096, 8192);
  const stateBits = { running: 16, paused: 32, shutoff: 64, other: 128 } as const;
  for (const s of filter.states ?? []) {
    const bit = stateBits[s];
    if (bit === undefined) throw new InvalidArgumentError(`unknown state filter ${JSON.stringify(s)}`, { path: 'filter.states' });
    flags |= bit;
  }
  return flags;
}

/** `virConnectListAllDomains` with the filter's flags (a bad filter throws before anything is sent). */
export async function listDomains(call: ResourceCall, options: CallOptions & { filter?: DomainListFilter }): Promise<DomainRef[]> {
  const { domains } = await call(CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: listFlags(options.filter ?? {}) }, options);
  return domains;
}

/** Every domain's state in one `virConnectGetAllDomainStats` call (the `state` group only). */
export async function listDomainStates(call: ResourceCall, options: CallOptions): Promise<DomainStateEntry[]> {
  const { retStats } = await call(CONNECT_GET_ALL_DOMAIN_STATS, { doms: [], stats: 1 /* VIR_DOMAIN_STATS_STATE */, flags: 0 }, options);
  return retStats.map((record) => {
    const stats = typedParamsToRecord(record.params);
    return { domain: record.dom, ...stateOf(Number(stats['state.state'] ?? 0), Number(stats['state.reason'] ?? 0)) };
  });
}
