/**
 * The work the RPC benchmark measures: one workload per baseline scenario
 * (bench/baseline/rpc.py), each a validated operation both sides repeat, and
 * the helpers that define and remove the benchmark's test-driver domains.
 */
import {
  CONNECT_GET_ALL_DOMAIN_STATS,
  CONNECT_GET_LIB_VERSION,
  CONNECT_LIST_ALL_DOMAINS,
  DOMAIN_CREATE_WITH_FLAGS,
  DOMAIN_DEFINE_XML_FLAGS,
  DOMAIN_DESTROY_FLAGS,
  DOMAIN_GET_STATE,
  DOMAIN_GET_XML_DESC,
  DOMAIN_LOOKUP_BY_NAME,
  DOMAIN_UNDEFINE_FLAGS,
  type DomainRef,
  type RpcClient,
} from '../../src/rpc/index.js';
import { PREFIX, TEST_DOMAIN } from './config.js';

const VIR_DOMAIN_RUNNING = 1;

/** The work one worker repeats: one operation, validated. */
export type Op = (worker: number, seq: number) => Promise<void>;

/** What both sides run for one figure: the baseline scenario and our equivalent. */
export interface Workload {
  scenario: 'libversion' | 'getstate' | 'xmldesc' | 'listall' | 'allstats' | 'cycle';
  /** Extra arguments for the peers (bench/baseline/rpc.py and rpc.go). */
  cArgs?: string[];
  prepare(client: RpcClient, prefix: string): Promise<Op>;
  cleanup?(client: RpcClient, prefix: string): Promise<void>;
}

export const libVersion: Workload = {
  scenario: 'libversion',
  async prepare(client) {
    const { lib_ver: expected } = await client.call(CONNECT_GET_LIB_VERSION, undefined);
    return async () => {
      const { lib_ver } = await client.call(CONNECT_GET_LIB_VERSION, undefined);
      if (lib_ver !== expected) throw new Error(`lib_ver ${lib_ver}, expected ${expected}`);
    };
  },
};

export const getState: Workload = {
  scenario: 'getstate',
  async prepare(client) {
    const { dom } = await client.call(DOMAIN_LOOKUP_BY_NAME, { name: TEST_DOMAIN });
    return async () => {
      const { state } = await client.call(DOMAIN_GET_STATE, { dom, flags: 0 });
      if (state !== VIR_DOMAIN_RUNNING) throw new Error(`state ${state}, expected running (1)`);
    };
  },
};

export const xmlDesc: Workload = {
  scenario: 'xmldesc',
  async prepare(client) {
    const { dom } = await client.call(DOMAIN_LOOKUP_BY_NAME, { name: TEST_DOMAIN });
    const marker = `<name>${TEST_DOMAIN}</name>`;
    const expected = (await client.call(DOMAIN_GET_XML_DESC, { dom, flags: 0 })).xml.length;
    return async () => {
      const { xml } = await client.call(DOMAIN_GET_XML_DESC, { dom, flags: 0 });
      if (xml.length !== expected || !xml.includes(marker)) throw new Error(`XML of ${xml.length} characters, expected ${expected}`);
    };
  },
};

export function listAll(expected: number): Workload {
  return {
    scenario: 'listall',
    cArgs: ['--expect', String(expected)],
    async prepare(client) {
      return async () => {
        const { domains } = await client.call(CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
        // At least: other clients of the shared test driver may define domains meanwhile.
        if (domains.length < expected) throw new Error(`${domains.length} domains, expected at least ${expected}`);
      };
    },
  };
}

/**
 * CONNECT_GET_ALL_DOMAIN_STATS with every group the driver supports (stats 0), typed parameters
 * decoded. Every record must carry an int `state.state`: the same check on all three sides.
 */
export function allStats(expected: number): Workload {
  return {
    scenario: 'allstats',
    cArgs: ['--expect', String(expected)],
    async prepare(client) {
      return async () => {
        const { retStats } = await client.call(CONNECT_GET_ALL_DOMAIN_STATS, { doms: [], stats: 0, flags: 0 });
        if (retStats.length < expected) throw new Error(`${retStats.length} records, expected at least ${expected}`);
        for (const { dom, params } of retStats) {
          if (!params.some((p) => p.field === 'state.state' && p.type === 'int'))
            throw new Error(`record of ${dom.name} has no state.state`);
        }
      };
    },
  };
}

function domainXml(name: string): string {
  // The same tiny test-driver domain as bench/baseline/rpc.py.
  return `<domain type='test'><name>${name}</name><memory unit='KiB'>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
}

export const cycle: Workload = {
  scenario: 'cycle',
  async prepare(client, prefix) {
    return async (worker, seq) => {
      const name = `${prefix}-${worker}-${seq}`;
      const { dom } = await client.call(DOMAIN_DEFINE_XML_FLAGS, { xml: domainXml(name), flags: 0 });
      let leftover: DomainRef | null = dom;
      try {
        if (dom.name !== name) throw new Error(`defined ${dom.name}, expected ${name}`);
        const { dom: running } = await client.call(DOMAIN_CREATE_WITH_FLAGS, { dom, flags: 0 });
        if (running.id <= 0) throw new Error(`${name} started with id ${running.id}`);
        await client.call(DOMAIN_DESTROY_FLAGS, { dom: running, flags: 0 });
        await client.call(DOMAIN_UNDEFINE_FLAGS, { dom: running, flags: 0 });
        leftover = null;
      } finally {
        if (leftover !== null) await removeDomain(client, leftover);
      }
    };
  },
  async cleanup(client, prefix) {
    await removeDomains(client, `${prefix}-`);
  },
};

async function removeDomain(client: RpcClient, dom: DomainRef): Promise<void> {
  await client.call(DOMAIN_DESTROY_FLAGS, { dom, flags: 0 }).catch(() => undefined);
  await client.call(DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 }).catch(() => undefined);
}

/** Destroy and undefine every domain whose name starts with `prefix`; returns how many. */
export async function removeDomains(client: RpcClient, prefix: string): Promise<number> {
  const { domains } = await client.call(CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
  const ours = domains.filter((d) => d.name.startsWith(prefix));
  await inBatches(ours, 32, (dom) => removeDomain(client, dom));
  return ours.length;
}

/** Define `count` inactive test-driver domains for the duration of `fn`, then undefine them. */
export async function withDomains(client: RpcClient, count: number, fn: (total: number) => Promise<void>): Promise<void> {
  const prefix = `${PREFIX}list-${process.pid}-`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  try {
    await inBatches(names, 32, (name) => client.call(DOMAIN_DEFINE_XML_FLAGS, { xml: domainXml(name), flags: 0 }));
    const { domains } = await client.call(CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
    await fn(domains.length);
  } finally {
    await removeDomains(client, prefix);
  }
}

async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
