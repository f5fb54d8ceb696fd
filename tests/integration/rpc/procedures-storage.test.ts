/**
 * Every storage pool, storage volume and network descriptor (and their event
 * registrations) against the real daemon's test driver. The test driver lacks
 * volume upload/download/wipe/resize/get-info-flags and DHCP leases; those are
 * checked to fail with UnsupportedError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as P from '../../../src/rpc/protocol/index.js';
import { type ProcedureHarness, bestEffort, openHarness, uniqueName } from './procedure-helpers.js';

let h: ProcedureHarness;
const poolName = uniqueName('pool');
const transientPool = uniqueName('tpool');
const netName = uniqueName('net');
const transientNet = uniqueName('tnet');
const poolXml = (n: string) => `<pool type='dir'><name>${n}</name><target><path>/${n}</path></target></pool>`;
const volXml = (n: string) => `<volume><name>${n}</name><capacity unit='bytes'>1048576</capacity></volume>`;
const netXml = (n: string) => `<network><name>${n}</name></network>`;

beforeAll(async () => {
  h = await openHarness();
});

afterAll(async () => {
  const pool = async (name: string) => (await h.client.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name })).pool;
  const net = async (name: string) => (await h.client.call(P.NETWORK_LOOKUP_BY_NAME, { name })).net;
  await bestEffort(
    async () => h.client.call(P.STORAGE_POOL_DESTROY, { pool: await pool(poolName) }),
    async () => h.client.call(P.STORAGE_POOL_UNDEFINE, { pool: await pool(poolName) }),
    async () => h.client.call(P.STORAGE_POOL_DESTROY, { pool: await pool(transientPool) }),
    async () => h.client.call(P.NETWORK_DESTROY, { net: await net(netName) }),
    async () => h.client.call(P.NETWORK_UNDEFINE, { net: await net(netName) }),
    async () => h.client.call(P.NETWORK_DESTROY, { net: await net(transientNet) }),
  );
  await h.close();
});

describe('storage pools and volumes', () => {
  let pool: P.StoragePoolRef;

  it('list and look up the default pool', async () => {
    const { pools, ret } = await h.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: 0 });
    expect(ret).toBe(pools.length);
    const def = (await h.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: 'default-pool' })).pool;
    expect(pools).toContainEqual(def);
    expect((await h.call(P.STORAGE_POOL_LOOKUP_BY_UUID, { uuid: def.uuid })).pool).toEqual(def);
    await h.fails(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: uniqueName('missing') }, 49);
  });

  it('define, build, start, describe and refresh a pool (with pool events)', async () => {
    const lifecycle = await h.call(P.CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, { eventID: 0, pool: null });
    pool = (await h.call(P.STORAGE_POOL_DEFINE_XML, { xml: poolXml(poolName), flags: 0 })).pool;
    const defined = await h.waitForEvent((e) => e.family === 'storagePool' && e.value.pool.name === poolName, 'pool DEFINED');
    expect(defined.value).toMatchObject({ callbackID: lifecycle.callbackID, event: 0 });
    await h.call(P.CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY, lifecycle);
    const refresh = await h.call(P.CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, { eventID: 1, pool });
    await h.call(P.STORAGE_POOL_BUILD, { pool, flags: 0 });
    await h.call(P.STORAGE_POOL_CREATE, { pool, flags: 0 });
    expect(await h.call(P.STORAGE_POOL_IS_ACTIVE, { pool })).toEqual({ active: 1 });
    expect((await h.call(P.STORAGE_POOL_GET_INFO, { pool })).state).toBe(P.VirStoragePoolState.VIR_STORAGE_POOL_RUNNING);
    expect((await h.call(P.STORAGE_POOL_GET_XML_DESC, { pool, flags: 0 })).xml).toContain(`<name>${poolName}</name>`);
    await h.call(P.STORAGE_POOL_SET_AUTOSTART, { pool, autostart: 1 });
    expect(await h.call(P.STORAGE_POOL_GET_AUTOSTART, { pool })).toEqual({ autostart: 1 });
    await h.call(P.STORAGE_POOL_REFRESH, { pool, flags: 0 });
    const refreshed = await h.waitForEvent((e) => e.name === 'STORAGE_POOL_EVENT_REFRESH', 'pool REFRESH');
    expect(refreshed.value).toEqual({ callbackID: refresh.callbackID, pool });
    await h.call(P.CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY, refresh);
  });

  it('volumes: create, clone, look up, describe, delete', async () => {
    const vol = (await h.call(P.STORAGE_VOL_CREATE_XML, { pool, xml: volXml('a.img'), flags: 0 })).vol;
    expect(vol).toMatchObject({ pool: poolName, name: 'a.img' });
    const clone = (await h.call(P.STORAGE_VOL_CREATE_XML_FROM, { pool, xml: volXml('b.img'), clonevol: vol, flags: 0 })).vol;
    const listed = await h.call(P.STORAGE_POOL_LIST_ALL_VOLUMES, { pool, need_results: 1, flags: 0 });
    expect(listed.vols).toEqual(expect.arrayContaining([vol, clone]));
    expect((await h.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name: 'a.img' })).vol).toEqual(vol);
    expect((await h.call(P.STORAGE_VOL_LOOKUP_BY_KEY, { key: vol.key })).vol).toEqual(vol);
    const { name: path } = await h.call(P.STORAGE_VOL_GET_PATH, { vol });
    expect((await h.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path })).vol).toEqual(vol);
    expect((await h.call(P.STORAGE_POOL_LOOKUP_BY_VOLUME, { vol })).pool).toEqual(pool);
    expect(await h.call(P.STORAGE_VOL_GET_INFO, { vol })).toMatchObject({ type: 0, capacity: 1_048_576n });
    expect((await h.call(P.STORAGE_VOL_GET_XML_DESC, { vol, flags: 0 })).xml).toContain('<name>a.img</name>');
    await h.unsupported(P.STORAGE_VOL_GET_INFO_FLAGS, { vol, flags: 0 });
    await h.unsupported(P.STORAGE_VOL_WIPE, { vol, flags: 0 });
    await h.unsupported(P.STORAGE_VOL_WIPE_PATTERN, { vol, algorithm: 0, flags: 0 });
    await h.unsupported(P.STORAGE_VOL_RESIZE, { vol, capacity: 2n ** 21n, flags: 0 });
    await h.unsupported(P.STORAGE_VOL_UPLOAD, { vol, offset: 0n, length: 0n, flags: 0 });
    await h.unsupported(P.STORAGE_VOL_DOWNLOAD, { vol, offset: 0n, length: 0n, flags: 0 });
    await h.call(P.STORAGE_VOL_DELETE, { vol: clone, flags: 0 });
    await h.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 });
    await h.fails(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name: 'a.img' }, 50);
  });

  it('stop, delete and undefine; transient pools vanish when destroyed', async () => {
    await h.call(P.STORAGE_POOL_DESTROY, { pool });
    await h.call(P.STORAGE_POOL_DELETE, { pool, flags: 0 });
    await h.call(P.STORAGE_POOL_UNDEFINE, { pool });
    const t = (await h.call(P.STORAGE_POOL_CREATE_XML, { xml: poolXml(transientPool), flags: 0 })).pool;
    expect(await h.call(P.STORAGE_POOL_IS_ACTIVE, { pool: t })).toEqual({ active: 1 });
    await h.call(P.STORAGE_POOL_DESTROY, { pool: t });
    await h.fails(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: transientPool }, 49);
  });
});

describe('storage discovery (test driver: made-up sources; no capabilities or target-path lookup)', () => {
  it('finds sources, tells persistence, and refuses the rest', async () => {
    expect((await h.call(P.CONNECT_FIND_STORAGE_POOL_SOURCES, { type: 'logical', srcSpec: null, flags: 0 })).xml).toContain('<sources>');
    await h.fails(P.CONNECT_FIND_STORAGE_POOL_SOURCES, { type: 'netfs', srcSpec: null, flags: 0 }, 8);
    const pool = (await h.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: 'default-pool' })).pool;
    expect(await h.call(P.STORAGE_POOL_IS_PERSISTENT, { pool })).toEqual({ persistent: 1 });
    await h.unsupported(P.CONNECT_GET_STORAGE_POOL_CAPABILITIES, { flags: 0 });
    await h.unsupported(P.STORAGE_POOL_LOOKUP_BY_TARGET_PATH, { path: '/default-pool' });
  });
});

describe('networks', () => {
  it('list and look up the default network', async () => {
    const { nets, ret } = await h.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: 0 });
    expect(ret).toBe(nets.length);
    const def = (await h.call(P.NETWORK_LOOKUP_BY_NAME, { name: 'default' })).net;
    expect((await h.call(P.NETWORK_LOOKUP_BY_UUID, { uuid: def.uuid })).net).toEqual(def);
    expect(await h.call(P.NETWORK_GET_BRIDGE_NAME, { net: def })).toEqual({ name: 'virbr0' });
    await h.unsupported(P.NETWORK_GET_DHCP_LEASES, { net: def, mac: null, need_results: 1, flags: 0 });
    await h.fails(P.NETWORK_LOOKUP_BY_NAME, { name: uniqueName('missing') }, 43);
  });

  it('define (both forms), start, describe, stop, undefine (with network events)', async () => {
    const reg = await h.call(P.CONNECT_NETWORK_EVENT_REGISTER_ANY, { eventID: 0, net: null });
    const net = (await h.call(P.NETWORK_DEFINE_XML_FLAGS, { xml: netXml(netName), flags: 0 })).net;
    const defined = await h.waitForEvent((e) => e.family === 'network' && e.value.net.name === netName, 'network DEFINED');
    expect(defined.value).toEqual({ callbackID: reg.callbackID, net, event: 0, detail: 0 });
    await h.call(P.CONNECT_NETWORK_EVENT_DEREGISTER_ANY, reg);
    expect(
      (await h.call(P.NETWORK_DEFINE_XML, { xml: netXml(netName).replace('</name>', `</name><uuid>${net.uuid}</uuid>`) })).net,
    ).toEqual(net);
    await h.call(P.NETWORK_CREATE, { net });
    expect(await h.call(P.NETWORK_IS_ACTIVE, { net })).toEqual({ active: 1 });
    expect((await h.call(P.NETWORK_GET_XML_DESC, { net, flags: 0 })).xml).toContain(`<name>${netName}</name>`);
    await h.call(P.NETWORK_SET_AUTOSTART, { net, autostart: 1 });
    expect(await h.call(P.NETWORK_GET_AUTOSTART, { net })).toEqual({ autostart: 1 });
    await h.call(P.NETWORK_DESTROY, { net });
    await h.call(P.NETWORK_UNDEFINE, { net });
    const t = (await h.call(P.NETWORK_CREATE_XML, { xml: netXml(transientNet) })).net;
    await h.call(P.NETWORK_DESTROY, { net: t });
    await h.fails(P.NETWORK_LOOKUP_BY_NAME, { name: transientNet }, 43);
  });

  it('update, persistence, transient create with flags, metadata and ports (test driver: no ports; 444/445 are newer than 9.0)', async () => {
    const name = uniqueName('cfg');
    const { net } = await h.call(P.NETWORK_CREATE_XML_FLAGS, {
      xml: `<network><name>${name}</name><ip address='192.168.242.1' netmask='255.255.255.0'><dhcp><range start='192.168.242.2' end='192.168.242.9'/></dhcp></ip></network>`,
      flags: 0,
    });
    try {
      expect(await h.call(P.NETWORK_IS_PERSISTENT, { net })).toEqual({ persistent: 0 });
      // VIR_NETWORK_UPDATE_COMMAND_ADD_LAST (3), VIR_NETWORK_SECTION_IP_DHCP_HOST (4), AFFECT_LIVE (1).
      const host = "<host mac='52:54:00:00:00:42' ip='192.168.242.42'/>";
      await h.call(P.NETWORK_UPDATE, { net, command: 3, section: 4, parentIndex: -1, xml: host, flags: 1 });
      expect((await h.call(P.NETWORK_GET_XML_DESC, { net, flags: 0 })).xml).toContain("ip='192.168.242.42'");
      await h.answered(P.NETWORK_SET_METADATA, { network: net, type: 0, metadata: 'lvm', key: null, uri: null, flags: 0 });
      await h.answered(P.NETWORK_GET_METADATA, { network: net, type: 0, uri: null, flags: 0 });
      await h.answered(P.NETWORK_LIST_ALL_PORTS, { network: net, need_results: 1, flags: 0 });
      const port = { net, uuid: '5f1b1c1e-0000-4000-8000-000000000042' };
      await h.answered(P.NETWORK_PORT_LOOKUP_BY_UUID, { network: net, uuid: port.uuid });
      await h.answered(P.NETWORK_PORT_CREATE_XML, { network: net, xml: '<networkport/>', flags: 0 });
      await h.answered(P.NETWORK_PORT_GET_PARAMETERS, { port, nparams: 0, flags: 0 });
      await h.answered(P.NETWORK_PORT_SET_PARAMETERS, { port, params: [], flags: 0 });
      await h.answered(P.NETWORK_PORT_GET_XML_DESC, { port, flags: 0 });
      await h.answered(P.NETWORK_PORT_DELETE, { port, flags: 0 });
    } finally {
      await bestEffort(() => h.client.call(P.NETWORK_DESTROY, { net }));
    }
  });

  it('covered every storage and network descriptor', () => {
    const mine = P.ALL_PROCEDURES.filter((d) => /STORAGE|NETWORK/.test(d.name));
    expect(mine.filter((d) => !h.covered.has(d.proc)).map((d) => d.name)).toEqual([]);
  });
});
