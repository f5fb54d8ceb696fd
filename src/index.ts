/**
 * libvirt-manager: manage libvirt virtual machines from Node.js over libvirt's
 * own RPC protocol, in pure TypeScript.
 *
 * Start with {@link LibvirtManager}; every module can also be imported alone:
 * `libvirt-manager/connection`, `/creator`, `/lifecycle`, `/destroyer`,
 * `/state`, `/testing`.
 *
 * @module libvirt-manager
 */
export { LibvirtManager, type LibvirtManagerOptions } from './manager.js';
export * from './connection/index.js';
export * from './creator/index.js';
export * from './lifecycle/index.js';
export * from './destroyer/index.js';
export * from './state/index.js';
export * from './xml/index.js';
/**
 * libvirt's wire protocol: every procedure descriptor (`protocol.DOMAIN_GET_STATE`), event message, enum and
 * constant, for `connection.call()` and raw clients.
 */
export * as protocol from './rpc/protocol/index.js';
export {
  connectRpc,
  openRpcLink,
  RpcClient,
  type ConnectRpcOptions,
  type RpcLink,
  type Procedure,
  type RawCall,
} from './rpc/index.js';
