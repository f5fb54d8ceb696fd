import {
  type CallOptions,
  type DomainRef,
  DomainNotFoundError,
  type DomainStateName,
  type LibvirtConnection,
  UnsupportedError,
} from '../connection/internal.js';
import { vmKey as uuidKeyOf } from '../runtime/index.js';

/**
 * One domain's state as a resync read it.
 * @example { domain, state: 'running', reason: 'booted', stateCode: 1, reasonCode: 1, persistent: true }
 * @see readDomainStates
 */
export interface DomainReading {
  domain: DomainRef;
  state: DomainStateName;
  reason: string;
  /** libvirt's numbers, so the next resync can tell "unchanged" without reading the names again. */
  stateCode: number;
  reasonCode: number;
  persistent: boolean;
}

/**
 * What one resync found.
 * @example const { present, readings, via } = await readDomainStates(conn, () => true);
 * @see readDomainStates
 */
export interface ResyncResult {
  /** Every domain that exists (UUID keys). */
  present: Set<string>;
  /** Fresh readings of the domains `needsRead` asked for. */
  readings: DomainReading[];
  /** `'stats'`: one CONNECT_GET_ALL_DOMAIN_STATS call; `'list'`: the fallback (list + a read per domain). */
  via: 'stats' | 'list';
}

/** How many DOMAIN_GET_STATE calls a resync keeps in flight (the RPC client pipelines them). */
const READ_CONCURRENCY = 32;

/**
 * Read every domain's state the cheap way: one `virConnectGetAllDomainStats`
 * call (group `state`, via `conn.domains.listStates()`) returns every domain
 * with its state and reason, plus one `virConnectListAllDomains` for the
 * transient ones. Only the domains `needsRead` picks (new ones, or numbers
 * that differ from the last reading) are reported. A driver without
 * all-domain stats falls back to listing and one DOMAIN_GET_STATE each.
 *
 * @example const { present, readings } = await readDomainStates(conn, (key, s, r) => !known.has(key), { timeout: 30_000 });
 * @throws connection errors of the list/stats calls (`ConnectionClosedError`, `TimeoutError`, `AbortError`…)
 * @see virConnectGetAllDomainStats
 * @see virDomainGetState
 */
export async function readDomainStates(
  connection: Pick<LibvirtConnection, 'domains' | 'host'>,
  needsRead: (key: string, stateCode: number, reasonCode: number) => boolean,
  options: CallOptions = {},
): Promise<ResyncResult> {
  const [found, transient] = await Promise.all([
    connection.domains.listStates(options).then(
      (entries) => ({ via: 'stats' as const, domains: entries }),
      async (error: unknown) => {
        if (!(error instanceof UnsupportedError)) throw error;
        const refs = await connection.domains.list(options);
        return {
          via: 'list' as const,
          domains: refs.map((domain) => ({ domain, state: undefined, reason: '', stateCode: -1, reasonCode: -1 })),
        };
      },
    ),
    connection.domains.list({ ...options, filter: { persistent: false } }),
  ]);
  const transientKeys = new Set(transient.map((d) => uuidKeyOf(d)));
  const present = new Set<string>();
  const toRead: DomainRef[] = [];
  const readings: DomainReading[] = [];
  for (const entry of found.domains) {
    const key = uuidKeyOf(entry.domain);
    present.add(key);
    if (entry.stateCode >= 0 && !needsRead(key, entry.stateCode, entry.reasonCode)) continue;
    if (entry.state === undefined) {
      toRead.push(entry.domain); // the fallback path has no state yet
      continue;
    }
    // The stats call already carries the names: no per-domain read needed.
    readings.push({
      domain: entry.domain,
      state: entry.state,
      reason: entry.reason,
      stateCode: entry.stateCode,
      reasonCode: entry.reasonCode,
      persistent: !transientKeys.has(key),
    });
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < toRead.length) {
      const domain = toRead[next++]!;
      try {
        const s = await connection.domains.getState(domain, options);
        readings.push({
          domain,
          state: s.state,
          reason: s.reason,
          stateCode: s.stateCode,
          reasonCode: s.reasonCode,
          persistent: !transientKeys.has(uuidKeyOf(domain)),
        });
      } catch (error) {
        // Gone between the list and the read: leave it out; it no longer exists.
        if (!(error instanceof DomainNotFoundError)) throw error;
        present.delete(uuidKeyOf(domain));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, toRead.length) }, worker));
  return { present, readings, via: found.via };
}
