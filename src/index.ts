/**
 * libvirt-manager: manage libvirt virtual machines from Node.js over libvirt's
 * own RPC protocol, in pure TypeScript.
 *
 * Start with {@link LibvirtManager}; every module can also be imported alone:
 * `libvirt-manager/connection`, `/creator`, `/lifecycle`, `/destroyer`,
 * `/state`, `/testing`, and `/protocol` (every procedure descriptor, event
 * message, enum and wire constant, for `connection.call()` and raw clients).
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
export {
  connectRpc,
  openRpcLink,
  RpcClient,
  type ConnectRpcOptions,
  type RpcLink,
  type Procedure,
  type RawCall,
} from './rpc/index.js';
