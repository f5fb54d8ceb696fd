import { type Socket, connect } from 'node:net';
import { RpcClient, type RpcClientOptions } from '../../src/rpc/client.js';
import { handshake } from '../../src/rpc/handshake.js';
import { procedure } from '../../src/rpc/protocol/procedure.js';
import { nonnullDomain, nonnullString, nonnullStorageVol } from '../../src/rpc/protocol/types.js';
import { eventMessage } from '../../src/rpc/protocol/procedure.js';
import { int, struct, uhyper, uint, xdrVoid } from '../../src/rpc/xdr/index.js';
import { FakeLibvirtDaemon } from '../../src/testing/index.js';

/** Minimal descriptors used by client tests, independent of the full descriptor set. */
export const LIB_VERSION = procedure(157, 'CONNECT_GET_LIB_VERSION', xdrVoid, struct({ lib_ver: uhyper }), { priority: 'high' });
export const LOOKUP = procedure(23, 'DOMAIN_LOOKUP_BY_NAME', struct({ name: nonnullString }), struct({ dom: nonnullDomain }));
export const DOWNLOAD = procedure(
  209,
  'STORAGE_VOL_DOWNLOAD',
  struct({ vol: nonnullStorageVol, offset: uhyper, length: uhyper, flags: uint }),
  xdrVoid,
  { stream: 'read' },
);
export const UPLOAD = procedure(
  208,
  'STORAGE_VOL_UPLOAD',
  struct({ vol: nonnullStorageVol, offset: uhyper, length: uhyper, flags: uint }),
  xdrVoid,
  { stream: 'write' },
);
export const LIFECYCLE_EVENT = eventMessage(
  318,
  'DOMAIN_EVENT_CALLBACK_LIFECYCLE',
  struct({ callbackID: int, msg: struct({ dom: nonnullDomain, event: int, detail: int }) }),
);

export const vol = { pool: 'p', name: 'v', key: '/p/v' };

/** Start a fake daemon and a connected, handshaken client. */
export async function fakePair(
  clientOptions: RpcClientOptions & { keepalive?: { interval: number; count: number } | false } = {},
  daemonOptions: ConstructorParameters<typeof Object>[0] = {},
): Promise<{ daemon: FakeLibvirtDaemon; client: RpcClient; socket: Socket; dispose: () => Promise<void> }> {
  const daemon = await FakeLibvirtDaemon.start(daemonOptions as never);
  const socket = connect(daemon.socketPath);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const { keepalive, ...rest } = clientOptions;
  const client = new RpcClient(socket, rest);
  await handshake(client, { name: 'test:///default', keepalive: keepalive ?? false });
  return {
    daemon,
    client,
    socket,
    dispose: async () => {
      client.destroy();
      await daemon.stop();
    },
  };
}
