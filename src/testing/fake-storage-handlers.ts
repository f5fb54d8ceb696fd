import type { FakeClient, FakeReply } from './fake-daemon.js';
import type { FakeHypervisorModel, FakePool, FakeVolume } from './fake-hypervisor-model.js';
import { fakeError, xmlElementText, xmlSize } from './fake-wire.js';
import { MessageStatus, MessageType } from '../rpc/protocol/constants.js';
import { decodeStreamHole } from '../rpc/stream-hole.js';
import * as P from '../rpc/protocol/procedures/index.js';
import type { StoragePoolRef, StorageVolRef } from '../rpc/protocol/types.js';

const VIR_FROM_STORAGE = 18;
const VIR_FROM_NETWORK = 19;
const noPool = (name: string): FakeReply<never> =>
  fakeError(49, `Storage pool not found: no storage pool with matching name '${name}'`, VIR_FROM_STORAGE);
const noVolume = (what: string): FakeReply<never> =>
  fakeError(50, `Storage volume not found: no storage vol with matching ${what}`, VIR_FROM_STORAGE);
/** virStoragePoolState: RUNNING 2, INACTIVE 0. */
const POOL_RUNNING = 2;

/**
 * Host facts, directory pools and their volumes (create, clone, delete,
 * lookups, upload through a write stream), and network lookups.
 */
export function installStorageHandlers(hv: FakeHypervisorModel): void {
  const { daemon } = hv;
  const volKey = (pool: string, name: string): string => `${pool}/${name}`;
  const poolRef = (p: FakePool): StoragePoolRef => ({ name: p.name, uuid: p.uuid });
  const volRef = (v: FakeVolume): StorageVolRef => ({ pool: v.pool, name: v.name, key: v.path });
  const volume = (ref: StorageVolRef): FakeVolume | undefined => hv.volumes.get(volKey(ref.pool, ref.name));

  // Host.
  daemon.handle(P.CONNECT_GET_TYPE, () => ({ ok: { type: hv.type } }));
  daemon.handle(P.CONNECT_GET_CAPABILITIES, () => ({ ok: { capabilities: hv.capabilities } }));
  daemon.handle(P.CONNECT_GET_DOMAIN_CAPABILITIES, () =>
    hv.domainCapabilities === undefined
      ? fakeError(3, 'this function is not supported by the connection driver: virConnectGetDomainCapabilities', 0)
      : { ok: { capabilities: hv.domainCapabilities } },
  );

  // Pools.
  daemon.handle(P.STORAGE_POOL_LOOKUP_BY_NAME, ({ name }) => {
    const p = hv.pools.get(name);
    return p === undefined ? noPool(name) : { ok: { pool: poolRef(p) } };
  });
  daemon.handle(P.CONNECT_LIST_ALL_STORAGE_POOLS, () => {
    const pools = [...hv.pools.values()].map(poolRef);
    return { ok: { pools, ret: pools.length } };
  });
  const withPool = <R>(ref: StoragePoolRef, answer: (p: FakePool) => FakeReply<R>): FakeReply<R> => {
    const p = hv.pools.get(ref.name);
    return p === undefined ? noPool(ref.name) : answer(p);
  };
  daemon.handle(P.STORAGE_POOL_GET_INFO, ({ pool }) =>
    withPool(pool, (p) => ({
      ok: { state: p.active ? POOL_RUNNING : 0, capacity: p.capacity, allocation: p.capacity - p.available, available: p.available },
    })),
  );
  daemon.handle(P.STORAGE_POOL_GET_XML_DESC, ({ pool }) =>
    withPool(pool, (p) => ({
      ok: {
        xml: `<pool type='dir'><name>${p.name}</name><uuid>${p.uuid}</uuid><capacity unit='bytes'>${p.capacity}</capacity><allocation unit='bytes'>${p.capacity - p.available}</allocation><available unit='bytes'>${p.available}</available><target><path>${p.path}</path></target></pool>`,
      },
    })),
  );
  daemon.handle(P.STORAGE_POOL_REFRESH, ({ pool }) => withPool(pool, () => ({ ok: undefined })));
  daemon.handle(P.STORAGE_POOL_LIST_ALL_VOLUMES, ({ pool }) =>
    withPool(pool, (p) => {
      const vols = [...hv.volumes.values()].filter((v) => v.pool === p.name).map(volRef);
      return { ok: { vols, ret: vols.length } };
    }),
  );

  // Volumes.
  const create = (pool: StoragePoolRef, xml: string): FakeReply<{ vol: StorageVolRef }> =>
    withPool(pool, (p) => {
      const name = xmlElementText(xml, 'name');
      if (name === undefined) return fakeError(27, 'XML error: missing volume name', VIR_FROM_STORAGE);
      if (hv.volumes.has(volKey(p.name, name))) return fakeError(90, `storage volume '${name}' exists already`, VIR_FROM_STORAGE);
      const v: FakeVolume = {
        pool: p.name,
        name,
        path: `${p.path}/${name}`,
        xml,
        capacity: xmlSize(xml, 'capacity') ?? 0n,
        data: Buffer.alloc(0),
      };
      hv.volumes.set(volKey(p.name, name), v);
      return { ok: { vol: volRef(v) } };
    });
  daemon.handle(P.STORAGE_VOL_CREATE_XML, ({ pool, xml }) => create(pool, xml));
  daemon.handle(P.STORAGE_VOL_CREATE_XML_FROM, ({ pool, xml, clonevol }) =>
    volume(clonevol) === undefined ? noVolume(`key '${clonevol.key}'`) : create(pool, xml),
  );
  daemon.handle(P.STORAGE_VOL_LOOKUP_BY_NAME, ({ pool, name }) =>
    withPool(pool, (p) => {
      const v = hv.volumes.get(volKey(p.name, name));
      return v === undefined ? noVolume(`name '${name}'`) : { ok: { vol: volRef(v) } };
    }),
  );
  daemon.handle(P.STORAGE_VOL_LOOKUP_BY_PATH, ({ path }) => {
    const v = [...hv.volumes.values()].find((x) => x.path === path);
    return v === undefined ? noVolume(`path '${path}'`) : { ok: { vol: volRef(v) } };
  });
  const withVolume = <R>(ref: StorageVolRef, answer: (v: FakeVolume) => FakeReply<R>): FakeReply<R> => {
    const v = volume(ref);
    return v === undefined ? noVolume(`name '${ref.name}'`) : answer(v);
  };
  daemon.handle(P.STORAGE_VOL_DELETE, ({ vol }) => withVolume(vol, (v) => (hv.volumes.delete(volKey(v.pool, v.name)), { ok: undefined })));
  daemon.handle(P.STORAGE_VOL_GET_INFO, ({ vol }) =>
    withVolume(vol, (v) => ({ ok: { type: 0, capacity: v.capacity, allocation: BigInt(v.data.length) } })),
  );
  daemon.handle(P.STORAGE_VOL_GET_PATH, ({ vol }) => withVolume(vol, (v) => ({ ok: { name: v.path } })));
  daemon.handle(P.STORAGE_VOL_GET_XML_DESC, ({ vol }) => withVolume(vol, (v) => ({ ok: { xml: v.xml } })));
  installUpload(hv, volume);

  // Networks.
  daemon.handle(P.NETWORK_LOOKUP_BY_NAME, ({ name }) => {
    const n = hv.networks.get(name);
    return n === undefined
      ? fakeError(43, `Network not found: no network with matching name '${name}'`, VIR_FROM_NETWORK)
      : { ok: { net: n } };
  });
}

/**
 * STORAGE_VOL_UPLOAD: the call opens a write stream (its serial); the
 * client's STREAM packets carry the data (CONTINUE), the end (OK) or an
 * abort (ERROR), each confirmed with an empty OK. On a sparse upload
 * (flag `VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM`) a STREAM_HOLE packet reads
 * back as zeros, as the volume's file does. A hole on an upload not opened
 * sparse is what libvirtd 9.0 treats as a broken client: it logs
 * "Unexpected stream hole" and closes the whole connection (no stream
 * ERROR; measured), and so does the fake, keeping nothing of the upload.
 */
function installUpload(hv: FakeHypervisorModel, volume: (ref: StorageVolRef) => FakeVolume | undefined): void {
  const uploads = new Map<FakeClient, Map<number, { target: FakeVolume; chunks: Buffer[]; sparse: boolean }>>();
  hv.daemon.handle(P.STORAGE_VOL_UPLOAD, ({ vol, flags }, { header, client }) => {
    if (!hv.uploadSupported)
      return fakeError(3, 'this function is not supported by the connection driver: virStorageVolUpload', VIR_FROM_STORAGE);
    const target = volume(vol);
    if (target === undefined) return noVolume(`name '${vol.name}'`);
    let open = uploads.get(client);
    if (open === undefined) uploads.set(client, (open = new Map()));
    open.set(header.serial, { target, chunks: [], sparse: (flags & 1) !== 0 });
    return { ok: undefined };
  });
  hv.daemon.onStream((h, payload, client) => {
    const upload = uploads.get(client)?.get(h.serial);
    if (upload === undefined) return;
    if (h.type === MessageType.VIR_NET_STREAM_HOLE) {
      if (upload.sparse) for (const { hole } of decodeStreamHole(payload)) upload.chunks.push(Buffer.alloc(hole));
      else {
        uploads.get(client)?.delete(h.serial);
        client.close();
      }
      return;
    }
    if (h.status === MessageStatus.VIR_NET_CONTINUE) {
      upload.chunks.push(Buffer.from(payload));
      return;
    }
    uploads.get(client)?.delete(h.serial);
    if (h.status === MessageStatus.VIR_NET_OK) upload.target.data = Buffer.concat(upload.chunks);
    // A finish and an abort alike are confirmed, so the client's stream closes at once (nothing is kept on an abort).
    client.sendStream({ proc: P.STORAGE_VOL_UPLOAD.proc, serial: h.serial, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
  });
}
